"""Fit the learned fusion (`rag/search/ranker.json`) and choose the chunk size, on TRAIN questions only.

    python -m eval.fit_ranker [--sizes 96 160 192 224 240] [--sets seeds squad squad-long] [--write]
    python -m eval.fit_ranker --sizes 240 --titles on --cv 4 [--draws 5] [--drop hub_mean hub_neighbours]
    python -m eval.fit_ranker --sizes 240 --titles on --transfer [--drop doc_bm25]

For each chunk size, builds an index of each development set (`eval/devsets.py`), describes every
candidate passage of every training question by `rag.search.ranking.FEATURES`, labels it by whether it
contains an evidence quote, and fits a logistic regression (each set weighs the same in total,
each of its questions the same). The chunk size with the best mean training R@1 + MRR is chosen.
`--write` saves the coefficients, the chosen size and the training figures to `rag/search/ranker.json`;
held-out figures are printed by `python -m eval.retrieval`, never used here.

`--cv K` also cross-validates inside the training questions: `--draws` times, they are dealt into K
folds by a hash (a conversation's turns together, a SQuAD paragraph's questions together: `group_of`),
each fold is ranked by a model
fitted on the other folds, and the figures of the pooled folds are averaged over the draws. The
chunk size is then chosen by these figures, which no question scored was fitted on. `--drop`
prints the same figures for a model without the named features beside the full one: how a
feature is judged before it is kept.

`--transfer` scores the news questions by a model fitted on the Wikipedia sets alone, and the
Wikipedia questions by one fitted on the news alone (`FAMILIES`; training questions only): how far
a fit carries to articles and question writers it never saw, as the held-back sets will ask of it.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag import Config, Retriever
from rag.atomic import write_atomic
from rag.index.embedders import SentenceTransformerEmbedder
from rag.metrics import mrr, recall_at
from rag.search.ranking import FEATURES, RANKER_FILE

from .devsets import FAMILIES, SETS, TWO_KINDS, CachingEmbedder, DevSet, both_kinds, load
from .harness import evidence_spans, judge
from .splits import group_of, split_of

DEPTH = Config().candidates  # each index's top candidates, as search takes them
C = 1.0  # inverse regularisation strength of the logistic regression
Figures = tuple[float, float, float]  # R@1, R@5, MRR


@dataclass(frozen=True)
class Query:
    """One question's candidates: features, labels, its side of the split, and the key that keeps
    questions together in cross-validation (a conversation's turns share one)."""

    side: str
    x: np.ndarray
    labels: np.ndarray
    group: str = ""


def collect(retriever: Retriever, devset: DevSet, depth: int = DEPTH) -> list[Query]:
    out = []
    for q in devset.questions:
        ids, x = retriever.candidate_features(q["question"], depth)
        chunks = [retriever.chunks[i] for i in ids]
        labels = judge([(c.doc_id, c.start, c.end) for c in chunks], evidence_spans(q, retriever.documents))
        out.append(Query(split_of(q), x, np.array(labels, dtype=bool), group_of(q)))
    return out


def fit(per_set: dict[str, list[Query]], c: float = C, pairwise: bool = False) -> dict[str, Any]:
    """Logistic regression on standardised features, fitted on the train side only. Pointwise (the
    default): it learns whether each candidate holds the evidence. Pairwise: it learns which of two
    candidates of one question holds the evidence, from feature differences; a one-feature
    regression then turns its score into a calibrated probability. Every set weighs the same, and
    within a set every question."""
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


def ranked_runs(queries: list[Query], params: dict, side: str) -> list[list[bool]]:
    """Each question's top-10 candidates under the fitted `params`, judged, for one side."""
    mean, scale, coef = (np.array(params[k]) for k in ("mean", "scale", "coef"))
    runs = []
    for q in queries:
        if q.side != side:
            continue
        scores = ((q.x - mean) / scale) @ coef
        order = np.argsort(-scores, kind="stable")[:10]
        runs.append(q.labels[order].tolist())
    return runs


def figures(queries: list[Query], params: dict, side: str) -> Figures:
    runs = ranked_runs(queries, params, side)
    return recall_at(runs, 1), recall_at(runs, 5), mrr(runs)


def _rounded(results: dict[str, Figures]) -> dict[str, dict[str, float]]:
    """Figures as `ranker.json` records them."""
    return {n: {"R@1": round(a, 4), "R@5": round(b, 4), "MRR": round(c, 4)} for n, (a, b, c) in results.items()}


def _line(results: dict[str, Figures]) -> str:
    return "  ".join(f"{n} R@1 {a:.3f} R@5 {b:.3f} MRR {c:.3f}" for n, (a, b, c) in results.items())


def fold_of(group: str, folds: int, draw: int) -> int:
    """The cross-validation fold (0..folds-1) of a question's group in one draw: a hash, so the same
    on every run and machine, and different from one draw to the next.

    >>> [fold_of("q01", 4, draw) for draw in range(3)]
    [0, 0, 2]
    >>> sorted({fold_of(f"q{n}", 4, 0) for n in range(40)})
    [0, 1, 2, 3]
    """
    digest = hashlib.sha256(f"{draw}:{group}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


def _dealt(query: Query, columns: list[int], scored: bool) -> Query:
    """A training question as one fold sees it: its kept feature columns, scored ("test") or fitted on."""
    return dataclasses.replace(query, x=query.x[:, columns], side="test" if scored else "train")


def cross_validate(
    per_set: dict[str, list[Query]],
    folds: int = 4,
    draws: int = 5,
    columns: Sequence[int] | None = None,
    pairwise: bool = False,
    c: float = C,
) -> dict[str, Figures]:
    """{set: (R@1, R@5, MRR)} of the training questions, each ranked by a model fitted on the other
    folds (every set's folds fitted together, as `fit` does), pooled over the folds and averaged over
    `draws` different deals. `columns` keeps only those features. The held-out side is never read."""
    keep = list(range(len(FEATURES))) if columns is None else list(columns)
    train = {name: [q for q in queries if q.side == "train"] for name, queries in per_set.items()}
    totals = {name: np.zeros(3) for name in train}
    for draw in range(draws):
        runs: dict[str, list[list[bool]]] = {name: [] for name in train}
        for fold in range(folds):
            dealt = {
                name: [_dealt(q, keep, fold_of(q.group, folds, draw) == fold) for q in queries]
                for name, queries in train.items()
            }
            params = fit(dealt, c, pairwise=pairwise)
            for name, queries in dealt.items():
                runs[name] += ranked_runs(queries, params, "test")
        for name, judged in runs.items():
            totals[name] += (recall_at(judged, 1), recall_at(judged, 5), mrr(judged))
    return {name: (float(r1 / draws), float(r5 / draws), float(m / draws)) for name, (r1, r5, m) in totals.items()}


def transfer(
    per_set: dict[str, list[Query]], columns: Sequence[int] | None = None, c: float = C, pairwise: bool = False
) -> dict[str, Figures]:
    """{set: (R@1, R@5, MRR)} of each set's training questions ranked by a model fitted only on the
    training questions of the sets of another kind of text (`FAMILIES`): news scored by a fit on
    Wikipedia and Wikipedia by a fit on news. The held-out side is never read."""
    keep = list(range(len(FEATURES))) if columns is None else list(columns)
    if not both_kinds(per_set):
        raise ValueError(TWO_KINDS)
    results = {}
    for kind in sorted({FAMILIES[name] for name in per_set}):
        dealt = {
            name: [_dealt(q, keep, FAMILIES[name] == kind) for q in queries if q.side == "train"]
            for name, queries in per_set.items()
        }
        params = fit({n: qs for n, qs in dealt.items() if FAMILIES[n] != kind}, c, pairwise=pairwise)
        for name in (n for n in dealt if FAMILIES[n] == kind):
            judged = ranked_runs(dealt[name], params, "test")
            results[name] = (recall_at(judged, 1), recall_at(judged, 5), mrr(judged))
    return {name: results[name] for name in per_set}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[96, 160, 192, 224, 240])
    parser.add_argument("--titles", nargs="+", default=["on", "off"], choices=["on", "off"], help="title context")
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--pairwise", action="store_true", help="fit on pairs of candidates instead of each one")
    parser.add_argument("--write", action="store_true", help=f"save the chosen fit to {RANKER_FILE}")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="cross-validate in K folds of the training side")
    parser.add_argument("--draws", type=int, default=5, help="how many different deals into folds (with --cv)")
    parser.add_argument(
        "--transfer", action="store_true", help="also score news by a fit on Wikipedia and Wikipedia by a fit on news"
    )
    parser.add_argument(
        "--drop", nargs="+", default=[], choices=FEATURES, help="with --cv or --transfer: also without these"
    )
    parser.add_argument("--c", type=float, default=C, help=f"inverse regularisation strength (default {C})")
    args = parser.parse_args()
    if args.cv == 1 or args.cv < 0 or args.draws < 1 or args.c <= 0:
        parser.error("--cv takes at least 2 folds, --draws at least 1, --c a positive number")
    if args.drop and not (args.cv or args.transfer):
        parser.error("--drop compares cross-validated or transferred figures: give --cv K or --transfer too")
    if args.transfer and not both_kinds(args.sets):
        parser.error(TWO_KINDS)
    kept = [n for n, f in enumerate(FEATURES) if f not in args.drop]
    if not kept:
        parser.error("--drop leaves no feature to fit: drop fewer")
    embedder = CachingEmbedder(SentenceTransformerEmbedder())
    devsets = [load(name) for name in args.sets]
    best: tuple[float, int, bool, dict, dict, dict] | None = None
    for size in args.sizes:
        for title in args.titles:
            per_set: dict[str, list[Query]] = {}
            for devset in devsets:
                with tempfile.TemporaryDirectory() as tmp:
                    config = Config(chunk_tokens=size, title_context=title == "on", model=embedder.name)
                    retriever = Retriever.build(devset.corpus, tmp, config=config, embedder=embedder)
                    per_set[devset.name] = collect(retriever, devset)
                embedder.save()
            params = fit(per_set, args.c, pairwise=args.pairwise)
            train = {name: figures(queries, params, "train") for name, queries in per_set.items()}
            chosen_by = train
            print(f"chunk_tokens={size} title {title:<3} fitted on all training questions  {_line(train)}", flush=True)
            if args.cv:
                chosen_by = cross_validate(per_set, args.cv, args.draws, pairwise=args.pairwise, c=args.c)
                print(f"{'':>25} cross-validated ({args.cv} folds x {args.draws})  {_line(chosen_by)}", flush=True)
                if args.drop:
                    without = cross_validate(per_set, args.cv, args.draws, kept, pairwise=args.pairwise, c=args.c)
                    print(f"{'':>25} the same without {' '.join(args.drop)}  {_line(without)}", flush=True)
            if args.transfer:
                moved = transfer(per_set, c=args.c, pairwise=args.pairwise)
                print(f"{'':>25} fitted on the other kind of text  {_line(moved)}", flush=True)
                if args.drop:
                    without = transfer(per_set, kept, c=args.c, pairwise=args.pairwise)
                    print(f"{'':>25} the same without {' '.join(args.drop)}  {_line(without)}", flush=True)
            score = float(np.mean([r1 + m for r1, _, m in chosen_by.values()]))
            if best is None or score > best[0]:
                best = (score, size, title == "on", params, train, chosen_by)
    assert best is not None
    _, size, title_context, params, train, validated = best
    print(f"chosen: chunk_tokens={size}, title_context={title_context}")
    print("coefficients: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, params["coef"], strict=True)))
    if args.write:
        command = ["--sizes", *map(str, args.sizes), "--titles", *args.titles, "--sets", *args.sets]
        command += ["--cv", str(args.cv), "--draws", str(args.draws)] if args.cv else []
        command += ["--c", str(args.c)] if args.c != C else []
        data = {
            "features": list(FEATURES),
            **params,
            "chunk_tokens": size,
            "title_context": title_context,
            "pairwise": args.pairwise,
            "fitted_on": "train split (eval/splits.py) of: " + ", ".join(args.sets),
            "script": "python -m eval.fit_ranker "
            + " ".join([*command, *(["--pairwise"] if args.pairwise else []), "--write"]),
            "train_figures": _rounded(train),
        }
        if args.cv:
            data["cross_validated_figures"] = _rounded(validated)
        write_atomic(RANKER_FILE, json.dumps(data, indent=1) + "\n")
        print(f"wrote {RANKER_FILE}")


if __name__ == "__main__":
    main()
