"""Dense index: unit vectors in FAISS, searched by inner product (= cosine similarity).

Vectors live in an `IndexIDMap2` over an exact `IndexFlatIP`, under int64 ids that are never
reused, so removing a document deletes exactly its rows and leaves every other row untouched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .embedding import Embedder
from .errors import IndexCorruptError, IndexMismatchError
from .types import Chunk, Scored

FAISS_FILE = "dense.faiss"
IDS_FILE = "dense_ids.json"


def _faiss() -> Any:
    import faiss  # imported on first use: keeps `import rag` light

    return faiss


class DenseIndex:
    """Chunks embedded by the injected embedder; `search` embeds the query the same way."""

    def __init__(self, embedder: Embedder, dim: int | None = None) -> None:
        self.embedder = embedder
        self._dim = dim
        self._index: Any = None
        self._chunk_ids: dict[int, str] = {}  # faiss id -> chunk id
        self._doc_of: dict[int, str] = {}  # faiss id -> doc id
        self._next_id = 0

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

    def remove(self, doc_ids: Sequence[str]) -> None:
        drop = set(doc_ids)
        fids = [fid for fid, doc in self._doc_of.items() if doc in drop]
        if not fids:
            return
        self._index.remove_ids(np.array(fids, dtype=np.int64))
        for fid in fids:
            del self._chunk_ids[fid], self._doc_of[fid]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of `chunk_ids` (used to avoid re-embedding unchanged text)."""
        wanted = set(chunk_ids)
        return {cid: self._index.reconstruct(fid) for fid, cid in self._chunk_ids.items() if cid in wanted}

    def search(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[Scored]:
        """The `k` chunks most similar to `query`, best first, optionally only from `doc_ids`."""
        if not self._chunk_ids or k < 1:
            return []
        vector = self.embedder.embed([query])
        self.check_dim(vector)
        return self.search_vector(vector[0], k, doc_ids)

    def search_vector(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[Scored]:
        faiss = _faiss()
        params = None
        if doc_ids is not None:
            allowed = set(doc_ids)
            fids = np.array([f for f, d in self._doc_of.items() if d in allowed], dtype=np.int64)
            if not len(fids):
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(fids))
            k = min(k, len(fids))
        k = min(k, len(self._chunk_ids))
        scores, fids_found = self._index.search(np.asarray(vector, dtype=np.float32)[None, :], k, params=params)
        return [
            Scored(self._chunk_ids[int(f)], float(s)) for s, f in zip(scores[0], fids_found[0], strict=True) if f >= 0
        ]

    def save(self, directory: Path) -> None:
        if self._index is not None:
            _faiss().write_index(self._index, str(directory / FAISS_FILE))
        rows = [[fid, self._chunk_ids[fid], self._doc_of[fid]] for fid in sorted(self._chunk_ids)]
        (directory / IDS_FILE).write_text(json.dumps({"next_id": self._next_id, "rows": rows}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, dim: int | None = None) -> DenseIndex:
        index = cls(embedder, dim)
        try:
            data = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
            index._next_id = int(data["next_id"])
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
