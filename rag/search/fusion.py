"""Fusing ranked lists: pure functions over `(id, score)` lists, best first.

`convex` is the default hybrid: each list's scores are min-max normalised to [0, 1] and
combined with weights. Reciprocal rank fusion (`rrf`) is kept for comparison; on our eval set
it ranks below the convex blend (see README, "Fusion").
"""

from __future__ import annotations

from collections.abc import Sequence

Ranked = list[tuple[str, float]]


def min_max(ranked: Ranked, depth: int | None = None) -> dict[str, float]:
    """Scores rescaled so the best is 1 and, without `depth`, the worst 0 (all 1 when they are equal).

    With `depth`, the number of results asked for, a list cut short (the three passages of a story
    when eight were asked for) is scaled as if the missing results had gone on falling as evenly
    as those given: its last is not 0 for want of a worse one, but (depth - n) / (depth - 1)
    whatever the gaps, so a short list's scale says more of rank than of distance.

    >>> min_max([("a", 10.0), ("b", 6.0), ("c", 2.0)])
    {'a': 1.0, 'b': 0.5, 'c': 0.0}
    >>> min_max([("a", 10.0), ("b", 6.0), ("c", 2.0)], depth=5)
    {'a': 1.0, 'b': 0.75, 'c': 0.5}
    """
    if not ranked:
        return {}
    scores = [s for _, s in ranked]
    low, high = min(scores), max(scores)
    if high == low:
        return {i: 1.0 for i, _ in ranked}
    if depth is not None and len(ranked) < depth:
        low -= (high - low) * (depth - len(ranked)) / (len(ranked) - 1)
    return {i: (s - low) / (high - low) for i, s in ranked}


def _sorted(scores: dict[str, float], order: dict[str, int]) -> Ranked:
    # Ties break by first appearance, so fusion is deterministic.
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def _first_seen(lists: Sequence[Ranked]) -> dict[str, int]:
    order: dict[str, int] = {}
    for ranked in lists:
        for i, _ in ranked:
            order.setdefault(i, len(order))
    return order


def convex(lists: Sequence[Ranked], weights: Sequence[float]) -> Ranked:
    """Weighted sum of min-max normalised scores; an id missing from a list gets 0 there.

    >>> convex([[("a", 0.9), ("b", 0.5)], [("b", 12.0), ("c", 4.0)]], [0.5, 0.5])
    [('a', 0.5), ('b', 0.5), ('c', 0.0)]
    """
    fused: dict[str, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        for i, score in min_max(ranked).items():
            fused[i] = fused.get(i, 0.0) + weight * score
    return _sorted(fused, _first_seen(lists))


def rrf(lists: Sequence[Ranked], k: int = 60) -> Ranked:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists, ranks from 1.

    >>> [(i, round(s, 4)) for i, s in rrf([[("a", 9.0), ("b", 1.0)], [("b", 5.0)]], k=1)]
    [('b', 0.8333), ('a', 0.5)]
    """
    fused: dict[str, float] = {}
    for ranked in lists:
        for rank, (i, _) in enumerate(ranked, start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + rank)
    return _sorted(fused, _first_seen(lists))
