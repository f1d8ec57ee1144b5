"""One frozen configuration object, passed down from the CLI or UI and saved with the index."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RagError
from .index.vectors import scheme

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# 3: chunks indexed with their article title; 4: vector indexes by role, store URI;
# 5: BM25 words folded (accents, invisible characters, British spellings); 6: a country named one way;
# 7: an irregular verb form read as its base form ("led" is "lead"), a sentence not cut after "7 p.m."
FORMAT_VERSION = 7
MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("learned", "convex")
# The fields an index is built with: changing one means `rag index --rebuild`.
INDEX_SETTINGS = ("model", "chunk_tokens", "overlap_sentences", "title_context", "store")
INDEX_DIR_ENV = "RAG_INDEX_DIR"


@dataclass(frozen=True)
class Config:
    """How documents are chunked, embedded and fused.

    The chunking fields are part of the index: changing them means rebuilding it.
    """

    model: str = DEFAULT_MODEL
    # Budget per chunk in approximate word pieces (see chunking.count_tokens), chosen with the
    # fused ranker on the training questions among 96-240 (python -m eval.fit_ranker; README,
    # "Fusion, chosen by measurement"). all-MiniLM-L6-v2 reads 256 word pieces: with a long title
    # the end of the longest chunks is not embedded, but BM25 and the sentence vectors see it.
    chunk_tokens: int = 240
    overlap_sentences: int = 1
    # Index each chunk with its article's title in front (ingest/context.py); the chunk text stays exact.
    title_context: bool = True
    # Hybrid fusion: "learned" scores every candidate with the logistic regression in ranker.json
    # (search/ranking.py); "convex" blends min-max normalised scores with `dense_weight` on dense.
    fusion: str = "learned"
    dense_weight: float = 0.6
    # How many candidates each side contributes before fusion. 30, not the 50 the ranker was fitted
    # on: the training figures are the same (refitted at 30, too), and a search costs ~0.25 ms less.
    candidates: int = 30
    # An optional reranker by name (search/rerank.py), applied at query time; not part of the index.
    reranker: str | None = None
    # Where the vectors live: a store URI naming a registered backend (index/vectors.py).
    store: str = "faiss"

    def __post_init__(self) -> None:
        if self.chunk_tokens < 16:
            raise RagError(f"chunk_tokens must be at least 16, not {self.chunk_tokens}")
        if self.overlap_sentences < 0:
            raise RagError("overlap_sentences cannot be negative")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise RagError(f"dense_weight must be between 0 and 1, not {self.dense_weight}")
        if self.fusion not in FUSIONS:
            raise RagError(f"unknown fusion {self.fusion!r}: use one of {', '.join(FUSIONS)}")
        if self.candidates < 1:
            raise RagError("candidates must be at least 1")
        if scheme(self.store) == "milvus-lite":  # a file: recorded absolute, so any folder opens the same one
            base, sep, query = self.store.partition("?")
            path = Path(base.split(":", 1)[1].removeprefix("//")).expanduser().absolute()
            object.__setattr__(self, "store", f"milvus-lite:{path}{sep}{query}")

    def differences(self, asked: dict[str, Any]) -> list[str]:
        """The index settings in `asked` (field -> value) that differ from these, as "field a -> b"."""
        return [
            f"{k} {getattr(self, k)} -> {v}" for k, v in asked.items() if k in INDEX_SETTINGS and getattr(self, k) != v
        ]

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
