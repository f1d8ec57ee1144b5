"""The FAISS vector index: unit vectors searched by inner product (= cosine similarity).

Rows live under int64 FAISS ids that are never reused, so removing a document deletes exactly its
rows and leaves every other row untouched: in an `IndexIDMap2` over an exact `IndexFlatIP` while
the index is small, and in an IVF index tuned to 0.95 recall@10 once it passes `ivf.EXACT_UP_TO`.
Files, per role: `{role}.faiss` (the FAISS index) and `{role}_ids.json` (id, group per FAISS id).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorruptError
from ..types import Scored
from . import ivf
from .ivf import load_faiss

FILTER_EXACT_UP_TO = 20_000  # a filtered search over this few vectors is done exactly


class FaissIndex:
    """A `VectorIndex` (see vectors.py) kept in FAISS."""

    backend = "faiss"

    def __init__(self, role: str = "chunks") -> None:
        self.role = role
        self._dim: int | None = None
        self._index: Any = None
        self._id_of: dict[int, str] = {}  # faiss id -> row id
        self._group_of: dict[int, str] = {}  # faiss id -> group (document id)
        self._fid_of: dict[str, int] = {}  # row id -> faiss id
        self._next_id = 0
        self._trained_on = 0  # how many vectors the IVF lists were trained on (0: flat)

    def __len__(self) -> int:
        return len(self._id_of)

    @property
    def dim(self) -> int | None:
        """Vector width, known once the first vectors were added (or from the saved index)."""
        return self._dim

    @property
    def kind(self) -> str:
        """ "flat" (exact) or "ivf" (approximate, for large indexes)."""
        return "ivf" if self._index is not None and hasattr(self._index, "nprobe") else "flat"

    def add(self, ids: Sequence[str], groups: Sequence[str], vectors: np.ndarray) -> None:
        fresh = [i for i, row in enumerate(ids) if row not in self._fid_of]
        if not fresh:
            return
        vectors = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32)[fresh])
        if self._index is None:
            self._dim = vectors.shape[1]
            faiss = load_faiss()
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self._dim))
        fids = np.arange(self._next_id, self._next_id + len(fresh), dtype=np.int64)
        self._index.add_with_ids(vectors, fids)
        for fid, i in zip(fids.tolist(), fresh, strict=True):
            self._id_of[fid], self._group_of[fid], self._fid_of[ids[i]] = ids[i], groups[i], fid
        self._next_id += len(fresh)
        self._maybe_switch_to_ivf()

    def _maybe_switch_to_ivf(self) -> None:
        """Past `ivf.EXACT_UP_TO` vectors, (re)build as IVF; retrain when it has grown 4x."""
        n = len(self._id_of)
        trained = self._trained_on if self.kind == "ivf" else 0
        if n < ivf.EXACT_UP_TO or (trained and n < ivf.RETRAIN_GROWTH * trained):
            return
        fids = np.array(sorted(self._id_of), dtype=np.int64)
        self._index = ivf.build_ivf(self._rows(fids), fids)
        self._trained_on = n

    def _rows(self, fids: np.ndarray) -> np.ndarray:
        return np.vstack([self._index.reconstruct_batch(fids[i : i + 65536]) for i in range(0, len(fids), 65536)])

    def remove(self, groups: Sequence[str]) -> None:
        drop = set(groups)
        fids = [fid for fid, group in self._group_of.items() if group in drop]
        if not fids:
            return
        self._index.remove_ids(np.array(fids, dtype=np.int64))
        for fid in fids:
            del self._fid_of[self._id_of[fid]], self._id_of[fid], self._group_of[fid]

    def get(self, ids: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(ids), self._dim or 0), dtype=np.float32)
        known = [i for i, row in enumerate(ids) if row in self._fid_of]
        if known:
            out[known] = self._rows(np.array([self._fid_of[ids[i]] for i in known], dtype=np.int64))
        return out

    def search(self, vector: np.ndarray, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        """The `k` nearest rows; with `groups`, only theirs (searched exactly when they are few, so a
        filter never loses recall to the approximate index)."""
        if not self._id_of or k < 1:
            return []
        query = np.asarray(vector, dtype=np.float32)[None, :]
        if groups is None:
            scores, found = self._index.search(query, min(k, len(self._id_of)))
        else:
            allowed = set(groups)
            fids = np.array([f for f, g in self._group_of.items() if g in allowed], dtype=np.int64)
            if not len(fids):
                return []
            k = min(k, len(fids))
            if len(fids) <= FILTER_EXACT_UP_TO:
                similarity = self._rows(fids) @ query[0]
                top = np.argsort(-similarity, kind="stable")[:k]
                scores, found = similarity[top][None, :], fids[top][None, :]
            else:
                faiss = load_faiss()
                selector = faiss.IDSelectorBatch(fids)
                params = (
                    faiss.SearchParametersIVF(sel=selector, nprobe=self._index.nprobe)
                    if self.kind == "ivf"
                    else faiss.SearchParameters(sel=selector)
                )
                scores, found = self._index.search(query, k, params=params)
        # Python numbers first: iterating numpy rows yields a numpy scalar per element, ten times slower.
        pairs = zip(scores[0].tolist(), found[0].tolist(), strict=True)
        return [Scored(self._id_of[f], s) for s, f in pairs if f >= 0]

    def save(self, folder: Path) -> None:
        if self._index is not None:
            load_faiss().write_index(self._index, str(folder / f"{self.role}.faiss"))
        rows = [[fid, self._id_of[fid], self._group_of[fid]] for fid in sorted(self._id_of)]
        (folder / f"{self.role}_ids.json").write_text(
            json.dumps({"next_id": self._next_id, "trained_on": self._trained_on, "rows": rows}), encoding="utf-8"
        )

    @classmethod
    def open(cls, uri: str, role: str, folder: Path | None = None) -> FaissIndex:
        index = cls(role)
        if folder is None:
            return index
        try:
            data = json.loads((folder / f"{role}_ids.json").read_text(encoding="utf-8"))
            index._next_id = int(data["next_id"])
            index._trained_on = int(data.get("trained_on", 0))
            for fid, row, group in data["rows"]:
                index._id_of[int(fid)], index._group_of[int(fid)], index._fid_of[row] = row, group, int(fid)
            if (folder / f"{role}.faiss").exists():
                index._index = load_faiss().read_index(str(folder / f"{role}.faiss"))
                index._dim = int(index._index.d)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(
                f"the {role} vectors in {folder} cannot be read ({exc}); rebuild with `rag index --rebuild`"
            ) from exc
        stored = 0 if index._index is None else int(index._index.ntotal)
        if stored != len(index._id_of):
            raise IndexCorruptError(
                f"the {role} vectors in {folder} hold {stored} rows for {len(index._id_of)} ids; "
                "rebuild with `rag index --rebuild`"
            )
        return index
