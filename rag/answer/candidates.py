"""Scoring and choosing answer sentences: pure functions over candidate sentences.

Each candidate is one sentence from a retrieved passage with its features already computed
(see `evidence.py`). A fitted logistic regression (`rag/answer/answer_model.json`, fitted by
`python -m eval.fit_answers` on the training split) turns the features into the probability that
the sentence holds the answer; `select` keeps the best one and any others nearly as likely that
are not near-duplicates, and orders them to read as an answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from ..fitted import LogisticModel

# What the sentence model reads; `feature_columns` computes every one of them.
SENTENCE_FEATURES = (
    "cosine",  # sentence vs question embedding similarity
    "cosine_gap",  # how far below the best sentence's cosine for this question (0 for the best)
    "overlap",  # IDF-weighted share of the question's content words in the sentence (names: or next to it)
    "overlap_near",  # the same share in the sentence and its neighbours
    "overlap_gap",  # how far below the best overlap for this question
    "names",  # share of the question's names found in or next to the sentence
    "passage",  # how well the sentence's passage was retrieved (0..1, min-max)
    "passage_top",  # 1 when the sentence is in the best passage
    "kind_strict",  # holds the kind of thing a number/amount/date question needs
    "kind_loose",  # holds the kind of thing a duration/place/person question wants
    "no_kind",  # the question wants a kind of thing and the sentence has none
    "definition",  # "X, a former adviser ..." for "Who is X?"
    "speech",  # reports what X said, for "What did X say?"
    "focus",  # names the thing asked about ("treaty" for "Which treaty ...?")
    "cosine_specific",  # sentence vs the embedding of what the question asks beyond its story's topic
    "cosine_specific_gap",  # how far below the best such cosine for this question
    "short",  # a fragment under five words
    "length",  # log of the number of words
)


@dataclass(frozen=True)
class Candidate:
    """A sentence that could go into the answer, with its features and, once ranked, its
    probability of holding the answer (`score`)."""

    doc_id: str
    start: int
    end: int
    text: str
    cosine: float = 0.0
    overlap: float = 0.0
    overlap_near: float = 0.0
    names: float = 0.0
    passage: float = 0.0
    passage_top: bool = False
    kind: bool = False
    expects: str | None = None  # the kind of thing the question asks for, if any
    strict: bool = False  # whether a sentence without that kind of thing cannot answer
    definition: bool = False
    speech: bool = False
    focus: float = 0.0
    cosine_specific: float = 0.0  # with what the question asks beyond its story's topic (evidence.py)
    score: float = 0.0


def word_count(text: str) -> int:
    """`len(text.split())` without making the words: for printable text (whose only whitespace is
    the ASCII space) with single spaces and nothing around it, the spaces plus one.

    >>> [word_count(t) for t in ("Two words", "  odd\tspacing here ", "", "One")]
    [2, 3, 0, 1]
    """
    if text and text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text.count(" ") + 1
    return len(text.split())


def feature_rows(candidates: Sequence[Candidate]) -> list[dict[str, float]]:
    """The features of every candidate of one question, a dict each (what `eval.fit_answers` fits
    on): `feature_columns` read a row at a time, so fitting and ranking see the same numbers.

    >>> c = Candidate("d", 0, 9, "574 drones hit Ukraine overnight.", cosine=0.6, kind=True,
    ...               expects="number", strict=True)
    >>> row = feature_rows([c, Candidate("d", 9, 20, "No.", cosine=0.7)])[0]
    >>> row["cosine_gap"], row["kind_strict"], row["no_kind"], row["short"]
    (-0.1, 1.0, 0.0, 0.0)
    """
    columns = feature_columns(candidates)
    rows = zip(*(columns[name].tolist() for name in SENTENCE_FEATURES), strict=True)
    return [dict(zip(SENTENCE_FEATURES, values, strict=True)) for values in rows]


def feature_columns(candidates: Sequence[Candidate]) -> dict[str, np.ndarray]:
    """The `SENTENCE_FEATURES` of one question's candidates, one float64 column each.

    >>> c = [Candidate("d", 0, 9, "574 drones hit Ukraine overnight.", cosine=0.6), Candidate("d", 9, 20, "No.")]
    >>> columns = feature_columns(c)
    >>> sorted(columns) == sorted(SENTENCE_FEATURES), columns["cosine_gap"].tolist(), columns["short"].tolist()
    (True, [0.0, -0.6], [0.0, 1.0])
    """
    best_cosine = max((c.cosine for c in candidates), default=0.0)
    best_overlap = max((c.overlap for c in candidates), default=0.0)
    best_specific = max((c.cosine_specific for c in candidates), default=0.0)
    # The fields read as they are, one row per candidate, gathered in C and turned into columns at once.
    plain = np.array(list(map(_PLAIN, candidates)), dtype=np.float64).reshape(len(candidates), len(_PLAIN_FIELDS))
    columns = dict(zip(_PLAIN_FIELDS, plain.T, strict=True))
    kind, strict = columns.pop("kind") > 0, columns.pop("strict") > 0
    expects = np.array([bool(c.expects) for c in candidates], dtype=bool)
    words = list(map(word_count, [c.text for c in candidates]))
    columns["cosine_gap"] = np.array([round(c.cosine - best_cosine, 6) for c in candidates], dtype=np.float64)
    columns["overlap_gap"] = np.array([round(c.overlap - best_overlap, 6) for c in candidates], dtype=np.float64)
    columns["cosine_specific_gap"] = np.array(
        [round(c.cosine_specific - best_specific, 6) for c in candidates], dtype=np.float64
    )
    columns["kind_strict"] = (kind & strict).astype(np.float64)
    columns["kind_loose"] = (kind & ~strict).astype(np.float64)
    columns["no_kind"] = (expects & ~kind).astype(np.float64)
    columns["short"] = np.array([n < 5 for n in words], dtype=np.float64)
    columns["length"] = np.array([math.log1p(n) for n in words], dtype=np.float64)
    return columns


_PLAIN_FIELDS = (
    "cosine", "overlap", "overlap_near", "names", "passage", "passage_top", "definition", "speech", "focus",
    "cosine_specific", "kind", "strict",
)  # fmt: skip
_PLAIN = attrgetter(*_PLAIN_FIELDS)


def rank(candidates: Sequence[Candidate], model: LogisticModel) -> list[Candidate]:
    """Candidates with their probabilities filled in, best first (ties: earlier in the document).
    Scored a feature at a time over all candidates (`feature_columns`), not a candidate at a time."""
    probabilities = model.probabilities(feature_columns(candidates), len(candidates))
    scored = [_with_score(c, round(p, 6)) for c, p in zip(candidates, probabilities, strict=True)]
    return sorted(scored, key=lambda c: (-c.score, c.doc_id, c.start))


def make(**fields: object) -> Candidate:
    """`Candidate(**fields)` without the frozen dataclass's one `object.__setattr__` per field (2.5 us
    a candidate; an answer makes about fifty): the defaults of the fields not given, then `fields`.
    For the code that has just computed every value itself (evidence.py); anything else calls `Candidate`."""
    made = object.__new__(Candidate)
    made.__dict__.update(_BLANK.__dict__, **fields)
    return made


def _with_score(c: Candidate, score: float) -> Candidate:
    """`replace(c, score=score)` without its per-call look at the fields (5 us a candidate, half of
    ranking): a copy of `c`'s field values with the score set."""
    scored = object.__new__(Candidate)
    scored.__dict__.update(c.__dict__, score=score)
    return scored


_BLANK = Candidate("", 0, 0, "")


def answering(ranked: Sequence[Candidate], strict: bool) -> list[Candidate]:
    """The candidates that may answer, best first: for a number, amount or date question (`strict`),
    only those holding one; the list may then be empty.

    >>> c = [Candidate("a", 0, 5, "No number."), Candidate("a", 6, 9, "574", kind=True)]
    >>> [x.text for x in answering(c, strict=True)], len(answering(c, strict=False))
    (['574'], 2)
    """
    return [c for c in ranked if c.kind] if strict else list(ranked)


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


def select(ranked: Sequence[Candidate], max_sentences: int = 3, ratio: float = 0.5) -> list[Candidate]:
    """The best sentence plus up to `max_sentences - 1` others at least `ratio` times as likely,
    skipping near-duplicates; ordered by document (best document first), then by position.

    >>> c = [Candidate("a", 50, 60, "x y z w v u", score=0.8), Candidate("a", 0, 10, "p q r s t o", score=0.7),
    ...      Candidate("b", 0, 10, "x y z w v u", score=0.6), Candidate("c", 0, 9, "m n", score=0.1)]
    >>> [(s.doc_id, s.start) for s in select(c)]
    [('a', 0), ('a', 50)]
    """
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    for candidate in ranked[1:]:
        if len(chosen) == max_sentences or candidate.score < best.score * ratio:
            break
        if any(redundant(candidate.text, c.text) for c in chosen):
            continue
        chosen.append(candidate)
    doc_order = {doc: i for i, doc in enumerate(dict.fromkeys(c.doc_id for c in chosen))}
    return sorted(chosen, key=lambda c: (doc_order[c.doc_id], c.start))
