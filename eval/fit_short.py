"""Fit the short-answer scorer (`rag/short_answer.json`) and print its exact match and token F1.

    python -m eval.fit_short            # fit on the train splits, print train and test, write the JSON
    python -m eval.fit_short --no-write # print only

Data, given the gold sentence (the sentence of the evidence quote that holds the answer):
- the shared SQuAD 2.0 part (`eval.splits.squad_dir()`), answerable questions; gold span from the
  evidence's `answer_start`/`answer_end`; acceptable answers are the question's `answers`;
- the project's questions (`eval/questions.jsonl`): the first acceptable answer found in an
  evidence quote (case-insensitive); rows where none occurs are skipped.
Train and test come from `eval.splits.split_of`. scikit-learn is needed here only; the run-time
scorer is a dot product in `rag.short_answer`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.harness import QUESTIONS, load_questions
from eval.splits import split_of, squad_dir
from rag.chunking import split_sentences
from rag.metrics import exact_match, squad_f1, squad_normalise
from rag.question import analyse
from rag.short_answer import FEATURES, FITS, PARAMS, _typed, candidates, features, tokens

OUT = Path(__file__).resolve().parent.parent / "rag" / PARAMS
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
# A wrong short answer costs half what a right one gains: show it when its expected F1 is over 1/3.
SHOW_COST = 1 / 3


@dataclass(frozen=True)
class Example:
    """One question with its gold sentence."""

    set: str  # "squad" or "seeds"
    split: str
    question: str
    sentence: str
    answers: tuple[str, ...]


def _sentence_with(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds [start, end); the whole text if the answer straddles two."""
    for s, e in split_sentences(text, (0, len(text))):
        if s <= start and end <= e:
            return text[s:e]
    return text


def squad_examples() -> list[Example]:
    rows = load_questions(squad_dir() / "questions.jsonl")
    out = []
    for q in rows:
        if not q["answers"] or not q["evidence"]:
            continue
        ev = q["evidence"][0]
        quote = ev["quote"]
        a, b = ev["answer_start"] - ev["start"], ev["answer_end"] - ev["start"]
        out.append(Example("squad", split_of(q), q["question"], _sentence_with(quote, a, b), tuple(q["answers"])))
    return out


def seed_examples() -> list[Example]:
    out = []
    for q in load_questions(QUESTIONS):
        found = [
            (ev["quote"], i, answer)
            for answer in q["answers"]
            for ev in q["evidence"]
            if (i := ev["quote"].lower().find(answer.lower())) >= 0
        ]
        if found:
            quote, i, answer = found[0]
            sentence = _sentence_with(quote, i, i + len(answer))
            out.append(Example("seeds", split_of(q), q["question"], sentence, tuple(q["answers"])))
    return out


def design(examples: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stacked feature rows, 0/1 labels (candidate equals a gold answer) and the example of each row."""
    rows, labels, groups = [], [], []
    for n, ex in enumerate(examples):
        spans, matrix = features(ex.question, ex.sentence)
        gold = {squad_normalise(a) for a in ex.answers}
        y = np.array([squad_normalise(ex.sentence[s:e]) in gold for s, e in spans], dtype=float)
        if not y.any():
            continue  # the gold answer is not a candidate (too long, or cut mid-token): nothing to learn
        rows.append(matrix)
        labels.append(y)
        groups.append(np.full(len(y), n))
    return np.vstack(rows), np.concatenate(labels), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(x, y)
    return np.asarray(model.coef_[0])


def predict(examples: list[Example], weights: np.ndarray) -> list[tuple[str | None, float]]:
    """The top candidate's text and score for each example."""
    out: list[tuple[str | None, float]] = []
    for ex in examples:
        found = candidates(ex.question, ex.sentence, weights)
        out.append((ex.sentence[found[0].start : found[0].end], found[0].score) if found else (None, 0.0))
    return out


def first_typed(ex: Example) -> str | None:
    """Baseline: the first typed candidate of the kind the question expects, else the first name or number."""
    spans = tokens(ex.sentence)
    typed = _typed(ex.sentence, spans)
    q = analyse(ex.question)
    for kind in (*FITS.get(q.expects or "", ()), "entity", "number"):
        if typed[kind]:
            a, b = min(typed[kind])
            return ex.sentence[spans[a][0] : spans[b][1]]
    return None


def scores(examples: list[Example], answers: list[str | None]) -> tuple[float, float]:
    if not examples:
        return 0.0, 0.0
    em = [exact_match(a, ex.answers) for ex, a in zip(examples, answers, strict=True)]
    f1 = [squad_f1(a, ex.answers) for ex, a in zip(examples, answers, strict=True)]
    return float(np.mean(em)), float(np.mean(f1))


def choose_cutoff(examples: list[Example], predicted: list[tuple[str | None, float]]) -> float:
    """The score under which the short answer is withheld: maximises sum(F1 - SHOW_COST) over shown ones."""
    f1 = np.array([squad_f1(text, ex.answers) for ex, (text, _) in zip(examples, predicted, strict=True)])
    score = np.array([s for _, s in predicted])
    best, best_gain = 0.0, -1.0
    for cut in np.unique(np.round(score, 3)):
        gain = float(((f1 - SHOW_COST) * (score >= cut)).sum())
        if gain > best_gain:
            best, best_gain = float(cut), gain
    return best


def cross_validate(train: list[Example], c: float, folds: int = 4) -> float:
    """Mean top-candidate F1 over folds of the training examples (by index)."""
    f1 = []
    for k in range(folds):
        fit_on = [ex for i, ex in enumerate(train) if i % folds != k]
        held = [ex for i, ex in enumerate(train) if i % folds == k]
        x, y, _ = design(fit_on)
        w = fit(x, y, c)
        f1.append(scores(held, [t for t, _ in predict(held, w)])[1])
    return float(np.mean(f1))


def report(examples: list[Example], weights: np.ndarray, cutoff: float, out: Callable[[str], None]) -> dict:
    table: dict[str, Any] = {}
    header = f"{'set':6} {'split':5} {'n':>4}  {'EM':>5} {'F1':>5} {'shown':>5}  {'EM top':>6} {'F1 top':>6}"
    header += f"  {'EM sent':>7} {'F1 sent':>7}  {'EM typed':>8} {'F1 typed':>8}"
    out(header)
    for name in ("squad", "seeds"):
        for side in ("train", "test"):
            part = [ex for ex in examples if ex.set == name and ex.split == side]
            predicted = predict(part, weights)
            top = [t for t, _ in predicted]
            shown = [t if s >= cutoff else None for t, s in predicted]
            em, f1 = scores(part, shown)
            em_top, f1_top = scores(part, top)
            em_s, f1_s = scores(part, [ex.sentence for ex in part])
            em_t, f1_t = scores(part, [first_typed(ex) for ex in part])
            share = sum(t is not None for t in shown) / max(len(part), 1)
            out(
                f"{name:6} {side:5} {len(part):4}  {em:5.3f} {f1:5.3f} {share:5.2f}  {em_top:6.3f} {f1_top:6.3f}"
                f"  {em_s:7.3f} {f1_s:7.3f}  {em_t:8.3f} {f1_t:8.3f}"
            )
            table[f"{name}/{side}"] = {
                "n": len(part),
                "em": round(em, 4),
                "f1": round(f1, 4),
                "shown": round(share, 4),
                "em_top": round(em_top, 4),
                "f1_top": round(f1_top, 4),
                "f1_whole_sentence": round(f1_s, 4),
                "f1_first_typed": round(f1_t, 4),
            }
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print the figures; leave the JSON as it is")
    args = parser.parse_args(argv)
    examples = squad_examples() + seed_examples()
    train = [ex for ex in examples if ex.split == "train"]
    print(f"{len(examples)} examples, {len(train)} for training", file=sys.stderr)
    cv = {c: cross_validate(train, c) for c in C_GRID}
    c = max(cv, key=lambda k: cv[k])
    print("4-fold CV top-candidate F1 on train by C: " + ", ".join(f"{k}: {v:.3f}" for k, v in cv.items()))
    x, y, groups = design(train)
    weights = fit(x, y, c)
    cutoff = choose_cutoff(train, predict(train, weights))
    print(f"C={c}, cut-off {cutoff:.3f}, {len(set(groups.tolist()))} training questions with a reachable answer")
    table = report(examples, weights, cutoff, print)
    started = time.perf_counter()
    for ex in examples:
        candidates(ex.question, ex.sentence, weights)
    ms = (time.perf_counter() - started) * 1000 / len(examples)
    print(f"{ms:.2f} ms per sentence (question analysis included)")
    if not args.no_write:
        params = {
            "about": "Logistic regression over short-answer candidates; see rag/short_answer.py",
            "command": "python -m eval.fit_short",
            "fitted_on": "train splits (eval/splits.py) of shared/data/squad2-dev-part answerable questions "
            "and eval/questions.jsonl, given the gold sentence",
            "C": c,
            "cutoff": round(cutoff, 4),
            "show_cost": round(SHOW_COST, 4),
            "figures": table,
            "features": list(FEATURES),
            "coef": [round(float(w), 5) for w in weights],
        }
        OUT.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
