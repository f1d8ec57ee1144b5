"""Feeds, and the three ways in through the command line, against a local server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fakes import FakeEmbedder
from webserver import FIXTURES

import rag.ingest.web
import rag.search.retriever
from rag.cli import main
from rag.index.files import read_corpus, read_manifest
from rag.index.store import IndexStore
from rag.ingest.feeds import NotAFeed, parse_feed
from rag.ingest.web import load_web, url_doc_id


@pytest.fixture
def fast(monkeypatch, fetcher):
    """The command line with the fake embedder and a fetcher that does not pause."""
    monkeypatch.setattr(rag.ingest.web, "make_fetcher", lambda: fetcher)
    monkeypatch.setattr(rag.search.retriever, "make_embedder", lambda name: FakeEmbedder())


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_rss_and_atom(site):
    rss = parse_feed(site.feed("feed.xml"), site.url("/feed.xml"))
    assert rss.title == "Local News Roundup"
    assert rss.links == tuple(site.url(f"/news/{n}.html") for n in ("jsonld", "meta", "paywall"))
    atom = parse_feed(site.feed("atom.xml"), site.url("/atom.xml"))
    assert atom.links == (site.url("/news/liveblog.html"), site.url("/news/comments.html"))


@pytest.mark.parametrize("data", [b"", b"<html><p>no feed</html>", b'{"json": true}', b"\x00\x01binary"])
def test_not_a_feed(data):
    with pytest.raises(NotAFeed, match="not an RSS or Atom feed"):
        parse_feed(data)


def test_feed_adds_only_what_is_new_and_keeps_what_it_dropped(site, fetcher):
    feed = "feed:" + site.url("/feed.xml")
    docs, skipped = load_web([feed], {}, fetcher)
    assert sorted(d.title for d in docs) == [
        "Harbour workers end strike after pay deal",
        "Library reopens after two years of flood repairs",
    ]
    assert all(d.feed == site.url("/feed.xml") for d in docs)
    assert [(s.path, s.reason.split(":")[0]) for s in skipped] == [(site.url("/news/paywall.html"), "behind a paywall")]
    known = {d.doc_id: d for d in docs}

    site.extra_feed_items.append(site.url("/news/comments.html"))
    again, _ = load_web([feed], known, fetcher)
    assert len(again) == 3
    assert site.hits["/news/jsonld.html"] == 1 and site.hits["/news/comments.html"] == 1  # only the new one

    # A feed that rolls over, breaks or vanishes never takes indexed articles with it.
    known = {d.doc_id: d for d in again}
    for broken in ("/not-a-feed.xml", "/gone.xml"):
        kept, skipped = load_web(["feed:" + site.url(broken)], known, fetcher)
        assert kept == [] and len(skipped) == 1  # nothing came from that feed before
    site.extra_feed_items.clear()
    kept, _ = load_web([feed], known, fetcher)
    assert sorted(d.doc_id for d in kept) == sorted(known)


def test_cli_three_ways_in(site, fast, capsys, tmp_path):
    index = tmp_path / "index"
    saved = tmp_path / "saved"
    saved.mkdir()
    shutil.copy(FIXTURES / "jsonld.html", saved / "harbour.html")
    shutil.copy(FIXTURES / "section.html", saved / "business.html")

    # 1. A folder of saved pages.
    code, out, err = run(capsys, "index", saved, "--index-dir", index)
    assert code == 0, err
    assert "Indexed 1 documents" in out and "skipped" in out and "not an article" in out

    # 2. URLs on the command line and in a list: added to what the index follows.
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# weekend reading\n{site.url('/news/comments.html')}\n\n{site.url('/news/gone.html')}\n")
    code, out, err = run(
        capsys, "index", site.url("/news/meta.html"), site.url("/loop-a"), "--urls", listing, "--index-dir", index
    )
    assert code == 0, err
    assert "Indexed 3 documents" in out and "2 added" in out
    assert f"skipped {site.url('/loop-a')}: redirect loop" in out
    assert f"skipped {site.url('/news/gone.html')}: HTTP 404 Not Found" in out
    followed = read_manifest(IndexStore(index).current())["sources"]
    assert followed == [str(saved.resolve()), site.url("/news/meta.html"), site.url("/news/comments.html")]

    # 3. A feed: adds its articles; a second run adds only what is new.
    code, out, err = run(capsys, "index", "--feed", site.url("/atom.xml"), "--index-dir", index, "--json")
    report = json.loads(out)
    assert code == 0 and report["documents"] == 4 and report["added"] == [url_doc_id(site.url("/news/liveblog.html"))]
    assert url_doc_id(site.url("/news/comments.html")) in report["unchanged"]
    code, out, _ = run(capsys, "index", "--index-dir", index, "--json")  # re-sync all the recorded sources
    report = json.loads(out)
    assert code == 0 and report["documents"] == 4 and not report["added"] and report["texts_embedded"] == 0
    assert site.hits["/news/liveblog.html"] == 1  # a feed's article is fetched once
    assert site.hits["/news/meta.html"] == 3  # a URL is re-checked on every sync, conditionally
    checks = [h for p, h in site.headers if p == "/news/meta.html"]
    assert "If-None-Match" not in checks[0] and all("If-None-Match" in h for h in checks[1:])

    code, out, err = run(capsys, "feeds", "--index-dir", index, "--json")
    assert code == 0 and json.loads(out) == [
        {
            "feed": site.url("/atom.xml"),
            "articles": 1,
            "last_article_fetched": json.loads(out)[0]["last_article_fetched"],
        }
    ]
    code, out, err = run(capsys, "feeds", "--index-dir", index)
    assert out.startswith(site.url("/atom.xml") + "  (1 articles, newest fetched 20")

    code, out, _ = run(capsys, "docs", "--index-dir", index, "--json")
    docs = {Path(d["source"]).name if "://" not in d["source"] else d["source"]: d for d in json.loads(out)}
    assert docs["harbour.html"]["outlet"] == "The Northern Courier"
    assert docs[site.url("/news/meta.html")]["authors"] == ["Priya Nandakumar"]
    assert docs[site.url("/news/liveblog.html")]["date"] == "2025-11-12"
    assert docs[site.url("/news/comments.html")]["title"] == "City council votes to pedestrianise the old market street"

    # Citations index the stored article text, for files and URLs alike.
    documents, _ = read_corpus(IndexStore(index).current())
    code, out, _ = run(capsys, "ask", "How much did the library repairs cost?", "--index-dir", index, "--json")
    answer = json.loads(out)
    assert code == 0
    for c in answer["citations"]:
        assert documents[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]
    code, out, _ = run(capsys, "search", "ships diverted harbour strike", "--index-dir", index, "--json")
    for hit in json.loads(out):
        assert documents[hit["doc_id"]].text[hit["start"] : hit["end"]] == hit["text"]

    # Giving a folder again says exactly what the index holds: the web articles go.
    code, out, _ = run(capsys, "index", saved, "--index-dir", index, "--json")
    assert json.loads(out)["documents"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--feed", "ftp://example.org/rss"], "is not an http(s) URL of an RSS or Atom feed"),
        (["--urls", "missing.txt"], "cannot read the URL list"),
    ],
)
def test_cli_bad_web_arguments(fast, capsys, tmp_path, argv, message):
    code, _, err = run(capsys, "index", *argv, "--index-dir", tmp_path / "index")
    assert code == 1 and message in err and err.count("\n") == 1


def test_cli_nothing_indexed_when_every_url_fails(site, fast, capsys, tmp_path):
    index = tmp_path / "index"
    code, _, err = run(
        capsys, "index", site.url("/report.pdf"), "--feed", site.url("/not-a-feed.xml"), "--index-dir", index
    )
    assert code == 1 and "no articles to index" in err and "content type application/pdf" in err
    assert IndexStore(index).current() is None
