"""Articles saved as JSON objects, as scrapers and news APIs write them: one object in a `.json`
file, or many in one file, as JSON Lines (`.jsonl`, `.ndjson`: an object a line) or a `.json` array.

news-please writes `maintext`, `authors`, `date_publish` and `source_domain`; trafilatura's JSON
output `text`, `author` ("A; B"), `date`, `source` (the URL) and `source-hostname`; NewsAPI-style
records `content` or `body`, `publishedAt` and `source` ({"name": ...}). For each kind of field the
first key (in `FIELDS` order) whose value fits is read: text is a non-blank string or a list of
paragraphs, a URL starts with http(s)://, and an outlet does not. The text is cleaned as plain text
is (page furniture, hard-wrapped lines), and a citation's offsets index it.

The records of a collection are keyed, for their document ids ("news.jsonl#a81f"), by their own
`id` field (or `_id`, `uuid`, ...) when it is a short plain name that no other record of the file
has, else by their line (JSON Lines) or place (an array), counted from 1 ("news.jsonl#7"): records
appended later, as a scraper appends them, never rename the ones before. A record that is not an
article is passed over with its reason, and the others are read.
"""

from __future__ import annotations

import json
import re
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
ONE_PER_FILE = "save one article object, or a list of them, per .json file"
AS_OBJECT = "save each article as an object with its text in a text field"
ID_FIELDS = ("id", "_id", "uuid", "guid", "article_id", "doc_id")
PLAIN_KEY = re.compile(r"[A-Za-z0-9][\w.:-]{0,79}")  # an id that reads well after "#" in a document id
Records = list[tuple[str, "Article | str"]]  # a collection's records in file order: (key, article or why not)


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
                "more than one JSON value: name a JSON Lines file .jsonl (one article object a line), "
                f"or {ONE_PER_FILE}"
            ) from None
        raise NotAnArticleObject(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {ONE_PER_FILE}"
        ) from None
    except (ValueError, RecursionError) as exc:  # a number too long to read, or nesting too deep
        raise NotAnArticleObject(f"JSON that cannot be read ({type(exc).__name__}); {ONE_PER_FILE}") from None


def read_json_file(data: bytes) -> Article | Records:
    """The article in a JSON file holding one object, or the records of one holding an array of
    them (see the module docstring).

    >>> a = read_json_file(b'{"title": "Talks resume", "maintext": "Talks resumed.", "authors": ["A B"],'
    ...                    b' "date_publish": "2025-08-27 10:00:00", "source_domain": "example.org"}')
    >>> a.text, a.title, a.authors, a.date, a.outlet, a.plain
    ('Talks resumed.', 'Talks resume', ('A B',), '2025-08-27', 'example.org', True)
    >>> [(key, a.text) for key, a in read_json_file(b'[{"text": "One."}, {"id": 7, "text": "Two."}]')]
    [('1', 'One.'), ('7', 'Two.')]
    """
    record = _parse(data)
    if isinstance(record, list):
        if not record:
            raise NotAnArticleObject(f"an empty list; {ONE_PER_FILE}")
        return keyed([(n, f"item {n}", value) for n, value in enumerate(record, start=1)])
    return article_of(record)


def read_json_lines(data: bytes) -> Records:
    """Every record of a JSON Lines file, one JSON object a line (blank lines are passed over).

    >>> records = read_json_lines(b'{"text": "One."}\\n\\n{"oops"\\n[1]\\n')
    >>> [(key, a if isinstance(a, str) else a.text) for key, a in records][:2]
    [('1', 'One.'), ('3', "line 3: not valid JSON (Expecting ':' delimiter at column 8)")]
    >>> records[2][1]
    'line 4: not a JSON object; save each article as an object with its text in a text field'
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotAnArticleObject(f"not UTF-8 text (bad byte at offset {exc.start}); save JSON Lines as UTF-8") from None
    rows: list[tuple[int, str, Any]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            value = NotAnArticleObject(f"not valid JSON ({exc.msg} at column {exc.colno})")
        except (ValueError, RecursionError) as exc:  # a number too long to read, or nesting too deep
            value = NotAnArticleObject(f"JSON that cannot be read ({type(exc).__name__})")
        rows.append((number, f"line {number}", value))
    if not rows:
        raise NotAnArticleObject("no JSON objects in it; JSON Lines holds one article object a line")
    return keyed(rows)


def keyed(rows: list[tuple[int, str, Any]]) -> Records:
    """(key, article or reason) for each (number, where, parsed value or NotAnArticleObject) of a
    collection: keyed by its own plain id, the first record that has it (a record repeating an id
    is keyed by its number, so appending one renames nothing), else by its number, written "n7"
    when some record's id is "7"; no two keys are the same. A reason says where.

    >>> rows = [(1, "line 1", {"id": "a", "text": "x"}), (2, "line 2", {"id": "a", "text": "y"}),
    ...         (3, "line 3", {"id": "2", "text": "z"}), (4, "line 4", {"title": "no text"})]
    >>> [(key, a if isinstance(a, str) else a.text) for key, a in keyed(rows)][:3]
    [('a', 'x'), ('n2', 'y'), ('2', 'z')]
    >>> keyed(rows)[3][1].split(":")[0]
    'line 4'
    """
    ids = [_own_id(value) for _, _, value in rows]
    taken = {i for i in ids if i is not None}
    keys: set[str] = set()
    out: Records = []
    for (number, where, value), own in zip(rows, ids, strict=True):
        key = own if own is not None and own not in keys else str(number)
        if key != own and key in taken:
            key = f"n{number}"
        while key in keys:  # only a record whose own id looks like "n7" can still meet another
            key += "~"
        keys.add(key)
        try:
            if isinstance(value, NotAnArticleObject):
                raise value
            out.append((key, article_of(value)))
        except NotAnArticleObject as exc:
            out.append((key, f"{where}: {exc}"))
    return out


def _own_id(record: Any) -> str | None:
    """A record's own id, when it is a short plain name ("a81f", 7), else None."""
    if isinstance(record, dict):
        for field in ID_FIELDS:
            value = record.get(field)
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and PLAIN_KEY.fullmatch(value):
                return value
    return None


def article_of(record: Any) -> Article:
    """The article in one parsed JSON value, or NotAnArticleObject saying why it holds none."""
    if not isinstance(record, dict):
        raise NotAnArticleObject(f"not a JSON object; {AS_OBJECT}")
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
