"""Grounded question answering over a folder of news articles.

Public names only; see README for the API. Importing this package loads no model, FAISS or torch.
"""

from . import threads  # noqa: F401  (first: it must run before numpy is imported)
from .answer.assistant import Assistant
from .answer.citations import Answer, Citation, ShortAnswer
from .config import Config
from .errors import (
    CorpusError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    ModelError,
    QueryError,
    RagError,
)
from .index.embedders import Embedder, SentenceTransformerEmbedder
from .ingest.readers import load_documents
from .search.retriever import Retriever
from .sync import SyncReport
from .types import Chunk, Document, Hit

__all__ = [
    "Answer",
    "Assistant",
    "Chunk",
    "Citation",
    "Config",
    "CorpusError",
    "Document",
    "Embedder",
    "Hit",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexNotFoundError",
    "ModelError",
    "QueryError",
    "RagError",
    "Retriever",
    "SentenceTransformerEmbedder",
    "ShortAnswer",
    "SyncReport",
    "load_documents",
]
