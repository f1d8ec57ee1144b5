"""Fit the learned fusion (`rag/search/ranker.json`) and choose the chunk size, on TRAIN questions only.

    python -m eval.fit_ranker [--sizes 96 160 192 224 240] [--sets seeds squad squad-long] [--write]

For each chunk size, builds an index of each development set (`eval/devsets.py`), describes every
candidate passage of every training question by `rag.search.ranking.FEATURES`, labels it by whether it
contains an evidence quote, and fits a logistic regression (each set weighs the same in total,
each of its questions the same). The chunk size with the best mean training R@1 + MRR is chosen.
`--write` saves the coefficients, the chosen size and the training figures to `rag/search/ranker.json`;
held-out figures are printed by `python -m eval.retrieval`, never used here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag import Config, Retriever
from rag.atomic import write_atomic
from rag.index.embedders import SentenceTransformerEmbedder
from rag.metrics import mrr, recall_at
from rag.search.ranking import FEATURES, RANKER_FILE

from .devsets import SETS, CachingEmbedder, DevSet, load
from .harness import evidence_spans, judge
from .splits import split_of

DEPTH = Config().candidates  # each index's top candidates, as search takes them
C = 1.0  # inverse regularisation strength of the logistic regression


@dataclass(frozen=True)
class Query:
    """One question's candidates: features, labels, and its side of the split."""

    side: str
    x: np.ndarray
    labels: np.ndarray


def collect(retriever: Retriever, devset: DevSet, depth: int = DEPTH) -> list[Query]:
    out = []
    for q in devset.questions:
        ids, x = retriever.candidate_features(q["question"], depth)
        chunks = [retriever.chunks[i] for i in ids]
        labels = judge([(c.doc_id, c.start, c.end) for c in chunks], evidence_spans(q, retriever.documents))
        out.append(Query(split_of(q), x, np.array(labels, dtype=bool)))
    return out


def fit(per_set: dict[str, list[Query]], c: float = C, pairwise: bool = False) -> dict[str, Any]:
    """Logistic regression on standardised features, fitted on the train side only. Pairwise (the
    default): it learns which of two candidates of one question holds the evidence, from feature
    differences; a one-feature regression then turns its score into a calibrated probability.
    Pointwise: it learns whether each candidate holds the evidence. Every set weighs the same,
    and within a set every question."""
    from sklearn.linear_model import LogisticRegression

    train = {name: [q for q in queries if q.side == "train" and len(q.labels)] for name, queries in per_set.items()}
    x = np.vstack([q.x for queries in train.values() for q in queries])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    zs, ys, ws = [], [], []
    for queries in train.values():
        for q in queries:
            z = (q.x - mean) / scale
            if not pairwise:
                zs.append(z)
                ys.append(q.labels)
                ws.append(np.full(len(q.labels), 1.0 / len(queries)))
                continue
            pos, neg = z[q.labels], z[~q.labels]
            if not len(pos) or not len(neg):
                continue
            diff = (pos[:, None, :] - neg[None, :, :]).reshape(-1, z.shape[1])
            zs += [diff, -diff]
            ys += [np.ones(len(diff), dtype=bool), np.zeros(len(diff), dtype=bool)]
            ws += [np.full(len(diff), 0.5 / (len(queries) * len(diff)))] * 2
    z, y, w = np.vstack(zs), np.concatenate(ys), np.concatenate(ws)
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=not pairwise).fit(z, y, sample_weight=w / w.mean())
    coef, intercept = model.coef_[0], float(model.intercept_[0]) if not pairwise else 0.0
    if pairwise:  # calibrate: P(holds the evidence) = sigmoid(a * score + b), pointwise on the same rows
        scores = np.concatenate([((q.x - mean) / scale) @ coef for queries in train.values() for q in queries])
        labels = np.concatenate([q.labels for queries in train.values() for q in queries])
        calibration = LogisticRegression(C=c, max_iter=2000).fit(scores[:, None], labels)
        coef, intercept = coef * float(calibration.coef_[0][0]), float(calibration.intercept_[0])
    return {"mean": mean.tolist(), "scale": scale.tolist(), "coef": coef.tolist(), "intercept": intercept}


def figures(queries: list[Query], params: dict, side: str) -> tuple[float, float, float]:
    mean, scale, coef = (np.array(params[k]) for k in ("mean", "scale", "coef"))
    runs = []
    for q in queries:
        if q.side != side:
            continue
        scores = ((q.x - mean) / scale) @ coef
        order = np.argsort(-scores, kind="stable")[:10]
        runs.append(q.labels[order].tolist())
    return recall_at(runs, 1), recall_at(runs, 5), mrr(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[96, 160, 192, 224, 240])
    parser.add_argument("--titles", nargs="+", default=["on", "off"], choices=["on", "off"], help="title context")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--pairwise", action="store_true", help="fit on pairs of candidates instead of each one")
    parser.add_argument("--write", action="store_true", help=f"save the chosen fit to {RANKER_FILE}")
    args = parser.parse_args()
    embedder = CachingEmbedder(SentenceTransformerEmbedder())
    devsets = [load(name) for name in args.sets]
    best: tuple[float, int, bool, dict, dict] | None = None
    for size in args.sizes:
        for title in args.titles:
            per_set: dict[str, list[Query]] = {}
            for devset in devsets:
                with tempfile.TemporaryDirectory() as tmp:
                    config = Config(chunk_tokens=size, title_context=title == "on", model=embedder.name)
                    retriever = Retriever.build(devset.corpus, tmp, config=config, embedder=embedder)
                    per_set[devset.name] = collect(retriever, devset)
                embedder.save()
            params = fit(per_set, pairwise=args.pairwise)
            train = {name: figures(queries, params, "train") for name, queries in per_set.items()}
            score = float(np.mean([r1 + m for r1, _, m in train.values()]))
            line = "  ".join(f"{n} R@1 {a:.3f} R@5 {b:.3f} MRR {c:.3f}" for n, (a, b, c) in train.items())
            print(f"chunk_tokens={size} title {title:<3}  {line}", flush=True)
            if best is None or score > best[0]:
                best = (score, size, title == "on", params, train)
    assert best is not None
    _, size, title_context, params, train = best
    print(f"chosen: chunk_tokens={size}, title_context={title_context}")
    print("coefficients: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, params["coef"], strict=True)))
    if args.write:
        command = ["--sizes", *map(str, args.sizes), "--titles", *args.titles, "--sets", *args.sets]
        data = {
            "features": list(FEATURES),
            **params,
            "chunk_tokens": size,
            "title_context": title_context,
            "pairwise": args.pairwise,
            "fitted_on": "train split (eval/splits.py) of: " + ", ".join(args.sets),
            "script": "python -m eval.fit_ranker "
            + " ".join([*command, *(["--pairwise"] if args.pairwise else []), "--write"]),
            "train_figures": {
                n: {"R@1": round(a, 4), "R@5": round(b, 4), "MRR": round(c, 4)} for n, (a, b, c) in train.items()
            },
        }
        write_atomic(RANKER_FILE, json.dumps(data, indent=1) + "\n")
        print(f"wrote {RANKER_FILE}")


if __name__ == "__main__":
    main()
