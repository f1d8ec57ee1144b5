"""Articles saved as NITF, the News Industry Text Format: the XML in which news agencies deliver
stories and newspaper archives keep them (The New York Times Annotated Corpus is one file a story).

A story's parts are named there, so nothing is guessed: the headline (`hl1`, else `head/title`),
the byline (`byline`, the printed one first: "By DAVID E. SANGER" is "David E. Sanger"), the
publication's name and date (`pubdata`, else `date.issue`/`date.release`), and the text, the
paragraphs (`p`) of the body's blocks. An archive's story holds its lead twice, as a block of its
own and as the first paragraph of the full text; only the full text is read then, and its "LEAD:"
label goes with the plain-text cleaning, which the article's text is given to (`Article.plain`).

The file is parsed without fetching anything: the DTD a file names (often a URL) is not loaded,
entities are not expanded, and no network is used (lxml's parser, as trafilatura already brings it).
"""

from __future__ import annotations

import re
from typing import Any

from .html import Article
from .metadata import authors_in

__all__ = ["NotAnNitfArticle", "read_nitf"]

ISO_STAMP = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")  # "20070101T000000", "2007-01-01"


class NotAnNitfArticle(Exception):
    """The bytes are not an NITF story with text; the message says why, in one line."""


def read_nitf(data: bytes) -> Article:
    """The story in an NITF file.

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
    if _local(root.tag) != "nitf":
        raise NotAnNitfArticle(f"XML whose root is <{_local(root.tag)}>, not an NITF story <nitf>")
    content = _first(root, "body.content")
    blocks = [] if content is None else [b for b in content.iter() if _local(b.tag) == "block"]
    full = [b for b in blocks if b.get("class") == "full_text"]
    # No blocks: the body's paragraphs as they come. A full text: it alone (it repeats the lead).
    holders = full or blocks or ([content] if content is not None else [])
    paragraphs = [_text(p) for holder in holders for p in holder.iter() if _local(p.tag) == "p"]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise NotAnNitfArticle("an NITF story with no paragraphs of text in its body")
    headline, title = _first(root, "hl1"), _first(root, "title")
    bylines = [b for b in root.iter() if _local(b.tag) == "byline"]
    bylines.sort(key=lambda b: b.get("class") != "print_byline")  # the printed byline first
    pubdata = _first(root, "pubdata")
    return Article(
        text=text,
        title=_text(headline) or _text(title) or None,
        authors=next((found for b in bylines if (found := _names(_text(b)))), ()),
        outlet=(pubdata.get("name") or "").strip() or None if pubdata is not None else None,
        date=_date(root),
        plain=True,
    )


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


def _names(byline: str) -> tuple[str, ...]:
    """The names of a byline; a name printed in capitals ("DAVID E. SANGER") in the usual case."""
    return tuple(n.title() if n.isupper() else n for n in authors_in(byline))


def _date(root: Any) -> str | None:
    """The publication date as YYYY-MM-DD: `pubdata`'s, else the issue's or the release's."""
    stamps = [(_first(root, "pubdata"), "date.publication"), (_first(root, "date.issue"), "norm")]
    stamps.append((_first(root, "date.release"), "norm"))
    for element, attribute in stamps:
        found = ISO_STAMP.match((element.get(attribute) or "").strip()) if element is not None else None
        if found:
            return "-".join(found.groups())
    return None
