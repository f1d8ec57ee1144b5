"""Shared fixtures: a deterministic fake embedder, a small corpus, the real seeds corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fakes import ARTICLES, FakeEmbedder
from webserver import Site

from rag.ingest.fetch import Fetcher

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session", autouse=True)
def onnx_cache(tmp_path_factory) -> Path:
    """The ONNX export of the default model is made once per test session, in a folder of its
    own, and shared by every test and the processes they start (unless RAG_CACHE_DIR is set)."""
    if not os.environ.get("RAG_CACHE_DIR"):
        os.environ["RAG_CACHE_DIR"] = str(tmp_path_factory.mktemp("rag-cache"))
    return Path(os.environ["RAG_CACHE_DIR"])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(scope="session")
def real_embedder():
    from rag import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_retriever(tmp_path_factory, real_embedder):
    """The real seeds corpus indexed with the real default model, once per test session."""
    from rag import Retriever

    return Retriever.build(SEEDS, tmp_path_factory.mktemp("real-index"), embedder=real_embedder)


@pytest.fixture
def site():
    """A local web server of fixture pages and failure cases (tests/webserver.py)."""
    server = Site().start()
    yield server
    server.stop()


@pytest.fixture
def fetcher() -> Fetcher:
    """The polite client with short timeouts and no politeness delay, for the local server."""
    return Fetcher(timeout=0.5, retries=1, backoff=0.01, delay=0)
