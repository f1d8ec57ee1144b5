"""The page's ways in for web articles: an uploaded .html page, a pasted URL, a followed feed
(the page's state object with the fake embedder, against a local server; no browser)."""

from __future__ import annotations

import pytest
from fakes import FakeEmbedder
from webserver import FIXTURES, Site

import rag.ingest.web
from rag import Retriever
from rag.ingest.fetch import Fetcher
from rag.ingest.web import url_doc_id

pytest.importorskip("gradio")
from ui.app import Page  # only with Gradio installed


@pytest.fixture
def site(monkeypatch):
    server = Site().start()
    monkeypatch.setattr(rag.ingest.web, "make_fetcher", lambda: Fetcher(timeout=0.5, retries=0, delay=0))
    yield server
    server.stop()


@pytest.fixture
def page(corpus, tmp_path) -> Page:
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    return Page(retriever, tmp_path / "index" / "uploads")


def test_upload_a_saved_page(page, tmp_path):
    saved = tmp_path / "download.html"
    saved.write_bytes((FIXTURES / "jsonld.html").read_bytes())
    paywall = tmp_path / "paywall.html"
    paywall.write_bytes((FIXTURES / "paywall.html").read_bytes())
    message = page.add_files([(saved, "Harbour strike.html"), (paywall, "paywall.html")])
    assert "Added Harbour&#95;strike.html" in message and "Refused paywall.html: behind a paywall" in message
    doc = page.retriever.documents["Harbour_strike.html"]
    assert doc.extracted and doc.outlet == "The Northern Courier" and doc.authors == ("Ingrid Solberg", "Marcus Webb")


def test_paste_urls_and_follow_a_feed(page, site):
    message = page.add_web(f"{site.url('/news/meta.html')}  {site.url('/report.pdf')} not-a-url")
    assert "Added Library reopens after two years of flood repairs" in message
    assert "content type application/pdf" in message and "Refused not-a-url" in message
    message = page.add_web(site.url("/atom.xml"), feed=True)
    assert message.count("Added") == 2
    assert page.add_web(site.url("/atom.xml"), feed=True).startswith("Nothing new: 2 already indexed.")
    assert "feed:" + site.url("/atom.xml") in page.retriever.sources
    loaded = Retriever.load(page.retriever.index_dir, embedder=FakeEmbedder())
    assert url_doc_id(site.url("/news/liveblog.html")) in loaded.documents
    assert site.url("/news/meta.html") in loaded.sources and site.url("/report.pdf") not in loaded.sources
    assert "Refused" in page.add_web(site.url("/not-a-feed.xml"), feed=True)
