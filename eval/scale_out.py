"""`rag bench --scale-out`: ingestion on Ray Data against the plain build, and search through
Milvus Lite against FAISS, on this machine.

Ingestion: the same corpus (the seeds copied `copies` times, every copy's lines marked so no text
repeats) is built from nothing three ways: the plain build (chunking in this process or forked
workers, embedding in this process), and `rag index --ray` with 1 and with 2 workers on a local Ray
(2 CPUs). Ray is started once before the timed builds; its start is reported apart. Each Ray build
starts its actors and loads the model in each (once per batch of `sync.BATCH_DOCS` articles).

Search: the seeds indexed into FAISS and into Milvus Lite with the same vectors; warm p50/p95 of
`search` in each mode and of `ask`, and of the bare vector-index search (top 50, as the hybrid
ranker asks) and sentence-vector read, per question (Milvus rows of a saved generation, once
read, are served from `MilvusIndex`'s cache), and of the first hybrid search after loading, before
anything is cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag import Assistant, Retriever
from rag.index.embedders import Embedder
from rag.metrics import spread

WORKERS = (1, 2)
COLD_RUNS = 10


def ingestion(corpus: Path, root: Path, embedder: Embedder) -> dict[str, Any]:
    """Seconds and texts per second of a plain build and of Ray builds with 1 and 2 workers."""
    from rag.ingest.ray import ray_prepare, shutdown, start

    rows: dict[str, Any] = {}

    def build(name: str, **kw: Any) -> Retriever:
        started = time.perf_counter()
        retriever = Retriever.build(corpus, root / name, embedder=embedder, **kw)
        seconds = time.perf_counter() - started
        texts = retriever.last_sync.texts_embedded
        rows[name] = {
            "documents": len(retriever.documents),
            "chunks": len(retriever.chunks),
            "texts": texts,
            "seconds": seconds,
            "texts_per_s": texts / seconds,
        }
        return retriever

    plain = build("plain")
    started = time.perf_counter()
    start(None)
    ray_start_s = time.perf_counter() - started
    try:
        for workers in WORKERS:
            on_ray = build(f"ray, {workers} worker{'s' if workers > 1 else ''}", prepare=ray_prepare(None, workers))
            assert sorted(on_ray.chunks) == sorted(plain.chunks)
    finally:
        shutdown()
    for row in rows.values():
        row["x_plain"] = row["texts_per_s"] / rows["plain"]["texts_per_s"]
    return {"ray_start_s": ray_start_s, "builds": rows}


def timings(retriever: Retriever, questions: list[str]) -> dict[str, dict[str, float]]:
    """Warm p50/p95 in ms of each call, per question."""
    assistant = Assistant(retriever)
    corpus = retriever.corpus
    vectors = {q: retriever.query_vector(q) for q in questions}
    sentence_keys = [(c.doc_id, s, e) for c in list(retriever.chunks.values())[:8] for s, e in c.sentences]
    calls: dict[str, Callable[[str], Any]] = {
        "vector index search, top 50": lambda q: corpus.vectors.search(vectors[q], 50),
        "sentence vectors of 8 passages": lambda q: corpus.sentence_vectors(sentence_keys),
        "search dense": lambda q: retriever.search(q, k=5, mode="dense"),
        "search hybrid": lambda q: retriever.search(q, k=5, mode="hybrid"),
        "search bm25": lambda q: retriever.search(q, k=5, mode="bm25"),
        "ask": lambda q: assistant.ask(q),
    }
    for q in questions[:3]:  # warm up
        for call in calls.values():
            call(q)
    out = {}
    for label, call in calls.items():
        times = []
        for q in questions:
            started = time.perf_counter()
            call(q)
            times.append((time.perf_counter() - started) * 1000)
        out[label] = spread(times)
    return out


def first_search(index_dir: Path, embedder: Embedder, question: str) -> float:
    """Milliseconds of the first hybrid search of a freshly loaded index (the query already
    embedded): nothing read back yet, so Milvus's own reads are all in it."""
    retriever = Retriever.load(index_dir, embedder=embedder)
    retriever.query_vector(question)
    started = time.perf_counter()
    retriever.search(question, k=5, mode="hybrid")
    return (time.perf_counter() - started) * 1000


def search_latency(corpus: Path, root: Path, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    """Warm latency through FAISS and through Milvus Lite, the same index otherwise."""
    stores = {"faiss": "faiss", "milvus-lite": f"milvus-lite:{root}/bench-vectors.db"}
    out: dict[str, Any] = {}
    for name, store in stores.items():
        retriever = Retriever.build(corpus, root / f"search-{name}", embedder=embedder, store=store)
        out[name] = timings(retriever, questions)
        out[name]["search hybrid, first after loading"] = spread(
            [first_search(root / f"search-{name}", embedder, q) for q in questions[:COLD_RUNS]]
        )
    out["x_faiss"] = {
        label: out["milvus-lite"][label]["p50"] / max(out["faiss"][label]["p50"], 1e-9) for label in out["faiss"]
    }
    return out


def run_scale_out(root: Path, seeds: Path, larger: Path, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    """The scale-out figures: ingestion on `larger`, search latency on `seeds`."""
    return {
        "corpus": larger.name,
        "ingestion": ingestion(larger, root / "scale-out", embedder),
        "search": search_latency(seeds, root / "scale-out", embedder, questions),
    }


def show_scale_out(r: dict[str, Any]) -> list[str]:
    lines = ["", f"ingestion on Ray Data (local, 2 CPUs; Ray started in {r['ingestion']['ray_start_s']:.1f} s)"]
    lines.append(f"  {'build':<22}{'docs':>6}{'chunks':>8}{'texts':>7}{'seconds':>9}{'texts/s':>9}{'x plain':>9}")
    for name, row in r["ingestion"]["builds"].items():
        lines.append(
            f"  {name:<22}{row['documents']:>6}{row['chunks']:>8}{row['texts']:>7}{row['seconds']:>9.1f}"
            f"{row['texts_per_s']:>9.1f}{row['x_plain']:>9.2f}"
        )
    search = r["search"]
    lines += ["", f"  {'warm latency, seeds':<34}{'FAISS p50':>10}{'p95':>8}{'Milvus Lite p50':>17}{'p95':>8}{'x':>7}"]
    for label, faiss in search["faiss"].items():
        milvus = search["milvus-lite"][label]
        lines.append(
            f"  {label:<34}{faiss['p50']:>10.2f}{faiss['p95']:>8.2f}{milvus['p50']:>17.2f}{milvus['p95']:>8.2f}"
            f"{search['x_faiss'][label]:>7.1f}"
        )
    return lines
