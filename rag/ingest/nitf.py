"""Articles saved as NITF, the News Industry Text Format: the XML in which news agencies deliver
stories and newspaper archives keep them (The New York Times Annotated Corpus is one file a story).

A story's parts are named there, so nothing is guessed: the headline (`hl1`, else `head/title`;
subheads are left out), the authors (the byline's `person` elements, else the printed byline, "By
DAVID E. SANGER, Special to The New York Times" giving "David E. Sanger", else the archive's
normalised one), the publication's name and date (`pubdata`, else `date.issue`/`date.release`), and
the text: each paragraph of the body (`p`, a list's `li`), in blocks or not, once (a paragraph inside
another is part of it), captions and notes left out. An archive's story holds its lead twice, as a
block of its own and as the first paragraph of the full text; the lead block is then left out, and
the full text's "LEAD:" label goes with the plain-text cleaning, which the text is given to
(`Article.plain`). A story inside a NewsML package is read the same way.

Nothing is fetched or read from outside the file: the DTD a file names (often a URL) is not loaded,
external entities are not resolved (an entity stays as written in the text), and no network is used
(lxml's parser, which trafilatura already brings; its libxml2 refuses entity bombs and overdeep
nesting, which are then skipped with their reason).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .html import Article
from .metadata import authors_in

__all__ = ["NotAnNitfArticle", "read_nitf"]

ISO_STAMP = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")  # "20070101T000000", "2007-01-01"


class NotAnNitfArticle(Exception):
    """The bytes are not an NITF story with text; the message says why, in one line."""


def read_nitf(data: bytes) -> Article:
    """The story in an NITF file (or the first one inside a NewsML package).

    >>> story = b'''<nitf><head><pubdata date.publication="20070101T000000" name="The New York Times"/></head>
    ... <body><body.head><hedline><hl1>Budget Signed</hl1></hedline><byline class="print_byline">By JANE
    ... ROE</byline></body.head><body.content><block class="lead_paragraph"><p>LEAD: It passed.</p></block>
    ... <block class="full_text"><p>LEAD: It passed.</p><p>It <em>passed</em> late.</p></block>
    ... </body.content></body></nitf>'''
    >>> a = read_nitf(story)
    >>> a.title, a.authors, a.outlet, a.date
    ('Budget Signed', ('Jane Roe',), 'The New York Times', '2007-01-01')
    >>> a.text
    'LEAD: It passed.\\n\\nIt passed late.'
    """
    root = _parse(data)
    story = root if _local(root.tag) == "nitf" else _first(root, "nitf")
    if story is None:
        raise NotAnNitfArticle(f"XML whose root is <{_local(root.tag)}>, not an NITF story <nitf>")
    content = _first(story, "body.content")
    text = "\n\n".join(_paragraphs(content if content is not None else _first(story, "body")))
    if not text:
        raise NotAnNitfArticle("an NITF story with no paragraphs of text in its body")
    headline, title = _first(story, "hl1"), _first(story, "title")
    pubdata = _first(story, "pubdata")
    return Article(
        text=text,
        title=_text(headline) or _text(title) or None,
        authors=_authors(story),
        outlet=(pubdata.get("name") or "").strip() or None if pubdata is not None else None,
        date=_date(story),
        plain=True,
    )


# Where a paragraph is not the story's own text: a picture's caption, a note, a footnote.
ASIDES = frozenset({"media", "media-caption", "media-producer", "note", "fn"})
PARAGRAPHS = frozenset({"p", "li"})


def _paragraphs(body: Any) -> list[str]:
    """The text of each paragraph (`p`, or a list's `li`) of `body`, in order, each once: a
    paragraph inside another is part of it; paragraphs in or out of blocks (a block quote's
    `bq/block`) all count, except a lead block when a full text repeats it, and asides."""
    if body is None:
        return []
    blocks = [e for e in body.iter() if _local(e.tag) == "block"]
    repeated = any(b.get("class") == "full_text" for b in blocks)
    for br in (e for e in body.iter() if _local(e.tag) == "br"):
        br.tail = " " + (br.tail or "")  # a line break parts words ("line one<br/>line two")
    found: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            name = _local(child.tag)
            if name in ASIDES or (repeated and name == "block" and child.get("class") == "lead_paragraph"):
                continue
            if name in PARAGRAPHS:
                found.append(_text(child))  # its own paragraphs inside it are read with it, once
            else:
                walk(child)

    walk(body)
    return [p for p in found if p]


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAnNitfArticle(f"not well-formed XML ({exc.msg})") from None


def _local(tag: Any) -> str:
    """A tag without its namespace ("{http://iptc.org/std/NITF/2006-10-18/}nitf" is "nitf");
    comments and processing instructions have none."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _first(root: Any, name: str) -> Any:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _text(element: Any) -> str:
    """An element's text, markup inside it dropped and whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _authors(story: Any) -> tuple[str, ...]:
    """The authors a story's bylines name: their `person` elements, else the printed byline's names
    (a name printed in capitals, "DAVID E. SANGER", in the usual case), else the archive's
    normalised byline ("Sanger, David E")."""
    bylines = [b for b in story.iter() if _local(b.tag) == "byline"]
    persons = [_text(p) for b in bylines for p in b.iter() if _local(p.tag) == "person"]
    if any(persons):
        return tuple(dict.fromkeys(p for p in persons if p))
    bylines.sort(key=lambda b: b.get("class") != "print_byline")  # the printed byline first
    for byline in bylines:
        text = _text(byline)
        if byline.get("class") == "normalized_byline" and text.count(",") == 1:  # "Kifner, John"
            text = " ".join(reversed(text.split(",")))
        names = authors_in(text)
        if names:
            return tuple(n.title() if n.isupper() else n for n in names)
    return ()


def _date(story: Any) -> str | None:
    """The publication date as YYYY-MM-DD: `pubdata`'s, else the issue's or the release's."""
    stamps = (
        (_first(story, "pubdata"), "date.publication"),
        (_first(story, "date.issue"), "norm"),
        (_first(story, "date.release"), "norm"),
    )
    for element, attribute in stamps:
        found = ISO_STAMP.match((element.get(attribute) or "").strip()) if element is not None else None
        try:
            if found:
                return date(*map(int, found.groups())).isoformat()
        except ValueError:  # "99999999T000000" is no date
            continue
    return None
