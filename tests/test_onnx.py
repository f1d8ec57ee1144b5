"""The ONNX backends: fp32 (the default model's default backend) equals PyTorch, loads no torch at
query time and falls back to PyTorch with one line; int8 stays close and is recorded in the index."""

import json
import logging
import subprocess
import sys

import numpy as np
import pytest

from rag import IndexMismatchError, Retriever
from rag.errors import ModelError
from rag.index.embedders import DefaultEmbedder, SentenceTransformerEmbedder, make_embedder
from rag.index.onnx_embedder import OnnxEmbedder
from rag.ingest.context import indexed_text

SENTENCES = ["Who is Tom Graham?", "Lavrov dismissed the idea of security guarantees without Russia.", "574 drones"]


@pytest.fixture(scope="module")
def fp32():
    embedder = make_embedder()
    assert isinstance(embedder, DefaultEmbedder) and embedder.name == "all-MiniLM-L6-v2"
    return embedder


@pytest.fixture(scope="module")
def int8():
    embedder = make_embedder("all-MiniLM-L6-v2+onnx-int8")
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


@pytest.mark.model
def test_fp32_equals_pytorch_on_every_chunk_and_sentence_of_the_seeds(fp32, real_retriever):
    assert isinstance(fp32.backend, OnnxEmbedder) and fp32.backend.precision == "fp32"
    ids = sorted(real_retriever.chunks)
    theirs = real_retriever.corpus.vectors.get(ids)  # embedded by PyTorch, as indexed (title in front)
    chunks = [real_retriever.chunks[i] for i in ids]
    title = real_retriever.config.title_context
    mine = fp32.embed([indexed_text(c, real_retriever.documents[c.doc_id], title) for c in chunks])
    cosines = np.sum(mine * theirs, axis=1)
    assert len(ids) > 50 and float(cosines.min()) >= 0.9999

    keys = [(d, s, e) for d in real_retriever.documents for s, e in real_retriever.corpus.doc_sentences(d)]
    texts = [real_retriever.documents[d].text[s:e] for d, s, e in keys]
    cosines = np.sum(fp32.embed(texts) * real_retriever.corpus.sentence_vectors(keys), axis=1)
    assert len(keys) > 250 and float(cosines.min()) >= 0.9999


@pytest.mark.model
def test_fp32_batches_give_the_vectors_of_one_text_at_a_time(fp32, real_retriever):
    texts = [c.text for c in list(real_retriever.chunks.values())[:40]] + SENTENCES  # lengths 3 to ~120 tokens
    batched = fp32.embed(texts)
    alone = np.stack([fp32.embed([t])[0] for t in texts])
    assert np.allclose(batched, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert fp32.embed([]).shape == (0, 384)


@pytest.mark.model
def test_an_index_built_with_onnx_fp32_is_the_default_models_and_pytorch_reads_it(fp32, real_embedder, tmp_path):
    from conftest import SEEDS

    retriever = Retriever.build(SEEDS, tmp_path / "index", embedder=fp32)
    assert retriever.config.model == "all-MiniLM-L6-v2"
    loaded = Retriever.load(tmp_path / "index", embedder=real_embedder)  # no IndexMismatchError
    question = "What did Zelenskyy say Putin understands?"
    assert [h.chunk_id for h in loaded.search(question)] == [h.chunk_id for h in retriever.search(question)]
    assert "force and pressure" in retriever.search(question)[0].text


QUERY_WITHOUT_TORCH = """
import json, sys
import rag
HEAVY = ("torch", "sentence_transformers", "transformers", "scipy", "bm25s", "sklearn")
after_import = sorted(m for m in HEAVY if m in sys.modules)
retriever = rag.Retriever.load(sys.argv[1])
answer = rag.Assistant(retriever).ask("Who is Tom Graham?")
hits = retriever.search("What did Lavrov say?", k=3)
after_query = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"after_import": after_import, "after_query": after_query, "answer": answer.text,
                  "backend": type(retriever.embedder.backend).__name__, "hits": len(hits)}))
"""


@pytest.mark.model
def test_import_load_and_answer_with_the_default_backend_import_no_torch(fp32, tmp_path):
    from conftest import SEEDS

    Retriever.build(SEEDS, tmp_path / "index", embedder=fp32)  # the export is cached by now
    done = subprocess.run(
        [sys.executable, "-c", QUERY_WITHOUT_TORCH, str(tmp_path / "index")], capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["after_import"] == [] and seen["after_query"] == []
    assert seen["backend"] == "OnnxEmbedder" and seen["hits"] == 3
    assert "Council on Foreign Relations" in seen["answer"]
    assert done.stderr.strip() == ""  # nothing printed: no warning, no progress bar


def test_the_export_leaves_no_temporary_files(onnx_cache):
    leftovers = list(onnx_cache.glob("onnx/*/.export-*"))
    assert leftovers == []


def test_when_onnx_cannot_be_had_pytorch_is_used_with_one_line_saying_why(monkeypatch, caplog):
    def cannot(self):
        raise ModelError("could not export model to ONNX (RuntimeError: no torch.onnx\nsecond line)")

    monkeypatch.setattr(OnnxEmbedder, "load", cannot)
    embedder = DefaultEmbedder()
    with caplog.at_level(logging.WARNING, logger="rag.index.embedders"):
        backend = embedder.backend
        assert embedder.backend is backend  # chosen once
    assert isinstance(backend, SentenceTransformerEmbedder) and backend.name == "all-MiniLM-L6-v2"
    assert len(caplog.records) == 1 and "\n" not in caplog.records[0].getMessage()
    assert "no torch.onnx second line" in caplog.records[0].getMessage()


def test_other_models_go_through_sentence_transformers():
    assert isinstance(make_embedder("/some/other-model"), SentenceTransformerEmbedder)
    with pytest.raises(ModelError, match="onnx-int8"):
        OnnxEmbedder("all-MiniLM-L6-v2")


@pytest.mark.model
def test_int8_vectors_are_unit_length_and_close_to_the_original(int8, real_embedder):
    mine, theirs = int8.embed(SENTENCES), real_embedder.embed(SENTENCES)
    assert mine.shape == (3, 384) and np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(mine * theirs, axis=1))) > 0.9
    assert np.allclose(int8.embed(SENTENCES[:1]), mine[:1], atol=1e-4)  # single and batch paths agree


@pytest.mark.model
@pytest.mark.parametrize("backend", ["int8", "bf16"])
def test_the_index_records_a_backend_whose_vectors_differ(backend, request, real_embedder, tmp_path, seeds_copy):
    embedder = request.getfixturevalue(backend)  # bf16 skips without openvino
    retriever = Retriever.build(seeds_copy, tmp_path / "index", embedder=embedder)
    assert retriever.config.model == embedder.name and embedder.name.startswith("all-MiniLM-L6-v2+")
    assert "force and pressure" in retriever.search("What did Zelenskyy say Putin understands?")[0].text
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Retriever.load(tmp_path / "index", embedder=real_embedder)


@pytest.fixture(scope="module")
def bf16():
    pytest.importorskip("openvino")
    from rag.index.openvino_embedder import OpenVinoEmbedder

    embedder = make_embedder("all-MiniLM-L6-v2+openvino-bf16")
    assert isinstance(embedder, OpenVinoEmbedder)
    return embedder


@pytest.mark.model
def test_bf16_is_within_a_cosine_of_0_9999_of_pytorch_on_the_seeds(bf16, real_retriever):
    ids = sorted(real_retriever.chunks)
    chunks = [real_retriever.chunks[i] for i in ids]
    title = real_retriever.config.title_context
    mine = bf16.embed([indexed_text(c, real_retriever.documents[c.doc_id], title) for c in chunks])
    assert float(np.sum(mine * real_retriever.corpus.vectors.get(ids), axis=1).min()) >= 0.9999
    keys = [(d, s, e) for d in real_retriever.documents for s, e in real_retriever.corpus.doc_sentences(d)]
    mine = bf16.embed([real_retriever.documents[d].text[s:e] for d, s, e in keys])
    assert float(np.sum(mine * real_retriever.corpus.sentence_vectors(keys), axis=1).min()) >= 0.9999
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)


@pytest.mark.model
def test_bf16_gives_a_text_the_same_vector_alone_and_in_any_batch(bf16, real_retriever):
    texts = [c.text for c in list(real_retriever.chunks.values())[:30]] + SENTENCES + SENTENCES[:1]
    batched = bf16.embed(texts)
    assert all(np.array_equal(bf16.embed([t])[0], row) for t, row in zip(texts, batched, strict=True))
    assert bf16.embed([]).shape == (0, 384)


def test_without_openvino_the_bf16_backend_says_how_to_install_it(monkeypatch):
    from rag.index.openvino_embedder import OpenVinoEmbedder

    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now raises ImportError
    with pytest.raises(ModelError, match=r"pip install -e \"\.\[openvino\]\""):
        OpenVinoEmbedder("all-MiniLM-L6-v2+openvino-bf16").load()
    with pytest.raises(ModelError, match="add '\\+openvino-bf16'"):
        OpenVinoEmbedder("all-MiniLM-L6-v2")
