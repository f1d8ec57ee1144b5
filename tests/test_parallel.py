"""Chunking in worker processes gives exactly the chunks of chunking in this process."""

from fakes import ARTICLES

from rag.ingest import parallel
from rag.ingest.chunking import chunk_document
from rag.ingest.readers import parse_document


def test_workers_give_the_same_chunks_in_the_same_order(monkeypatch):
    docs = [parse_document(f"{n}_{name}", name, text) for n in range(6) for name, text in ARTICLES.items()]
    monkeypatch.setattr(parallel, "PARALLEL_FROM_CHARS", 1)  # force the worker processes
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert parallel.workers_for(sum(len(d.text) for d in docs)) == 2
    assert parallel.chunk_documents(docs, 40, 1) == [c for d in docs for c in chunk_document(d, 40, 1)]
