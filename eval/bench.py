"""`rag bench`: where the time goes, measured on this machine in one run.

Cold start (split into imports, index load, model load, first answer), warm latency of encoding a
query (the floor), of `search` in each mode and of `ask`, index build throughput on `seeds/` and
on a larger corpus, peak memory, index size per chunk, and FAISS search latency and recall@10
against exact search at 10k, 100k and 1M synthetic vectors.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag import Assistant, Retriever, SentenceTransformerEmbedder
from rag.metrics import percentile

from .harness import CORPUS, QUESTIONS, load_questions

COLD_START = """
import json, sys, time
t0 = time.perf_counter()
import rag
t1 = time.perf_counter()
heavy = sorted(m for m in ("torch", "faiss", "gradio", "sentence_transformers") if m in sys.modules)
retriever = rag.Retriever.load(sys.argv[1])
t2 = time.perf_counter()
retriever.query_vector("warm up")
t3 = time.perf_counter()
answer = rag.Assistant(retriever).ask(sys.argv[2])
t4 = time.perf_counter()
print(json.dumps({"import_rag_s": t1 - t0, "heavy_modules_after_import": heavy, "index_load_s": t2 - t1,
                  "model_load_s": t3 - t2, "first_answer_s": t4 - t3, "answered": not answer.abstained}))
"""


def spread(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": percentile(values, 95), "n": len(values)}


def cold_start(index_dir: Path, question: str) -> dict[str, Any]:
    """Process start to first answer, in a fresh interpreter."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, str(index_dir), question], capture_output=True, text=True, check=True
    )
    total = time.perf_counter() - started
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    return {"total_s": total, **phases}


def warm(retriever: Retriever, questions: list[str], repeat: int = 3) -> dict[str, Any]:
    """p50/p95 in ms; every timed call starts without a cached query vector."""
    assistant = Assistant(retriever)
    calls = {
        "encode query": lambda q: retriever.embedder.embed([q]),
        "search bm25": lambda q: retriever.search(q, k=5, mode="bm25"),
        "search dense": lambda q: retriever.search(q, k=5, mode="dense"),
        "search hybrid": lambda q: retriever.search(q, k=5, mode="hybrid"),
        "ask": assistant.ask,
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for q in questions:
            for name, call in calls.items():
                retriever.clear_query_cache()
                started = time.perf_counter()
                call(q)
                timings[name].append((time.perf_counter() - started) * 1000)
    out = {name: spread(values) for name, values in timings.items()}
    floor = out["encode query"]["p50"]
    out["ratios_to_encoding"] = {name: out[name]["p50"] / floor for name in calls if name != "encode query"}
    return out


def larger_corpus(folder: Path, copies: int) -> Path:
    """`copies` variants of every seed article, each line marked so no text repeats exactly."""
    folder.mkdir(parents=True, exist_ok=True)
    for c in range(copies):
        for path in sorted(CORPUS.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            marked = [f"{line} (Edition {c}.)" if len(line.split()) > 8 else line for line in lines]
            (folder / f"edition{c:03d}_{path.name}").write_text("\n".join(marked), encoding="utf-8")
    return folder


def build(corpus: Path, embedder: SentenceTransformerEmbedder, index_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    retriever = Retriever.build(corpus, index_dir, embedder=embedder)
    seconds = time.perf_counter() - started
    on_disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    chunks = len(retriever.chunks)
    return {
        "documents": len(retriever.documents),
        "chunks": chunks,
        "sentences": len(retriever.sentence_vectors),
        "seconds": seconds,
        "chunks_per_s": chunks / seconds,
        "texts_per_s": retriever.last_sync.texts_embedded / seconds,
        "bytes_on_disk": on_disk,
        "bytes_per_chunk": on_disk / max(1, chunks),
    }


def faiss_scale(sizes: list[int], dim: int = 384, queries: int = 100) -> list[dict[str, Any]]:
    """Flat (exact) and the IVF index the dense index switches to, on clustered synthetic vectors."""
    import faiss

    from rag import ann

    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        centers = rng.standard_normal((max(10, n // 500), dim)).astype(np.float32)
        x = np.empty((n, dim), dtype=np.float32)
        for i in range(0, n, 100_000):
            m = min(100_000, n - i)
            x[i : i + m] = centers[rng.integers(0, len(centers), m)] + 0.8 * rng.standard_normal((m, dim))
        faiss.normalize_L2(x)
        q = x[rng.choice(n, queries, replace=False)] + rng.normal(
            scale=ann.QUERY_NOISE / np.sqrt(dim), size=(queries, dim)
        ).astype(np.float32)
        faiss.normalize_L2(q)
        flat = faiss.IndexFlatIP(dim)
        flat.add(x)
        flat_ms = _latencies(flat, q)
        _, exact = flat.search(q, 10)
        del flat
        started = time.perf_counter()
        ivf = ann.build_ivf(x, np.arange(n, dtype=np.int64))
        build_s = time.perf_counter() - started
        ivf_ms = _latencies(ivf, q)
        _, found = ivf.search(q, 10)
        rows.append(
            {
                "vectors": n,
                "flat_p50_ms": statistics.median(flat_ms),
                "ivf_p50_ms": statistics.median(ivf_ms),
                "ivf_recall@10": ann.recall_at_10(exact, found),
                "ivf_build_s": build_s,
                "nlist": ivf.nlist,
                "nprobe": ivf.nprobe,
                "bytes_per_vector": dim * 4 + 8,
            }
        )
        del ivf, x
    return rows


def _latencies(index: Any, queries: np.ndarray) -> list[float]:
    """Milliseconds per single-query search, one query at a time as a user would send them."""
    out = []
    for vector in queries:
        started = time.perf_counter()
        index.search(vector[None, :], 10)
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(copies: int, sizes: list[int], questions_path: Path) -> dict[str, Any]:
    questions = [q["question"] for q in load_questions(questions_path)]
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])  # model load is timed in the cold start, not in the build
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seeds = build(CORPUS, embedder, root / "seeds-index")
        retriever = Retriever.load(root / "seeds-index", embedder=embedder)
        results: dict[str, Any] = {
            "cold_start": cold_start(root / "seeds-index", questions[0]),
            "warm_ms": warm(retriever, questions),
            "build": {"seeds": seeds},
        }
        if copies:
            corpus = larger_corpus(root / "larger", copies)
            results["build"][f"seeds x {copies}"] = build(corpus, embedder, root / "larger-index")
    results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["faiss"] = faiss_scale(sizes) if sizes else []
    return results


def show(results: dict[str, Any]) -> str:
    cold = results["cold_start"]
    lines = [
        f"cold start to first answer: {cold['total_s']:.2f} s  (interpreter + import rag {cold['import_rag_s']:.2f} s, "
        f"index load {cold['index_load_s']:.2f} s, model load {cold['model_load_s']:.2f} s, "
        f"first answer {cold['first_answer_s']:.2f} s; heavy modules after `import rag`: "
        f"{cold['heavy_modules_after_import'] or 'none'})",
        "",
        f"{'warm latency':<16}{'p50 ms':>9}{'p95 ms':>9}{'x encode':>10}",
    ]
    ratios = results["warm_ms"]["ratios_to_encoding"]
    for name, row in results["warm_ms"].items():
        if name != "ratios_to_encoding":
            lines.append(f"{name:<16}{row['p50']:>9.2f}{row['p95']:>9.2f}{ratios.get(name, 1.0):>10.2f}")
    lines += [
        "",
        f"{'index build':<16}{'docs':>6}{'chunks':>8}{'seconds':>9}{'chunks/s':>10}{'texts/s':>9}{'B/chunk':>9}",
    ]
    for name, row in results["build"].items():
        lines.append(
            f"{name:<16}{row['documents']:>6}{row['chunks']:>8}{row['seconds']:>9.1f}"
            f"{row['chunks_per_s']:>10.1f}{row['texts_per_s']:>9.1f}{row['bytes_per_chunk']:>9.0f}"
        )
    lines += ["", f"peak resident memory {results['peak_memory_mb']:.0f} MB (before the FAISS scale test)"]
    if results["faiss"]:
        lines += [
            "",
            f"{'vectors':>9}{'flat p50 ms':>13}{'IVF p50 ms':>12}{'recall@10':>11}{'nprobe':>8}"
            f"{'nlist':>7}{'IVF build s':>13}",
        ]
        for row in results["faiss"]:
            lines.append(
                f"{row['vectors']:>9}{row['flat_p50_ms']:>13.2f}{row['ivf_p50_ms']:>12.2f}"
                f"{row['ivf_recall@10']:>11.3f}{row['nprobe']:>8}{row['nlist']:>7}{row['ivf_build_s']:>13.1f}"
            )
    return "\n".join(lines)


def cmd_bench(args: Any) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes else []
    results = run(args.copies, sizes, args.questions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2) if args.json else show(results))
    if not args.json:
        print(f"\nWritten to {args.out}")
    return 0


def register(sub: Any, common: Any) -> None:
    here = Path(__file__).resolve().parent
    p = sub.add_parser("bench", help="measure cold start, latency, build throughput, memory and FAISS at scale")
    p.add_argument("--copies", type=int, default=10, help="size of the larger corpus, in copies of seeds/ (default 10)")
    p.add_argument("--sizes", default="10000,100000,1000000", help="FAISS test sizes ('' to skip)")
    p.add_argument("--questions", type=Path, default=QUESTIONS, help="questions to time (default: the eval set)")
    p.add_argument("--out", type=Path, default=here / "report" / "bench.json", help="where to write the JSON")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(func=cmd_bench, index_dir=None)
