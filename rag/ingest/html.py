"""The article in a news page's HTML: main text and the page's own metadata.

trafilatura finds the main text (navigation, ads, share buttons, newsletter boxes, comment
sections and related-link boxes are left out) and reads title, authors and site name from the
page's `<meta>` tags, JSON-LD and bylines; the date is read by htmldate (through trafilatura's
`date_extraction_params`) from the markup only: the original publication date, never a guess
from the text or the URL. The text this module returns is what the index
stores and cites: one paragraph per line pair ("\\n\\n" between paragraphs), whitespace inside a
paragraph collapsed to single spaces. trafilatura and htmldate are imported on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..types import Span

MIN_WORDS = 40  # less than this is a teaser, a paywall prompt or a section front, not an article
PAYWALLED = re.compile(r'"isAccessibleForFree"\s*:\s*"?false"?', re.IGNORECASE)


class NotAnArticle(ValueError):
    """The page holds no article text that could be indexed; the message says why."""


@dataclass(frozen=True)
class Article:
    """What a page says about its article; fields the page does not show are None or empty."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None
    url: str | None = None  # the canonical URL the page names for itself
    # True when `text` is as someone else saved it (a JSON article's text field), to be cleaned as
    # plain text is (furniture lines, wrapped lines) rather than kept a line at a time.
    plain: bool = False

    def paragraphs(self) -> tuple[Span, ...]:
        """The span of each paragraph of `text`.

        >>> Article("One two.\\n\\nThree.").paragraphs()
        ((0, 8), (10, 16))
        """
        return tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]+", self.text))


def split_authors(field: str | None) -> tuple[str, ...]:
    """trafilatura's "A; B" author field as names, "By" dropped, duplicates removed.

    >>> split_authors("By Ingrid Solberg; Marcus Webb; ingrid solberg")
    ('Ingrid Solberg', 'Marcus Webb')
    """
    names: dict[str, str] = {}
    for name in re.split(r"\s*;\s*", field or ""):
        name = re.sub(r"^by\s+", "", " ".join(name.split()), flags=re.IGNORECASE)
        if name:
            names.setdefault(name.casefold(), name)
    return tuple(names.values())


def join_paragraphs(text: str) -> str:
    """trafilatura's one-line-per-element text as paragraphs separated by blank lines, without
    the "- " it puts before list items.

    >>> join_paragraphs("Title\\n  Body   text. \\n\\n- More.")
    'Title\\n\\nBody text.\\n\\nMore.'
    """
    lines = (re.sub(r"^- ", "", " ".join(line.split())) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def extract_article(page: str | bytes, url: str | None = None) -> Article:
    """The article in `page` (HTML as text, or bytes in any encoding the page declares).

    Raises NotAnArticle for a page with too little article text: a paywall stub, a section
    front, an error page.
    """
    import trafilatura

    found: Any = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    text = join_paragraphs(found.text or "") if found is not None else ""
    words = len(text.split())
    if words < MIN_WORDS:
        html_text = page if isinstance(page, str) else page.decode("utf-8", "replace")
        if PAYWALLED.search(html_text):
            raise NotAnArticle(f"behind a paywall: the page marks itself not free and shows only {words} words")
        plural = "" if words == 1 else "s"
        raise NotAnArticle(
            f"not an article: only {words} word{plural} of article text (a section page, teaser or error?)"
        )
    return Article(
        text=text,
        title=" ".join(found.title.split()) if found.title else None,
        authors=split_authors(found.author),
        outlet=found.sitename or None,
        date=found.date or None,
        url=found.url or None,
    )
