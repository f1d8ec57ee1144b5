"""Index types at scale on real embeddings: recall@10 against exact search, latency, build, size.

The passages are the prose of this machine's manual pages (`eval/realtext.py`), embedded with the
default backend; the queries are real sentences from pages held out of the index. For each size:
exact search (the ground truth), the IVF index the dense index switches to past
`ann.EXACT_UP_TO` (nlist and nprobe as it sets them), IVF at each nprobe, and HNSW for reference
(not used by the index: it cannot remove vectors, which sync needs). Also BM25 at the same size
and what one new article costs to become searchable (embed, add to both indexes).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rag.metrics import percentile
from rag.types import Chunk

from .realtext import embed_cached, real_text


def latencies(index: Any, queries: np.ndarray) -> dict[str, float]:
    """p50/p95 ms of single-query top-10 searches, one query at a time as a user sends them."""
    out = []
    for vector in queries:
        started = time.perf_counter()
        index.search(vector[None, :], 10)
        out.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(out), "p95_ms": percentile(out, 95)}


def _size_on_disk(index: Any) -> int:
    import faiss

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.faiss"
        faiss.write_index(index, str(path))
        return path.stat().st_size


def index_types(x: np.ndarray, q: np.ndarray) -> dict[str, Any]:
    """Flat, the dense index's IVF, an nprobe sweep and HNSW over `x`, judged against exact search."""
    import faiss

    from rag.index import ivf as ann

    n, dim = x.shape
    ids = np.arange(n, dtype=np.int64)
    flat = faiss.IndexFlatIP(dim)
    flat.add(x)
    _, exact = flat.search(q, 10)
    rows: list[dict[str, Any]] = [{"index": "flat (exact)", "recall@10": 1.0, **latencies(flat, q), "build_s": 0.0}]
    rows[0]["bytes_per_passage"] = _size_on_disk(flat) / n
    del flat

    started = time.perf_counter()
    ivf = ann.build_ivf(x, ids)
    build_s = time.perf_counter() - started
    chosen = ivf.nprobe
    size = _size_on_disk(ivf) / n
    for nprobe in sorted({1, 2, 4, 8, 16, 32, 64, chosen}):
        if nprobe > ivf.nlist:
            continue
        ivf.nprobe = nprobe
        _, found = ivf.search(q, 10)
        rows.append(
            {
                "index": f"IVF{ivf.nlist} nprobe {nprobe}" + (" (tuned)" if nprobe == chosen else ""),
                "recall@10": ann.recall_at_10(exact, found),
                **latencies(ivf, q),
                "build_s": build_s,
                "bytes_per_passage": size,
            }
        )
    ivf.nprobe = chosen
    del ivf

    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 40
    hnsw.add(x)
    build_s = time.perf_counter() - started
    size = _size_on_disk(hnsw) / n
    for ef in (16, 32, 64, 128):
        hnsw.hnsw.efSearch = ef
        _, found = hnsw.search(q, 10)
        rows.append(
            {
                "index": f"HNSW32 efSearch {ef}",
                "recall@10": ann.recall_at_10(exact, found),
                **latencies(hnsw, q),
                "build_s": build_s,
                "bytes_per_passage": size,
            }
        )
    return {"passages": n, "rows": rows, "tuned_nprobe": chosen}


def lexical_and_update(passages: list[str], queries: list[str], embed: Callable[[list[str]], np.ndarray]) -> dict:
    """BM25 over the passages (build, search p50), and one new article of 40 passages made searchable:
    embedding its passages and adding them to BM25 (statistics brought up to date)."""
    from rag.index.bm25 import BM25Index

    chunks = [
        Chunk(f"man{i // 20}#{i % 20}", f"man{i // 20}", 0, len(t), t, ((0, len(t)),)) for i, t in enumerate(passages)
    ]
    bm25 = BM25Index()
    started = time.perf_counter()
    bm25.add([c.chunk_id for c in chunks], [c.doc_id for c in chunks], [c.text for c in chunks])
    build_s = time.perf_counter() - started
    times = []
    for query in queries:
        started = time.perf_counter()
        bm25.search(query, 50)
        times.append((time.perf_counter() - started) * 1000)
    article = [Chunk(f"new#{i}", "new", 0, len(t), t, ((0, len(t)),)) for i, t in enumerate(queries[:40])]
    started = time.perf_counter()
    embed([c.text for c in article])
    embed_s = time.perf_counter() - started
    started = time.perf_counter()
    bm25.add([c.chunk_id for c in article], [c.doc_id for c in article], [c.text for c in article])
    add_s = time.perf_counter() - started
    assert bm25.search(queries[0], 5)[0].chunk_id.startswith("new#")
    return {
        "bm25_build_s": build_s,
        "bm25_p50_ms": statistics.median(times),
        "new_article_embed_s": embed_s,
        "new_article_bm25_add_s": add_s,
    }


def run_scale(sizes: list[int], embed: Callable[[list[str]], np.ndarray], queries: int = 200) -> dict[str, Any]:
    """Index types on the first `size` real passages, for each size."""
    text = real_text(max(sizes), queries)
    vectors = embed_cached(text.passages, embed, progress=lambda s: print(s, flush=True))
    q = np.ascontiguousarray(embed(text.queries), dtype=np.float32)
    out: dict[str, Any] = {
        "available_passages": len(text.passages),
        "pages": text.pages,
        "queries": len(q),
        "sizes": [],
    }
    for n in sizes:
        n = min(n, len(text.passages))
        row = index_types(np.ascontiguousarray(vectors[:n]), q)
        row.update(lexical_and_update(text.passages[:n], text.queries, embed))
        out["sizes"].append(row)
        if n == len(text.passages):
            break
    return out
