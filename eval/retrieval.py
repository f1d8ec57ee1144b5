"""The fusion study: retrieval modes, fusion functions and chunk sizes on the eval questions.

    python -m eval.retrieval [--questions eval/questions.jsonl] [--corpus seeds]

Builds a throwaway index per chunk size and prints recall@k, MRR and nDCG@10 for BM25,
dense, convex fusion at several weights, and reciprocal rank fusion.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from rag import Config, Retriever
from rag.embedding import SentenceTransformerEmbedder
from rag.fusion import Ranked, convex, rrf
from rag.metrics import mrr, ndcg_at, recall_at

from .harness import CORPUS, QUESTIONS, answerable, evidence_spans, judge, load_questions


def judged(retriever: Retriever, question: dict, ranked: Ranked) -> list[bool]:
    chunks = [retriever.chunks[chunk_id] for chunk_id, _ in ranked]
    return judge([(c.doc_id, c.start, c.end) for c in chunks], evidence_spans(question, retriever.documents))


def strategies(retriever: Retriever, depth: int) -> dict[str, Callable[[str], Ranked]]:
    def lists(q: str) -> tuple[Ranked, Ranked]:
        dense = [(s.chunk_id, s.score) for s in retriever.dense.search(q, depth)]
        lexical = [(s.chunk_id, s.score) for s in retriever.lexical.search(q, depth)]
        return dense, lexical

    out: dict[str, Callable[[str], Ranked]] = {
        "bm25": lambda q: lists(q)[1],
        "dense": lambda q: lists(q)[0],
        "rrf k=60": lambda q: rrf(lists(q)),
    }
    for w in (0.4, 0.5, 0.6):
        out[f"convex w_dense={w}"] = _convex_at(lists, w)
    return out


def _convex_at(lists: Callable[[str], tuple[Ranked, Ranked]], w: float) -> Callable[[str], Ranked]:
    def run(q: str) -> Ranked:
        return convex(lists(q), [w, 1 - w])

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--chunk-tokens", type=int, nargs="+", default=[96, 128, 160, 200])
    args = parser.parse_args()
    questions = answerable(load_questions(args.questions))
    embedder = SentenceTransformerEmbedder()
    print(f"{len(questions)} answerable questions\n")
    print(
        f"{'chunks':>6} {'n':>4}  {'strategy':<20} {'R@1':>5} {'R@3':>5} {'R@5':>5} {'R@10':>5} {'MRR':>5} {'nDCG':>5}"
    )
    for size in args.chunk_tokens:
        with tempfile.TemporaryDirectory() as tmp:
            retriever = Retriever.build(args.corpus, tmp, config=Config(chunk_tokens=size), embedder=embedder)
            for name, run in strategies(retriever, depth=50).items():
                runs = [judged(retriever, q, run(q["question"])[:10]) for q in questions]
                figures = [recall_at(runs, k) for k in (1, 3, 5, 10)] + [mrr(runs), ndcg_at(runs)]
                print(f"{size:>6} {len(retriever.chunks):>4}  {name:<20} " + " ".join(f"{x:5.3f}" for x in figures))
        print()


if __name__ == "__main__":
    main()
