"""The retrieval study: each mode on the train and held-out questions of every development set.

    python -m eval.retrieval [--sets seeds squad squad-long] [--restricted]

For each set (`eval/devsets.py`) it builds two throwaway indexes, the old default (96-token
chunks indexed alone, convex fusion with 0.6 on dense) and the current default (`Config()`: larger
chunks indexed with their article's title, learned fusion from `rag/search/ranker.json`), and prints
R@1, R@5 and MRR of BM25, dense and hybrid on each (and on the current index, the default search:
hybrid reordered by each passage's best sentence), for the train and the test side of
`eval/splits.py`. A passage counts when it contains an evidence quote (as in `eval/harness.py`).
`--restricted` searches only the article each question was written against.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from functools import partial

from rag import Assistant, Config, Retriever
from rag.index.embedders import SentenceTransformerEmbedder
from rag.metrics import mrr, recall_at

from .devsets import SETS, CachingEmbedder, DevSet, load
from .harness import SENTENCES, evidence_spans, judge
from .splits import split_of

DEPTH = 10
OLD = Config(chunk_tokens=96, title_context=False, fusion="convex", dense_weight=0.6)


def runs(retriever: Retriever, devset: DevSet, mode: str, restricted: bool) -> dict[str, list[list[bool]]]:
    """Judged top-10 lists per side ("train", "test") for one mode, or for the default search
    (`SENTENCES`: hybrid reordered by each passage's best sentence, `Assistant.search`)."""
    out: dict[str, list[list[bool]]] = {"train": [], "test": []}
    search = Assistant(retriever).search if mode == SENTENCES else partial(retriever.search, mode=mode)
    for q in devset.questions:
        doc_ids = sorted({ev["doc_id"] for ev in q["evidence"]}) if restricted else None
        hits = search(q["question"], k=DEPTH, doc_ids=doc_ids)
        spans = evidence_spans(q, retriever.documents)
        out[split_of(q)].append(judge([(h.doc_id, h.start, h.end) for h in hits], spans))
    return out


def study(
    devset: DevSet, embedder: CachingEmbedder, restricted: bool, show: Callable[[str], None] = print
) -> dict[str, dict[str, tuple[float, float, float]]]:
    """{strategy: {side: (R@1, R@5, MRR)}} for one set, printed as it goes."""
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    configs = {"old": OLD, "new": Config()}
    plan = [
        ("bm25, old chunks", "old", "bm25"),
        ("dense, old chunks", "old", "dense"),
        ("old hybrid (convex 0.6)", "old", "hybrid"),
        ("bm25", "new", "bm25"),
        ("dense", "new", "dense"),
        ("hybrid", "new", "hybrid"),
        ("hybrid + sentences (default)", "new", SENTENCES),
    ]
    retrievers = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, config in configs.items():
            config = Config.from_dict({**config.to_dict(), "model": embedder.name})
            retrievers[key] = Retriever.build(devset.corpus, f"{tmp}/{key}", config=config, embedder=embedder)
        for name, key, mode in plan:
            judged = runs(retrievers[key], devset, mode, restricted)
            results[name] = {s: (recall_at(r, 1), recall_at(r, 5), mrr(r)) for s, r in judged.items()}
            cells = "   ".join(
                f"{len(judged[s]):>4} " + " ".join(f"{v:.3f}" for v in results[name][s]) for s in ("train", "test")
            )
            show(f"{devset.name:<11} {name:<28} {cells}")
    embedder.save()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--restricted", action="store_true", help="search only the evidence's article")
    args = parser.parse_args()
    embedder = CachingEmbedder(SentenceTransformerEmbedder())
    print(f"{'set':<11} {'strategy':<28} {'train: n':>8}   R@1   R@5   MRR   {'test: n':>7}   R@1   R@5   MRR")
    for name in args.sets:
        study(load(name), embedder, args.restricted)


if __name__ == "__main__":
    main()
