"""Fit the short-answer scorer (`rag/answer/short_answer.json`) and print its exact match and token F1.

    python -m eval.fit_short            # fit on the train splits, print train and test, write the JSON
    python -m eval.fit_short --no-write # print only
    python -m eval.fit_short --transfer # fit on one set alone, print the other's figures; write nothing

Data, given the gold sentence (the sentence of the evidence quote that holds the answer):
- the shared SQuAD 2.0 part (`eval.splits.squad_dir()`), answerable questions; gold span from the
  evidence's `answer_start`/`answer_end`; acceptable answers are the question's `answers`;
- the project's questions (`eval/questions.jsonl`): the first acceptable answer found in an
  evidence quote (case-insensitive); rows where none occurs are skipped.
Train and test come from `eval.splits.split_of`. scipy is needed here only (fit time); the
run-time scorer is a dot product, a softmax and an expected-F1 step in `rag.short_answer`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.harness import QUESTIONS, load_questions
from eval.splits import split_of, squad_dir
from rag.answer.question import analyse
from rag.answer.short_answer import FEATURES, PARAMS, Span, candidates, expected_f1, features, tokens
from rag.answer.short_answer import shown as shown_at
from rag.answer.span_types import FITS, typed_spans
from rag.atomic import write_atomic
from rag.ingest.chunking import split_sentences
from rag.metrics import exact_match, squad_f1, squad_normalise

OUT = Path(__file__).resolve().parent.parent / "rag" / "answer" / PARAMS
L2_GRID = (0.3, 1.0, 3.0)
# A wrong short answer costs a quarter of what a right one gains: show it when its F1 is likely over 0.2.
SHOW_COST = 0.2


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


@dataclass(frozen=True)
class Design:
    """One example's candidates: character spans, feature rows, 0/1 labels (equals a gold answer)."""

    spans: list[tuple[int, int]]
    x: np.ndarray
    y: np.ndarray


def design(ex: Example) -> Design:
    spans, matrix = features(ex.question, ex.sentence)
    gold = {squad_normalise(a) for a in ex.answers}
    y = np.array([squad_normalise(ex.sentence[s:e]) in gold for s, e in spans], dtype=float)
    return Design(spans, matrix, y)


def fit(designs: list[Design], l2: float) -> np.ndarray:
    """Conditional logistic regression: a softmax over each sentence's candidates, maximising the
    probability of the gold ones, with an L2 penalty. Sentences whose answer is no candidate are skipped."""
    from scipy.optimize import minimize

    used = [d for d in designs if d.y.any()]
    x = np.vstack([d.x for d in used])
    y = np.concatenate([d.y for d in used]).astype(bool)
    bounds = np.cumsum([0] + [len(d.y) for d in used])[:-1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        zmax = np.maximum.reduceat(z, bounds)
        top = np.repeat(zmax, np.diff(np.append(bounds, len(z))))
        e = np.exp(z - top)
        all_sum = np.add.reduceat(e, bounds)
        pos_sum = np.add.reduceat(e * y, bounds)
        value = float(np.sum(np.log(all_sum) - np.log(pos_sum))) + l2 * float(w @ w)
        sizes = np.diff(np.append(bounds, len(z)))
        p_all = e / np.repeat(all_sum, sizes)
        p_pos = e * y / np.repeat(pos_sum, sizes)
        grad = x.T @ (p_all - p_pos) + 2 * l2 * w
        return value, grad

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return np.asarray(result.x)


def predict(designs: list[Design], weights: np.ndarray) -> list[Span | None]:
    """The best candidate of each example, scored by expected F1, decoded as `rag.short_answer` does."""
    out: list[Span | None] = []
    for d in designs:
        order, gain = expected_f1(d.spans, d.x @ weights)
        out.append(Span(*d.spans[int(order[0])], float(gain[0])) if len(order) else None)
    return out


def text(ex: Example, span: Span | None) -> str | None:
    return ex.sentence[span.start : span.end] if span else None


def first_typed(ex: Example) -> str | None:
    """Baseline: the first typed candidate of the kind the question expects, else the first name or number."""
    spans = tokens(ex.sentence)
    typed = typed_spans(ex.sentence, spans)
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


def choose_cutoff(examples: list[Example], predicted: list[Span | None]) -> float:
    """The score under which the short answer is withheld: maximises sum(F1 - SHOW_COST) over shown ones."""
    f1 = np.array([squad_f1(text(ex, p), ex.answers) for ex, p in zip(examples, predicted, strict=True)])
    score = np.array([p.score if p else 0.0 for p in predicted])
    best, best_gain = 0.0, -1.0
    for cut in np.unique(np.round(score, 3)):
        gain = float(((f1 - SHOW_COST) * (score >= cut)).sum())
        if gain > best_gain:
            best, best_gain = float(cut), gain
    return best


def cross_validate(train: list[Example], designs: list[Design], l2: float, folds: int = 4) -> float:
    """Mean best-candidate F1 over folds of the training examples (by index)."""
    f1 = []
    for k in range(folds):
        w = fit([d for i, d in enumerate(designs) if i % folds != k], l2)
        held = [i for i in range(len(train)) if i % folds == k]
        predicted = predict([designs[i] for i in held], w)
        f1.append(
            scores([train[i] for i in held], [text(train[i], p) for i, p in zip(held, predicted, strict=True)])[1]
        )
    return float(np.mean(f1))


def report(
    examples: list[Example], designs: list[Design], weights: np.ndarray, cutoff: float, out: Callable[[str], None]
) -> dict:
    table: dict[str, Any] = {}
    header = f"{'set':6} {'split':5} {'n':>4}  {'EM':>5} {'F1':>5} {'shown':>5}  {'EM top':>6} {'F1 top':>6}"
    header += f"  {'EM sent':>7} {'F1 sent':>7}  {'EM typed':>8} {'F1 typed':>8}"
    out(header)
    for name in ("squad", "seeds"):
        for side in ("train", "test"):
            index = [i for i, ex in enumerate(examples) if ex.set == name and ex.split == side]
            part = [examples[i] for i in index]
            predicted = predict([designs[i] for i in index], weights)
            top = [text(ex, p) for ex, p in zip(part, predicted, strict=True)]
            shown = [
                text(ex, p) if p and shown_at(ex.question, ex.sentence, p, cutoff) else None
                for ex, p in zip(part, predicted, strict=True)
            ]
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


def fitted(train: list[Example], designs: list[Design], out: Callable[[str], None]) -> tuple[np.ndarray, float, float]:
    """Weights, L2 penalty (chosen by 4-fold cross-validation) and cut-off fitted on `train`."""
    cv = {l2: cross_validate(train, designs, l2) for l2 in L2_GRID}
    l2 = max(cv, key=lambda k: cv[k])
    out("4-fold CV top-candidate F1 on train by L2 penalty: " + ", ".join(f"{k}: {v:.3f}" for k, v in cv.items()))
    weights = fit(designs, l2)
    return weights, l2, choose_cutoff(train, predict(designs, weights))


def transfer(examples: list[Example], designs: list[Design], out: Callable[[str], None]) -> None:
    """Fit on one set's training examples alone (squad: Wikipedia; seeds: news) and print every
    row: the other set's rows are how far the extractor carries to questions of a kind it was not
    fitted on (the fitted set's training row is the fit itself)."""
    for source in ("squad", "seeds"):
        index = [i for i, ex in enumerate(examples) if ex.set == source and ex.split == "train"]
        out(f"fitted on {source} alone:")
        weights, l2, cutoff = fitted([examples[i] for i in index], [designs[i] for i in index], out)
        out(f"L2 penalty {l2}, cut-off {cutoff:.3f}")
        report(examples, designs, weights, cutoff, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print the figures; leave the JSON as it is")
    parser.add_argument(
        "--transfer", action="store_true", help="fit on each set alone and print the other's figures; write nothing"
    )
    args = parser.parse_args(argv)
    examples = squad_examples() + seed_examples()
    designs = [design(ex) for ex in examples]
    if args.transfer:
        transfer(examples, designs, print)
        return 0
    train_index = [i for i, ex in enumerate(examples) if ex.split == "train"]
    train = [examples[i] for i in train_index]
    train_designs = [designs[i] for i in train_index]
    reachable = sum(bool(d.y.any()) for d in train_designs)
    print(f"{len(examples)} examples; {len(train)} for training, {reachable} with the answer among the candidates")
    weights, l2, cutoff = fitted(train, train_designs, print)
    print(f"L2 penalty {l2}, cut-off {cutoff:.3f} (expected F1 of the best candidate)")
    table = report(examples, designs, weights, cutoff, print)
    cpu = 0.0
    for ex in examples:
        candidates(ex.question, ex.sentence, weights)  # analyses the question
        started = time.process_time()
        candidates(ex.question, ex.sentence, weights)
        cpu += time.process_time() - started
    ms = cpu * 1000 / len(examples)
    print(f"{ms:.2f} ms of CPU per sentence (question analysis cached: one question meets many sentences)")
    if not args.no_write:
        params = {
            "about": "Conditional logistic regression (softmax over a sentence's candidates), decoded by expected F1; "
            "see rag/answer/short_answer.py",
            "command": "python -m eval.fit_short",
            "fitted_on": "train splits (eval/splits.py) of shared/data/squad2-dev-part answerable questions "
            "and eval/questions.jsonl, given the gold sentence",
            "l2": l2,
            "cutoff": round(cutoff, 4),
            "show_cost": round(SHOW_COST, 4),
            "figures": table,
            "features": list(FEATURES),
            "coef": [round(float(w), 5) for w in weights],
        }
        write_atomic(OUT, json.dumps(params, indent=1) + "\n")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
