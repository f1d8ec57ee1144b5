"""Retrieval metrics: pure functions over plain lists.

Each question is judged by a list of booleans, one per retrieved passage in rank order:
True where that passage contains the question's evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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
