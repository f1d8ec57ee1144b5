"""One frozen configuration object, passed down from the CLI or UI and saved with the index."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RagError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
FORMAT_VERSION = 2
MODES = ("hybrid", "dense", "bm25")
INDEX_DIR_ENV = "RAG_INDEX_DIR"


@dataclass(frozen=True)
class Config:
    """How documents are chunked, embedded and fused.

    The chunking fields are part of the index: changing them means rebuilding it.
    """

    model: str = DEFAULT_MODEL
    # Budget per chunk in approximate word pieces (see chunking.count_tokens). all-MiniLM-L6-v2
    # truncates at 256 word pieces; on our eval set 80-112 retrieves best (python -m eval.retrieval).
    chunk_tokens: int = 96
    overlap_sentences: int = 1
    # Hybrid fusion: convex combination of min-max normalised scores, this much weight on dense
    # (see fusion.py and the README's "Fusion" section for the measurement behind it).
    dense_weight: float = 0.6
    # How many candidates each side contributes before fusion.
    candidates: int = 50

    def __post_init__(self) -> None:
        if self.chunk_tokens < 16:
            raise RagError(f"chunk_tokens must be at least 16, not {self.chunk_tokens}")
        if self.overlap_sentences < 0:
            raise RagError("overlap_sentences cannot be negative")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise RagError(f"dense_weight must be between 0 and 1, not {self.dense_weight}")
        if self.candidates < 1:
            raise RagError("candidates must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def default_index_dir() -> Path:
    """`$RAG_INDEX_DIR`, else `$XDG_DATA_HOME/rag/index`, else `~/.local/share/rag/index`."""
    if os.environ.get(INDEX_DIR_ENV):
        return Path(os.environ[INDEX_DIR_ENV]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "rag" / "index"
