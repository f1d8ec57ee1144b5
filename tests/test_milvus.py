"""The Milvus vector index, on a real Milvus Lite file under tmp_path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexNotFoundError, RagError

pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install 'rag[milvus]')")
pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (pip install 'rag[milvus]')")

from rag.index.milvus import MilvusIndex
from rag.index.milvus_store import StoreError, parse_uri, quote

DIM = 16
ODD_DOC = 'she said "no"\\ #1.txt'  # quotes, a backslash and a '#' in one document id


def unit_rows(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def corpus(docs: int = 12, per_doc: int = 5, seed: int = 0) -> tuple[list[str], list[str], np.ndarray]:
    groups = [ODD_DOC if d == 0 else f"doc{d}.txt" for d in range(docs) for _ in range(per_doc)]
    ids = [f"{g}#{n % per_doc}" for n, g in enumerate(groups)]
    return ids, groups, unit_rows(len(ids), seed)


def exact(ids: list[str], groups: list[str], vectors: np.ndarray, query: np.ndarray, k: int, only=None):
    keep = [i for i, g in enumerate(groups) if only is None or g in only]
    scores = vectors[keep] @ query
    order = np.argsort(-scores, kind="stable")[:k]
    return [ids[keep[i]] for i in order], scores[order]


@pytest.fixture
def uri(tmp_path: Path) -> str:
    return f"milvus-lite:{tmp_path}/index.db"


@pytest.fixture
def filled(uri: str) -> tuple[MilvusIndex, list[str], list[str], np.ndarray]:
    index = MilvusIndex.open(uri, "chunks")
    ids, groups, vectors = corpus()
    index.add(ids, groups, vectors)
    return index, ids, groups, vectors


def assert_same(found, ids, scores) -> None:
    assert [s.chunk_id for s in found] == ids
    np.testing.assert_allclose([s.score for s in found], scores, atol=1e-5)


def test_search_equals_exact_numpy_search(filled) -> None:
    index, ids, groups, vectors = filled
    assert len(index) == len(ids) and index.dim == DIM and index.backend == "milvus"
    for query in unit_rows(5, seed=1):
        assert_same(index.search(query, 7), *exact(ids, groups, vectors, query, 7))
        only = [ODD_DOC, "doc3.txt"]
        assert_same(index.search(query, 4, groups=only), *exact(ids, groups, vectors, query, 4, only))
    assert len(index.search(unit_rows(1)[0], 1000)) == len(ids)
    assert index.search(unit_rows(1)[0], 5, groups=[]) == []
    assert index.search(unit_rows(1)[0], 5, groups=["no such doc"]) == []


def test_get_returns_rows_in_order_and_zero_for_unknown(filled) -> None:
    index, ids, _, vectors = filled
    got = index.get([ids[7], "unknown#0", ids[0], ids[7]])
    np.testing.assert_allclose(got, np.stack([vectors[7], np.zeros(DIM), vectors[0], vectors[7]]), atol=1e-6)


def test_remove_then_add_again_restores_results(filled) -> None:
    index, ids, groups, vectors = filled
    query = unit_rows(1, seed=2)[0]
    before = index.search(query, 10)
    index.remove([ODD_DOC, "doc5.txt"])
    assert len(index) == len(ids) - 10
    kept = [i for i, g in enumerate(groups) if g not in (ODD_DOC, "doc5.txt")]
    assert_same(
        index.search(query, 10), *exact([ids[i] for i in kept], [groups[i] for i in kept], vectors[kept], query, 10)
    )
    assert not index.get([ids[0]]).any()
    back = [i for i, g in enumerate(groups) if g in (ODD_DOC, "doc5.txt")]
    index.add([ids[i] for i in back], [groups[i] for i in back], vectors[back])
    assert len(index) == len(ids)
    assert_same(index.search(query, 10), [s.chunk_id for s in before], [s.score for s in before])


def test_adding_an_id_again_replaces_its_row(filled) -> None:
    index, ids, groups, vectors = filled
    index.add([ids[3]], [groups[3]], vectors[4:5])
    assert len(index) == len(ids)
    np.testing.assert_allclose(index.get([ids[3]])[0], vectors[4], atol=1e-6)


def test_get_after_a_save_sees_later_changes(filled, tmp_path: Path) -> None:
    index, ids, groups, vectors = filled
    index.save(tmp_path)
    np.testing.assert_allclose(index.get(ids[:4]), vectors[:4], atol=1e-6)  # read (and kept) from the saved one
    index.add([ids[3]], [groups[3]], vectors[9:10])
    np.testing.assert_allclose(index.get([ids[3]])[0], vectors[9], atol=1e-6)
    index.remove([groups[0]])
    assert not index.get([ids[0]]).any()


def test_ties_keep_the_order_rows_were_added(uri: str) -> None:
    index = MilvusIndex.open(uri, "chunks")
    row = unit_rows(1)[0]
    index.add(["b#0", "a#0", "c#0"], ["b", "a", "c"], np.stack([row, row, row]))
    assert [s.chunk_id for s in index.search(row, 3)] == ["b#0", "a#0", "c#0"]


def test_save_open_round_trip_and_old_generations(filled, uri: str, tmp_path: Path) -> None:
    index, ids, groups, vectors = filled
    query = unit_rows(1, seed=3)[0]
    first = tmp_path / "gen-1"
    first.mkdir()
    index.save(first)
    reader = MilvusIndex.open(uri, "chunks", first)
    assert len(reader) == len(ids) and reader.dim == DIM
    assert_same(reader.search(query, 6), *exact(ids, groups, vectors, query, 6))
    np.testing.assert_allclose(reader.get(ids[:3]), vectors[:3], atol=1e-6)

    # The writer goes on changing: the saved generation is copied first, so the reader's stays as it was.
    writer = MilvusIndex.open(uri, "chunks", first)
    writer.remove(["doc1.txt"])
    assert len(writer) == len(ids) - 5 and len(MilvusIndex.open(uri, "chunks", first)) == len(ids)
    assert_same(reader.search(query, 6), *exact(ids, groups, vectors, query, 6))
    second = tmp_path / "gen-2"
    second.mkdir()
    writer.save(second)
    assert len(MilvusIndex.open(uri, "chunks", second)) == len(ids) - 5
    assert_same(reader.search(query, 6), *exact(ids, groups, vectors, query, 6))  # kept: the previous generation

    # The alias names the live generation for other clients.
    client = writer._client
    assert client.describe_alias(alias="rag_chunks")["collection_name"] == writer._collection

    # Two saves later the first generation's collection is dropped, and its readers are told to reload.
    writer.add(["new#0"], ["new"], unit_rows(1, seed=4))
    third = tmp_path / "gen-3"
    third.mkdir()
    writer.save(third)
    writer2 = MilvusIndex.open(uri, "chunks", third)
    writer2.remove(["new"])
    fourth = tmp_path / "gen-4"
    fourth.mkdir()
    writer2.save(fourth)
    names = [n for n in client.list_collections() if n.startswith("rag_chunks_")]
    assert len(names) == 2
    with pytest.raises(IndexNotFoundError, match="run the command again"):
        reader.search(query, 3)
    with pytest.raises(IndexNotFoundError, match="gone"):
        MilvusIndex.open(uri, "chunks", first)
    assert len(MilvusIndex.open(uri, "chunks", fourth)) == len(ids) - 5


def test_roles_and_names_keep_apart(uri: str, tmp_path: Path) -> None:
    chunks = MilvusIndex.open(uri, "chunks")
    sentences = MilvusIndex.open(uri, "sentences")
    other = MilvusIndex.open(uri + "?name=other", "chunks")
    ids, groups, vectors = corpus(docs=2)
    chunks.add(ids, groups, vectors)
    sentences.add(ids[:3], groups[:3], vectors[:3])
    folder, elsewhere = tmp_path / "gen", tmp_path / "other-gen"
    folder.mkdir(), elsewhere.mkdir()
    chunks.save(folder)
    sentences.save(folder)
    other.save(elsewhere)  # saving another index's generation drops none of these collections
    assert len(MilvusIndex.open(uri, "chunks", folder)) == len(ids)
    assert len(MilvusIndex.open(uri, "sentences", folder)) == 3
    assert len(MilvusIndex.open(uri + "?name=other", "chunks", elsewhere)) == 0


def test_an_empty_index_saves_opens_and_grows(uri: str, tmp_path: Path) -> None:
    index = MilvusIndex.open(uri, "sentences")
    assert len(index) == 0 and index.dim is None and index.search(unit_rows(1)[0], 3) == []
    assert index.get(["x"]).shape == (1, 0)
    index.save(tmp_path)
    opened = MilvusIndex.open(uri, "sentences", tmp_path)
    assert len(opened) == 0 and opened.dim is None
    ids, groups, vectors = corpus(docs=2)
    opened.add(ids, groups, vectors)
    assert_same(opened.search(vectors[2], 1), [ids[2]], [1.0])


def test_filter_quoting() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


def test_store_uris() -> None:
    assert parse_uri("http://h:1").address == "http://h:1"
    assert parse_uri("https://h:1?name=news").name == "news"
    for bad in ("faiss", "milvus-lite:/tmp/x", "milvus://h:1?name=a-b", "ftp://h"):
        with pytest.raises(StoreError):
            parse_uri(bad)


def test_unreachable_server_is_one_line() -> None:
    with pytest.raises(StoreError, match=r"cannot reach the Milvus server at http://127\.0\.0\.1:1 "):
        MilvusIndex.open("milvus://127.0.0.1:1", "chunks")


def test_a_lite_file_open_in_another_process_is_one_line(uri: str) -> None:
    MilvusIndex.open(uri, "chunks")  # this process holds the file
    path = parse_uri(uri).address
    code = textwrap.dedent(f"""
        from rag.index.milvus import MilvusIndex
        from rag.errors import RagError
        try:
            MilvusIndex.open({uri!r}, "chunks")
        except RagError as exc:
            print(exc)
        """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert f"the Milvus Lite file {path} is open in another process" in out.stdout
    assert "Traceback" not in out.stderr


def test_importing_rag_does_not_import_pymilvus() -> None:
    code = "import sys, rag, rag.index.milvus; print('pymilvus' in sys.modules, 'milvus_lite' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_store_error_is_a_rag_error() -> None:
    assert issubclass(StoreError, RagError)
