"""Fit the answer models on the TRAINING split and write `rag/answer/answer_model.json`.

    python -m eval.fit_answers [--out rag/answer/answer_model.json]
    python -m eval.fit_answers --transfer

Seven development sets by default (see `eval/devsets.py` and `eval/splits.py`): the project's own
questions on `seeds/` (`eval/questions.jsonl` and `eval/questions_more.jsonl`), the SQuAD 2.0 part
in `shared/data/squad2-dev-part`, and the five news sets written without the code
(`eval/outside/`: outside-seeds, cnn, nyt, wire, features); `--sets` may add "squad-long" (its
articles as long files) or leave some out. Only their training halves are read here; `rag eval`
reports the held-out halves.

1. The sentence model: a logistic regression over `rag.answer.candidates.SENTENCE_FEATURES` of every
   candidate sentence the assistant considers; a sentence is positive when it holds an acceptable
   answer inside the evidence. Every set weighs the same.
2. The abstention model: a logistic regression over `rag.answer.model.ABSTAIN_FEATURES`, positive
   when the question is unanswerable, on `--abstain-sets` (the seeds and SQuAD by default: the
   sets with enough unanswerable questions; the outside sets hold ten or so each).
3. The abstention threshold: on each of `--threshold-sets`' training questions, the P(unanswerable)
   that abstains on at most `--answerable-loss` of the answerable ones; the largest of them.
4. The ratio that admits further sentences: the value that maximises twice the accuracy plus the
   citation precision on the training questions.

`--transfer` fits steps 1-3 on one kind of text alone (`eval.devsets.FAMILIES`: news or Wikipedia)
and prints what they do on the other kind's questions (its first sentences, and what abstains at
the threshold fitted on the first kind); nothing is written.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
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

from .devsets import FAMILIES, OUTSIDE, SETS, TWO_KINDS, both_kinds, development_set
from .harness import evidence_spans
from .splits import split, squad_dir

RATIOS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
ACCURACY_WEIGHT = 2.0  # in the ratio's objective, against citation precision (`best_ratio`)
# The default: the project's questions, SQuAD, and the news questions written without the code.
FIT_SETS = ("seeds", "squad", *OUTSIDE)


def development_sets(names: Sequence[str] = ("seeds", "squad")) -> list[tuple[str, list[dict[str, Any]], Path]]:
    """(name, questions, corpus) of each development set named (see `SETS`) that is present."""
    present = [n for n in names if FAMILIES[n] == "news" or (squad_dir() / "questions.jsonl").exists()]
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


@dataclass(frozen=True)
class Fitted:
    """The fitted answer models and their cuts, with the training questions they scored."""

    sentence: LogisticModel
    abstain: LogisticModel
    cuts: dict[str, float]  # per set, the P(unanswerable) that abstains on `answerable_loss` of its answerable
    threshold: float  # the largest cut of the bounding sets
    paraphrase: float  # the cosine under which a question naming unknown words abstains
    scored: list  # `score_all` of the training questions under `sentence`


def fit_models(
    per_set: list, c: float, answerable_loss: float, bounding: Sequence[str], abstaining: Sequence[str] = ()
) -> Fitted:
    """Steps 1-3 of the module's docstring on the collected training questions of `per_set`: the
    sentence model on every set, the abstention model on the sets named in `abstaining` (all
    when empty)."""
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    groups: list[str] = []
    for name, assistant, found in per_set:
        r, lab = sentence_data(found, assistant.retriever.documents)
        rows, labels, groups = rows + r, labels + lab, groups + [name] * len(r)
    sentence = fit_logistic(rows, labels, groups, SENTENCE_FEATURES, c)
    print(f"sentence model: {len(rows)} candidates, {sum(labels)} holding the answer")
    scored = score_all(per_set, sentence)
    weighed = [row for row in scored if not abstaining or row[0] in abstaining]
    abstain = fit_logistic(
        [s for *_, s in weighed],
        [int(not q["evidence"]) for _, q, *_ in weighed],
        [n for n, *_ in weighed],
        ABSTAIN_FEATURES,
        c,
    )
    cuts = {}
    for name, *_ in per_set:
        p = sorted(abstain.probability(s) for n, q, _, _, s in scored if n == name and q["evidence"])
        cuts[name] = p[min(len(p) - 1, int(np.ceil(len(p) * (1 - answerable_loss))))] + 1e-6
        print(f"{name}: threshold for at most {answerable_loss:.0%} answerable abstained: {cuts[name]:.3f}")
    threshold = max(cuts[n] for n in bounding if n in cuts)
    # Names the articles never use: the cosine that keeps 90% of such answerable questions answered.
    cosines = sorted(s["cosine_top"] for _, q, ev, _, s in scored if q["evidence"] and ev.missing)
    paraphrase = cosines[len(cosines) // 10] if cosines else 0.0
    print(f"paraphrase cosine {paraphrase:.3f} (from {len(cosines)} answerable questions naming unknown words)")
    return Fitted(sentence, abstain, cuts, threshold, paraphrase, scored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ANSWER_MODEL)
    parser.add_argument("--answerable-loss", type=float, default=0.03)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument(
        "--threshold-sets", default="seeds,squad", help="sets whose answerable loss bounds the threshold"
    )
    parser.add_argument("--sets", default=",".join(FIT_SETS), help=f"development sets to fit on, of {','.join(SETS)}")
    parser.add_argument(
        "--abstain-sets", default="seeds,squad", help="sets the abstention model is fitted on, some of --sets"
    )
    parser.add_argument(
        "--transfer",
        action="store_true",
        help="print what models fitted on one kind of text do on the other's questions (--out and "
        "--threshold-sets are not used: nothing is written, and the threshold is the fitted kind's)",
    )
    args = parser.parse_args()
    names, bounding, abstaining = args.sets.split(","), args.threshold_sets.split(","), args.abstain_sets.split(",")
    unknown = sorted(set(names + bounding + abstaining) - set(SETS))
    if unknown or not set(bounding) & set(names) or not set(abstaining) <= set(names):
        parser.error(
            f"--sets, --threshold-sets and --abstain-sets name sets of {', '.join(SETS)}: "
            "the other two some of the first"
        )
    present = development_sets(names)
    if args.transfer and not both_kinds(name for name, *_ in present):
        parser.error(f"{TWO_KINDS} (the SQuAD part is read from {squad_dir()})")
    embedder = make_embedder()
    per_set, held_out = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, questions, corpus in present:
            retriever = Retriever.build(corpus, Path(tmp) / name, embedder=embedder)
            assistant = Assistant(retriever)
            train = split(questions, "train")
            per_set.append((name, assistant, collect(assistant, train)))
            # Collected only to print held-out figures below; nothing is fitted on them.
            held_out.append((name, assistant, collect(assistant, split(questions, "test"))))
            print(f"{name}: {len(train)} training questions over {len(retriever.documents)} documents")
    if args.transfer:
        transfer(per_set, held_out, args.c, args.answerable_loss, abstaining)
        return
    fitted = fit_models(per_set, args.c, args.answerable_loss, bounding, abstaining)
    ratio = best_ratio(fitted.scored)
    model = AnswerModel(
        fitted.sentence,
        fitted.abstain,
        round(fitted.threshold, 6),
        ratio,
        round(fitted.paraphrase, 6),
        fitted_on=f"training split (eval/splits.py) of the development sets {args.sets} (seeds: eval/questions.jsonl "
        "+ eval/questions_more.jsonl on seeds/; squad: shared/data/squad2-dev-part; squad-long: its articles as "
        "long files; outside-seeds, cnn, nyt, wire, features: eval/outside/); abstention model on "
        f"{args.abstain_sets}; threshold bounded by {args.threshold_sets}",
    )
    write(model, args.out)
    tested = score_all(held_out, fitted.sentence)
    documents = {name: assistant.retriever.documents for name, assistant, _ in per_set}
    for side, rows in (("train", fitted.scored), ("test", tested)):
        for name, *_ in per_set:
            print(f"{name} {side}: {_first_sentences(rows, name, documents[name])}")
            for label, t in (("chosen", fitted.threshold), *((f"{n} only", c) for n, c in fitted.cuts.items())):
                print(f"{name} {side} threshold {t:.3f} ({label}): {_abstained(rows, name, fitted, t)}")
    print(f"ratio {ratio}, threshold {fitted.threshold:.3f}; wrote {args.out}")


def transfer(per_set: list, held_out: list, c: float, answerable_loss: float, abstaining: Sequence[str] = ()) -> None:
    """Print how the answer models fitted on one kind of text (`devsets.FAMILIES`) alone, threshold
    and all, do on the other kind's questions: its training side, and its held-out side (printed,
    never fitted on): how far a fit carries to articles and question writers it never saw, with the
    AUC of P(unanswerable) there. Nothing is written."""
    documents = {name: assistant.retriever.documents for name, assistant, _ in per_set}
    for kind in sorted({FAMILIES[name] for name, *_ in per_set}):
        source = [(name, *rest) for name, *rest in per_set if FAMILIES[name] != kind]
        names = [name for name, *_ in source]
        fitted = fit_models(source, c, answerable_loss, names, [n for n in names if n in abstaining])
        fitted_on = ",".join(names)
        for side, sets in (("train", per_set), ("test", held_out)):
            scored = score_all([(name, *rest) for name, *rest in sets if FAMILIES[name] == kind], fitted.sentence)
            for name in dict.fromkeys(name for name, *_ in scored):
                print(f"{name} {side}, fitted on {fitted_on}: {_first_sentences(scored, name, documents[name])}")
                line = _abstained(scored, name, fitted, fitted.threshold, auc=True)
                print(f"{name} {side}, fitted on {fitted_on}, threshold {fitted.threshold:.3f}: {line}")


def _first_sentences(scored: list, name: str, documents: dict) -> str:
    """How many of one set's answerable questions have a first-ranked sentence that holds the answer."""
    first = [
        holds_answer(q, top.doc_id, top.start, top.end, top.text, evidence_spans(q, documents))
        for n, q, _, (top, *_), _ in scored
        if n == name and q["evidence"]
    ]
    return f"first sentence holds the answer {sum(first)}/{len(first)}"


def _abstained(scored: list, name: str, fitted: Fitted, threshold: float, *, auc: bool = False) -> str:
    """What of one set abstains at `threshold` (the paraphrase gate included, as `Evidence.abstains`),
    answerable and unanswerable, and with `auc` how well P(unanswerable) tells them apart."""
    here = [(bool(q["evidence"]), ev, s) for n, q, ev, _, s in scored if n == name]
    p = [fitted.abstain.probability(s) for _, _, s in here]
    gated = [bool(ev.missing) and s["cosine_top"] < fitted.paraphrase for _, ev, s in here]
    good = [pi >= threshold or g for (answerable, *_), pi, g in zip(here, p, gated, strict=True) if answerable]
    bad = [pi >= threshold or g for (answerable, *_), pi, g in zip(here, p, gated, strict=True) if not answerable]
    line = f"answerable abstained {sum(good)}/{len(good)}, unanswerable abstained {sum(bad)}/{len(bad)}"
    if auc and good and bad:
        from sklearn.metrics import roc_auc_score

        line += f", AUC {roc_auc_score([not answerable for answerable, *_ in here], p):.3f}"
    return line


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
    """The share that admits further sentences: the one that maximises twice the accuracy plus the
    citation precision on training. An answer that misses is a whole failure; a citation that
    does not hold the answer costs the reader one sentence, so accuracy weighs double."""
    best, best_value = 0.5, -1.0
    for ratio in RATIOS:
        value = 0.0
        for _, q, _, ranked, _ in scored:
            if q["evidence"]:
                chosen = select(answering(ranked, ranked[0].strict) or ranked, 3, ratio)
                text = normalise(" ".join(c.text for c in chosen))
                correct = any(normalise(a) in text for a in q["answers"])
                precise = sum(any(normalise(a) in normalise(c.text) for a in q["answers"]) for c in chosen)
                value += ACCURACY_WEIGHT * correct + precise / len(chosen)
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
