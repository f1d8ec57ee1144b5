"""The three places the package is extended (README, "How to extend"): a file format, a vector-index
backend and an answerer, each plugged in the documented way; and index settings that cannot drift."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

from rag import Assistant, IndexMismatchError, ModelError, RagError, Retriever
from rag.answer.answerers import ANSWERERS
from rag.answer.citations import Quote, grounded
from rag.cli import main
from rag.config import Config
from rag.index.vectors import BACKENDS
from rag.ingest.readers import READERS
from rag.types import Scored

MODES = ("hybrid", "dense", "bm25")
QUESTIONS = ("ceasefire talks in Geneva", "How many visitors attended?", "interest rates")


class MemoryIndex:
    """The smallest `VectorIndex`: rows in a dict, exact search with numpy, one .npz file per role."""

    backend = "memory"

    def __init__(self, role: str) -> None:
        self.role = role
        self.rows: dict[str, tuple[str, np.ndarray]] = {}  # id -> (group, vector)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def dim(self) -> int | None:
        return next((len(v) for _, v in self.rows.values()), None)

    def add(self, ids: Sequence[str], groups: Sequence[str], vectors: np.ndarray) -> None:
        for i, group, vector in zip(ids, groups, vectors, strict=True):
            self.rows.setdefault(i, (group, np.asarray(vector, dtype=np.float32)))

    def remove(self, groups: Sequence[str]) -> None:
        self.rows = {i: (g, v) for i, (g, v) in self.rows.items() if g not in set(groups)}

    def search(self, vector: np.ndarray, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        scored = [Scored(i, float(v @ vector)) for i, (g, v) in self.rows.items() if groups is None or g in groups]
        return sorted(scored, key=lambda s: -s.score)[:k]

    def get(self, ids: Sequence[str]) -> np.ndarray:
        zero = np.zeros(self.dim or 0, dtype=np.float32)
        return np.array([self.rows[i][1] if i in self.rows else zero for i in ids], dtype=np.float32)

    def save(self, folder: Path) -> None:
        ids = list(self.rows)
        (folder / f"{self.role}.json").write_text(json.dumps([[i, self.rows[i][0]] for i in ids]))
        np.save(folder / f"{self.role}.npy", self.get(ids))

    @classmethod
    def open(cls, uri: str, role: str, folder: Path | None = None) -> MemoryIndex:
        index = cls(role)
        if folder is not None:
            rows = json.loads((folder / f"{role}.json").read_text())
            index.add([i for i, _ in rows], [g for _, g in rows], np.load(folder / f"{role}.npy"))
        return index


@pytest.fixture
def memory_backend(monkeypatch):
    monkeypatch.setitem(BACKENDS, "memory", MemoryIndex.open)


def test_a_new_vector_backend_is_one_class_and_one_registry_line(corpus, tmp_path, memory_backend):
    faiss = Retriever.build(corpus, tmp_path / "faiss", embedder=FakeEmbedder())
    memory = Retriever.build(corpus, tmp_path / "memory", embedder=FakeEmbedder(), store="memory")
    assert isinstance(memory.corpus.vectors, MemoryIndex) and isinstance(memory.corpus.sentences, MemoryIndex)
    reopened = Retriever.load(tmp_path / "memory", embedder=FakeEmbedder())
    assert isinstance(reopened.corpus.vectors, MemoryIndex) and reopened.config.store == "memory"
    for question in QUESTIONS:
        for mode in MODES:
            expected, got = faiss.search(question, k=4, mode=mode), reopened.search(question, k=4, mode=mode)
            assert [round(h.score, 4) for h in got] == [round(h.score, 4) for h in expected]
            untied = {h.chunk_id for h in expected if h.score > expected[-1].score}  # ties may come in any order
            assert untied <= {h.chunk_id for h in got}
    answer = Assistant(reopened).ask("How many visitors attended the harvest festival?")
    assert answer.text == Assistant(faiss).ask("How many visitors attended the harvest festival?").text
    reopened.remove_documents(["beta.md"])
    assert all(h.doc_id != "beta.md" for h in reopened.search("harvest festival", k=5, mode="dense"))


def test_an_unknown_store_is_a_clear_error():
    with pytest.raises(RagError, match="unknown store 'nosuch:x': use one of faiss"):
        Config(store="nosuch:x")


def test_a_new_file_format_is_one_reader_in_the_registry(corpus, tmp_path, monkeypatch):
    def read_shouting(data: bytes) -> str:  # a format whose articles are written in capitals
        return data.decode("utf-8").lower()

    monkeypatch.setitem(READERS, ".shout", read_shouting)
    (corpus / "delta.shout").write_text("LIGHTHOUSE KEEPERS RETURN\n\nTHE LIGHTHOUSE ON THE CAPE IS STAFFED AGAIN.\n")
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    hit = retriever.search("lighthouse keepers", k=1, mode="bm25")[0]
    assert hit.doc_id == "delta.shout" and "lighthouse on the cape" in hit.text


class FirstSentence:
    """A trivial answerer: the best-ranked sentence, whole."""

    name = "first"

    def __init__(self, model) -> None:
        self.model = model

    def compose(self, evidence, corpus) -> list[Quote]:
        best = evidence.ranked[0]
        return [Quote(best.doc_id, best.start, best.end, best.score)]


class Inventive(FirstSentence):
    """An answerer that cites a span and then claims more than the span says."""

    name = "inventive"

    def compose(self, evidence, corpus) -> list[Quote]:
        best = evidence.ranked[0]
        return [Quote(best.doc_id, best.start, min(best.end + 400, len(corpus.documents[best.doc_id].text)))]


def test_a_new_answerer_is_one_class_and_citing_stays_shared(corpus, tmp_path, monkeypatch):
    monkeypatch.setitem(ANSWERERS, "first", FirstSentence)
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    answer = Assistant(retriever, answerer="first").ask("How many visitors attended the harvest festival?")
    assert not answer.abstained and len(answer.citations) == 1 and answer.parts[0][1] == 1
    assert "40,000" in answer.text and answer.text.endswith("[1]")
    assert grounded(answer, lambda doc_id: retriever.documents[doc_id].text)
    with pytest.raises(RagError, match="unknown answerer 'nope': use one of"):
        Assistant(retriever, answerer="nope")


def test_grounded_rejects_a_part_outside_its_citation(corpus, tmp_path):
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    answer = Assistant(retriever).ask("How many visitors attended the harvest festival?")
    text_of = lambda doc_id: retriever.documents[doc_id].text  # noqa: E731
    assert grounded(answer, text_of)
    from dataclasses import replace

    assert not grounded(replace(answer, parts=(("Attendance doubled.", 1),)), text_of)
    assert not grounded(replace(answer, parts=((answer.parts[0][0], 2),)), text_of)
    moved = replace(answer.citations[0], start=answer.citations[0].start + 1)
    assert not grounded(replace(answer, citations=(moved,)), text_of)


def test_an_answerer_that_strays_from_the_text_is_stopped(corpus, tmp_path):
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())

    class Liar(FirstSentence):
        name = "liar"

        def compose(self, evidence, corpus) -> list[Quote]:
            return [Quote("beta.md", 0, 10_000)]  # past the end of the article

    with pytest.raises(ModelError, match="quoted text that is not in the articles"):
        Assistant(retriever, answerer=Liar(None)).ask("How many visitors attended the harvest festival?")


def test_changing_chunk_settings_needs_rebuild(corpus, tmp_path, capsys, monkeypatch):
    Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=32)
    with pytest.raises(IndexMismatchError, match=r"chunk_tokens 32 -> 64.*--rebuild"):
        Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=64)
    same = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=32)
    assert same.config.chunk_tokens == 32
    rebuilt = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder(), chunk_tokens=64, rebuild=True)
    assert rebuilt.config.chunk_tokens == 64 and Retriever.load(tmp_path / "index").config.chunk_tokens == 64

    monkeypatch.setattr("rag.search.retriever.make_embedder", lambda name: FakeEmbedder(name))
    index = str(tmp_path / "cli")
    assert main(["index", str(corpus), "--index-dir", index, "--chunk-tokens", "40", "--model", "fake"]) == 0
    assert main(["index", str(corpus), "--index-dir", index, "--overlap", "0"]) == 1
    err = capsys.readouterr().err
    assert "overlap_sentences 1 -> 0" in err and "--rebuild" in err and len(err.strip().splitlines()) == 1
    assert main(["index", str(corpus), "--index-dir", index, "--overlap", "0", "--rebuild"]) == 0
    rebuilt = Retriever.load(index, embedder=FakeEmbedder("fake")).config  # what it was not told to change, it kept
    assert (rebuilt.overlap_sentences, rebuilt.chunk_tokens, rebuilt.model) == (0, 40, "fake")


def test_cite_merges_only_a_span_that_directly_follows(corpus, tmp_path):
    from rag.answer.citations import cite

    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    docs = retriever.documents
    text = docs["beta.md"].text
    first = text.index("Farmers")
    second = text.index("The mayor")
    end_first, end_second = text.index(".", first) + 1, text.index(".", text.index("record")) + 1
    _, citations = cite([Quote("beta.md", second, end_second), Quote("beta.md", first, end_first)], docs)
    assert [(c.start, c.end) for c in citations] == [(second, end_second), (first, end_first)]
    _, citations = cite([Quote("beta.md", first, end_first), Quote("beta.md", second, end_second)], docs)
    assert [(c.start, c.end) for c in citations] == [(first, end_second)]


def test_settings_given_with_an_embedder_or_for_queries_do_not_trip_the_mismatch_check(corpus, tmp_path):
    fake = FakeEmbedder()
    Retriever.build(corpus, tmp_path / "index", embedder=fake, config=Config(chunk_tokens=64))
    again = Retriever.build(corpus, tmp_path / "index", embedder=fake, config=Config(chunk_tokens=64))
    assert again.config.model == fake.name
    tuned = Retriever.build(corpus, tmp_path / "index", embedder=fake, chunk_tokens=64, fusion="convex", candidates=7)
    assert (tuned.config.fusion, tuned.config.candidates) == ("convex", 7)
    with pytest.raises(RagError, match="unknown index setting chunk_tokenz"):
        Retriever.build(corpus, tmp_path / "index", embedder=fake, chunk_tokenz=50)


def test_removing_a_document_twice_in_one_call_is_one_removal(corpus, tmp_path):
    retriever = Retriever.build(corpus, tmp_path / "index", embedder=FakeEmbedder())
    report = retriever.remove_documents(["beta.md", "beta.md"])
    assert report.removed == ("beta.md",) and "beta.md" not in retriever.documents


def test_bm25_top_k_does_not_depend_on_how_ties_fall():
    from rag.index.bm25 import BM25Index

    index = BM25Index()
    texts = [f"alpha filler text number {i}" for i in range(300)]
    index.add([f"d{i}#0" for i in range(300)], [f"d{i}" for i in range(300)], texts)
    before = [s.chunk_id for s in index.search("alpha", 13)]
    assert before == [f"d{i}#0" for i in range(13)]  # all tied: the first added come first
    index.add(["x#0", "y#0"], ["x", "y"], ["unrelated words", "other words"])
    index.remove(["x", "y"])
    assert [s.chunk_id for s in index.search("alpha", 13)] == before
