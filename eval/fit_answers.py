"""Fit the answer models on the TRAINING split and write `rag/answer/answer_model.json`.

    python -m eval.fit_answers [--out rag/answer/answer_model.json]

Two development sets by default (see `eval/splits.py`): the project's own questions on `seeds/`
(`eval/questions.jsonl` and `eval/questions_more.jsonl`) and the SQuAD 2.0 part in
`shared/data/squad2-dev-part`; `--sets` may add "squad-long" (its articles as long files) or leave
one out. Only their training halves are read here; `rag eval` reports the held-out halves.

1. The sentence model: a logistic regression over `rag.answer.candidates.SENTENCE_FEATURES` of every
   candidate sentence the assistant considers; a sentence is positive when it holds an acceptable
   answer inside the evidence.
2. The abstention model: a logistic regression over `rag.answer.model.ABSTAIN_FEATURES`, positive
   when the question is unanswerable.
3. The abstention threshold: on each set's training questions, the P(unanswerable) that abstains
   on at most `--answerable-loss` of the answerable ones; the larger of the two.
4. The ratio that admits further sentences: the value that maximises accuracy plus citation
   precision on the training questions.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag import Retriever
from rag.answer.assistant import Assistant
from rag.answer.candidates import SENTENCE_FEATURES, answering, feature_rows, rank, select
from rag.answer.evidence import Evidence, signals
from rag.answer.model import ABSTAIN_FEATURES, ANSWER_MODEL, AnswerModel
from rag.atomic import write_atomic
from rag.fitted import LogisticModel
from rag.index.embedders import make_embedder
from rag.metrics import normalise, overlaps

from .devsets import SETS, development_set
from .harness import evidence_spans
from .splits import split, squad_dir

RATIOS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def development_sets(names: Sequence[str] = ("seeds", "squad")) -> list[tuple[str, list[dict[str, Any]], Path]]:
    """(name, questions, corpus) of each development set named (see `SETS`) that is present."""
    present = [n for n in names if n == "seeds" or (squad_dir() / "questions.jsonl").exists()]
    return [(name, *development_set(name)) for name in present]


def history_of(question: dict[str, Any]) -> list[dict[str, str]]:
    return [{"role": "user", "content": t["content"]} for t in question.get("history", [])]


def holds_answer(question: dict[str, Any], doc_id: str, start: int, end: int, text: str, spans: list) -> bool:
    """Whether a candidate sentence holds an acceptable answer inside the question's evidence."""
    for ev in question["evidence"]:
        at = ev.get("answer_start")
        if at is not None and ev["doc_id"] == doc_id and start <= at and ev["answer_end"] <= end:
            return True
    inside = any(d == doc_id and overlaps((start, end), span) for d, span in spans)
    if not inside:
        return False
    answers = [normalise(a) for a in question["answers"]]
    found_anywhere = any(a in normalise(ev["quote"]) for ev in question["evidence"] for a in answers)
    return any(a in normalise(text) for a in answers) if found_anywhere else True


def collect(assistant: Assistant, questions: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Evidence]]:
    found = []
    for q in questions:
        assistant.retriever.clear_query_cache()
        found.append((q, assistant.evidence(q["question"], history_of(q))))
    return found


def fit_logistic(
    rows: list[dict[str, float]], labels: list[int], groups: list[str], names: tuple[str, ...], c: float
) -> LogisticModel:
    """Logistic regression on standardised features; every (group, label) pair weighs the same in
    total, so neither set nor class dominates by its size."""
    from collections import Counter

    from sklearn.linear_model import LogisticRegression

    x = np.array([[row[n] for n in names] for row in rows], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    sizes = Counter(zip(groups, labels, strict=True))
    weights = np.array([len(rows) / (len(sizes) * sizes[g, y]) for g, y in zip(groups, labels, strict=True)])
    fitted = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, labels, sample_weight=weights)
    return LogisticModel(
        names,
        tuple(round(float(w), 6) for w in fitted.coef_[0]),
        round(float(fitted.intercept_[0]), 6),
        tuple(round(float(m), 6) for m in mean),
        tuple(round(float(s), 6) for s in scale),
    )


def sentence_data(found: list[tuple[dict, Evidence]], documents: dict) -> tuple[list[dict], list[int]]:
    rows, labels = [], []
    for q, ev in found:
        if not q["evidence"] or not ev.ranked:
            continue
        spans = evidence_spans(q, documents)
        labels_here = [int(holds_answer(q, c.doc_id, c.start, c.end, c.text, spans)) for c in ev.ranked]
        if not any(labels_here):
            continue  # retrieval missed: nothing to learn about choosing sentences
        rows += feature_rows(ev.ranked)
        labels += labels_here
    return rows, labels


def rerank(assistant: Assistant, ev: Evidence, model: LogisticModel) -> tuple[list, dict[str, float]]:
    ranked = rank(ev.ranked, model)
    found, _ = signals(assistant.retriever.corpus, ev.asked, ranked)
    return ranked, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ANSWER_MODEL)
    parser.add_argument("--answerable-loss", type=float, default=0.03)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument(
        "--threshold-sets", default="seeds,squad", help="sets whose answerable loss bounds the threshold"
    )
    parser.add_argument("--sets", default="seeds,squad", help=f"development sets to fit on, of {','.join(SETS)}")
    args = parser.parse_args()
    names, bounding = args.sets.split(","), args.threshold_sets.split(",")
    unknown = sorted(set(names + bounding) - set(SETS))
    if unknown or not set(bounding) & set(names):
        parser.error(f"--sets and --threshold-sets name sets of {', '.join(SETS)}, the second some of the first")
    embedder = make_embedder()
    per_set, held_out = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, questions, corpus in development_sets(names):
            retriever = Retriever.build(corpus, Path(tmp) / name, embedder=embedder)
            assistant = Assistant(retriever)
            train = split(questions, "train")
            per_set.append((name, assistant, collect(assistant, train)))
            # Collected only to print held-out figures below; nothing is fitted on them.
            held_out.append((name, assistant, collect(assistant, split(questions, "test"))))
            print(f"{name}: {len(train)} training questions over {len(retriever.documents)} documents")
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    groups: list[str] = []
    for name, assistant, found in per_set:
        r, lab = sentence_data(found, assistant.retriever.documents)
        rows, labels, groups = rows + r, labels + lab, groups + [name] * len(r)
    sentence = fit_logistic(rows, labels, groups, SENTENCE_FEATURES, args.c)
    print(f"sentence model: {len(rows)} candidates, {sum(labels)} holding the answer")

    scored = score_all(per_set, sentence)
    abstain = fit_logistic(
        [s for *_, s in scored],
        [int(not q["evidence"]) for _, q, *_ in scored],
        [n for n, *_ in scored],
        ABSTAIN_FEATURES,
        args.c,
    )
    cuts = {}
    for name, *_ in per_set:
        p = sorted(abstain.probability(s) for n, q, _, _, s in scored if n == name and q["evidence"])
        cuts[name] = p[min(len(p) - 1, int(np.ceil(len(p) * (1 - args.answerable_loss))))] + 1e-6
        print(f"{name}: threshold for at most {args.answerable_loss:.0%} answerable abstained: {cuts[name]:.3f}")
    threshold = max(cuts[n] for n in args.threshold_sets.split(",") if n in cuts)
    ratio = best_ratio(scored)
    # Names the articles never use: the cosine that keeps 90% of such answerable questions answered.
    cosines = sorted(s["cosine_top"] for _, q, ev, _, s in scored if q["evidence"] and ev.missing)
    paraphrase = cosines[len(cosines) // 10] if cosines else 0.0
    print(f"paraphrase cosine {paraphrase:.3f} (from {len(cosines)} answerable questions naming unknown words)")
    model = AnswerModel(
        sentence,
        abstain,
        round(threshold, 6),
        ratio,
        round(paraphrase, 6),
        fitted_on=f"training split (eval/splits.py) of the development sets {args.sets} (seeds: eval/questions.jsonl "
        "+ eval/questions_more.jsonl on seeds/; squad: shared/data/squad2-dev-part; squad-long: its articles as "
        f"long files); threshold bounded by {args.threshold_sets}",
    )
    write(model, args.out)
    tested = score_all(held_out, sentence)
    for side, rows_ in (("train", scored), ("test", tested)):
        for name, *_ in per_set:
            for label, t in (("chosen", threshold), *((f"{n} only", c) for n, c in cuts.items())):
                here = [(q, ev, s) for n, q, ev, _, s in rows_ if n == name]

                def abstains(ev: Evidence, s: dict[str, float], t: float = t) -> bool:
                    return abstain.probability(s) >= t or (bool(ev.missing) and s["cosine_top"] < paraphrase)

                good = [abstains(ev, s) for q, ev, s in here if q["evidence"]]
                bad = [abstains(ev, s) for q, ev, s in here if not q["evidence"]]
                print(
                    f"{name} {side} threshold {t:.3f} ({label}): answerable abstained {sum(good)}/{len(good)}, "
                    f"unanswerable abstained {sum(bad)}/{len(bad)}"
                )
    print(f"ratio {ratio}, threshold {threshold:.3f}; wrote {args.out}")


def score_all(per_set: list, sentence: LogisticModel) -> list[tuple[str, dict, Evidence, list, dict[str, float]]]:
    """Every question's candidates re-ranked by `sentence`, with the abstention signals."""
    scored = []
    for name, assistant, found in per_set:
        for q, ev in found:
            if ev.ranked:
                ranked, signals = rerank(assistant, ev, sentence)
                scored.append((name, q, ev, ranked, signals))
    return scored


def best_ratio(scored: list) -> float:
    """The share that admits further sentences: accuracy plus citation precision on training."""
    best, best_value = 0.5, -1.0
    for ratio in RATIOS:
        value = 0.0
        for _, q, _, ranked, _ in scored:
            if q["evidence"]:
                chosen = select(answering(ranked, ranked[0].strict) or ranked, 3, ratio)
                text = normalise(" ".join(c.text for c in chosen))
                correct = any(normalise(a) in text for a in q["answers"])
                precise = sum(any(normalise(a) in normalise(c.text) for a in q["answers"]) for c in chosen)
                value += correct + precise / len(chosen)
        if value > best_value:
            best, best_value = ratio, value
    return best


def write(model: AnswerModel, path: Path) -> None:
    data = {
        "fitted_by": "python -m eval.fit_answers",
        "fitted_on": model.fitted_on,
        "threshold": model.threshold,
        "ratio": model.ratio,
        "paraphrase": model.paraphrase,
        "sentence": model.sentence.to_dict(),
        "abstain": model.abstain.to_dict(),
    }
    write_atomic(path, json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
