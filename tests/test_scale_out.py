"""Beyond one machine, end to end: an index kept in Milvus (Lite) answers exactly as the default
FAISS index does, in every mode, and an index built on Ray Data equals the plain build; a killed
Ray build resumes without embedding finished documents again."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS
from fakes import FakeEmbedder

from rag import Assistant, Retriever
from rag.cli import main
from rag.index.embedders import make_embedder
from rag.index.store import IndexStore

pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install 'rag[milvus]')")
pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (pip install 'rag[milvus]')")

MODES = ["hybrid", "dense", "bm25"]
ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = (
    "minister envoy tariff drone harvest pumpkin turbine bridge senator ballot river vaccine budget railway "
    "port glacier museum orchestra satellite reactor ceasefire summit talks sanction refinery election court "
    "strike union wage flood storm drought wildfire pipeline airport festival stadium league coach verdict"
)
WORDS = VOCABULARY.split()
TOPICS = ["the ceasefire talks", "the harvest festival", "interest rates", "the election results", "the river flood"]
QUESTIONS = [
    "ceasefire talks envoy",
    "harvest festival pumpkin",
    "interest rates budget",
    "election results ballot senator",
    "river flood storm",
    "refinery pipeline sanction",
    "who coached the league",
]


def generated_corpus(folder: Path, n: int, sentences: int = 8, edition: str = "", start: int = 0) -> Path:
    """`n` articles of `sentences` sentences each, drawn from a small vocabulary (deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        rng = random.Random(i)
        topic = TOPICS[i % len(TOPICS)]
        body = " ".join(
            f"The {rng.choice(WORDS)} and the {rng.choice(WORDS)} of {topic} met the {rng.choice(WORDS)}"
            f" {rng.choice(WORDS)}s in town {rng.randrange(1000)}{edition}."
            for _ in range(sentences)
        )
        (folder / f"article{i:04d}.txt").write_text(f"Article {i} on {topic}\n\n{body}\n", encoding="utf-8")
    return folder


def hits(retriever: Retriever, mode: str, doc_ids=None) -> list[list[tuple[str, float]]]:
    return [[(h.chunk_id, h.score) for h in retriever.search(q, k=8, mode=mode, doc_ids=doc_ids)] for q in QUESTIONS]


def assert_same_hits(got, want) -> None:
    """Same chunks in the same order, scores within 1e-5 (the two engines sum inner products in
    different orders); two chunks whose scores are that close may swap."""
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert len(a) == len(b)
        for (id_a, s_a), (id_b, s_b) in zip(a, b, strict=True):
            assert abs(s_a - s_b) < 1e-5
            if id_a != id_b:
                close = [i for i, s in b if abs(s - s_a) < 1e-5]
                assert id_a in close, (a, b)


def answers(retriever: Retriever, questions: list[str]) -> list[dict]:
    assistant = Assistant(retriever)
    out = []
    for q in questions:
        answer = assistant.ask(q).to_dict()
        out.append({k: answer[k] for k in ("text", "citations", "abstained", "short")})
    return out


def vectors_of(retriever: Retriever) -> tuple[list[str], np.ndarray, np.ndarray]:
    ids = sorted(retriever.chunks)
    keys = sorted({(c.doc_id, s, e) for c in retriever.chunks.values() for s, e in c.sentences})
    return ids, retriever.corpus.vectors.get(ids), retriever.corpus.sentence_vectors(keys)


# -- Milvus Lite against FAISS, fake embedder, a few hundred generated articles -------------------


def test_milvus_answers_as_faiss_on_generated_articles_through_changes(tmp_path: Path) -> None:
    corpus = generated_corpus(tmp_path / "corpus", 300)
    store = f"milvus-lite:{tmp_path}/vectors.db"

    def both() -> tuple[Retriever, Retriever]:
        faiss = Retriever.build(corpus, tmp_path / "faiss", embedder=FakeEmbedder())
        milvus = Retriever.build(corpus, tmp_path / "milvus", embedder=FakeEmbedder(), store=store)
        return faiss, milvus

    def compare(faiss: Retriever, milvus: Retriever) -> None:
        assert milvus.corpus.vectors.backend == "milvus" and faiss.corpus.vectors.backend == "faiss"
        assert sorted(milvus.chunks) == sorted(faiss.chunks)
        docs = sorted(faiss.documents)[::37]
        for mode in MODES:
            assert_same_hits(hits(milvus, mode), hits(faiss, mode))
            assert_same_hits(hits(milvus, mode, docs), hits(faiss, mode, docs))
        assert answers(milvus, QUESTIONS) == answers(faiss, QUESTIONS)

    faiss, milvus = both()
    compare(faiss, milvus)
    # 20 articles change, 10 go, 10 come: both indexes follow, and reload from disk as saved.
    generated_corpus(corpus, 20, edition=" (updated)")
    for i in range(290, 300):
        (corpus / f"article{i:04d}.txt").unlink()
    generated_corpus(corpus, 10, start=300)
    faiss, milvus = both()
    assert milvus.last_sync.updated == faiss.last_sync.updated and len(faiss.last_sync.updated) == 20
    compare(faiss, milvus)
    reloaded = Retriever.load(tmp_path / "milvus", embedder=FakeEmbedder())
    assert reloaded.config.store == store
    compare(Retriever.load(tmp_path / "faiss", embedder=FakeEmbedder()), reloaded)
    manifest = json.loads((IndexStore(tmp_path / "milvus").current() / "manifest.json").read_text())
    assert manifest["backend"] == "milvus"


def test_store_mismatch_and_unknown_store_are_one_line(tmp_path: Path, corpus: Path, capsys) -> None:
    store = f"milvus-lite:{tmp_path}/v.db"
    Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(), store=store)
    assert main(["search", "harvest", "--index-dir", str(tmp_path / "index"), "--store", "faiss"]) == 1
    err = capsys.readouterr().err
    assert f"keeps its vectors in {store}, not faiss" in err and "Traceback" not in err
    assert main(["index", str(corpus), "--index-dir", str(tmp_path / "other"), "--store", "qdrant://x"]) == 1
    assert "unknown store 'qdrant://x'" in capsys.readouterr().err


# -- the real model on the seeds: the command line, both stores ----------------------------------


@pytest.mark.model
def test_rag_index_store_milvus_lite_answers_as_the_default_store(tmp_path: Path, capsys) -> None:
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").open()][:25]
    store = f"milvus-lite:{tmp_path}/seeds.db"
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path / "faiss")]) == 0
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path / "milvus"), "--store", store]) == 0
    capsys.readouterr()
    for argv in (["search", questions[1], "--mode", "dense"], ["ask", questions[0]]):
        outputs = []
        for name in ("faiss", "milvus"):
            assert main([*argv, "--index-dir", str(tmp_path / name), "--json"]) == 0
            outputs.append(json.loads(capsys.readouterr().out))
        if argv[0] == "ask":
            assert outputs[0]["text"] == outputs[1]["text"] and outputs[0]["citations"] == outputs[1]["citations"]
        else:
            assert [h["chunk_id"] for h in outputs[0]] == [h["chunk_id"] for h in outputs[1]]
    embedder = make_embedder()
    faiss = Retriever.load(tmp_path / "faiss", embedder=embedder)
    milvus = Retriever.load(tmp_path / "milvus", embedder=embedder)
    for mode in MODES:
        want = [[(h.chunk_id, h.score) for h in faiss.search(q, k=8, mode=mode)] for q in questions]
        assert_same_hits([[(h.chunk_id, h.score) for h in milvus.search(q, k=8, mode=mode)] for q in questions], want)
    assert answers(milvus, questions) == answers(faiss, questions)


# -- Ray ------------------------------------------------------------------------------------------

ray_needed = pytest.mark.skipif(
    __import__("importlib").util.find_spec("ray") is None, reason="ray is not installed (pip install 'rag[ray]')"
)


@pytest.fixture(scope="module")
def local_ray():
    yield
    from rag.ingest.ray import shutdown

    shutdown()


def assert_same_build(got: Retriever, want: Retriever) -> None:
    ids, chunk_vectors, sentence_vectors = vectors_of(got)
    want_ids, want_chunks, want_sentences = vectors_of(want)
    assert ids == want_ids and got.chunks == want.chunks and got.documents == want.documents
    np.testing.assert_allclose(chunk_vectors, want_chunks, atol=1e-5)
    np.testing.assert_allclose(sentence_vectors, want_sentences, atol=1e-5)
    for mode in MODES:
        assert_same_hits(hits(got, mode), hits(want, mode))


@ray_needed
@pytest.mark.model
def test_ray_build_equals_the_plain_build(tmp_path: Path, local_ray) -> None:
    from rag.ingest.ray import ray_prepare

    embedder = make_embedder()
    plain = Retriever.build(SEEDS, tmp_path / "plain", embedder=embedder)
    assert main(["index", str(SEEDS), "--index-dir", str(tmp_path / "ray"), "--ray", "--json"]) == 0
    on_ray = Retriever.load(tmp_path / "ray", embedder=embedder)
    assert_same_build(on_ray, plain)
    # A few hundred generated articles, on Ray with one worker, into Milvus Lite.
    corpus = generated_corpus(tmp_path / "generated", 200, sentences=3)
    plain = Retriever.build(corpus, tmp_path / "gen-plain", embedder=embedder)
    on_ray = Retriever.build(
        corpus,
        tmp_path / "gen-ray",
        embedder=embedder,
        store=f"milvus-lite:{tmp_path}/gen.db",
        prepare=ray_prepare(workers=1),
    )
    assert on_ray.last_sync.texts_embedded == plain.last_sync.texts_embedded
    assert_same_build(on_ray, plain)


KILLED_BUILD = """
import sys
sys.path.insert(0, {tests!r})
import rag.search.retriever, rag.sync
from rag import Retriever
from rag.ingest.ray import ray_prepare
rag.search.retriever.CHECKPOINT_SECONDS = 0.0  # save after every batch
rag.sync.BATCH_DOCS = 10
Retriever.build({corpus!r}, {index!r}, store={store!r}, prepare=ray_prepare(workers=1))
print("done", flush=True)
"""


@ray_needed
@pytest.mark.model
def test_a_killed_ray_build_resumes_without_embedding_finished_articles(tmp_path: Path, local_ray) -> None:
    from rag.ingest.ray import ray_prepare

    corpus = generated_corpus(tmp_path / "corpus", 60, sentences=3)
    index, store = tmp_path / "index", f"milvus-lite:{tmp_path}/vectors.db"
    script = KILLED_BUILD.format(tests=str(ROOT / "tests"), corpus=str(corpus), index=str(index), store=store)
    child = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while IndexStore(index).current() is None:  # the first batch is saved
            assert child.poll() is None, child.stderr.read().decode()[-2000:] if child.stderr else ""
            assert time.monotonic() < deadline, "no checkpoint within 5 minutes"
            time.sleep(0.2)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the build and every Ray process it started
        child.wait(30)
    saved = Retriever.load(index, embedder=make_embedder())
    assert 10 <= len(saved.documents) < 60

    embedder = make_embedder()
    resumed = Retriever.build(corpus, index, embedder=embedder, prepare=ray_prepare(workers=2))
    report = resumed.last_sync
    assert len(report.unchanged) == len(saved.documents) and len(report.added) == 60 - len(saved.documents)
    fresh = Retriever.build(corpus, tmp_path / "fresh", embedder=embedder)
    assert 0 < report.texts_embedded < fresh.last_sync.texts_embedded
    assert_same_build(resumed, fresh)
