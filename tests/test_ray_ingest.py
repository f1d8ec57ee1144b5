"""Ray Data ingestion gives exactly what the single-process preparation gives, on the seeds."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import SEEDS

from rag import Config, Retriever
from rag.ingest.readers import content_hash, load_documents

pytest.importorskip("ray", reason="ray is not installed (pip install 'rag[ray]')")

from rag.ingest.ray import (
    RayError,
    chunk_from_json,
    chunk_json,
    document_from_json,
    document_json,
    prepare_with_ray,
    shutdown,
)


@pytest.fixture(scope="module")
def local_ray():
    yield
    shutdown()


@pytest.fixture(scope="module")
def seeds_docs():
    docs, _ = load_documents([str(SEEDS)], {})
    return docs


def assert_same(got, want) -> None:
    chunks, indexed, keys, vectors, embedded = got
    assert [c.chunk_id for c in chunks] == [c.chunk_id for c in want[0]]
    assert chunks == want[0] and indexed == want[1] and keys == want[2] and embedded == want[4]
    assert vectors.shape == want[3].shape
    np.testing.assert_allclose(vectors, want[3], atol=1e-5)


@pytest.mark.model
@pytest.mark.parametrize("workers", [1, 2])
def test_prepare_with_ray_equals_prepare(local_ray, seeds_docs, workers) -> None:
    retriever = Retriever(Config())
    want = retriever._prepare(seeds_docs, {})
    assert_same(prepare_with_ray(seeds_docs, retriever.config, {}, workers=workers), want)


@pytest.mark.model
def test_known_text_is_not_embedded_again(local_ray, seeds_docs) -> None:
    retriever = Retriever(Config())
    first = retriever._prepare(seeds_docs[:2], {})
    texts = first[1] + [seeds_docs[0].text[s:e] for d, s, e in first[2] if d == seeds_docs[0].doc_id]
    reuse = {content_hash(t): v for t, v in zip(texts, np.vstack([first[3]]), strict=False)}
    want = retriever._prepare(seeds_docs, reuse)
    got = prepare_with_ray(seeds_docs, retriever.config, reuse)
    assert_same(got, want)
    assert got[4] < first[4] + retriever._prepare(seeds_docs[2:], {})[4]


def test_documents_and_chunks_cross_as_json(seeds_docs) -> None:
    doc = seeds_docs[0]
    assert document_from_json(document_json(doc)) == doc
    from rag.ingest.chunking import chunk_document

    for chunk in chunk_document(doc):
        assert chunk_from_json(chunk_json(chunk)) == chunk


def test_nothing_to_prepare(local_ray) -> None:
    chunks, indexed, keys, vectors, embedded = prepare_with_ray([], Config(), {})
    assert (chunks, indexed, keys, embedded, vectors.shape) == ([], [], [], 0, (0, 0))
    with pytest.raises(RayError, match="at least 1"):
        prepare_with_ray([], Config(), {}, workers=0)


def test_importing_rag_does_not_import_ray() -> None:
    code = "import sys, rag, rag.ingest.ray; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False"]
