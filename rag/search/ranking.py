"""Learned fusion: each candidate passage is described by a few numbers and scored by a logistic
regression fitted offline (`eval/fit_ranker.py`), whose coefficients live in `rag/search/ranker.json`.

A candidate is any chunk in the top `Config.candidates` of either index. Its features: its cosine
with the question and its BM25 score (raw, relative to the best candidate, min-max, and as reciprocal
ranks), the cosine of its best sentence, how well its document does (the best candidate of the same
article), its length, BM25 and cosine weighted by how rare the question's words are (a rare name
favours BM25), how much of the question the passage, its best sentence and its title hold, and how
much of a hub it is (`index/hubs.py`: close to the mean passage, and to its nearest passages).
Applying the model is a dot product in numpy; scikit-learn is needed only to fit it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from pathlib import Path

import numpy as np

from ..errors import RagError

RANKER_FILE = Path(__file__).with_name("ranker.json")

FEATURES = (
    "dense",  # cosine of the question and the passage (as indexed, title included)
    "dense_gap",  # that cosine minus the best candidate's
    "dense_mm",  # min-max normalised over the candidates
    "dense_rr",  # 1 / (1 + rank) by cosine
    "bm25_rel",  # BM25 score over the best candidate's (0 when no word matches)
    "bm25_mm",
    "bm25_rr",
    "sentence",  # cosine of the passage's best sentence
    "sentence_gap",  # minus the best over all candidates
    "doc_dense_gap",  # best cosine of any candidate of the same document, minus the best overall
    "doc_bm25_rel",  # best bm25_rel of any candidate of the same document
    "doc_bm25",  # BM25 of the whole document over the best candidate document's
    "length",  # log of the passage length in hundreds of characters
    "bm25_rare",  # bm25_rel times the rarity of the question's rarest word (0..1)
    "dense_rare",  # dense_mm times that rarity
    "coverage",  # IDF-weighted share of the question's words in the passage
    "sentence_coverage",  # the same share in the passage's best-covering sentence
    "title_coverage",  # the same share in its article's title
    "hub_mean",  # cosine of the passage with the mean passage vector (of up to 2,048: index/hubs.py)
    "hub_neighbours",  # mean cosine of the passage with its ten nearest other passages (among those)
)


def _min_max(x: np.ndarray) -> np.ndarray:
    low, high = float(x.min()), float(x.max())
    return np.ones_like(x) if high == low else (x - low) / (high - low)


def _reciprocal_rank(x: np.ndarray) -> np.ndarray:
    """1 / (1 + how many candidates score higher): equal scores share a rank, whatever their order.

    >>> _reciprocal_rank(np.array([0.5, 0.9, 0.5, 0.1], dtype=np.float32)).tolist()
    [0.5, 1.0, 0.5, 0.25]
    """
    higher = len(x) - np.searchsorted(np.sort(x), x, side="right")  # counted in a sorted copy, not n x n
    return 1.0 / (1.0 + higher.astype(np.float32))


def _per_doc_max(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Each row's best value among the rows of its document (`codes`: the document's number, 0..groups-1)."""
    best = np.full(groups, -np.inf, dtype=np.float32)
    np.maximum.at(best, codes, values)
    return best[codes]


def coverage(weights: Mapping[str, float], terms: frozenset[str]) -> float:
    """The weighted share of the question's words (`weights`: word -> IDF) found in `terms`.

    >>> round(coverage({"putin": 3.0, "said": 1.0}, frozenset({"putin", "met"})), 2)
    0.75
    """
    total = sum(weights.values())
    return sum(map(weights.__getitem__, terms.intersection(weights))) / total if total > 0 else 0.0


class _Shares(dict[frozenset[str], float]):
    """`coverage` of each set of the question's words found, computed on first look-up."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        super().__init__()
        self.weights = weights

    def __missing__(self, found: frozenset[str]) -> float:
        value = self[found] = coverage(self.weights, found)
        return value


class Covers:
    """`coverage` with the question's `weights` fixed, remembered by which of its words are found:
    the many sentences of one question's candidates hold only a few different sets of them.

    >>> cover = Covers({"putin": 3.0, "said": 1.0})
    >>> cover(frozenset({"putin", "met"})), cover(frozenset({"putin", "talks"}))
    (0.75, 0.75)
    >>> cover.each([frozenset({"said"}), frozenset()]), cover.best([frozenset({"said"}), frozenset({"putin"})])
    ([0.25, 0.0], 0.75)
    """

    def __init__(self, weights: Mapping[str, float]) -> None:
        # `coverage` reads `terms` only through `terms.intersection(weights)`, which walks `weights`
        # in order keeping the words in `terms`: the same set, summed in the same order, for `found`.
        words = frozenset(weights)
        self._found = words.intersection
        self._disjoint = words.isdisjoint
        self._share = _Shares(weights).__getitem__

    def __call__(self, terms: frozenset[str]) -> float:
        return self._share(self._found(terms))

    def each(self, term_sets: Iterable[frozenset[str]]) -> list[float]:
        """The coverage of each set of terms (mapped in C: a search reads hundreds of sentences)."""
        return list(map(self._share, map(self._found, term_sets)))

    def best(self, term_sets: Iterable[frozenset[str]]) -> float:
        """The largest coverage of any of the sets (0.0 for none). A set without any of the question's
        words covers 0.0 and the weights (IDFs) are positive, so only the others are looked up."""
        return max(map(self._share, map(self._found, filterfalse(self._disjoint, term_sets))), default=0.0)


def features(
    dense: np.ndarray,
    bm25: np.ndarray,
    sentence: np.ndarray,
    docs: Sequence[str],
    lengths: np.ndarray,
    rarity: float,
    doc_bm25: np.ndarray | None = None,
    coverages: np.ndarray | None = None,
    hubness: np.ndarray | None = None,
) -> np.ndarray:
    """One row of `FEATURES` per candidate, from its cosine, BM25 score, best-sentence cosine,
    document id and length in characters, the question's rarity (0..1), the BM25 score of the
    candidate's whole document, its `coverage` of the question's words (n x 3: the passage, its
    best sentence, its article's title) and its `Corpus.hubness` (n x 2); zeros when not given.

    >>> dense, bm25, best_sentence = np.array([0.8, 0.4]), np.array([2.0, 6.0]), np.array([0.7, 0.5])
    >>> x = features(dense, bm25, best_sentence, ["a", "a"], np.array([500, 900]), 0.5)
    >>> row = dict(zip(FEATURES, x[0].tolist()))
    >>> round(row["bm25_rel"], 2), row["doc_bm25_rel"], row["dense_gap"]
    (0.33, 1.0, 0.0)
    """
    dense = np.asarray(dense, dtype=np.float32)
    bm25 = np.asarray(bm25, dtype=np.float32)
    sentence = np.asarray(sentence, dtype=np.float32)
    top_bm25 = float(bm25.max()) if len(bm25) else 0.0
    bm25_rel = bm25 / top_bm25 if top_bm25 > 0 else np.zeros_like(bm25)
    dense_mm = _min_max(dense)
    doc_bm25 = np.zeros_like(bm25) if doc_bm25 is None else np.asarray(doc_bm25, dtype=np.float32)
    top_doc = float(doc_bm25.max()) if len(doc_bm25) else 0.0
    number: dict[str, int] = {}
    codes = np.array([number.setdefault(d, len(number)) for d in docs], dtype=np.int64)
    # Every column is float32 already: written straight into the matrix, in `FEATURES` order.
    x = np.zeros((len(dense), len(FEATURES)), dtype=np.float32)
    x[:, 0] = dense
    x[:, 1] = dense - dense.max()
    x[:, 2] = dense_mm
    x[:, 3] = _reciprocal_rank(dense)
    x[:, 4] = bm25_rel
    if top_bm25 > 0:
        x[:, 5] = _min_max(bm25)
        x[:, 6] = _reciprocal_rank(bm25)
    x[:, 7] = sentence
    x[:, 8] = sentence - sentence.max()
    x[:, 9] = _per_doc_max(dense, codes, len(number)) - dense.max()
    x[:, 10] = _per_doc_max(bm25_rel, codes, len(number))
    if top_doc > 0:
        x[:, 11] = doc_bm25 / top_doc
    x[:, 12] = np.log1p(np.asarray(lengths, dtype=np.float32) / 100.0)
    x[:, 13] = bm25_rel * rarity
    x[:, 14] = dense_mm * rarity
    if coverages is not None:
        x[:, 15:18] = coverages
    if hubness is not None:
        x[:, 18:20] = hubness
    return x


@dataclass(frozen=True)
class Ranker:
    """A fitted logistic regression over standardised `FEATURES`."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Log-odds that each row's passage holds the evidence (the hybrid mode's hit score).

        >>> n = len(FEATURES)
        >>> Ranker((0.0,) * n, (1.0,) * n, (1.0,) * n, -1.0).log_odds(np.ones((1, n))).tolist()
        [19.0]
        """
        return ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ np.asarray(self.coef) + self.intercept

    def score(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row's passage holds the evidence.

        >>> n = len(FEATURES)
        >>> Ranker((0.0,) * n, (1.0,) * n, (1.0,) * n, 0.0).score(np.zeros((1, n)))
        array([0.5])
        """
        return 1.0 / (1.0 + np.exp(-self.log_odds(x)))


@lru_cache(maxsize=4)
def load_ranker(path: Path = RANKER_FILE) -> Ranker:
    """The fitted ranker stored at `path` (the bundled `rag/search/ranker.json` by default)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RagError(f"cannot read the fitted ranker {path} ({exc}); refit it: python -m eval.fit_ranker") from None
    if tuple(data.get("features", ())) != FEATURES:
        raise RagError(f"the ranker in {path} was fitted on other features; refit it with `python -m eval.fit_ranker`")
    return Ranker(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]))
