import itertools
from pathlib import Path

import pytest

from rag.ingest.chunking import chunk_document, count_tokens, split_sentences
from rag.ingest.cleaning import clean
from rag.ingest.readers import load_documents, parse_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, (0, len(text)))]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Trump was making the argument.",
        "Conversations between the U.S. and European allies uncovered the complexity.",
        "He was a former defense policy adviser to Sen. Jeanne Shaheen (D-N.H.).",
        "“Nothing’s going to happen,” President Trump told reporters, “until Putin and I get together.”",
        "President Vladimir V. Putin of Russia met President Joseph R. Biden Jr. in Geneva.",
        "The Sino–U.S. relationship was put on a wholly new footing.",
    ],
)
def test_abbreviations_and_quotes_do_not_break_sentences(text):
    assert sentences(text) == [text]


def test_sentences_split_where_they_end():
    text = "The talks stalled. Mr. Smith left early! Would they resume? Nobody knew."
    assert sentences(text) == ["The talks stalled.", "Mr. Smith left early!", "Would they resume?", "Nobody knew."]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A flood watch remains until 7 p.m. Friday. Officials said so.", 2),
        ("It was hit at about 2:40 a.m. local time, the Navy said.", 1),
        ("Polls close at 8 p.m. ET and results come later.", 1),
        ("It arrived at 5 p.m. on Tuesday.", 1),
        ("It ended at 9 p.m. The police left.", 2),
    ],
)
def test_a_time_of_day_does_not_end_the_sentence_it_is_in(text, expected):
    # pysbd ends a sentence at every "a.m."/"p.m."; "until 7 p.m. | Friday." lost the day.
    assert len(sentences(text)) == expected
    assert " ".join(sentences(text)) == text


def test_sentence_spans_are_exact_even_with_odd_whitespace():
    text = "  First  one.   Second\tone.  "
    for s, e in split_sentences(text, (2, len(text) - 2)):
        assert text[s:e] == text[s:e].strip()
    assert sentences(text.strip()) == ["First  one.", "Second\tone."]


def make_doc(text: str, doc_id: str = "d.txt"):
    return parse_document(doc_id, doc_id, text)


def test_chunks_respect_budget_and_overlap_by_one_sentence():
    text = " ".join(f"Sentence number {i} has a few words in it." for i in range(40))
    chunks = chunk_document(make_doc(text), max_tokens=40, overlap=1)
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert a.sentences[-1] == b.sentences[0]
    for c in chunks:
        assert count_tokens(c.text) <= 40
        assert c.text == text[c.start : c.end]


def test_chunk_ids_are_stable_and_sequential():
    text = " ".join(f"Sentence {i} is here." for i in range(50))
    first = chunk_document(make_doc(text), max_tokens=30)
    again = chunk_document(make_doc(text), max_tokens=30)
    assert [c.chunk_id for c in first] == [f"d.txt#{i}" for i in range(len(first))]
    assert first == again


def test_chunks_never_span_removed_boilerplate():
    text = (
        "Paragraph one of the article is here. It has two sentences.\n"
        "Sponsor: ACME widgets for sale\n"
        "Paragraph two of the article is here.\n"
    )
    chunks = chunk_document(make_doc(text), max_tokens=500)
    assert len(chunks) == 2
    assert all("ACME" not in c.text for c in chunks)


def test_one_huge_line_without_breaks_is_cut_within_budget():
    text = "word " * 50_000
    chunks = chunk_document(make_doc(text), max_tokens=96)
    assert all(count_tokens(c.text) <= 96 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    covered = sum(len(c.text.split()) for c in chunks)
    assert covered >= 50_000  # overlap may repeat words, nothing is lost


def test_every_chunk_of_the_real_corpus_is_an_exact_span():
    docs, skipped = load_documents([SEEDS])
    assert len(docs) == 5 and not skipped
    total = 0
    for doc in docs:
        chunks = chunk_document(doc)
        total += len(chunks)
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunk.sentences[0][0] == chunk.start and chunk.sentences[-1][1] == chunk.end
            for s, e in chunk.sentences:
                assert chunk.start <= s < e <= chunk.end
                assert doc.text[s:e].strip() == doc.text[s:e]
            # never crosses text that cleaning removed
            inside = [span for span, _ in clean(doc.text).removed if chunk.start < span[1] and span[0] < chunk.end]
            assert not inside, (chunk.chunk_id, inside)
    assert total > 50


@pytest.mark.model
def test_real_chunks_fit_the_model_window():
    from transformers import AutoTokenizer

    from rag.index.embedders import resolve_model

    tokenizer = AutoTokenizer.from_pretrained(resolve_model("all-MiniLM-L6-v2"))
    docs, _ = load_documents([SEEDS])
    longest = max(len(tokenizer(c.text)["input_ids"]) for d in docs for c in chunk_document(d))
    assert longest <= 256


@pytest.mark.parametrize("width", [60, 72, 80])
@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_a_hard_wrapped_article_has_the_sentences_and_title_of_the_unwrapped_one(path, width):
    """Mail, wire copy and text archives break paragraphs into lines of ~72 characters: each seed
    article, wrapped so (paragraphs apart), splits into the same sentences under the same title as
    with one line per paragraph, and every sentence is still an exact span of the wrapped file."""
    import textwrap

    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").splitlines() if p.strip()]
    one_line = "\n\n".join(paragraphs) + "\n"
    wrapped = "\n\n".join(textwrap.fill(p, width, break_on_hyphens=False) for p in paragraphs) + "\n"

    def sentences(text: str) -> tuple[str, list[str]]:
        doc = parse_document(path.name, str(path), text)
        spans = sorted({s for chunk in chunk_document(doc, 240) for s in chunk.sentences})
        return doc.title, [" ".join(doc.text[s:e].split()) for s, e in spans]

    assert sentences(wrapped) == sentences(one_line)
    assert sum(len(s) for s in sentences(wrapped)[1]) > 0.9 * len(" ".join(paragraphs))


def test_pysbd_with_its_patterns_kept_compiled_splits_as_plain_pysbd():
    """The splitter's patterns compiled once (regex_cache) change its speed, not its sentences:
    over the seed articles, which make pysbd build more patterns than `re` keeps compiled."""
    import re
    import sys

    import pysbd

    from rag.ingest import chunking
    from rag.ingest.regex_cache import CompiledOnce

    chunking._segmenter()  # patches pysbd's modules
    patched = [
        n for n, m in sys.modules.items() if n.startswith("pysbd") and isinstance(getattr(m, "re", None), CompiledOnce)
    ]
    assert "pysbd.abbreviation_replacer" in patched
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    assert texts
    with_cache = [pysbd.Segmenter(language="en", clean=False).segment(t) for t in texts]
    saved = {name: sys.modules[name].re for name in patched}
    try:
        for name in patched:
            sys.modules[name].re = re
        plain = [pysbd.Segmenter(language="en", clean=False).segment(t) for t in texts]
    finally:
        for name, once in saved.items():
            sys.modules[name].re = once
    assert with_cache == plain
