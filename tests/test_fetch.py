"""The polite HTTP client and article URLs, against a local server (tests/webserver.py)."""

from __future__ import annotations

import time

import pytest
from webserver import FIXTURES

from rag.ingest.fetch import USER_AGENT, Fetcher, FetchError
from rag.ingest.web import fetch_article, load_web, url_doc_id


def test_fetch_names_the_project_and_records_validators(site, fetcher):
    reply = fetcher.get(site.url("/news/jsonld.html"))
    assert reply.status == 200 and b"Harbour workers" in reply.body
    assert reply.etag and reply.last_modified and reply.fetched.endswith("+00:00")
    assert reply.charset == "utf-8"
    agents = {headers["User-Agent"] for _, headers in site.headers}
    assert agents == {USER_AGENT} and "rag" in USER_AGENT
    assert site.hits["/robots.txt"] == 1  # read once per host


def test_conditional_refetch_gets_304(site, fetcher):
    first = fetcher.get(site.url("/news/meta.html"))
    again = fetcher.get(site.url("/news/meta.html"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    sent = [headers for path, headers in site.headers if path == "/news/meta.html"][-1]
    assert sent["If-None-Match"] == first.etag and sent["If-Modified-Since"] == first.last_modified


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/news/nowhere.html", "HTTP 404 Not Found"),
        ("/loop-a", "redirect loop"),
        ("/slow", "timed out after 0.5 s (tried 2 times)"),
        ("/huge", "larger than the 5,000,000-byte limit"),
        ("/huge-declared", "50,000,000 bytes is over the 5,000,000-byte limit"),
        ("/report.pdf", "content type application/pdf"),
        ("/private/secret.html", "robots.txt"),
        ("ftp://127.0.0.1/x", "not an http(s) URL"),
    ],
)
def test_failures_are_one_line(site, fetcher, path, message):
    url = path if "://" in path else site.url(path)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher.get(url)
    text = str(caught.value)
    assert message in text and "\n" not in text and text.startswith(url)
    assert time.monotonic() - started < 3
    if path == "/private/secret.html":
        assert site.hits[path] == 0


def test_retries_with_backoff_after_503(site, fetcher):
    assert fetcher.get(site.url("/flaky")).status == 200
    assert site.hits["/flaky"] == 2


def test_pause_between_requests_to_one_host(site):
    polite = Fetcher(delay=0.3, backoff=0.01)
    started = time.monotonic()
    for _ in range(3):
        polite.get(site.url("/news/meta.html"))
    assert time.monotonic() - started >= 0.6


def test_redirect_is_followed_and_recorded(site, fetcher):
    doc = fetch_article(site.url("/moved"), fetcher)
    assert doc.source == site.url("/moved") and doc.url == site.url("/news/meta.html")
    assert doc.doc_id == url_doc_id(site.url("/moved"))
    assert doc.title == "Library reopens after two years of flood repairs" and doc.extracted


def test_a_batch_of_urls_goes_on_past_failures(site, fetcher):
    urls = [
        site.url(p) for p in ("/news/jsonld.html", "/news/gone.html", "/loop-a", "/report.pdf", "/news/paywall.html")
    ]
    urls.append(site.url("/news/comments.html"))
    docs, skipped = load_web(urls, {}, fetcher)
    assert [d.title for d in docs] == [
        "Harbour workers end strike after pay deal",
        "City council votes to pedestrianise the old market street",
    ]
    assert [s.path for s in skipped] == urls[1:5]
    assert all("\n" not in s.reason for s in skipped)
    for doc in docs:
        assert doc.fetched and doc.etag and doc.url == doc.source


def test_resync_fetches_conditionally_and_keeps_copies_when_a_page_fails(site, fetcher):
    urls = [site.url("/news/jsonld.html"), site.url("/news/meta.html")]
    docs, _ = load_web(urls, {}, fetcher)
    known = {d.doc_id: d for d in docs}
    again, skipped = load_web(urls, known, fetcher)
    assert again == docs and not skipped  # 304: the very same documents
    page = (FIXTURES / "meta.html").read_bytes()
    site.overrides["/news/meta.html"] = page.replace(b"30,000 books", b"31,000 books")
    changed, _ = load_web(urls, known, fetcher)
    assert "31,000 books" in next(d.text for d in changed if "meta" in d.doc_id)
    site.overrides["/news/meta.html"] = b"<html><body><p>Moved away.</p></body></html>"
    kept, skipped = load_web(urls, known, fetcher)
    assert [d.doc_id for d in kept] == [d.doc_id for d in docs]
    assert "kept the copy already indexed" in skipped[0].reason


def test_a_download_that_goes_on_too_long_is_abandoned(site):
    trickle = Fetcher(delay=0, max_bytes=10**9, max_seconds=0.0)
    with pytest.raises(FetchError, match="still downloading after the time allowed"):
        trickle.get(site.url("/huge"))
