"""One article saved as a JSON object, as scrapers and news APIs write them.

news-please writes `maintext`, `authors`, `date_publish` and `source_domain`; trafilatura's JSON
output `text`, `author` ("A; B"), `date`, `source` (the URL) and `source-hostname`; NewsAPI-style
records `content` or `body`, `publishedAt` and `source` ({"name": ...}). For each kind of field the
first key (in `FIELDS` order) whose value fits is read: text is a non-blank string or a list of
paragraphs, a URL starts with http(s)://, and an outlet does not. The text is cleaned as plain text
is (page furniture, hard-wrapped lines), and a citation's offsets index it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .html import Article, split_authors
from .metadata import parse_date

# The keys each kind of field is read from, first found first.
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "content", "body", "article", "story", "article_text"),
    "title": ("title", "headline"),
    "authors": ("authors", "author", "byline", "creator"),
    "date": ("date_publish", "date", "published", "publishedAt", "published_at", "pubDate", "datePublished"),
    "outlet": (
        "source_domain",
        "outlet",
        "publisher",
        "sitename",
        "site_name",
        "source-hostname",
        "hostname",
        "source",
    ),
    "url": ("url", "link", "canonical_url", "source"),
}
ONE_PER_FILE = "save one article object per .json file"


class NotAnArticleObject(ValueError):
    """The JSON holds no article; the message says why."""


def _string(value: Any) -> str | None:
    if isinstance(value, dict):  # {"name": "Reuters"}, as NewsAPI gives a source
        value = value.get("name")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list) and value and all(isinstance(p, str) for p in value):
        return "\n\n".join(p.strip() for p in value if p.strip()) or None
    return None


def _url(value: Any) -> str | None:
    value = _string(value)
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _outlet(value: Any) -> str | None:
    value = _string(value)
    return value if value and not value.lower().startswith(("http://", "https://")) else None


def _authors(value: Any) -> tuple[str, ...] | None:
    """Names from "A; B", "A and B" or a list of names (or of {"name": ...}); a comma is kept, as
    in "Smith, John"."""
    if isinstance(value, str):
        return split_authors(value.replace(" and ", "; ")) or None
    if isinstance(value, list):
        names = [_string(v) for v in value]
        return split_authors("; ".join(n for n in names if n)) or None
    return None


def _date(value: Any) -> str | None:
    return parse_date(value) if isinstance(value, str) else None


def _first(record: dict[str, Any], kind: str, fits: Callable[[Any], Any]) -> Any:
    """The first value of `kind` that `fits` makes something of, or None."""
    for key in FIELDS[kind]:
        value = fits(record.get(key))
        if value is not None:
            return value
    return None


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data)  # UTF-8, -16 or -32, with or without a byte order mark
    except UnicodeDecodeError as exc:
        raise NotAnArticleObject(f"not JSON text (bad byte at offset {exc.start}); {ONE_PER_FILE}, in UTF-8") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            raise NotAnArticleObject(
                f"more than one JSON value (JSON Lines?): {ONE_PER_FILE}, one file per article"
            ) from None
        raise NotAnArticleObject(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {ONE_PER_FILE}"
        ) from None
    except (ValueError, RecursionError) as exc:  # a number too long to read, or nesting too deep
        raise NotAnArticleObject(f"JSON that cannot be read ({type(exc).__name__}); {ONE_PER_FILE}") from None


def read_article_object(data: bytes) -> Article:
    """The article in a JSON file holding one object (see the module docstring).

    >>> a = read_article_object(b'{"title": "Talks resume", "maintext": "Talks resumed.", "authors": ["A B"],'
    ...                         b' "date_publish": "2025-08-27 10:00:00", "source_domain": "example.org"}')
    >>> a.text, a.title, a.authors, a.date, a.outlet, a.plain
    ('Talks resumed.', 'Talks resume', ('A B',), '2025-08-27', 'example.org', True)
    """
    record = _parse(data)
    if isinstance(record, list):
        items = f"{len(record):,} item{'' if len(record) == 1 else 's'}"
        raise NotAnArticleObject(f"a list of {items}: {ONE_PER_FILE}, one file per article")
    if not isinstance(record, dict):
        raise NotAnArticleObject(f"not a JSON object; {ONE_PER_FILE}, with its text in a text field")
    text = _first(record, "text", _text)
    if text is None:
        keys = "/".join(FIELDS["text"])
        raise NotAnArticleObject(
            f"no article text: put it in one of the fields {keys}, as text or a list of paragraphs"
        )
    return Article(
        text=text,
        title=_first(record, "title", _string),
        authors=_first(record, "authors", _authors) or (),
        outlet=_first(record, "outlet", _outlet),
        date=_first(record, "date", _date),
        url=_first(record, "url", _url),
        plain=True,
    )
