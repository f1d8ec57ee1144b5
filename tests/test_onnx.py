"""The ONNX int8 backend: exported locally from the bundled model, close to it, recorded in the index."""

import numpy as np
import pytest

from rag import IndexMismatchError, Retriever
from rag.embedding import make_embedder
from rag.onnx_embedder import OnnxEmbedder

pytestmark = pytest.mark.model
SENTENCES = ["Who is Tom Graham?", "Lavrov dismissed the idea of security guarantees without Russia.", "574 drones"]


@pytest.fixture(scope="module")
def onnx(tmp_path_factory):
    import os

    os.environ["RAG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    embedder = make_embedder("all-MiniLM-L6-v2+onnx-int8")
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


def test_vectors_are_unit_length_and_close_to_the_original(onnx, real_embedder):
    mine, theirs = onnx.embed(SENTENCES), real_embedder.embed(SENTENCES)
    assert mine.shape == (3, 384) and np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(mine * theirs, axis=1))) > 0.9
    assert np.allclose(onnx.embed(SENTENCES[:1]), mine[:1], atol=1e-4)  # single and batch paths agree


def test_the_index_records_the_backend(onnx, real_embedder, tmp_path, seeds_copy):
    retriever = Retriever.build(seeds_copy, tmp_path / "index", embedder=onnx)
    assert retriever.config.model == "all-MiniLM-L6-v2+onnx-int8"
    assert "force and pressure" in retriever.search("What did Zelenskyy say Putin understands?")[0].text
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Retriever.load(tmp_path / "index", embedder=real_embedder)
