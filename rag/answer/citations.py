"""What an answer is: quoted parts, each with the number of the citation it quotes.

    answer.parts        (("Lavrov said ...", 1), ("The talks ...", 2))
    answer.text         "Lavrov said ... [1] The talks ... [2]"  (the one place this format is made)
    answer.citations    numbered spans: `document.text[start:end] == quote`
    answer.to_dict()    the JSON shape of `rag ask --json` and the page's API; `Answer.from_dict` reads it

`cite` turns the spans an answerer chose into parts and citations, numbered in order; `grounded`
checks the promise (every part lies inside its cited span, and every quote is its source's text).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..search.spelling import describe
from ..types import Document, Hit

ABSTAIN_TEXT = "The articles don't say."


@dataclass(frozen=True)
class Citation:
    """A numbered source span; `quote == original_text[start:end]`."""

    n: int
    doc_id: str
    source: str
    title: str
    start: int
    end: int
    quote: str
    outlet: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShortAnswer:
    """The words that answer ("1,200", "on 3 March"), inside citation `n`.

    `start`/`end` index the source text like the citation's own, so
    `citation.start <= start < end <= citation.end` and `source_text[start:end] == text`.
    """

    n: int
    start: int
    end: int
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Quote:
    """A span an answerer chose to quote, in answer order (see answerers.py)."""

    doc_id: str
    start: int
    end: int
    score: float = 0.0  # how sure the answerer is that this span answers


@dataclass(frozen=True)
class Answer:
    """Quoted parts with their citation numbers, or an abstention with related passages."""

    question: str
    parts: tuple[tuple[str, int], ...] = ()  # (quoted text, citation number)
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    reason: str = ""  # why it abstained, for people checking the rule
    related: tuple[Hit, ...] = ()
    query: str = ""  # what was retrieved: the question, plus context for a follow-up and an office holder's name
    confidence: float = 0.0  # P(the articles answer the question)
    seconds: float = 0.0
    short: ShortAnswer | None = None  # the words that answer, inside one citation, when found
    respelt: tuple[tuple[str, str], ...] = ()  # (typed, searched): misspelt words searched as the articles spell them

    @property
    def text(self) -> str:
        """The answer as one line: each part followed by its marker, or the abstention."""
        if self.abstained:
            return ABSTAIN_TEXT
        return " ".join(f"{text} [{n}]" for text, n in self.parts)

    @property
    def respelling(self) -> str:
        """One line saying which of the question's words were searched as the articles spell
        them, or "" when none was (`spelling.describe`)."""
        return describe(self.respelt)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        short = data.get("short")
        return cls(
            question=data["question"],
            parts=tuple((str(t), int(n)) for t, n in data.get("parts", ())),
            citations=tuple(Citation(**{**c, "authors": tuple(c.get("authors", ()))}) for c in data["citations"]),
            abstained=bool(data["abstained"]),
            reason=data.get("reason", ""),
            related=tuple(
                Hit(
                    **{
                        **h,
                        "sentences": tuple(map(tuple, h.get("sentences", ()))),
                        "authors": tuple(h.get("authors", ())),
                    }
                )
                for h in data.get("related", ())
            ),
            query=data.get("query", ""),
            confidence=float(data.get("confidence", 0.0)),
            seconds=float(data.get("seconds", 0.0)),
            short=ShortAnswer(**short) if short else None,
            respelt=tuple((str(a), str(b)) for a, b in data.get("respelt", ())),
        )


def _normalise(text: str) -> str:
    return " ".join(text.split())


def cite(
    quotes: Sequence[Quote], documents: dict[str, Document]
) -> tuple[tuple[tuple[str, int], ...], tuple[Citation, ...]]:
    """Parts and numbered citations for `quotes`, in their order; a span that directly follows the
    previous one in the same document shares its citation."""
    spans: list[list[Any]] = []  # [doc_id, start, end]
    for q in quotes:
        text = documents[q.doc_id].text
        last = spans[-1] if spans else None
        if last and last[0] == q.doc_id and last[2] <= q.start and not text[last[2] : q.start].strip():
            last[2] = q.end  # the next span of the same text: one citation
        else:
            spans.append([q.doc_id, q.start, q.end])
    citations = []
    for n, (doc_id, start, end) in enumerate(spans, start=1):
        doc = documents[doc_id]
        citations.append(
            Citation(
                n, doc_id, doc.source, doc.title, start, end, doc.text[start:end], doc.outlet, doc.date, doc.authors
            )
        )
    return tuple((_normalise(c.quote), c.n) for c in citations), tuple(citations)


def short_of(found: tuple[int, int, float] | None, best: Quote, citations: Sequence[Citation]) -> ShortAnswer | None:
    """`found` (offsets into the `best` span, and a score) as a span of the citation that holds it."""
    if found is None:
        return None
    start, end = best.start + found[0], best.start + found[1]
    cited = next((c for c in citations if c.doc_id == best.doc_id and c.start <= start and end <= c.end), None)
    if cited is None:
        return None
    return ShortAnswer(cited.n, start, end, cited.quote[start - cited.start : end - cited.start], found[2])


def grounded(answer: Answer, text_of: Callable[[str], str | None]) -> bool:
    """Whether `answer` keeps the promise: citations numbered 1, 2, ...; each quote is its source's
    text at its span (`text_of(doc_id)`, None when the source cannot be read); each part lies inside
    the span it cites; the short answer lies inside its citation. An abstention cites nothing."""
    if answer.abstained:
        return not answer.citations and not answer.parts
    if not answer.parts or [c.n for c in answer.citations] != list(range(1, len(answer.citations) + 1)):
        return False
    by_n = {c.n: c for c in answer.citations}
    for c in answer.citations:
        source = text_of(c.doc_id)
        if source is not None and not (0 <= c.start < c.end <= len(source) and source[c.start : c.end] == c.quote):
            return False
    if any(n not in by_n or _normalise(text) not in _normalise(by_n[n].quote) for text, n in answer.parts):
        return False
    return answer.short is None or _short_inside(answer.short, by_n.get(answer.short.n))


def _short_inside(s: ShortAnswer, cited: Citation | None) -> bool:
    return (
        cited is not None
        and cited.start <= s.start < s.end <= cited.end
        and cited.quote[s.start - cited.start : s.end - cited.start] == s.text
    )
