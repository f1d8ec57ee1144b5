"""Articles from the web: article URLs and the articles feeds link to, as `Document`s.

A page's `Document.text` is the article text extracted from it (see `rag.html`); `source` is the
URL as given, `url` where it was finally fetched from (after redirects), `fetched` when, and
`etag` / `last_modified` what the server said, so the next sync asks "has it changed?" and an
unchanged page costs a 304. A feed (`feed:https://...`) contributes the articles it links to;
articles already indexed are not fetched again, and stay when the feed stops listing them. A page
or feed that fails is one `Skipped` line, and whatever the index already held from it is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from ..types import Document
from .feeds import NotAFeed, parse_feed
from .fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchError
from .html import NotAnArticle, extract_article
from .readers import Skipped, article_document

log = logging.getLogger(__name__)

FEED_PREFIX = "feed:"


def make_fetcher() -> Fetcher:
    """The fetcher used for a sync (tests replace this with a faster one)."""
    return Fetcher()


def url_doc_id(url: str) -> str:
    """A stable, readable document id for a URL: no scheme, no fragment, no trailing slash.

    >>> url_doc_id("https://www.example.org/world/story.html?id=3#comments")
    'www.example.org/world/story.html?id=3'
    """
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return f"{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def feed_url(source: str) -> str | None:
    """The feed's URL if `source` names a feed.

    >>> feed_url("feed:https://example.org/rss"), feed_url("https://example.org/a")
    ('https://example.org/rss', None)
    """
    return source[len(FEED_PREFIX) :] if source.lower().startswith(FEED_PREFIX) else None


def fetch_article(url: str, fetcher: Fetcher, known: Document | None = None, feed: str | None = None) -> Document:
    """The article at `url`; `known` (when it is the same page) is returned as it is if the server
    says it has not changed. Raises FetchError or NotAnArticle."""
    reply = fetcher.get(
        url, HTML_TYPES, etag=known.etag if known else None, last_modified=known.last_modified if known else None
    )
    if reply.not_modified and known is not None:
        return known
    page: str | bytes = reply.body
    if reply.charset:
        try:
            page = reply.body.decode(reply.charset, errors="replace")
        except LookupError:  # a charset Python does not know: let trafilatura detect it
            page = reply.body
    article = extract_article(page, url=reply.url)
    return article_document(
        url_doc_id(url),
        url,
        article,
        url=reply.url,
        fetched=reply.fetched,
        etag=reply.etag,
        last_modified=reply.last_modified,
        feed=feed or (known.feed if known else None),
    )


def load_web(
    sources: Iterable[str], known: Mapping[str, Document], fetcher: Fetcher | None = None
) -> tuple[list[Document], list[Skipped]]:
    """The documents of article URLs and feeds (`feed:URL`), and what was skipped and why."""
    fetcher = fetcher or make_fetcher()
    found: dict[str, Document] = {}
    skipped: list[Skipped] = []

    def article(url: str, feed: str | None = None) -> None:
        doc_id = url_doc_id(url)
        if doc_id in found:
            return
        old = known.get(doc_id)
        if feed is not None and old is not None:  # a feed's articles are fetched once
            found[doc_id] = old
            return
        try:
            found[doc_id] = fetch_article(url, fetcher, old, feed)
            log.info("fetched %s", url)
        except (FetchError, NotAnArticle) as exc:
            reason = str(exc).removeprefix(f"{url}: ")
            if old is not None:
                found[doc_id] = old
                reason += "; kept the copy already indexed"
            skipped.append(Skipped(url, reason))

    for source in sources:
        feed = feed_url(source)
        if feed is None:
            article(source)
            continue
        # What the index holds from this feed stays, whatever happens to the feed.
        found.update((d.doc_id, d) for d in known.values() if d.feed == feed and d.doc_id not in found)
        try:
            reply = fetcher.get(feed, FEED_TYPES, check_type=False)
            links = parse_feed(reply.body, reply.url).links
        except (FetchError, NotAFeed) as exc:
            skipped.append(Skipped(source, str(exc).removeprefix(f"{feed}: ")))
            continue
        for link in links:
            article(link, feed)
    return list(found.values()), skipped
