"""The vector-index interface, and the one place its backends are registered.

A vector index stores unit vectors under string ids, each in a group (the document it belongs to),
and finds the rows nearest a query vector. It takes vectors, never text: embedding is the
embedder's job (`embedders.py`). The corpus keeps two, one per role: "chunks" (searched) and
"sentences" (read back by id when answering).

Which backend an index uses is named by a store URI, recorded in the index manifest:

    faiss                       FAISS in the index folder (flat, IVF past `ivf.EXACT_UP_TO` rows)
    milvus-lite:PATH.db         Milvus Lite, embedded in this process, in that file (milvus.py)
    milvus://HOST:PORT          a Milvus Standalone or Distributed server (also http(s)://HOST:PORT)

A new backend is one module with a class that satisfies `VectorIndex`, plus one line in `BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import RagError
from ..types import Scored

DEFAULT_STORE = "faiss"
ROLES = ("chunks", "sentences")


class VectorIndex(Protocol):
    """Unit vectors under string ids, grouped by document, searched by inner product (cosine)."""

    backend: str  # the registry name, recorded in the manifest

    def __len__(self) -> int: ...

    @property
    def dim(self) -> int | None: ...

    def add(self, ids: Sequence[str], groups: Sequence[str], vectors: np.ndarray) -> None:
        """Store one unit row per id; `groups[i]` is the document of `ids[i]`. Ids are new: the corpus
        removes a document before adding it again (what a backend does with an id it holds is its own)."""
        ...

    def remove(self, groups: Sequence[str]) -> None:
        """Drop every row of these documents."""
        ...

    def search(self, vector: np.ndarray, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        """The `k` rows nearest `vector`, best first; with `groups`, only rows of those documents."""
        ...

    def get(self, ids: Sequence[str]) -> np.ndarray:
        """The stored rows of `ids`, in order; a zero row for an id it does not hold."""
        ...

    def save(self, folder: Path) -> None:
        """Write what `open` needs into `folder`, a fresh index generation (see `store.py`)."""
        ...


Opener = Callable[[str, str, Path | None], VectorIndex]


def _open_faiss(uri: str, role: str, folder: Path | None) -> VectorIndex:
    from .faiss_index import FaissIndex

    return FaissIndex.open(uri, role, folder)


def _open_milvus(uri: str, role: str, folder: Path | None) -> VectorIndex:
    from .milvus import MilvusIndex

    return MilvusIndex.open(uri, role, folder)


# scheme -> opener(uri, role, folder): `folder` is a generation folder its `save` wrote, or None for
# a new empty index. The scheme is the URI up to the first ":" ("faiss", "milvus-lite:PATH").
BACKENDS: dict[str, Opener] = {
    "faiss": _open_faiss,
    **dict.fromkeys(("milvus-lite", "milvus", "http", "https"), _open_milvus),
}


def scheme(uri: str) -> str:
    """The backend a store URI names, or RagError listing the known ones."""
    name = uri.split(":", 1)[0]
    if name not in BACKENDS:
        raise RagError(f"unknown store {uri!r}: use one of {', '.join(sorted(BACKENDS))}")
    return name


def open_vector_index(uri: str, role: str, folder: Path | None = None) -> VectorIndex:
    """The vector index for `role` in the store named by `uri`: read from `folder`, or new and empty."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return BACKENDS[scheme(uri)](uri, role, folder)
