"""Retrieval metrics: pure functions over plain lists.

Each question is judged by a list of booleans, one per retrieved passage in rank order:
True where that passage contains the question's evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import median

import numpy as np


def contains(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    """Whether span `outer` covers span `inner`.

    >>> contains((10, 50), (20, 30)), contains((10, 25), (20, 30))
    (True, False)
    """
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def first_hit(judged: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant passage, or None.

    >>> first_hit([False, True, True]), first_hit([False])
    (2, None)
    """
    for rank, relevant in enumerate(judged, start=1):
        if relevant:
            return rank
    return None


def recall_at(runs: Sequence[Sequence[bool]], k: int) -> float:
    """Share of questions with a relevant passage in the top `k` (a hit rate).

    >>> recall_at([[False, True], [True], [False, False]], 1), recall_at([[False, True], [True], [False]], 2)
    (0.3333333333333333, 0.6666666666666666)
    """
    if not runs:
        return 0.0
    return sum(any(run[:k]) for run in runs) / len(runs)


def mrr(runs: Sequence[Sequence[bool]]) -> float:
    """Mean reciprocal rank of the first relevant passage (0 when none is found).

    >>> mrr([[True], [False, True], [False]])
    0.5
    """
    if not runs:
        return 0.0
    return sum(1.0 / rank for run in runs if (rank := first_hit(run))) / len(runs)


def ndcg_at(runs: Sequence[Sequence[bool]], k: int = 10) -> float:
    """Mean binary nDCG@k; the ideal ranking puts all relevant passages retrieved first.

    >>> round(ndcg_at([[False, True]], 10), 4)
    0.6309
    """
    if not runs:
        return 0.0
    total = 0.0
    for run in runs:
        gains = [1.0 / math.log2(rank + 1) for rank, rel in enumerate(run[:k], start=1) if rel]
        ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, len(gains) + 1))
        total += sum(gains) / ideal if ideal else 0.0
    return total / len(runs)


# -- answers ------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, whitespace collapsed: for comparing answer text.

    >>> normalise("  “Trump’s”   Deal ")
    '"trump\\'s" deal'
    """
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower().split())


def answer_contains(answer: str, acceptable: Sequence[str]) -> bool:
    """Whether any acceptable short answer appears in the answer text.

    >>> answer_contains("It ended at a hotel in Hanoi. [1]", ["Hanoi", "Vietnam"])
    True
    """
    text = normalise(answer)
    return any(normalise(a) in text for a in acceptable)


def _tokens(text: str) -> list[str]:
    return [t for t in "".join(c if c.isalnum() else " " for c in normalise(text)).split() if t]


def token_f1(answer: str, acceptable: Sequence[str]) -> float:
    """Best SQuAD-style token F1 between the answer and any acceptable short answer.

    >>> round(token_f1("the Treaty of Portsmouth", ["Treaty of Portsmouth"]), 3)
    0.857
    """
    best = 0.0
    got = _tokens(answer)
    for gold in acceptable:
        want = _tokens(gold)
        common = sum(min(got.count(t), want.count(t)) for t in set(want))
        if common:
            precision, recall = common / len(got), common / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open spans share at least one character.

    >>> overlaps((0, 10), (9, 20)), overlaps((0, 10), (10, 20))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def citation_precision(cited: Sequence[bool]) -> float:
    """Share of citations judged supporting (overlapping the evidence or holding the answer).

    >>> citation_precision([True, False, True, True])
    0.75
    """
    return sum(cited) / len(cited) if cited else 0.0


def abstention_scores(abstained: Sequence[bool], unanswerable: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of abstaining, taking unanswerable questions as the positives.

    >>> abstention_scores([True, True, False, False], [True, False, False, True])
    (0.5, 0.5)
    """
    hits = sum(a and u for a, u in zip(abstained, unanswerable, strict=True))
    precision = hits / sum(abstained) if any(abstained) else 0.0
    recall = hits / sum(unanswerable) if any(unanswerable) else 0.0
    return precision, recall


def percentile(values: Sequence[float], p: float) -> float:
    """The `p`th percentile by nearest rank.

    >>> percentile([5, 1, 3, 2, 4], 50), percentile([5, 1, 3, 2, 4], 95)
    (3, 5)
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile and count of timings (zeros for none).

    >>> spread([1.0, 2.0, 9.0])
    {'p50': 2.0, 'p95': 9.0, 'n': 3}
    """
    if not values:
        return {"p50": 0.0, "p95": 0.0, "n": 0}
    return {"p50": float(median(values)), "p95": float(percentile(values, 95)), "n": len(values)}


def interval(
    values: Sequence[float], groups: Sequence[str], *, draws: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """A percentile bootstrap interval for the mean of `values` (one per question), drawing whole
    `groups` with replacement (the questions of one conversation, or of one paragraph, are not
    independent: drawing them one by one would make the interval too narrow). The same seed gives the
    same interval; (0.0, 0.0) for no values. One group gives an interval of no width, which says
    nothing: read it with the number of groups.

    >>> interval([1.0, 1.0, 1.0], ["a", "b", "c"])
    (1.0, 1.0)
    >>> low, high = interval([1.0, 0.0] * 50, [str(i) for i in range(100)])
    >>> 0.38 < low < 0.45 and 0.55 < high < 0.62
    True
    """
    if len(values) != len(groups):
        raise ValueError(f"{len(values)} values but {len(groups)} groups: give each value its group")
    if len(values) == 0:
        return 0.0, 0.0
    names = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    codes = np.array([names[g] for g in groups])
    sums = np.bincount(codes, weights=np.asarray(values, dtype=np.float64), minlength=len(names))
    counts = np.bincount(codes, minlength=len(names)).astype(np.float64)
    drawn = np.random.default_rng(seed).integers(0, len(names), size=(draws, len(names)))
    means = sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


# -- short answers (SQuAD's official normalisation) ---------------------------------------------


def squad_normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces.

    >>> squad_normalise("The  Treaty of Portsmouth, 1905.")
    'treaty of portsmouth 1905'
    """
    import string

    text = normalise(text)
    text = "".join(c for c in text if c not in set(string.punctuation) | {"“", "”", "‘", "’"})
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def exact_match(answer: str | None, acceptable: Sequence[str]) -> float:
    """1.0 when the answer equals any acceptable answer after `squad_normalise`, else 0.0.

    >>> exact_match("the Treaty of Portsmouth", ["Treaty of Portsmouth"]), exact_match(None, ["x"])
    (1.0, 0.0)
    """
    if answer is None:
        return 0.0
    got = squad_normalise(answer)
    return float(any(got == squad_normalise(gold) for gold in acceptable))


def squad_f1(answer: str | None, acceptable: Sequence[str]) -> float:
    """Best token F1 against any acceptable answer, after `squad_normalise` (None scores 0).

    >>> squad_f1("the Treaty of Portsmouth", ["Treaty of Portsmouth"]), round(squad_f1("in 1905 treaty", ["1905"]), 3)
    (1.0, 0.5)
    """
    if answer is None:
        return 0.0
    got = squad_normalise(answer).split()
    best = 0.0
    for gold in acceptable:
        want = squad_normalise(gold).split()
        common = sum(min(got.count(t), want.count(t)) for t in set(want))
        if common:
            precision, recall = common / len(got), common / len(want)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best
