"""Dense index: unit vectors in FAISS, searched by inner product (= cosine similarity).

Vectors live under int64 ids that are never reused, so removing a document deletes exactly its rows
and leaves every other row untouched: in an `IndexIDMap2` over an exact `IndexFlatIP` while the
index is small, and in an IVF index tuned to 0.95 recall@10 once it passes `ann.EXACT_UP_TO`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorruptError, IndexMismatchError
from ..types import Chunk, Scored
from . import ivf as ann
from .embedders import Embedder

FAISS_FILE = "dense.faiss"
FILTER_EXACT_UP_TO = 20_000  # a filtered search over this few vectors is done exactly
IDS_FILE = "dense_ids.json"


def _faiss() -> Any:
    from .ivf import _faiss as faiss_quiet  # imported on first use, OpenMP threads not spinning

    return faiss_quiet()


class DenseIndex:
    """Chunks embedded by the injected embedder; `search` embeds the query the same way."""

    def __init__(self, embedder: Embedder, dim: int | None = None) -> None:
        self.embedder = embedder
        self._dim = dim
        self._index: Any = None
        self._chunk_ids: dict[int, str] = {}  # faiss id -> chunk id
        self._doc_of: dict[int, str] = {}  # faiss id -> doc id
        self._fid_of: dict[str, int] = {}  # chunk id -> faiss id, rebuilt when stale
        self._next_id = 0
        self._trained_on = 0  # how many vectors the IVF lists were trained on (0: flat)

    def __len__(self) -> int:
        return len(self._chunk_ids)

    @property
    def dim(self) -> int | None:
        """Vector width, known once the first vectors were added (or from the saved index)."""
        return self._dim

    def check_dim(self, vectors: np.ndarray) -> None:
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise IndexMismatchError(
                f"the index holds {self._dim}-dimensional vectors but the model {self.embedder.name} "
                f"gives {vectors.shape[1]}; rebuild with `rag index --rebuild --model {self.embedder.name}`"
            )

    def _ensure_index(self, dim: int) -> Any:
        if self._index is None:
            faiss = _faiss()
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            self._dim = dim
        return self._index

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray | None = None) -> None:
        """Add chunks; `vectors` (one unit row per chunk) skips embedding when already known."""
        if not chunks:
            return
        if vectors is None:
            vectors = self.embedder.embed([c.text for c in chunks])
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.check_dim(vectors)
        ids = np.arange(self._next_id, self._next_id + len(chunks), dtype=np.int64)
        self._ensure_index(vectors.shape[1]).add_with_ids(vectors, ids)
        for fid, chunk in zip(ids.tolist(), chunks, strict=True):
            self._chunk_ids[fid] = chunk.chunk_id
            self._doc_of[fid] = chunk.doc_id
        self._next_id += len(chunks)
        self._maybe_switch_to_ivf()

    @property
    def kind(self) -> str:
        """ "flat" (exact) or "ivf" (approximate, for large indexes)."""
        return "ivf" if self._index is not None and hasattr(self._index, "nprobe") else "flat"

    def _maybe_switch_to_ivf(self) -> None:
        """Past `ann.EXACT_UP_TO` vectors, (re)build as IVF; retrain when it has grown 4x."""
        n = len(self._chunk_ids)
        trained = self._trained_on if self.kind == "ivf" else 0
        if n < ann.EXACT_UP_TO or (trained and n < ann.RETRAIN_GROWTH * trained):
            return
        ids = np.array(sorted(self._chunk_ids), dtype=np.int64)
        vectors = np.vstack([self._index.reconstruct_batch(ids[i : i + 65536]) for i in range(0, len(ids), 65536)])
        self._index = ann.build_ivf(vectors, ids)
        self._trained_on = n

    def remove(self, doc_ids: Sequence[str]) -> None:
        drop = set(doc_ids)
        fids = [fid for fid, doc in self._doc_of.items() if doc in drop]
        if not fids:
            return
        self._index.remove_ids(np.array(fids, dtype=np.int64))
        for fid in fids:
            del self._chunk_ids[fid], self._doc_of[fid]
        self._fid_of = {}

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of `chunk_ids` (used to avoid re-embedding unchanged text)."""
        wanted = set(chunk_ids)
        return {cid: self._index.reconstruct(fid) for fid, cid in self._chunk_ids.items() if cid in wanted}

    def similarity(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> np.ndarray:
        """Cosine of `vector` with each stored chunk of `chunk_ids`, in order (0 for an unknown id)."""
        if len(self._fid_of) != len(self._chunk_ids):
            self._fid_of = {cid: fid for fid, cid in self._chunk_ids.items()}
        fids = [self._fid_of.get(cid, -1) for cid in chunk_ids]
        known = [i for i, f in enumerate(fids) if f >= 0]
        out = np.zeros(len(fids), dtype=np.float32)
        if known and self._index is not None:
            rows = self._index.reconstruct_batch(np.array([fids[i] for i in known], dtype=np.int64))
            out[known] = rows @ np.asarray(vector, dtype=np.float32)
        return out

    def search(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[Scored]:
        """The `k` chunks most similar to `query`, best first, optionally only from `doc_ids`."""
        if not self._chunk_ids or k < 1:
            return []
        vector = self.embedder.embed([query])
        self.check_dim(vector)
        return self.search_vector(vector[0], k, doc_ids)

    def search_vector(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[Scored]:
        """The `k` stored vectors nearest `vector`; with `doc_ids`, only theirs (searched exactly
        when they are few, so a filter never loses recall to the approximate index)."""
        query = np.asarray(vector, dtype=np.float32)[None, :]
        if doc_ids is None:
            k = min(k, len(self._chunk_ids))
            scores, fids_found = self._index.search(query, k)
        else:
            allowed = set(doc_ids)
            fids = np.array([f for f, d in self._doc_of.items() if d in allowed], dtype=np.int64)
            if not len(fids):
                return []
            k = min(k, len(fids))
            if len(fids) <= FILTER_EXACT_UP_TO:
                similarity = self._index.reconstruct_batch(fids) @ query[0]
                top = np.argsort(-similarity, kind="stable")[:k]
                scores, fids_found = similarity[top][None, :], fids[top][None, :]
            else:
                faiss = _faiss()
                selector = faiss.IDSelectorBatch(fids)
                params = (
                    faiss.SearchParametersIVF(sel=selector, nprobe=self._index.nprobe)
                    if self.kind == "ivf"
                    else faiss.SearchParameters(sel=selector)
                )
                scores, fids_found = self._index.search(query, k, params=params)
        return [
            Scored(self._chunk_ids[int(f)], float(s)) for s, f in zip(scores[0], fids_found[0], strict=True) if f >= 0
        ]

    def save(self, directory: Path) -> None:
        if self._index is not None:
            _faiss().write_index(self._index, str(directory / FAISS_FILE))
        rows = [[fid, self._chunk_ids[fid], self._doc_of[fid]] for fid in sorted(self._chunk_ids)]
        (directory / IDS_FILE).write_text(
            json.dumps({"next_id": self._next_id, "trained_on": self._trained_on, "rows": rows}), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, dim: int | None = None) -> DenseIndex:
        index = cls(embedder, dim)
        try:
            data = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
            index._next_id = int(data["next_id"])
            index._trained_on = int(data.get("trained_on", 0))
            for fid, cid, doc in data["rows"]:
                index._chunk_ids[int(fid)] = cid
                index._doc_of[int(fid)] = doc
            if (directory / FAISS_FILE).exists():
                index._index = _faiss().read_index(str(directory / FAISS_FILE))
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(
                f"the dense index in {directory} cannot be read ({exc}); rebuild it with `rag index --rebuild`"
            ) from exc
        stored = 0 if index._index is None else int(index._index.ntotal)
        if stored != len(index._chunk_ids):
            raise IndexCorruptError(
                f"the dense index in {directory} holds {stored} vectors for {len(index._chunk_ids)} chunks; "
                "rebuild it with `rag index --rebuild`"
            )
        return index
