"""Saved web pages: main text without page furniture, metadata from the page, exact citations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import FakeEmbedder

from rag import Retriever
from rag.index.files import read_corpus
from rag.ingest.chunking import chunk_document
from rag.ingest.html import NotAnArticle, extract_article
from rag.ingest.readers import load_documents

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
ARTICLES = ("jsonld.html", "meta.html", "liveblog.html", "comments.html")

# What each page says about itself, in JSON-LD, <meta> tags or its byline.
EXPECTED = {
    "jsonld.html": (
        "Harbour workers end strike after pay deal",
        ("Ingrid Solberg", "Marcus Webb"),
        "The Northern Courier",
        "2025-09-03",
    ),
    "meta.html": (
        "Library reopens after two years of flood repairs",
        ("Priya Nandakumar",),
        "Valley Gazette",
        "2025-06-18",
    ),
    "liveblog.html": (
        "Storm Freya live: power cuts and rail closures as gales hit the coast",
        ("Sian Maddox",),
        "Coastal Herald",
        "2025-11-12",
    ),
    "comments.html": (
        "City council votes to pedestrianise the old market street",
        ("Tomasz Kowal",),
        "Riverside Post",
        "2025-05-07",
    ),
}
# Page furniture of the fixtures: none of it may reach the article text.
FURNITURE = (
    "Advertisement",
    "Share on",
    "Sign up",
    "Morning Briefing",
    "More from Business",
    "Port strike begins",
    "All rights reserved",
    "cookies",
    "Most read",
    "Bypass plan",
    "Tags:",
    "newsroom",
    "You may also like",
    "Bus lane consultation",
    "comments",
    "About time",
    "Half my customers",
    "Leave a comment",
    "WhatsApp",
    "How to prepare for a power cut",
    "Home",
)
# A sentence of each article that must be there, whole.
BODY = {
    "jsonld.html": "The port authority said about 140 ships had been diverted to other harbours during the stoppage.",
    "meta.html": "The council said new flood barriers along the river would be finished before the winter.",
    "liveblog.html": "Forecasters have kept an amber wind warning in place until 6pm.",
    "comments.html": "The traders' association, which opposed the plan, said it would ask for a review after the "
    "first year.",
}


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "saved"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("*.xml"))
    return folder


@pytest.mark.parametrize("name", ARTICLES)
def test_metadata_comes_from_the_page(name):
    article = extract_article((FIXTURES / name).read_bytes())
    assert (article.title, article.authors, article.outlet, article.date) == EXPECTED[name]


@pytest.mark.parametrize("name", ARTICLES)
def test_main_text_has_the_article_and_no_furniture(name):
    article = extract_article((FIXTURES / name).read_bytes())
    assert BODY[name] in article.text
    for bit in FURNITURE:
        assert bit not in article.text, bit
    assert "\n\n\n" not in article.text and "  " not in article.text


def test_canonical_url_is_read_from_the_page():
    article = extract_article((FIXTURES / "jsonld.html").read_bytes())
    assert article.url == "https://www.northern-courier.example/business/2025/09/harbour-workers-end-strike"


@pytest.mark.parametrize(("name", "reason"), [("paywall.html", "behind a paywall"), ("section.html", "not an article")])
def test_pages_that_are_not_articles_are_refused(name, reason):
    with pytest.raises(NotAnArticle, match=reason):
        extract_article((FIXTURES / name).read_bytes())


def test_folder_of_saved_pages_loads_with_exact_chunks(pages):
    (pages / "notes.txt").write_text("A plain text note\n\nPlain text files keep their own cleaning rules here.\n")
    docs, skipped = load_documents([pages])
    by_id = {d.doc_id: d for d in docs}
    assert sorted(by_id) == sorted([*ARTICLES, "notes.txt"])
    assert {Path(s.path).name: s.reason.split(":")[0] for s in skipped} == {
        "paywall.html": "behind a paywall",
        "section.html": "not an article",
    }
    for name in ARTICLES:
        doc = by_id[name]
        assert doc.extracted and doc.source == str((pages / name).resolve())
        assert (doc.title, doc.authors, doc.outlet, doc.date) == EXPECTED[name]
        chunks = chunk_document(doc)
        assert chunks
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            for start, end in chunk.sentences:
                assert chunk.start <= start < end <= chunk.end
    assert not by_id["notes.txt"].extracted
    assert Path(by_id["notes.txt"].source).read_text()[: len("A plain")] == "A plain"


def test_htm_suffix_encoding_and_binary(tmp_path):
    page = (FIXTURES / "meta.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="iso-8859-1"')
    page = page.replace("Millbrook reopened", "Millbrook café reopened")
    (tmp_path / "latin.htm").write_bytes(page.encode("iso-8859-1"))
    (tmp_path / "junk.html").write_bytes(b"\x00\x01\x02\x03" * 100)
    docs, skipped = load_documents([tmp_path])
    assert "Millbrook café reopened" in docs[0].text
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("junk.html", "binary file (contains NUL bytes)")]


def test_index_of_saved_pages_persists_web_fields_and_cites_exactly(pages, tmp_path):
    index = tmp_path / "index"
    retriever = Retriever.build(pages, index, embedder=FakeEmbedder())
    assert sorted(retriever.documents) == sorted(ARTICLES)
    loaded = Retriever.load(index, embedder=FakeEmbedder())
    assert loaded.documents == retriever.documents
    hits = loaded.search("How many ships were diverted during the harbour strike?", k=3)
    assert hits[0].doc_id == "jsonld.html"
    for hit in hits:
        assert loaded.documents[hit.doc_id].text[hit.start : hit.end] == hit.text
        assert hit.source.endswith(".html")


@pytest.mark.model
def test_real_model_answers_from_saved_pages(pages, tmp_path, real_embedder):
    from rag import Assistant

    retriever = Retriever.build(pages, tmp_path / "index", embedder=real_embedder)
    assistant = Assistant(retriever)
    for question, words, doc_id in [
        ("How much did the library repairs cost?", "4.2 million pounds", "meta.html"),
        ("How many homes are without power?", "38,000", "liveblog.html"),
        ("Who is Dorothea Pike?", "regional secretary", "jsonld.html"),
    ]:
        answer = assistant.ask(question)
        assert words in answer.text and answer.citations[0].doc_id == doc_id, question
        for c in answer.citations:
            assert retriever.documents[c.doc_id].text[c.start : c.end] == c.quote
    assert assistant.ask("What did the mayor of Paris say about the Olympics?").abstained


def test_web_libraries_load_on_first_use_only():
    code = (
        "import sys, rag, rag.cli, rag.ingest.web; "
        "print([m for m in ('trafilatura', 'feedparser') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_indexes_written_before_the_web_fields_still_load(tmp_path):
    row = {
        "doc_id": "a.txt",
        "source": "/x/a.txt",
        "text": "Some text.",
        "segments": [[0, 10]],
        "title": "Some text.",
        "authors": [],
        "outlet": None,
        "date": None,
        "content_hash": "h",
    }
    (tmp_path / "documents.jsonl").write_text(json.dumps(row) + "\n")
    (tmp_path / "chunks.jsonl").write_text("")
    documents, _ = read_corpus(tmp_path)
    assert documents["a.txt"].url is None and not documents["a.txt"].extracted
