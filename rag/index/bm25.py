"""Lexical index: BM25 over stemmed, stop-word-filtered tokens, kept up to date incrementally.

bm25s scores a static corpus: it precomputes every (term, passage) score, so each added article
means indexing everything again (0.9 s at 40k passages, growing with the corpus). Here the
postings (which passages hold a term, how often) and the statistics BM25 needs (document
frequencies, passage lengths, their mean) are updated as passages come and go, and a query scores
only its terms' postings with the statistics of that moment: the Lucene variant with bm25s's
defaults (k1 1.5, b 0.75), in float32 as bm25s computes it, so scores and rankings are bm25s's
(a test compares them). Removed passages are masked and their postings dropped once they are half
of them. Tokens are stored per passage (`bm25_tokens.jsonl`); loading rebuilds the postings.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import IndexCorruptError
from ..types import Scored
from .words import tokenize

TOKENS_FILE = "bm25_tokens.jsonl"


@lru_cache(maxsize=1024)
def _query_tokens(query: str) -> tuple[str, ...]:
    """`tokenize` of one query, remembered: one search reads it for BM25, the fused features and
    the whole-document scores."""
    return tuple(tokenize([query])[0])


K1, B = 1.5, 0.75  # bm25s's defaults


def _new_posting() -> tuple[array[int], array[int]]:
    return array("q"), array("i")


class _Postings:
    """Incremental BM25 over rows of tokens (passages, or whole documents)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.tokens: list[list[str]] = []
        self.dead: set[int] = set()  # rows removed, masked until compacted
        self.row: dict[str, int] = {}  # key -> row, alive rows only
        self.df: Counter[str] = Counter()
        # term -> its rows and their term frequencies, as C arrays: a term of a large corpus has tens of
        # thousands (a list of tuples would take six times the memory and as long again to read into numpy).
        self.postings: defaultdict[str, tuple[array[int], array[int]]] = defaultdict(_new_posting)
        self.lengths: list[int] = []
        self.total_length = 0
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # term -> rows, tf (made on use)
        # term -> rows, each row's score for the term: valid until any row comes or goes (N, the
        # mean length and the document frequencies change), so add and remove forget them all.
        self._gains: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lengths: np.ndarray | None = None  # `lengths` as an array (made on use)
        self._last: tuple[tuple[str, ...], np.ndarray] | None = None  # the last query's scores

    def __len__(self) -> int:
        return len(self.row)

    def add(self, key: str, tokens: list[str]) -> None:
        row = len(self.keys)
        self.keys.append(key)
        self.tokens.append(tokens)
        self.row[key] = row
        self.lengths.append(len(tokens))
        self.total_length += len(tokens)
        self._lengths = self._last = None
        self._gains.clear()
        for term, tf in Counter(tokens).items():
            self.df[term] += 1
            rows, tfs = self.postings[term]
            rows.append(row)
            tfs.append(tf)
            self._arrays.pop(term, None)

    def remove(self, key: str) -> None:
        row = self.row.pop(key, None)
        if row is None:
            return
        self.dead.add(row)
        self.total_length -= self.lengths[row]
        self._last = None
        self._gains.clear()
        for term in set(self.tokens[row]):
            self.df[term] -= 1
            if not self.df[term]:
                del self.df[term], self.postings[term]
            self._arrays.pop(term, None)

    def compacted(self) -> _Postings:
        """The same rows without the removed ones (worth it once they are half of all rows)."""
        fresh = _Postings()
        for row, (key, tokens) in enumerate(zip(self.keys, self.tokens, strict=True)):
            if row not in self.dead:
                fresh.add(key, tokens)
        return fresh

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 of each row (0 for removed rows) for `terms`, a repeated term counting again, as bm25s
        does. Read-only: the last query's array is kept (a hybrid search asks for it twice)."""
        if self._last is not None and self._last[0] == tuple(terms):
            return self._last[1]
        out = np.zeros(len(self.keys), dtype=np.float32)
        n = len(self.row)
        if not n:
            return out
        mean_length = self.total_length / n
        if self._lengths is None:
            self._lengths = np.asarray(self.lengths, dtype=np.float64)
        lengths = self._lengths
        for term in terms:
            if term not in self.df:
                continue
            if term not in self._gains:
                if term not in self._arrays:
                    rows, tfs = self.postings[term]  # copied (not viewed: the arrays still grow)
                    self._arrays[term] = (np.array(rows, dtype=np.int64), np.array(tfs, dtype=np.float32))
                rows_, tf = self._arrays[term]
                df = self.df[term]
                idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
                norm = (K1 * (1 - B + B * lengths[rows_] / mean_length)).astype(np.float32)
                self._gains[term] = (rows_, idf * (tf / (tf + norm)))
            rows_, gain = self._gains[term]
            out[rows_] += gain  # a term's rows are distinct
        if self.dead:
            out[list(self.dead)] = 0.0
        self._last = (tuple(terms), out)
        return out


class BM25Index:
    """BM25 over chunk texts, and over whole documents (their chunks' tokens together)."""

    def __init__(self) -> None:
        self._chunks = _Postings()
        self._docs = _Postings()
        self._group: dict[str, str] = {}  # chunk id -> document id

    def __len__(self) -> int:
        return len(self._chunks)

    def add(self, ids: Sequence[str], groups: Sequence[str], texts: Sequence[str]) -> None:
        """Index `texts` under `ids`; `groups[i]` is the document of `ids[i]` (the verbs of
        `vectors.VectorIndex`, with text in place of vectors). A document's chunks come together."""
        self._add(list(ids), list(groups), tokenize(list(texts)))

    def _add(self, ids: list[str], groups: list[str], tokens: list[list[str]]) -> None:
        by_doc: dict[str, list[str]] = {}
        for key, group, toks in zip(ids, groups, tokens, strict=True):
            self._chunks.add(key, toks)
            self._group[key] = group
            by_doc.setdefault(group, []).extend(toks)
        for group, toks in by_doc.items():
            earlier = self._docs.tokens[self._docs.row[group]] if group in self._docs.row else []
            self._docs.remove(group)  # a document added in two calls is scored whole
            self._docs.add(group, [*earlier, *toks])

    def remove(self, groups: Sequence[str]) -> None:
        drop = set(groups)
        for key in [k for k, g in self._group.items() if g in drop]:
            self._chunks.remove(key)
            del self._group[key]
        for group in drop:
            self._docs.remove(group)
        if 2 * len(self._chunks) < len(self._chunks.keys):
            self._chunks, self._docs = self._chunks.compacted(), self._docs.compacted()

    def knows(self, term: str) -> bool:
        """Whether a stemmed term occurs anywhere in the indexed text."""
        return term in self._chunks.df

    def idf(self, term: str) -> float:
        """Inverse chunk frequency of a stemmed term, log((N + 1) / (df + 0.5)); rare terms weigh more."""
        n = len(self._chunks)
        return math.log((n + 1) / (self._chunks.df[term] + 0.5)) if term in self._chunks.df else math.log(n + 2)

    def query_terms(self, query: str) -> list[str]:
        """The stemmed terms of `query` that occur in the index."""
        return [t for t in _query_tokens(query) if t in self._chunks.df]

    def scores_of(self, query: str, chunk_ids: Sequence[str]) -> np.ndarray:
        """BM25 score of `query` for each of `chunk_ids`, in order (0 for an unknown id)."""
        return self._pick(self._chunks, query, chunk_ids)

    def doc_scores(self, query: str, doc_ids: Sequence[str]) -> np.ndarray:
        """BM25 score of `query` against each whole document of `doc_ids` (its chunks' tokens
        together), in order; 0 for an unknown document."""
        return self._pick(self._docs, query, doc_ids)

    def _pick(self, postings: _Postings, query: str, keys: Sequence[str]) -> np.ndarray:
        terms = self.query_terms(query)
        if not terms or not keys or not postings.keys:
            return np.zeros(len(keys), dtype=np.float32)
        scores = postings.scores(terms)
        rows = np.array([postings.row.get(key, -1) for key in keys], dtype=np.int64)
        return np.where(rows >= 0, scores[rows], np.float32(0.0)).astype(np.float32, copy=False)

    def search(self, query: str, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        """The `k` best-scoring chunks with a score above zero, best first."""
        terms = self.query_terms(query)
        if not terms or k < 1:
            return []
        scores = self._chunks.scores(terms)
        if groups is not None:
            allowed = set(groups)
            keys = self._chunks.keys
            scores = np.where([self._group.get(key) in allowed for key in keys], scores, 0.0)
        k = min(k, len(scores))
        # The k best, and every chunk tied with the k-th: which of equal scores make the cut must not
        # depend on argpartition. Ties then go by position (the order chunks were added).
        cut = scores[np.argpartition(-scores, k - 1)[k - 1]]
        tied = np.flatnonzero((scores >= cut) & (scores > 0))
        top = tied[np.argsort(-scores[tied], kind="stable")][:k]  # `tied` ascends: equal scores stay in order
        keys = self._chunks.keys
        return [Scored(keys[i], score) for i, score in zip(top.tolist(), scores[top].tolist(), strict=True)]

    def save(self, folder: Path) -> None:
        with open(folder / TOKENS_FILE, "w", encoding="utf-8") as out:
            for key, row in self._chunks.row.items():
                out.write(json.dumps([key, self._group[key], self._chunks.tokens[row]], ensure_ascii=False) + "\n")

    @classmethod
    def open(cls, folder: Path | None = None) -> BM25Index:
        """The index saved in `folder`, or a new empty one."""
        index = cls()
        if folder is None:
            return index
        try:
            with open(folder / TOKENS_FILE, encoding="utf-8") as rows:
                ids, groups, tokens = [], [], []
                for line in rows:
                    key, group, toks = json.loads(line)
                    ids.append(str(key))
                    groups.append(str(group))
                    tokens.append([str(t) for t in toks])
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(
                f"the BM25 index in {folder} cannot be read ({exc}); rebuild it with `rag index --rebuild`"
            ) from exc
        index._add(ids, groups, tokens)
        return index
