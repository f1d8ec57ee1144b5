"""HTML for the chat page, built from `rag` answers. Every piece of article text, title, file
name and question goes through `esc` (or `html.escape` inside `marked`), so markup in an article is
shown, never run. Numbers that scripts read (answer and source numbers) are written by this module
from integers, never from text."""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from rag import Answer, Citation, Document, Hit, ShortAnswer

from .turns import Turn

CONTEXT_CHARS = 500
# Characters that Markdown would act on, written as entities so the chat shows them literally.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~"}
EMPTY_SOURCES = '<div class="sources"><p>Ask a question: the passages it is quoted from appear here.</p></div>'
FEEDBACK_LABELS = {"right": "✓ Right", "wrong": "✗ Wrong", "unsupported": "The quote does not support this"}


def esc(text: str) -> str:
    """Text safe to place in HTML or in the chat's Markdown: tags, entities and Markdown inert.

    >>> esc('<img src=x onerror=alert(1)> *bold* [a](javascript:x)')
    '&lt;img src=x onerror=alert&#40;1&#41;&gt; &#42;bold&#42; &#91;a&#93;&#40;javascript:x&#41;'
    """
    return "".join(_MARKDOWN.get(c) or html.escape(c, quote=True) for c in " ".join(text.split()))


def _esc_piece(text: str) -> str:
    """`esc` for a piece of a longer text: a space at either edge survives, as one space.

    >>> _esc_piece("Tom Graham, "), _esc_piece(" said.")
    ('Tom Graham, ', ' said.')
    """
    if not text.strip():
        return " " if text else ""
    return (" " if text[0].isspace() else "") + esc(text) + (" " if text[-1].isspace() else "")


@dataclass(frozen=True)
class Layer:
    """A highlighted span of a text: a `<mark>` with `cls`, a tooltip, and an optional element id."""

    start: int
    end: int
    cls: str
    title: str = ""
    anchor: str = ""


def marked(text: str, lo: int, hi: int, layers: Sequence[Layer]) -> str:
    """`text[lo:hi]` as escaped HTML, each stretch covered by layers in one `<mark>` naming them all.

    >>> marked("a <b> c", 0, 7, [Layer(2, 5, "cited"), Layer(3, 4, "short", anchor="here")])
    'a <mark class="cited">&lt;</mark><mark class="cited short" id="here">b</mark><mark class="cited">&gt;</mark> c'
    """
    cuts = sorted({lo, hi, *(p for layer in layers for p in (layer.start, layer.end) if lo < p < hi)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        over = [layer for layer in layers if layer.start <= a and b <= layer.end and layer.start < layer.end]
        if not over:
            out.append(piece)
            continue
        classes = " ".join(dict.fromkeys(c for layer in over for c in layer.cls.split()))
        titles = "; ".join(dict.fromkeys(layer.title for layer in over if layer.title))
        anchor = next((layer.anchor for layer in over if layer.anchor and layer.start == a), "")
        attrs = f' class="{classes}"' + (f' title="{html.escape(titles)}"' if titles else "")
        attrs += f' id="{html.escape(anchor)}"' if anchor else ""
        out.append(f"<mark{attrs}>{piece}</mark>")
    return "".join(out)


def short_in(c: Citation, short: ShortAnswer | None) -> tuple[int, int] | None:
    """The short answer's span when it lies inside citation `c`, else None."""
    if short is None or short.n != c.n or not (c.start <= short.start < short.end <= c.end):
        return None
    return short.start, short.end


def quote_html(c: Citation, short: ShortAnswer | None = None) -> str:
    """The citation's quote, escaped, with the short answer highlighted when it lies inside it."""
    span = short_in(c, short)
    if span is None:
        return esc(c.quote)
    a, b = span[0] - c.start, span[1] - c.start
    return _esc_piece(c.quote[:a]) + f'<mark class="short">{esc(c.quote[a:b])}</mark>' + _esc_piece(c.quote[b:])


def feedback_html(turn: int, abstained: bool, verdict: str | None = None) -> str:
    """The verdict buttons under answer `turn`; the class names carry the numbers the page's script reads."""
    verdicts = ("right", "wrong") if abstained else ("right", "wrong", "unsupported")
    buttons = [
        f'<button class="fb verdict-{v} turn-{turn}{" chosen" if v == verdict else ""}" '
        f'title="Tell the tool: {FEEDBACK_LABELS[v].strip("✓✗ ").lower()}">{FEEDBACK_LABELS[v]}</button>'
        for v in verdicts
    ]
    note = f' <span class="fb-saved">Feedback saved: {html.escape(verdict)}.</span>' if verdict else ""
    return f'<div class="feedback">{" ".join(buttons)}{note}</div>'


def answer_html(answer: Answer, turn: int = 1, verdict: str | None = None) -> str:
    """The chat message for answer number `turn`: each quoted span followed by its citation number
    (the short answer highlighted), a line naming any of the question's words searched as the articles
    spell them, then the feedback buttons."""
    respelt = f'<p class="respelt">{esc(answer.respelling)}</p>' if answer.respelling else ""
    if answer.abstained:
        return f'<p class="abstained">{esc(answer.text)}</p>' + respelt + feedback_html(turn, True, verdict)
    cited = {c.n: c for c in answer.citations}
    marker = '<sup class="cite turn-{turn}" title="Answer {turn}, source {n}">[{n}]</sup>'
    parts = [f"{quote_html(cited[n], answer.short)} {marker.format(turn=turn, n=n)}" for _, n in answer.parts]
    return "<p>" + " ".join(parts) + "</p>" + respelt + feedback_html(turn, False, verdict)


def _meta(outlet: str | None, date: str | None) -> str:
    bits = [esc(x) for x in (outlet, date) if x]
    return f' <span class="meta">· {" · ".join(bits)}</span>' if bits else ""


def passage_html(
    doc: Document, start: int, end: int, context: int = CONTEXT_CHARS, short: tuple[int, int] | None = None
) -> str:
    """The article around [start, end), with that span (and the short answer in it) highlighted;
    cut at line breaks."""
    text = doc.text
    left = text.rfind("\n", 0, max(0, start - context)) + 1
    right = text.find("\n", min(len(text), end + context))
    right = len(text) if right < 0 else right
    layers = [Layer(start, end, "cited"), *([Layer(*short, "short")] if short else [])]
    body = marked(text, left, right, layers)
    return f'<div class="passage">{"… " if left else ""}{body}{" …" if right < len(text) else ""}</div>'


def sources_panel(turns: Sequence[Turn], documents: dict[str, Document]) -> str:
    """The Sources panel for the whole conversation: one group per answer, the latest first and open,
    so a marker of any earlier answer still finds its source."""
    if not turns:
        return EMPTY_SOURCES
    groups = [_turn_html(t, documents, latest=t is turns[-1]) for t in reversed(turns)]
    return '<div class="sources">' + "".join(groups) + "</div>"


def _turn_html(turn: Turn, documents: dict[str, Document], latest: bool) -> str:
    answer = turn.answer
    if answer.abstained:
        if answer.related:
            body = '<p class="note">Closest passages (they do not answer the question)</p>' + "".join(
                _related(hit, turn.n, i, documents) for i, hit in enumerate(answer.related)
            )
        else:
            body = '<p class="note">No related passages.</p>'
    else:
        body = "".join(_citation(c, turn.n, answer.short, documents) for c in answer.citations)
    return (
        f'<details class="turn" id="turn-{turn.n}"{" open" if latest else ""}>'
        f'<summary><span class="qbadge">Q{turn.n}</span> {esc(turn.question)}</summary>{body}</details>'
    )


def _read_button(turn: int, n: int | None = None, hit: int | None = None) -> str:
    which = f'data-n="{n}"' if n is not None else f'data-hit="{hit}"'
    return f'<button class="read-article" data-turn="{turn}" {which}>Read the whole article</button>'


def _citation(c: Citation, turn: int, short: ShortAnswer | None, documents: dict[str, Document]) -> str:
    doc = documents.get(c.doc_id)
    context = passage_html(doc, c.start, c.end, short=short_in(c, short)) if doc else ""
    return (
        f'<div class="source" id="source-{turn}-{c.n}"><span class="badge">{c.n}</span> '
        f"<b>{esc(c.title)}</b>{_meta(c.outlet, c.date)}"
        f'<blockquote class="quote">{quote_html(c, short)}</blockquote>'
        f"<details><summary>Show the passage in the article</summary>{context}</details>"
        f'<div class="where">{esc(c.doc_id)} · characters {c.start}–{c.end} '
        f"{_read_button(turn, n=c.n) if doc else ''}</div></div>"
    )


def _related(hit: Hit, turn: int, i: int, documents: dict[str, Document]) -> str:
    doc = documents.get(hit.doc_id)
    context = passage_html(doc, hit.start, hit.end, context=0) if doc else esc(hit.text)
    return (
        f'<div class="source related" id="related-{turn}-{i}"><b>{esc(hit.title)}</b>{_meta(hit.outlet, hit.date)}'
        f'{context}<div class="where">{esc(hit.chunk_id)} {_read_button(turn, hit=i) if doc else ""}</div></div>'
    )
