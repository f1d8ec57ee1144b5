"""Read title, authors, outlet and date off an article's own text; never guess.

Only the page header (the short lines before the first paragraph of prose), copyright lines and
stand-alone date lines are consulted. A field the text does not show is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .cleaning import DOTTED, FULL_DATE, HIGHLIGHT_REASON, LABEL_REASON, Cleaned, split_lines

PROSE_WORDS = 25  # the first line this long ends the header
HEADER_LINES = 15
TITLE_CHARS = 120
MASTHEAD_WORDS = 4  # "THE WASHINGTON POST"; a longer line in capitals is a headline

NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'\-]+|de|van|von|bin|al-\w+)){1,3}"
BYLINE_STRICT = re.compile(rf"^(?:By\s+)?{NAME}(?:\s*(?:,|and|&)\s*{NAME})*$")
COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(\d{4})?\s*[,.]?\s*(.*?)\W*$", re.IGNORECASE)
MASTHEAD = re.compile(r"^[A-Z][A-Z&’' ]{3,60}$")
DATE_RE = re.compile(FULL_DATE, re.IGNORECASE)
DATE_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%d-%m-%Y", "%m/%d/%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class Metadata:
    title: str
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO `YYYY-MM-DD`, or None.

    >>> parse_date("Aug 27, 2025  |"), parse_date("26 August 2025"), parse_date("no date")
    ('2025-08-27', '2025-08-26', None)
    """
    for match in DATE_RE.finditer(text):
        raw = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", match.group(0).replace(",", " ").replace(".", " ").strip())
        raw = " ".join(raw.split())
        if re.fullmatch(r"\d{1,2} \d{1,2} \d{4}", raw):
            raw = raw.replace(" ", ".")
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(raw, fmt.replace("Sept", "Sep")).date().isoformat()
            except ValueError:
                continue
        try:  # "Sept 5 2025"
            return datetime.strptime(raw.replace("Sept", "Sep"), "%b %d %Y").date().isoformat()
        except ValueError:
            continue
    return None


# What follows a name in a byline and is no name: "By JANE ROE, Associated Press Writer", "By JOHN
# KIFNER; Special to The New York Times", "By Jane Roe, Political Editor".
NOT_A_NAME = re.compile(
    r"\b(?:writer|correspondent|reporter|editor|staff|special|press|times|news|service|bureau|agency|wire)\b", re.I
)


def authors_in(byline: str) -> tuple[str, ...]:
    """The names a byline gives, its titles and outlets left out, or none when it is not one.

    >>> authors_in("By DAVID E. SANGER"), authors_in("By Jane Roe AND John Doe"), authors_in("Staff report")
    (('DAVID E. SANGER',), ('Jane Roe', 'John Doe'), ())
    >>> authors_in("By Jane Roe, Political Editor; Special to The New York Times")
    ('Jane Roe',)
    """
    parts = re.split(r"\s*,\s*(?:and\s+)?", " ".join(byline.split(";")[0].split()))
    kept = ", ".join(p for p in parts if p and not NOT_A_NAME.search(p))
    return _authors(re.sub(r"\s+AND\s+", " and ", kept)) or ()


def _glued_byline(label: str) -> str:
    """The byline of a Daily Mail story's glued prefix: "By . Jane Roe . and John Doe . PUBLISHED: . ..."
    is "By Jane Roe and John Doe"."""
    parts = [p.strip() for p in re.split(DOTTED, label)]
    names = []
    for part in parts[1:]:
        if not part or part.startswith(("PUBLISHED", "UPDATED", "Last updated", "|")):
            break
        names.append(part)
    return "By " + ", ".join(names)


def _authors(line: str) -> tuple[str, ...] | None:
    if not BYLINE_STRICT.match(line) or len(line.split()) > 16:
        return None
    names = re.sub(r"^By\s+", "", line)
    return tuple(n.strip() for n in re.split(r"\s*(?:,|\band\b|&)\s*", names) if n.strip())


def _is_byline(line: str, names: tuple[str, ...], title_seen: bool) -> bool:
    """A names-only line is a byline when nothing else fits: "By ...", several names, a middle
    initial, or a bare name after the title. A title-case headline can look like a name."""
    return (
        line.startswith("By ")
        or len(names) > 1
        or bool(re.search(r"\s[A-Z]\.\s", line))
        or (title_seen and len(line.split()) <= 3)
    )


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-") + "…"


def extract_metadata(text: str, cleaned: Cleaned) -> Metadata:
    """Metadata of one article; the title falls back to its first line of article text."""
    kept = [text[s:e] for s, e in cleaned.segments]
    header: list[str] = []
    for line in kept[:HEADER_LINES]:
        if len(line.split()) >= PROSE_WORDS:
            break
        header.append(line)

    date: str | None = None
    outlet: str | None = None
    authors: tuple[str, ...] = ()
    raw_lines = [line.text for line in split_lines(text)]
    for raw in raw_lines[:HEADER_LINES]:
        date = date or parse_date(raw)
    for raw in raw_lines:
        copyright_ = COPYRIGHT.match(raw)
        if copyright_:
            outlet = outlet or (copyright_.group(2) or None)
            date = date or copyright_.group(1)
        elif date is None and len(raw) < 40:
            date = parse_date(raw)

    title = None
    previous_was_byline = False
    read: set[str] = set()  # header lines read as the outlet, a byline or a date: never the title
    for line in header:
        if MASTHEAD.match(line) and 2 <= len(line.split()) <= MASTHEAD_WORDS:
            outlet = outlet or line
            read.add(line)
            continue
        found = None if authors else _authors(line)
        if found and _is_byline(line, found, title_seen=title is not None):
            authors, previous_was_byline = found, True
            read.add(line)
            continue
        if previous_was_byline and line.startswith("The ") and len(line.split()) <= 5:
            outlet = outlet or line
            read.add(line)
        elif title is None and len(line.split()) >= 3 and not parse_date(line):
            title = line
        previous_was_byline = False
    # A story file (`cleaning.HIGHLIGHT`) has no headline, and its first line is its lead sentence (a
    # headline does not end with a full stop; it may ask a question): its first highlight is written
    # as a headline.
    highlight = next((text[s:e] for (s, e), why in cleaned.removed if why == HIGHLIGHT_REASON), None)
    if highlight and (title is None or title.rstrip("”’\"' ").endswith(".")):
        title = highlight
    if not authors:  # a byline glued dot by dot to the first paragraph (cleaning.LABEL_PREFIX): "By . Jane Roe . "
        glued = (text[s:e] for (s, e), why in cleaned.removed if why == LABEL_REASON and text.startswith("By", s))
        authors = next((found for label in glued if (found := authors_in(_glued_byline(label)))), ())
    if title is None:  # no headline: the article's first line that is not its byline, outlet or date
        title = next((line for line in kept if line not in read and not parse_date(line)), kept[0] if kept else "")
    return Metadata(shorten(title), authors, outlet, date)
