"""Ray Data ingestion gives exactly what the single-process `sync.prepare` gives, on the seeds."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import SEEDS

from rag import Config
from rag.index.embedders import make_embedder
from rag.ingest.readers import content_hash, load_documents
from rag.sync import prepare

pytest.importorskip("ray", reason="ray is not installed (pip install 'rag[ray]')")

from rag.ingest.ray import (
    RayError,
    chunk_from_json,
    chunk_json,
    document_from_json,
    document_json,
    prepare_with_ray,
    ray_prepare,
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
    assert [c.chunk_id for c in got.chunks] == [c.chunk_id for c in want.chunks]
    assert got.documents == want.documents and got.chunks == want.chunks
    assert got.indexed == want.indexed and got.sentences == want.sentences and got.embedded == want.embedded
    assert got.vectors.shape == want.vectors.shape
    np.testing.assert_allclose(got.vectors, want.vectors, atol=1e-5)


@pytest.fixture(scope="module")
def embedder():
    return make_embedder(Config().model)


@pytest.mark.model
def test_prepare_with_ray_equals_prepare(local_ray, seeds_docs, embedder) -> None:
    # Two workers here; tests/test_scale_out.py builds with one.
    want = prepare(seeds_docs, Config(), embedder, {})
    assert_same(prepare_with_ray(seeds_docs, Config(), embedder, {}, workers=2), want)


@pytest.mark.model
def test_known_text_is_not_embedded_again(local_ray, seeds_docs, embedder) -> None:
    first = prepare(seeds_docs[:2], Config(), embedder, {})
    texts = list(first.indexed) + [seeds_docs[0].text[s:e] for d, s, e in first.sentences if d == seeds_docs[0].doc_id]
    reuse = {content_hash(t): v for t, v in zip(texts, first.vectors, strict=False)}
    want = prepare(seeds_docs, Config(), embedder, reuse)
    got = ray_prepare(workers=2)(seeds_docs, Config(), embedder, reuse)
    assert_same(got, want)
    assert 0 < got.embedded < prepare(seeds_docs, Config(), embedder, {}).embedded


def test_documents_and_chunks_cross_as_json(seeds_docs) -> None:
    doc = seeds_docs[0]
    assert document_from_json(document_json(doc)) == doc
    from rag.ingest.chunking import chunk_document

    for chunk in chunk_document(doc):
        assert chunk_from_json(chunk_json(chunk)) == chunk


def test_nothing_to_prepare(local_ray) -> None:
    batch = prepare_with_ray([], Config(), None, {})
    assert (batch.chunks, batch.indexed, batch.sentences, batch.embedded, batch.vectors.shape) == (
        (),
        (),
        (),
        0,
        (0, 0),
    )
    with pytest.raises(RayError, match="at least 1"):
        prepare_with_ray([], Config(), None, {}, workers=0)


def test_importing_rag_does_not_import_ray() -> None:
    code = "import sys, rag, rag.ingest.ray; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False"]
