"""Scoring and choosing answer sentences: pure functions over candidate sentences.

Each candidate is one sentence from a retrieved passage with its features already computed
(see `assistant.py`). `score` blends them; `select` picks the best one to three sentences that
are not near-duplicates of each other and orders them to read as an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Weights:
    """How much each feature counts; tuned on eval/questions.jsonl (see README, "Answers")."""

    cosine: float = 1.0  # sentence vs question embedding similarity
    overlap: float = 0.6  # IDF-weighted share of the question's content words in the sentence
    passage: float = 0.3  # how well the sentence's passage was retrieved (0..1)
    kind: float = 0.3  # holds the kind of thing asked for (a number for "how many" ...)
    definition: float = 0.4  # "X, a former adviser ..." for "Who is X?"
    speech: float = 0.2  # reports what X said, for "What did X say?"
    focus: float = 0.3  # names the thing asked about ("treaty" for "Which treaty ...?")
    short: float = 0.2  # penalty for fragments under five words


@dataclass(frozen=True)
class Candidate:
    """A sentence that could go into the answer, with its features."""

    doc_id: str
    start: int
    end: int
    text: str
    cosine: float = 0.0
    overlap: float = 0.0
    passage: float = 0.0
    kind: bool = False
    definition: bool = False
    speech: bool = False
    focus: float = 0.0
    score: float = 0.0


def score(candidate: Candidate, weights: Weights) -> float:
    """The blended score of one candidate.

    >>> score(Candidate("d", 0, 10, "A sentence of six words here.", cosine=0.5, overlap=0.5), Weights())
    0.8
    """
    total = (
        weights.cosine * candidate.cosine
        + weights.overlap * candidate.overlap
        + weights.passage * candidate.passage
        + weights.kind * candidate.kind
        + weights.definition * candidate.definition
        + weights.speech * candidate.speech
        + weights.focus * candidate.focus
    )
    if len(candidate.text.split()) < 5:
        total -= weights.short
    return round(total, 6)


def rank(candidates: Sequence[Candidate], weights: Weights) -> list[Candidate]:
    """Candidates with their scores filled in, best first (ties: earlier in the document first)."""
    scored = [replace(c, score=score(c, weights)) for c in candidates]
    return sorted(scored, key=lambda c: (-c.score, c.doc_id, c.start))


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?“”\"'’()").lower() for w in text.split()} - {""}


def redundant(a: str, b: str, threshold: float = 0.6) -> bool:
    """Whether two sentences say nearly the same words (Jaccard overlap of their word sets).

    >>> redundant("Lavrov said the agenda is not ready.", "The agenda is not ready, Lavrov said.")
    True
    >>> redundant("Lavrov said the agenda is not ready.", "Vance said talks would go on.")
    False
    """
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= threshold


def select(ranked: Sequence[Candidate], max_sentences: int = 3, margin: float = 0.12) -> list[Candidate]:
    """The best sentence plus up to `max_sentences - 1` others scoring within `margin` of it,
    skipping near-duplicates; ordered by document (best document first), then by position.

    >>> c = [Candidate("a", 50, 60, "x y z w v u", score=1.0), Candidate("a", 0, 10, "p q r s t o", score=0.95),
    ...      Candidate("b", 0, 10, "x y z w v u", score=0.94), Candidate("c", 0, 9, "m n", score=0.5)]
    >>> [(s.doc_id, s.start) for s in select(c)]
    [('a', 0), ('a', 50)]
    """
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    for candidate in ranked[1:]:
        if len(chosen) == max_sentences or candidate.score < best.score - margin:
            break
        if any(redundant(candidate.text, c.text) for c in chosen):
            continue
        chosen.append(candidate)
    doc_order = {doc: i for i, doc in enumerate(dict.fromkeys(c.doc_id for c in chosen))}
    return sorted(chosen, key=lambda c: (doc_order[c.doc_id], c.start))
