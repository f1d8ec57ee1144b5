"""The conversation as Markdown: each answer with numbered footnotes that quote the source and name
its article, outlet and date. Footnotes run 1, 2, 3 through the whole conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from .turns import Turn

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def md(text: str) -> str:
    """Plain text made inert in Markdown: one line, and every character Markdown acts on escaped.

    >>> md("a *b* [c](d) <i>x</i>\\n next")
    'a \\\\*b\\\\* \\\\[c\\\\](d) \\\\<i\\\\>x\\\\</i\\\\> next'
    """
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def conversation_markdown(turns: Sequence[Turn], title: str = "Ask the articles", when: datetime | None = None) -> str:
    """The Markdown document for `turns`."""
    stamp = f" ({when.strftime('%Y-%m-%d %H:%M %Z').strip()})" if when else ""
    lines = [f"# {md(title)}{stamp}", ""]
    notes: list[str] = []
    for turn in turns:
        answer = turn.answer
        lines += [f"**Q{turn.n}. {md(turn.question)}**", ""]
        if answer.abstained:
            lines += [f"*{md(answer.text)}*", ""]
            continue
        if answer.short:
            lines += [f"Short answer: **{md(answer.short.text)}**", ""]
        sentences = []
        for c in answer.citations:
            number = len(notes) + 1
            sentences.append(f"{md(c.quote)}[^{number}]")
            where = ", ".join(md(x) for x in (c.outlet, c.date) if x)
            notes.append(
                f"[^{number}]: “{md(c.quote)}” — *{md(c.title)}*{', ' + where if where else ''} "
                f"({md(c.doc_id)}, characters {c.start}–{c.end})."
            )
        lines += [" ".join(sentences), ""]
    if notes:
        lines += ["---", "", *notes, ""]
    return "\n".join(lines)
