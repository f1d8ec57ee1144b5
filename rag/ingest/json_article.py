"""One article saved as a JSON object, as scrapers and news APIs write them.

news-please writes `maintext`, `authors`, `date_publish` and `source_domain`; trafilatura's JSON
output `text`, `author` ("A; B"), `date` and `hostname`; NewsAPI-style records `content` or `body`,
`publishedAt` and `source` ({"name": ...}). The first field of each kind that holds a value is read
(see `FIELDS`); the article text may also be a list of paragraphs. Its text is cleaned as plain text
is (page furniture, hard-wrapped lines), and a citation's offsets index that text.
"""

from __future__ import annotations

import json
from typing import Any

from .html import Article, split_authors
from .metadata import parse_date

# The keys each kind of field is read from, first found first.
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "content", "body", "article", "story", "article_text"),
    "title": ("title", "headline"),
    "authors": ("authors", "author", "byline", "creator"),
    "date": ("date_publish", "date", "published", "publishedAt", "published_at", "pubDate", "datePublished"),
    "outlet": ("source_domain", "outlet", "publisher", "sitename", "site_name", "hostname", "source"),
    "url": ("url", "link", "canonical_url"),
}


class NotAnArticleObject(ValueError):
    """The JSON holds no article; the message says why."""


def _first(record: dict[str, Any], kind: str) -> Any:
    for key in FIELDS[kind]:
        value = record.get(key)
        if isinstance(value, dict):  # {"name": "Reuters"} as NewsAPI gives a source
            value = value.get("name")
        if value not in (None, "", [], ()):
            return value
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return "\n\n".join(p.strip() for p in value if p.strip())
    return None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return split_authors(value.replace(" and ", "; ").replace(", ", "; "))
    if isinstance(value, list):
        names = [v.get("name") if isinstance(v, dict) else v for v in value]
        return split_authors("; ".join(n for n in names if isinstance(n, str)))
    return ()


def read_article_object(data: bytes) -> Article:
    """The article in a JSON file holding one object (see the module docstring).

    >>> a = read_article_object(b'{"title": "Talks resume", "maintext": "Talks resumed.", "authors": ["A B"],'
    ...                         b' "date_publish": "2025-08-27 10:00:00", "source_domain": "example.org"}')
    >>> a.text, a.title, a.authors, a.date, a.outlet, a.plain
    ('Talks resumed.', 'Talks resume', ('A B',), '2025-08-27', 'example.org', True)
    """
    try:
        record = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise NotAnArticleObject(f"not UTF-8 JSON (bad byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise NotAnArticleObject(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if isinstance(record, list):
        raise NotAnArticleObject(
            f"a list of {len(record):,} item{'' if len(record) == 1 else 's'}: rag reads one article per .json file "
            "(one object with a text field)"
        )
    if not isinstance(record, dict):
        raise NotAnArticleObject("not a JSON object: an article is an object with a text field")
    text = _text(_first(record, "text"))
    if not text or not text.strip():
        keys = "/".join(FIELDS["text"])
        raise NotAnArticleObject(f"no article text: the object has none of the fields {keys} as text")
    title, outlet, url, date = (_first(record, k) for k in ("title", "outlet", "url", "date"))
    return Article(
        text=text,
        title=" ".join(title.split()) if isinstance(title, str) else None,
        authors=_authors(_first(record, "authors")),
        outlet=outlet if isinstance(outlet, str) else None,
        date=parse_date(date) if isinstance(date, str) else None,
        url=url if isinstance(url, str) else None,
        plain=True,
    )
