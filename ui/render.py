"""HTML for the chat page, built from `rag` answers. Every piece of article text, title, file
name and question goes through `esc`, so markup in an article is shown, never run."""

from __future__ import annotations

import html

from rag import Answer, Citation, Document, Hit

CONTEXT_CHARS = 500
# Characters that Markdown would act on, written as entities so the chat shows them literally.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~"}


def esc(text: str) -> str:
    """Text safe to place in HTML or in the chat's Markdown: tags, entities and Markdown inert.

    >>> esc('<img src=x onerror=alert(1)> *bold* [a](javascript:x)')
    '&lt;img src=x onerror=alert&#40;1&#41;&gt; &#42;bold&#42; &#91;a&#93;&#40;javascript:x&#41;'
    """
    return "".join(_MARKDOWN.get(c) or html.escape(c, quote=True) for c in " ".join(text.split()))


def answer_html(answer: Answer) -> str:
    """The chat message for an answer: each quoted span followed by its citation number."""
    if answer.abstained:
        return f'<p class="abstained">{esc(answer.text)}</p>'
    parts = [f'{esc(c.quote)} <sup class="cite" title="Source {c.n}">[{c.n}]</sup>' for c in answer.citations]
    return "<p>" + " ".join(parts) + "</p>"


def _meta(outlet: str | None, date: str | None) -> str:
    bits = [esc(x) for x in (outlet, date) if x]
    return f' <span class="meta">· {" · ".join(bits)}</span>' if bits else ""


def passage_html(doc: Document, start: int, end: int, context: int = CONTEXT_CHARS) -> str:
    """The article around [start, end), with that span highlighted; cut at line breaks."""
    text = doc.text
    left = text.rfind("\n", 0, max(0, start - context)) + 1
    right = text.find("\n", min(len(text), end + context))
    right = len(text) if right < 0 else right
    before, quote, after = text[left:start], text[start:end], text[end:right]
    paragraphs = []
    for piece, marked in ((before, False), (quote, True), (after, False)):
        chunk = html.escape(piece)
        paragraphs.append(f"<mark>{chunk}</mark>" if marked else chunk)
    body = "".join(paragraphs).replace("\n\n", "<br><br>").replace("\n", "<br>")
    return f'<div class="passage">{"… " if left else ""}{body}{" …" if right < len(text) else ""}</div>'


def sources_html(answer: Answer, documents: dict[str, Document]) -> str:
    """The Sources panel: each citation with its article, the exact quote, and its context."""
    if answer.abstained:
        if not answer.related:
            return '<div class="sources"><p>No related passages.</p></div>'
        items = [_related(hit, documents) for hit in answer.related]
        return (
            '<div class="sources"><p><b>Closest passages</b> (they do not answer the question)</p>'
            + "".join(items)
            + "</div>"
        )
    return '<div class="sources">' + "".join(_citation(c, documents) for c in answer.citations) + "</div>"


def _citation(c: Citation, documents: dict[str, Document]) -> str:
    doc = documents.get(c.doc_id)
    context = passage_html(doc, c.start, c.end) if doc else ""
    return (
        f'<div class="source" id="source-{c.n}"><span class="badge">{c.n}</span> '
        f"<b>{esc(c.title)}</b>{_meta(c.outlet, c.date)}"
        f'<blockquote class="quote">{esc(c.quote)}</blockquote>'
        f"<details><summary>Show the passage in the article</summary>{context}</details>"
        f'<div class="where">{esc(c.doc_id)} · characters {c.start}–{c.end}</div></div>'
    )


def _related(hit: Hit, documents: dict[str, Document]) -> str:
    doc = documents.get(hit.doc_id)
    context = passage_html(doc, hit.start, hit.end, context=0) if doc else esc(hit.text)
    return (
        f'<div class="source related"><b>{esc(hit.title)}</b>{_meta(hit.outlet, hit.date)}{context}'
        f'<div class="where">{esc(hit.chunk_id)}</div></div>'
    )


# Clicking a citation marker in the chat shows its source: the Sources tab is brought forward, the
# card scrolled into view and flashed. Article text never reaches this code; it reads only the
# marker's number.
CLICK_JS = """
() => {
  document.addEventListener("click", (event) => {
    const marker = event.target.closest && event.target.closest("sup.cite");
    if (!marker) return;
    const n = parseInt(marker.textContent.replace(/[^0-9]/g, ""), 10);
    const tabs = Array.from(document.querySelectorAll("button[role=tab]"));
    const tab = tabs.find((b) => b.textContent.trim() === "Sources");
    if (tab) tab.click();
    setTimeout(() => {
      const cards = document.querySelectorAll("#sources .source");
      const card = Array.from(cards).find((c) => c.id === "source-" + n);
      if (!card) return;
      card.scrollIntoView({behavior: "smooth", block: "center"});
      card.classList.add("flash");
      setTimeout(() => card.classList.remove("flash"), 1500);
    }, 50);
  });
}
"""

CSS = """
.sources .source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px; margin: 8px 0; }
.sources .badge { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 999px;
  background: var(--color-accent); color: white; font-weight: 600; margin-right: 4px; }
.sources .meta, .sources .where { color: var(--body-text-color-subdued); font-size: 0.85em; }
.sources blockquote.quote { margin: 6px 0; padding-left: 10px; border-left: 3px solid var(--color-accent); }
.sources mark { background: #fde68a; color: black; }
.sources .passage { max-height: 260px; overflow-y: auto; font-size: 0.9em; margin-top: 6px; }
sup.cite { color: var(--color-accent); font-weight: 600; cursor: pointer; }
.sources .source.flash { outline: 3px solid var(--color-accent); transition: outline 0.2s; }
.abstained { font-style: italic; }
"""
