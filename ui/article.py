"""The whole article, as read from a source card: its cleaned text (the paragraphs the index kept),
its metadata, and every span the conversation cited from it highlighted."""

from __future__ import annotations

import html
from collections.abc import Sequence

from rag import Document

from .render import Layer, esc, marked, short_in
from .turns import Turn

EMPTY_ARTICLE = '<div class="article"><p>Click “Read the whole article” on a source to read it here.</p></div>'
CURRENT = "article-current"  # the id of the span that was clicked, scrolled into view by the page


def layers_for(doc_id: str, turns: Sequence[Turn], current: tuple[int, int] | None = None) -> list[Layer]:
    """Every citation (and short answer) of the conversation in `doc_id`; `current` = (answer, source)
    gets the anchor the page scrolls to."""
    layers = []
    for turn in turns:
        for c in turn.answer.citations:
            if c.doc_id != doc_id:
                continue
            here = current == (turn.n, c.n)
            name = f"Answer {turn.n}, source {c.n}"
            layers.append(Layer(c.start, c.end, "cited current" if here else "cited", name, CURRENT if here else ""))
            span = short_in(c, turn.answer.short)
            if span:
                layers.append(Layer(*span, "short", "the short answer"))
    return layers


def origin_html(doc: Document) -> str:
    """A link to where the article came from when it is known (an http(s) address), else its file."""
    url = getattr(doc, "url", None)  # articles added from the web may carry their address
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        href = html.escape(url, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{esc(url)}</a>'
    return f"file {esc(doc.doc_id)} (download it below)"


def article_html(doc: Document, layers: Sequence[Layer], extra: Layer | None = None) -> str:
    """The article view: title, outlet, date, authors, origin, then each kept paragraph with the
    conversation's spans highlighted. `extra` is a passage opened from a "closest passages" card."""
    marks = [*layers, *([extra] if extra else [])]
    meta = [esc(x) for x in (doc.outlet, doc.date) if x]
    if doc.authors:
        meta.append("by " + esc(", ".join(doc.authors)))
    cited = sum(1 for layer in layers if "cited" in layer.cls.split())
    paragraphs = "".join(f"<p>{marked(doc.text, s, e, marks)}</p>" for s, e in doc.segments)
    return (
        f'<div class="article"><h3>{esc(doc.title)}</h3>'
        f'<div class="meta">{" · ".join(meta) or "no outlet or date found in the article"}</div>'
        f'<div class="where">Original: {origin_html(doc)}</div>'
        f'<p class="note">{cited} span{"" if cited == 1 else "s"} cited in this conversation highlighted.</p>'
        f'<div class="article-body">{paragraphs}</div></div>'
    )
