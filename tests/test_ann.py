"""The dense index past its exact-search size: IVF with a measured recall, same verbs as before."""

import numpy as np
import pytest

from rag.index import ivf as ann
from rag.index.faiss_index import FaissIndex

DIM = 32


def clustered(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((50, DIM)).astype(np.float32)
    x = centers[rng.integers(0, 50, n)] + 0.7 * rng.standard_normal((n, DIM)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def big(monkeypatch):
    monkeypatch.setattr(ann, "EXACT_UP_TO", 3_000)
    vectors = clustered(6_000)
    index = FaissIndex()
    ids = [f"d{i // 10}#{i % 10}" for i in range(len(vectors))]
    groups = [f"d{i // 10}" for i in range(len(vectors))]
    for start in range(0, len(vectors), 1_000):
        index.add(ids[start : start + 1_000], groups[start : start + 1_000], vectors[start : start + 1_000])
    return index, vectors


def test_switches_to_ivf_and_meets_the_recall_target(big):
    index, vectors = big
    assert index.kind == "ivf"
    queries = clustered(100, seed=7)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    found = [
        [int(s.chunk_id[1:].split("#")[0]) * 10 + int(s.chunk_id.split("#")[1]) for s in index.search(q, 10)]
        for q in queries
    ]
    assert ann.recall_at_10(exact, np.array(found)) >= 0.9  # tuned to 0.95 on its own sample


def test_ivf_keeps_the_same_verbs(big, tmp_path):
    index, vectors = big
    index.remove(["d1", "d2"])
    assert len(index) == 5_980 and index.get(["d0#0", "d1#0"]).tolist()[1] == [0.0] * DIM
    assert all(not s.chunk_id.startswith(("d1#", "d2#")) for s in index.search(vectors[15], 10))
    hits = index.search(vectors[0], 5, groups=["d7"])
    assert [h.chunk_id.split("#")[0] for h in hits] == ["d7"] * 5  # a filter is searched exactly
    index.save(tmp_path)
    loaded = FaissIndex.open("faiss", "chunks", tmp_path)
    assert loaded.kind == "ivf"
    assert loaded.search(vectors[42], 10) == index.search(vectors[42], 10)
