"""Index build time and warm search and ask latency on a corpus.

    python -m eval.latency [--corpus seeds] [--repeat 3]

Builds a fresh index in a temporary folder (model load timed separately), then times
`search` in each mode over every eval question, after one warm-up query.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rag import Assistant, Retriever
from rag.embedding import SentenceTransformerEmbedder

from .retrieval import HERE, load_questions


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "seeds")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    args = parser.parse_args()
    questions = [q["question"] for q in load_questions(args.questions)]

    embedder = SentenceTransformerEmbedder()
    started = time.perf_counter()
    embedder.embed(["warm up"])
    print(f"model load        {time.perf_counter() - started:7.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        retriever = Retriever.build(args.corpus, tmp, embedder=embedder)
        seconds = time.perf_counter() - started
        n_chunks = len(retriever.chunks)
        print(
            f"index build       {seconds:7.2f} s  ({len(retriever.documents)} documents, {n_chunks} chunks, "
            f"{n_chunks / seconds:.0f} chunks/s)"
        )
        started = time.perf_counter()
        Retriever.load(tmp, embedder=embedder)
        print(f"index load        {(time.perf_counter() - started) * 1000:7.1f} ms")
        assistant = Assistant(retriever)
        timings: dict[str, list[float]] = {"encode query": [], "dense": [], "bm25": [], "hybrid": [], "ask": []}
        for _ in range(args.repeat):
            for question in questions:
                for name, run in (
                    ("encode query", lambda q: embedder.embed([q])),
                    ("dense", lambda q: retriever.search(q, k=5, mode="dense")),
                    ("bm25", lambda q: retriever.search(q, k=5, mode="bm25")),
                    ("hybrid", lambda q: retriever.search(q, k=5, mode="hybrid")),
                    ("ask", assistant.ask),
                ):
                    retriever.clear_query_cache()  # every timed search encodes its query afresh
                    started = time.perf_counter()
                    run(question)
                    timings[name].append((time.perf_counter() - started) * 1000)
    print(f"\nwarm latency over {len(questions)} questions x {args.repeat} passes (search k=5, ask k=8):")
    print(f"  {'':<14} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in timings.items():
        print(f"  {name:<14} {statistics.median(values):8.2f} {percentile(values, 95):8.2f}")


if __name__ == "__main__":
    main()
