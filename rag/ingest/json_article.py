"""Articles saved as JSON objects, as scrapers and news APIs write them: one object in a `.json`
file, or many in one file, as JSON Lines (`.jsonl`, `.ndjson`: an object a line) or a `.json` array.

news-please writes `maintext`, `authors`, `date_publish` and `source_domain`; trafilatura's JSON
output `text`, `author` ("A; B"), `date`, `source` (the URL) and `source-hostname`; NewsAPI-style
records `content` or `body`, `publishedAt` and `source` ({"name": ...}). For each kind of field the
first key (in `FIELDS` order) whose value fits is read: text is a non-blank string or a list of
paragraphs, a URL starts with http(s)://, and an outlet does not. The text is cleaned as plain text
is (page furniture, hard-wrapped lines), and a citation's offsets index it.

The records of a collection are keyed, for their document ids, by their own `id` field (or `_id`,
`uuid`, ..., a MongoDB `{"$oid": ...}` too) when it is a short plain name and no record before it
has it ("news.jsonl#a81f"), else by their line (JSON Lines) or place (an array), counted from 1
("news.jsonl#line-7", "wire.json#item-2"), a form no id is taken in. Records appended later, as a
scraper appends them, never rename the ones before; a record without an id is renamed when lines
before it are inserted or deleted. A record that is not an article is passed over with its
reason, and the others are read.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
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
NUMBERED = re.compile(r"(?:line|item)-\d+")  # the keys of records without an id: never taken as an id
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


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _url(value: Any) -> str | None:
    value = _string(value)
    return value if value and _is_url(value) else None


def _outlet(value: Any) -> str | None:
    value = _string(value)
    return value if value and not _is_url(value) else None


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
        return _loads(data, whole_file=True)  # UTF-8, -16 or -32, with or without a byte order mark
    except UnicodeDecodeError as exc:
        raise NotAnArticleObject(f"not JSON text (bad byte at offset {exc.start}); {ONE_PER_FILE}, in UTF-8") from None


def _loads(text: bytes | str, whole_file: bool = False) -> Any:
    """`json.loads`, with what is wrong with text it cannot read said in a NotAnArticleObject: for a
    `whole_file` (a .json file) with the line and what to save instead, for a JSON Lines line (whose
    number the caller says) with the column. A UnicodeDecodeError is left to the caller, which knows
    how the text was meant to be encoded."""
    advice = f"; {ONE_PER_FILE}" if whole_file else ""
    try:
        return json.loads(text)
    except UnicodeDecodeError:
        raise
    except json.JSONDecodeError as exc:
        if whole_file and exc.msg == "Extra data":
            raise NotAnArticleObject(
                "more than one JSON value: if it holds one article object a line, name it .jsonl"
            ) from None
        where = f"line {exc.lineno}, column {exc.colno}" if whole_file else f"column {exc.colno}"
        raise NotAnArticleObject(f"not valid JSON ({exc.msg} at {where}){advice}") from None
    except (ValueError, RecursionError) as exc:  # a number too long to read, or nesting too deep
        raise NotAnArticleObject(f"JSON that cannot be read ({type(exc).__name__}){advice}") from None


def read_json_file(data: bytes) -> Article | Records:
    """The article in a JSON file holding one object, or the records of one holding an array of
    them (see the module docstring).

    >>> a = read_json_file(b'{"title": "Talks resume", "maintext": "Talks resumed.", "authors": ["A B"],'
    ...                    b' "date_publish": "2025-08-27 10:00:00", "source_domain": "example.org"}')
    >>> a.text, a.title, a.authors, a.date, a.outlet, a.plain
    ('Talks resumed.', 'Talks resume', ('A B',), '2025-08-27', 'example.org', True)
    >>> [(key, a.text) for key, a in read_json_file(b'[{"text": "One."}, {"id": 7, "text": "Two."}]')]
    [('item-1', 'One.'), ('7', 'Two.')]
    """
    record = _parse(data)
    if isinstance(record, list):
        if not record:
            raise NotAnArticleObject(f"an empty list; {ONE_PER_FILE}")
        return keyed((f"item-{n}", f"item {n}", value) for n, value in enumerate(record, start=1))
    return article_of(record)


def read_json_lines(data: bytes) -> Records:
    """Every record of a JSON Lines file, one JSON object a line (blank lines are passed over), read
    a line at a time.

    >>> records = read_json_lines(b'{"text": "One."}\\n\\n{"oops"\\n[1]\\n')
    >>> [(key, a if isinstance(a, str) else a.text) for key, a in records][:2]
    [('line-1', 'One.'), ('line-3', "line 3: not valid JSON (Expecting ':' delimiter at column 8)")]
    >>> records[2][1]
    'line 4: not a JSON object; save each article as an object with its text in a text field'
    """
    records = keyed(_json_lines(data))
    if not records:
        raise NotAnArticleObject("no JSON objects in it; JSON Lines holds one article object a line")
    return records


def _json_lines(data: bytes) -> Iterable[tuple[str, str, Any]]:
    """(key, where, parsed value or NotAnArticleObject) of each line that is not blank."""
    for number, raw in enumerate(io.BytesIO(data), start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise NotAnArticleObject(
                f"not UTF-8 text (line {number}, bad byte at column {exc.start + 1}); save JSON Lines as UTF-8"
            ) from None
        if not line.strip():
            continue
        try:
            value: Any = _loads(line)
        except NotAnArticleObject as exc:
            value = exc
        yield f"line-{number}", f"line {number}", value


def keyed(rows: Iterable[tuple[str, str, Any]]) -> Records:
    """(key, article or reason) for each (numbered key, where, parsed value or NotAnArticleObject)
    of a collection: its own plain id, when no record before it has that id, else its numbered key
    ("line-7"), which no id can be (`NUMBERED`); a reason says where.

    >>> rows = [("line-1", "line 1", {"id": "a", "text": "x"}), ("line-2", "line 2", {"id": "a", "text": "y"}),
    ...         ("line-3", "line 3", {"id": "line-1", "text": "z"}), ("line-4", "line 4", {"title": "no text"})]
    >>> records = keyed(rows)
    >>> [(key, a if isinstance(a, str) else a.text) for key, a in records][:3]
    [('a', 'x'), ('line-2', 'y'), ('line-3', 'z')]
    >>> records[3]
    ('line-4', 'line 4: no article text: put it in one of the fields text/maintext/content/body/article/story/\
article_text, as text or a list of paragraphs')
    """
    seen: set[str] = set()
    out: Records = []
    for numbered, where, value in rows:
        own = _own_id(value)
        key = own if own is not None and own not in seen else numbered
        seen.add(key)
        problem = value if isinstance(value, NotAnArticleObject) else None
        if problem is None:
            try:
                out.append((key, article_of(value)))
                continue
            except NotAnArticleObject as exc:
                problem = exc
        out.append((key, f"{where}: {problem}"))
    return out


def _own_id(record: Any) -> str | None:
    """A record's own id, when it is a short plain name ("a81f", 7, {"$oid": "65f0..."}) that is
    not in the numbered keys' form, else None."""
    if isinstance(record, dict):
        for field in ID_FIELDS:
            value = record.get(field)
            if isinstance(value, dict):  # MongoDB's extended JSON: {"$oid": "..."}
                value = value.get("$oid")
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and PLAIN_KEY.fullmatch(value) and not NUMBERED.fullmatch(value):
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
