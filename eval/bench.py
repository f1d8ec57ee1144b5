"""`rag bench`: where the time goes, measured on this machine in one run, against the targets.

Cold start (a shell's `rag ask`, and the phases inside: imports, index load, model load, first
answer, resident memory; with the default ONNX backend and with PyTorch as before), the page's
first answer after `rag serve` starts, warm latency of encoding a query (the floor), of `search`
in each mode and of `ask`, index build throughput on `seeds/` and on `seeds/` copied ten times
(default backend and parallel splitting against PyTorch and serial splitting), and, on real
embeddings of the manual pages' prose (`eval/scale.py`), recall@10 and latency per index type,
BM25, and the cost of one new article at 10k and 100k passages (1M with `--million`); and `ask`
on an index of 100k of those passages as articles (`--ask-passages`), against `ask` on the seeds.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as rag.index.ivf sets it, before torch starts OpenMP here
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag import Assistant, Config, ModelError, Retriever, SentenceTransformerEmbedder
from rag.config import DEFAULT_MODEL
from rag.corpus import Batch, SentenceKey
from rag.index.embedders import Embedder, make_embedder
from rag.ingest.readers import content_hash
from rag.metrics import spread
from rag.sync import Prepare, chunked, embed_new
from rag.sync import prepare as sync_prepare
from rag.types import Document
from ui.cli import wait_for_page

from .harness import CORPUS, QUESTIONS, load_questions
from .realtext import embed_cached
from .scale import run_scale

BF16_ROW = "option: OpenVINO bf16"  # the build row of the optional bf16 backend, when openvino is installed
COLD_START = """
import json, os, sys, time
t0 = time.perf_counter()

def peak_mb():  # VmHWM: this process's own peak (ru_maxrss would include the parent's, from before exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

import rag
t1 = time.perf_counter()
heavy = sorted(m for m in ("torch", "faiss", "gradio", "sentence_transformers") if m in sys.modules)
embedder = rag.SentenceTransformerEmbedder() if sys.argv[3] == "torch" else None
retriever = rag.Retriever.load(sys.argv[1], embedder=embedder)
t2 = time.perf_counter()
retriever.query_vector("warm up")
t3 = time.perf_counter()
answer = rag.Assistant(retriever).ask(sys.argv[2])
t4 = time.perf_counter()
after = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
print(json.dumps({"import_rag_s": t1 - t0, "heavy_modules_after_import": heavy, "index_load_s": t2 - t1,
                  "model_load_s": t3 - t2, "first_answer_s": t4 - t3, "answered": not answer.abstained,
                  "torch_modules_after_answer": after,
                  "resident_mb": peak_mb(), "cpu_s": sum(os.times()[:2])}))
"""


def cold_start(index_dir: Path, question: str, backend: str = "default") -> dict[str, Any]:
    """Process start to first answer, in a fresh interpreter, with its phases and peak memory."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, str(index_dir), question, backend],
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - started
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    return {"total_s": total, **phases}


def cold_ask(index_dir: Path, question: str, runs: int = 5) -> dict[str, Any]:
    """`rag ask` as a shell runs it: process start to printed answer (median of `runs`), with the
    machine's load average before the first run (a shared machine's noise shows in the spread)."""
    load = os.getloadavg()[0]
    times, cpu = [], []
    for _ in range(runs):
        before = os.times()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "rag.cli", "ask", question, "--index-dir", str(index_dir)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
        after = os.times()
        cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)
    return {
        "p50_s": statistics.median(times),
        "cpu_p50_s": statistics.median(cpu),
        "runs": times,
        "load_average": load,
        "printed": done.stdout.splitlines()[0],
        "stderr": done.stderr,
    }


def serve_first_answer(corpus: Path, index_dir: Path, question: str) -> dict[str, Any]:
    """`rag serve` on an existing index: seconds until the page loads, then until the first answer
    comes back through the page's API (what the page calls when a question is sent)."""
    import socket

    try:
        from gradio_client import Client
    except ImportError:
        return {"skipped": "gradio_client is not installed (pip install -e '.[test]')"}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    argv = [sys.executable, "-m", "rag.cli", "serve", str(corpus), "--index-dir", str(index_dir), "--port", str(port)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        if not wait_for_page(url, proc, 120):
            return {"skipped": "the server did not start"}
        ready = time.perf_counter() - started
        client = Client(url, verbose=False)
        asked = time.perf_counter()
        answer = client.predict(question, "hybrid", 8, api_name="/ask")
        return {"page_ready_s": ready, "first_answer_s": time.perf_counter() - asked, "answered": bool(answer)}
    finally:
        proc.terminate()
        proc.wait(30)


def warm(retriever: Retriever, questions: list[str], repeat: int = 3) -> dict[str, Any]:
    """p50/p95 in ms; every timed call starts without a cached query vector.

    The kinds of call take turns, as in use (a call that follows other work pays for waking the
    model's threads), but each kind is at another question of the list at that moment, so no call
    finds what another kind just computed for the same question (a search's BM25 scores, say,
    reused by the `ask` after it). `ask` is timed once per question: it remembers per (question,
    sentence) what its abstention signals and its short answer share, and a repeated question
    would find that too."""
    assistant = Assistant(retriever)
    calls = {
        # The default `rag search`: the hybrid passages reordered by their best sentence. Timed once
        # per question, as `ask`. It and `ask` meet each question some calls apart, so whichever
        # comes second may find the question's analysis in a shared cache (about 0.06 ms of it).
        "search by best sentence": lambda q: assistant.search(q, k=5),
        "encode query": lambda q: retriever.embedder.embed([q]),
        "search bm25": lambda q: retriever.search(q, k=5, mode="bm25"),
        "search dense": lambda q: retriever.search(q, k=5, mode="dense"),
        "search hybrid": lambda q: retriever.search(q, k=5, mode="hybrid"),
        "ask": assistant.ask,
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    offset = max(1, len(questions) // len(calls))
    for round_ in range(repeat):
        for i in range(len(questions)):
            for j, (name, call) in enumerate(calls.items()):
                if name in ("ask", "search by best sentence") and round_:
                    continue
                retriever.clear_query_cache()
                started = time.perf_counter()
                call(questions[(i + j * offset) % len(questions)])
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


def build(corpus: Path, embedder: Embedder, index_dir: Path, *, before: bool = False) -> dict[str, Any]:
    """Build an index of `corpus` from nothing; `before` as the build was before issue 12: sentences
    split in this process only, texts handed to the embedder 64 at a time."""
    from rag import sync
    from rag.ingest import parallel

    saved = parallel.PARALLEL_FROM_CHARS, sync.EMBED_BATCH
    if before:
        parallel.PARALLEL_FROM_CHARS, sync.EMBED_BATCH = 10**15, 64
    started = time.perf_counter()
    try:
        retriever = Retriever.build(corpus, index_dir, embedder=embedder)
    finally:
        parallel.PARALLEL_FROM_CHARS, sync.EMBED_BATCH = saved
    seconds = time.perf_counter() - started
    on_disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    chunks = len(retriever.chunks)
    return {
        "documents": len(retriever.documents),
        "chunks": chunks,
        "sentences": len(retriever.corpus.sentences),
        "seconds": seconds,
        "chunks_per_s": chunks / seconds,
        "texts_per_s": retriever.last_sync.texts_embedded / seconds,
        "bytes_on_disk": on_disk,
        "bytes_per_chunk": on_disk / max(1, chunks),
    }


def passage_corpus(
    folder: Path, passages: int, embedder: Embedder
) -> tuple[Path, frozenset[str], dict[str, np.ndarray]]:
    """The scale test's real passages of manual-page prose (`eval/realtext.py`), one article each:
    the folder, its file names, and the passages' vectors (cached) by the content hash of their text."""
    from .realtext import real_text

    texts = real_text(passages, 1).passages
    vectors = embed_cached(texts, embedder.embed)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"p{n:07d}.txt" for n in range(len(texts))]
    for name, text in zip(names, texts, strict=True):
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder, frozenset(names), {content_hash(t): v for t, v in zip(texts, vectors, strict=True)}


def standing_in(passages: frozenset[str], known: dict[str, np.ndarray]) -> Prepare:
    """`rag.sync.prepare` for the ask-at-scale index: a chunk whose text has a cached vector takes
    it (others are embedded), and each of its sentences takes its chunk's vector instead of its
    own. Embedding the sentences of 100,000 passages one by one would take hours here, and what a
    search or an answer computes does not depend on the vectors' values. A batch holding any
    document but `passages` (the new article timed below) is prepared as usual, every sentence
    embedded."""

    def prepare(docs: list[Document], config: Config, embedder: Embedder, reuse: dict[str, np.ndarray]) -> Batch:
        if not all(d.doc_id in passages for d in docs):
            return sync_prepare(docs, config, embedder, reuse)
        chunks, indexed = chunked(docs, config)
        have = {**reuse, **known}
        vectors = embed_new(embedder, indexed, have)
        embedded = len({content_hash(t) for t in indexed} - have.keys())
        of_sentence: dict[SentenceKey, np.ndarray] = {}
        for chunk, vector in zip(chunks, vectors, strict=True):
            for s, e in chunk.sentences:
                of_sentence.setdefault((chunk.doc_id, s, e), vector)
        sentences = sorted(of_sentence)
        rows = [*vectors, *(of_sentence[k] for k in sentences)]
        matrix = np.stack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
        return Batch(tuple(docs), tuple(chunks), tuple(indexed), tuple(sentences), matrix, embedded)

    return prepare


def paired_ask(first: Retriever, second: Retriever, questions: list[str]) -> tuple[dict, dict]:
    """`ask` p50/p95 in ms on two indexes with the same questions, taking turns (which index goes
    first alternates), so that a machine whose speed drifts during the run slows both alike."""
    assistants = (Assistant(first), Assistant(second))
    times: tuple[list[float], list[float]] = ([], [])
    for i, question in enumerate(questions):
        for j in (0, 1) if i % 2 == 0 else (1, 0):
            assistants[j].retriever.clear_query_cache()
            times[j].append(_timed(lambda j=j, q=question: assistants[j].ask(q)))
    return spread(times[0]), spread(times[1])


def ask_at_scale(
    root: Path, passages: int, embedder: Embedder, questions: list[str], seeds: Retriever | None = None
) -> dict[str, Any]:
    """`ask` on an index of `passages` real passages (see `standing_in` for its vectors), and the
    time one new article takes to become searchable in it (embedded, added to both indexes; not
    saved). With the `seeds` index, `ask` is also timed on both with the same questions, in turns."""
    from .realtext import real_text

    corpus, names, known = passage_corpus(root / "man", passages, embedder)
    started = time.perf_counter()
    retriever = Retriever.build(corpus, root / "man-index", embedder=embedder, prepare=standing_in(names, known))
    build_s = time.perf_counter() - started
    size = {"chunks": len(retriever.chunks), "documents": len(retriever.documents)}
    size["sentences"] = len(retriever.corpus.sentences)
    asked = real_text(1, 100).queries[:50] + questions[:20]  # held-out sentences and news questions
    timing = warm(retriever, asked, repeat=1)
    paired = paired_ask(seeds, retriever, asked) if seeds else None
    article = root / "new"
    article.mkdir()
    news = next(p for p in sorted(CORPUS.glob("*.txt")) if "Tom Graham" in p.read_text(encoding="utf-8"))
    shutil.copy(news, article / "new-article.txt")  # the seed article the question below is about
    started = time.perf_counter()
    retriever.add_paths([article])
    found = retriever.search("Who is Tom Graham?", k=3)
    new_s = time.perf_counter() - started
    return {
        **size,
        "build_s": build_s,
        "dense_kind": getattr(retriever.corpus.vectors, "kind", retriever.corpus.vectors.backend),
        "warm_ms": timing,
        **({"paired_ask_ms": {"seeds": paired[0], "index": paired[1]}} if paired else {}),
        "new_article_searchable_s": new_s,
        "new_article_found": any(h.doc_id == "new-article.txt" for h in found),
    }


def run(
    copies: int,
    sizes: list[int],
    questions_path: Path,
    ask_passages: int = 0,
    serve: bool = True,
    scale_out: bool = False,
) -> dict[str, Any]:
    questions = [q["question"] for q in load_questions(questions_path)]
    embedder = make_embedder()  # the default: ONNX fp32, or PyTorch when ONNX cannot be had
    pytorch = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])  # model load is timed in the cold start, not in the build
    pytorch.embed(["warm up"])
    backend = type(getattr(embedder, "backend", embedder)).__name__
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seeds = build(CORPUS, embedder, root / "seeds-index")
        retriever = Retriever.load(root / "seeds-index", embedder=embedder)
        results: dict[str, Any] = {
            "backend": backend,
            "cold_ask": cold_ask(root / "seeds-index", questions[0]),
            "cold_start": cold_start(root / "seeds-index", questions[0]),
            "cold_start_torch": cold_start(root / "seeds-index", questions[0], "torch"),
            "warm_ms": warm(retriever, questions),
            "encode_query_torch_ms": spread(
                [_timed(lambda q=q: pytorch.embed([q])) for q in questions for _ in range(2)]
            ),
            "build": {
                "seeds": seeds,
                "seeds, before: PyTorch, serial splitting, batches of 64": build(
                    CORPUS, pytorch, root / "seeds-index-torch", before=True
                ),
            },
        }
        if serve:
            results["serve"] = serve_first_answer(CORPUS, root / "seeds-index", questions[0])
        if copies:
            corpus = larger_corpus(root / "larger", copies)
            results["build"][f"seeds x {copies}"] = build(corpus, embedder, root / "larger-index")
            results["build"][f"seeds x {copies}, before: PyTorch, serial splitting, batches of 64"] = build(
                corpus, pytorch, root / "larger-index-torch", before=True
            )
            bf16 = optional_bf16()
            if bf16 is not None:
                results["build"][f"seeds x {copies}, {BF16_ROW}"] = build(corpus, bf16, root / "larger-index-bf16")
        if scale_out:
            from .scale_out import run_scale_out

            larger = larger_corpus(root / "larger", copies or 2)
            results["scale_out"] = run_scale_out(root, CORPUS, larger, embedder, questions)
        results["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if ask_passages:
            results["ask_at_scale"] = ask_at_scale(root, ask_passages, embedder, questions, retriever)
    results["scale"] = run_scale(sizes, embedder.embed) if sizes else {}
    return results


def optional_bf16() -> Embedder | None:
    """The OpenVINO bf16 embedder, loaded, when the optional `openvino` package is installed."""
    from rag.index.openvino_embedder import SUFFIX

    embedder = make_embedder(DEFAULT_MODEL + SUFFIX)
    try:
        embedder.embed(["warm up"])
    except ModelError as exc:
        print(f"no OpenVINO bf16 build row: {exc}", file=sys.stderr)
        return None
    return embedder


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def targets(r: dict[str, Any], copies: int) -> list[tuple[str, str, bool | None]]:
    """(target, figure, met) for each of the issue's targets that this run measured."""
    out: list[tuple[str, str, bool | None]] = []
    cold, before = r["cold_ask"]["p50_s"], r["cold_start_torch"]["total_s"]
    cpu = r["cold_ask"]["cpu_p50_s"]
    out.append(
        (
            "cold `rag ask` on the seeds index <= 1.0 s",
            f"{cold:.2f} s, CPU {cpu:.2f} s (PyTorch before: {before:.2f} s)",
            cold <= 1.0,
        )
    )
    serve = r.get("serve", {})
    if "first_answer_s" in serve:
        first = serve["first_answer_s"]
        out.append(
            (
                "page's first answer after `rag serve` starts <= 2 s",
                f"{first:.2f} s after the page loaded ({serve['page_ready_s']:.1f} s to load)",
                first <= 2.0,
            )
        )
    mem = r["cold_start"]["resident_mb"]
    out.append(
        (
            "query-time resident memory <= 300 MB",
            f"{mem:.0f} MB (PyTorch: {r['cold_start_torch']['resident_mb']:.0f} MB)",
            mem <= 300,
        )
    )
    torch_free = not r["cold_start"]["torch_modules_after_answer"]
    out.append(("no torch/sentence-transformers at query time", "none loaded" if torch_free else "loaded", torch_free))
    ratios = r["warm_ms"]["ratios_to_encoding"]
    # `rag search` reorders the hybrid passages by their best sentence by default; --first-stage skips it.
    if "search by best sentence" in ratios:
        default = ratios["search by best sentence"]
        said = f"{default:.2f}x by best sentence (the default); --first-stage {ratios['search hybrid']:.2f}x"
    else:  # a report from before the default search reordered its passages
        default = ratios["search hybrid"]
        said = f"hybrid {default:.2f}x"
    out.append(("warm `search` p50 <= 1.2x encoding", said, default <= 1.2))
    out.append(("warm `ask` p50 <= 2x encoding", f"{ratios['ask']:.2f}x", ratios["ask"] <= 2.0))
    if copies:
        now = r["build"][f"seeds x {copies}"]["texts_per_s"]
        then = r["build"][f"seeds x {copies}, before: PyTorch, serial splitting, batches of 64"]["texts_per_s"]
        option = r["build"].get(f"seeds x {copies}, {BF16_ROW}")
        extra = f" (bf16 option: {option['texts_per_s'] / then:.2f}x)" if option else ""
        out.append(
            (
                f"build texts/s on seeds x {copies} >= 2x before",
                f"{now:.0f} vs {then:.0f} texts/s = {now / then:.2f}x{extra}",
                now >= 2 * then,
            )
        )
    for row in r.get("scale", {}).get("sizes", []):
        good = [x for x in row["rows"] if x["recall@10"] >= 0.95 and not x["index"].startswith("HNSW")]
        best = min(good, key=lambda x: x["p50_ms"]) if good else None
        figure = f"{best['index']}: {best['p50_ms']:.2f} ms at recall@10 {best['recall@10']:.3f}" if best else "none"
        out.append(
            (
                f"{row['passages']:,} real passages: p50 <= 10 ms at recall@10 >= 0.95",
                figure,
                bool(best and best["p50_ms"] <= 10),
            )
        )
    if "ask_at_scale" in r:
        paired = r["ask_at_scale"].get("paired_ask_ms")  # same questions, in turns: the fair comparison
        big = (paired["index"] if paired else r["ask_at_scale"]["warm_ms"]["ask"])["p50"]
        small = (paired["seeds"] if paired else r["warm_ms"]["ask"])["p50"]
        out.append(
            (
                f"`ask` p50 on {r['ask_at_scale']['chunks']:,} passages <= 2x on the seeds",
                f"{big:.1f} vs {small:.1f} ms = {big / small:.2f}x" + (", same questions in turns" if paired else ""),
                big <= 2 * small,
            )
        )
    return out


def show(results: dict[str, Any]) -> str:
    cold, torch = results["cold_start"], results["cold_start_torch"]
    ask = results["cold_ask"]
    lines = [f"embedding backend: {results['backend']} (default model, fp32)", ""]
    lines.append(
        f"cold `rag ask` from a shell, process start to printed answer: {ask['p50_s']:.2f} s "
        f"(median of {len(ask['runs'])}, {min(ask['runs']):.2f}-{max(ask['runs']):.2f} s; CPU time "
        f"{ask['cpu_p50_s']:.2f} s; load average before {ask.get('load_average', float('nan')):.2f})"
    )
    for name, c in (("ONNX fp32", cold), ("PyTorch (before)", torch)):
        lines.append(
            f"  {name:<17} {c['total_s']:.2f} s: interpreter + import rag {c['import_rag_s']:.2f}, index load "
            f"{c['index_load_s']:.2f}, model load {c['model_load_s']:.2f}, first answer {c['first_answer_s']:.2f}; "
            f"CPU {c['cpu_s']:.2f} s; resident {c['resident_mb']:.0f} MB; torch modules after the answer: "
            f"{c['torch_modules_after_answer'] or 'none'}"
        )
    serve = results.get("serve")
    if serve:
        lines.append(
            f"`rag serve`: page loads {serve['page_ready_s']:.1f} s after start, "
            f"first answer {serve['first_answer_s']:.2f} s later"
            if "first_answer_s" in serve
            else f"`rag serve`: skipped ({serve['skipped']})"
        )
    lines += ["", f"{'warm latency':<24}{'p50 ms':>9}{'p95 ms':>9}{'x encode':>10}"]
    ratios = results["warm_ms"]["ratios_to_encoding"]
    for name, row in results["warm_ms"].items():
        if name != "ratios_to_encoding":
            lines.append(f"{name:<24}{row['p50']:>9.2f}{row['p95']:>9.2f}{ratios.get(name, 1.0):>10.2f}")
    enc = results["encode_query_torch_ms"]
    lines.append(f"{'encode query, PyTorch':<24}{enc['p50']:>9.2f}{enc['p95']:>9.2f}")
    lines += ["", f"{'index build':<48}{'docs':>6}{'chunks':>8}{'seconds':>9}{'texts/s':>9}{'B/chunk':>9}"]
    for name, row in results["build"].items():
        lines.append(
            f"{name:<48}{row['documents']:>6}{row['chunks']:>8}{row['seconds']:>9.1f}"
            f"{row['texts_per_s']:>9.1f}{row['bytes_per_chunk']:>9.0f}"
        )
    loaded = "ONNX, PyTorch and OpenVINO" if any(BF16_ROW in name for name in results["build"]) else "ONNX and PyTorch"
    lines += ["", f"peak resident memory of this process {results['peak_memory_mb']:.0f} MB ({loaded} loaded)"]
    big = results.get("ask_at_scale")
    if big:
        w = big["warm_ms"]
        lines += [
            "",
            f"real passages of manual-page prose as articles: {big['documents']:,} documents, {big['chunks']:,} "
            f"chunks, {big.get('sentences', 0):,} sentences (standing in: their chunk's vector), built in "
            f"{big['build_s']:.0f} s, dense index {big['dense_kind']}",
            f"  warm p50 ms: encode {w['encode query']['p50']:.2f}, search hybrid {w['search hybrid']['p50']:.2f}, "
            f"search bm25 {w['search bm25']['p50']:.2f}, ask {w['ask']['p50']:.2f} (p95 {w['ask']['p95']:.2f})",
            f"  one new article searchable in {big['new_article_searchable_s']:.2f} s "
            f"(found: {big['new_article_found']})",
        ]
        if big.get("paired_ask_ms"):
            p = big["paired_ask_ms"]
            lines.append(
                f"  `ask` with the same {p['seeds']['n']} questions on this index and on the seeds, in turns: "
                f"p50 {p['index']['p50']:.2f} ms against {p['seeds']['p50']:.2f} ms"
            )
    if results.get("scale_out"):
        from .scale_out import show_scale_out

        lines += show_scale_out(results["scale_out"])
    scale = results.get("scale")
    if scale:
        lines += [
            "",
            f"real embeddings: {scale['available_passages']:,} passages of manual-page prose from "
            f"{scale['pages']:,} pages; "
            f"{scale['queries']} queries = sentences of held-out pages; recall@10 against exact search",
        ]
        for size in scale["sizes"]:
            lines += [
                "",
                f"{size['passages']:>9,} passages{'':<18}{'recall@10':>10}{'p50 ms':>9}{'p95 ms':>9}"
                f"{'build s':>9}{'B/passage':>10}",
            ]
            for row in size["rows"]:
                lines.append(
                    f"  {row['index']:<33}{row['recall@10']:>10.3f}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}"
                    f"{row['build_s']:>9.1f}{row['bytes_per_passage']:>10.0f}"
                )
            lines.append(
                f"  BM25: built in {size['bm25_build_s']:.1f} s, search p50 {size['bm25_p50_ms']:.2f} ms; "
                f"one new article of 40 passages: embed {size['new_article_embed_s']:.2f} s + BM25 add "
                f"{size['new_article_bm25_add_s']:.2f} s"
            )
    lines += ["", f"{'target':<58}{'figure':<58}status"]
    for target, figure, met in results["targets"]:
        lines.append(f"{target:<58}{figure:<58}{'met' if met else 'not met'}")
    return "\n".join(lines)


def cmd_bench(args: Any) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes else []
    if args.million:
        sizes.append(1_000_000)
    results = run(
        args.copies, sizes, args.questions, args.ask_passages, serve=not args.no_serve, scale_out=args.scale_out
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    results["targets"] = targets(results, args.copies)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2) if args.json else show(results))
    if not args.json:
        print(f"\nWritten to {args.out}")
    return 0


def register(sub: Any, common: Any) -> None:
    here = Path(__file__).resolve().parent
    p = sub.add_parser("bench", help="measure cold start, latency, build throughput, memory and FAISS at scale")
    p.add_argument("--copies", type=int, default=10, help="size of the larger corpus, in copies of seeds/ (default 10)")
    p.add_argument("--sizes", default="10000,100000", help="real-passage counts for the index-type test ('' to skip)")
    p.add_argument(
        "--million", action="store_true", help="also 1,000,000 passages (as many as this machine has; an hour)"
    )
    p.add_argument(
        "--ask-passages", type=int, default=100000, help="passages in the index `ask` is timed on at scale (0 to skip)"
    )
    p.add_argument("--no-serve", action="store_true", help="skip timing the page's first answer")
    p.add_argument(
        "--scale-out",
        action="store_true",
        help="also ingestion on Ray (1 and 2 workers) against the plain build, and search through Milvus Lite "
        "against FAISS (needs rag[ray,milvus]; a few minutes)",
    )
    p.add_argument("--questions", type=Path, default=QUESTIONS, help="questions to time (default: the eval set)")
    p.add_argument("--out", type=Path, default=here / "report" / "bench.json", help="where to write the JSON")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(func=cmd_bench, index_dir=None)
