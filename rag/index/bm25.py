"""Lexical index: BM25 over stemmed, stop-word-filtered tokens, scored by bm25s.

bm25s stores the whole score matrix sparse, so a query costs a few array look-ups. It has no
incremental update, so each chunk's tokens are kept: adding or removing documents re-tokenises
nothing and rebuilds the (cheap) statistics from the stored tokens.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorruptError
from ..types import Scored

BM25_DIR = "bm25"
TOKENS_FILE = "bm25_tokens.jsonl"


TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's (and scikit-learn's) token pattern


@lru_cache(maxsize=1)
def _analyser() -> tuple[Any, frozenset[str]]:
    """PyStemmer's English Snowball stemmer (in C) and bm25s's English stop words."""
    import Stemmer
    from bm25s.tokenization import _infer_stopwords

    return Stemmer.Stemmer("english"), frozenset(_infer_stopwords("en"))


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-word-filtered, Snowball-stemmed tokens of each text: what
    `bm25s.tokenize(texts, stopwords="en", stemmer=...)` gives, without its per-call progress bars
    and vocabulary (a question's tokens cost a few microseconds instead of a millisecond).

    >>> tokenize(["The negotiators and the negotiations"])
    [['negoti', 'negoti']]
    """
    stemmer, stop = _analyser()
    return [stemmer.stemWords([t for t in TOKEN.findall(text.lower()) if t not in stop]) for text in texts]


class BM25Index:
    """BM25 (Lucene variant, k1=1.5, b=0.75) over chunk texts."""

    def __init__(self) -> None:
        self._chunk_ids: list[str] = []
        self._doc_ids: list[str] = []
        self._tokens: list[list[str]] = []
        self._bm25: Any = None
        self._idf: dict[str, float] | None = None
        self._position: dict[str, int] | None = None
        self._by_doc: tuple[Any, dict[str, int]] | None = None  # whole-document BM25, made on first use

    def __len__(self) -> int:
        return len(self._chunk_ids)

    def _rebuild(self) -> None:
        import bm25s

        self._bm25 = None
        self._idf = None
        self._position = None
        self._by_doc = None
        if self._tokens:
            self._bm25 = bm25s.BM25()
            self._bm25.index(self._tokens, show_progress=False)

    def add(self, ids: Sequence[str], groups: Sequence[str], texts: Sequence[str]) -> None:
        """Index `texts` under `ids`; `groups[i]` is the document of `ids[i]` (the verbs of
        `vectors.VectorIndex`, with text in place of vectors)."""
        if not ids:
            return
        self._chunk_ids += list(ids)
        self._doc_ids += list(groups)
        self._tokens += tokenize(list(texts))
        self._rebuild()

    def remove(self, groups: Sequence[str]) -> None:
        drop = set(groups)
        keep = [i for i, d in enumerate(self._doc_ids) if d not in drop]
        if len(keep) == len(self._doc_ids):
            return
        self._chunk_ids = [self._chunk_ids[i] for i in keep]
        self._doc_ids = [self._doc_ids[i] for i in keep]
        self._tokens = [self._tokens[i] for i in keep]
        self._rebuild()

    def knows(self, term: str) -> bool:
        """Whether a stemmed term occurs anywhere in the indexed text."""
        return self._bm25 is not None and term in self._bm25.vocab_dict

    def idf(self, term: str) -> float:
        """Inverse chunk frequency of a stemmed term, log((N + 1) / (df + 0.5)); rare terms weigh more."""
        if self._idf is None:
            df = Counter(t for tokens in self._tokens for t in set(tokens))
            n = len(self._tokens)
            self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        return self._idf.get(term, math.log(len(self._tokens) + 2))

    def query_terms(self, query: str) -> list[str]:
        """The stemmed terms of `query` that occur in the index."""
        if self._bm25 is None:
            return []
        vocab = self._bm25.vocab_dict
        return [t for t in tokenize([query])[0] if t in vocab]

    def scores_of(self, query: str, chunk_ids: Sequence[str]) -> np.ndarray:
        """BM25 score of `query` for each of `chunk_ids`, in order (0 for an unknown id)."""
        terms = self.query_terms(query)
        out = np.zeros(len(chunk_ids), dtype=np.float32)
        if not terms:
            return out
        if self._position is None:
            self._position = {cid: i for i, cid in enumerate(self._chunk_ids)}
        scores = self._bm25.get_scores(terms)
        for n, cid in enumerate(chunk_ids):
            i = self._position.get(cid)
            if i is not None:
                out[n] = scores[i]
        return out

    def doc_scores(self, query: str, doc_ids: Sequence[str]) -> np.ndarray:
        """BM25 score of `query` against each whole document of `doc_ids` (its chunks' tokens
        together), in order; 0 for an unknown document."""
        import bm25s

        out = np.zeros(len(doc_ids), dtype=np.float32)
        terms = self.query_terms(query)
        if not terms:
            return out
        if self._by_doc is None:
            tokens: dict[str, list[str]] = {}
            for doc_id, chunk_tokens in zip(self._doc_ids, self._tokens, strict=True):
                tokens.setdefault(doc_id, []).extend(chunk_tokens)
            model = bm25s.BM25()
            model.index(list(tokens.values()), show_progress=False)
            self._by_doc = (model, {d: i for i, d in enumerate(tokens)})
        model, row = self._by_doc
        known = [t for t in terms if t in model.vocab_dict]
        if not known:
            return out
        scores = model.get_scores(known)
        for n, doc_id in enumerate(doc_ids):
            if doc_id in row:
                out[n] = scores[row[doc_id]]
        return out

    def search(self, query: str, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        """The `k` best-scoring chunks with a score above zero, best first."""
        if self._bm25 is None or k < 1:
            return []
        terms = self.query_terms(query)
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        if groups is not None:
            allowed = set(groups)
            scores = np.where([d in allowed for d in self._doc_ids], scores, 0.0)
        k = min(k, len(scores))
        candidates = np.argpartition(-scores, k - 1)[:k].tolist()
        # Stable order: by score, then by position, so equal scores always rank the same way.
        top = sorted(candidates, key=lambda i: (-scores[i], i))
        return [Scored(self._chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        with open(folder / TOKENS_FILE, "w", encoding="utf-8") as out:
            for row in zip(self._chunk_ids, self._doc_ids, self._tokens, strict=True):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        if self._bm25 is not None:
            self._bm25.save(str(folder / BM25_DIR), show_progress=False)

    @classmethod
    def open(cls, folder: Path | None = None) -> BM25Index:
        """The index saved in `folder`, or a new empty one."""
        import bm25s

        index = cls()
        if folder is None:
            return index
        try:
            with open(folder / TOKENS_FILE, encoding="utf-8") as rows:
                for line in rows:
                    chunk_id, doc_id, tokens = json.loads(line)
                    index._chunk_ids.append(chunk_id)
                    index._doc_ids.append(doc_id)
                    index._tokens.append(tokens)
            if index._chunk_ids:
                index._bm25 = bm25s.BM25.load(str(folder / BM25_DIR), show_progress=False, verbosity=0)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"the BM25 index in {folder} cannot be read ({exc}); rebuild it with `rag index --rebuild`"
            ) from exc
        if index._bm25 is not None and index._bm25.scores["num_docs"] != len(index._chunk_ids):
            raise IndexCorruptError(
                f"the BM25 index in {folder} does not match its chunk list; rebuild it with `rag index --rebuild`"
            )
        return index
