"""The articles an RSS or Atom feed links to, read by feedparser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin


class NotAFeed(ValueError):
    """The document is not an RSS or Atom feed; the message says why."""


@dataclass(frozen=True)
class Feed:
    """A feed's title and the article links of its entries, in the feed's order, without repeats."""

    title: str | None
    links: tuple[str, ...]


def parse_feed(data: bytes, url: str = "") -> Feed:
    """The feed in `data` (RSS 0.9x/1.0/2.0 or Atom); relative links are resolved against `url`.

    >>> rss = b'<rss version="2.0"><channel><title>T</title><item><link>/a</link></item></channel></rss>'
    >>> parse_feed(rss, "https://example.org/feed.xml")
    Feed(title='T', links=('https://example.org/a',))
    """
    import feedparser

    parsed: Any = feedparser.parse(data, response_headers={"content-location": url} if url else None)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem).splitlines()[0]})" if problem else ""
        raise NotAFeed(f"not an RSS or Atom feed{detail}")
    links: dict[str, None] = {}
    for entry in parsed.entries:
        link = entry.get("link") or next((x.get("href") for x in entry.get("links", []) if x.get("href")), None)
        if link:
            links[urljoin(url, link)] = None
    return Feed(parsed.feed.get("title") or None, tuple(links))
