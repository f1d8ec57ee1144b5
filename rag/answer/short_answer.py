"""The words that answer, inside one quoted sentence: "1,200", "on 3 March", "the Treaty of Rome".

No parser and no model at run time: every run of up to `MAX_TOKENS` tokens of the sentence is a
candidate; regular expressions mark the typed ones (numbers, amounts, dates, durations, names,
places, "the X of Y", lists "A, B and C"); each candidate gets a row of features (does its type
fit what the question asks for, does it repeat question words, how far is it from them, its
length and shape, the words around it) and a logistic regression fitted offline
(`eval/fit_short.py`, coefficients in `short_answer.json` beside this file) scores it. The best
candidate is the short answer unless its score is under the fitted cut-off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .dateline import datelines
from .figures import MEASURE, SCORE
from .question import ACCORDING, analyse
from .span_features import FEATURES, features
from .span_sentence import COPULAS
from .span_types import overlapping, tokens
from .titles import title_spans

__all__ = [
    "FEATURES",
    "PARAMS",
    "Span",
    "candidates",
    "certainty",
    "expected_f1",
    "features",
    "params",
    "short_answer",
    "shown",
    "title_case",
    "tokens",
]

PARAMS = "short_answer.json"
# What a number asked for is part of: a measure with its unit, a score with its other side.
WHOLE = {"measure": MEASURE, "score": SCORE}
# A description set off after a name, closed by a comma or by the end of the sentence: "said Tom
# Graham, a fellow at ...". After "according to X" only one that opens as a description does ("...,
# a Kremlin aide, ..."): "According to X, the two leaders agreed" goes on with what X said.
_DESCRIBED = r"[^,;:“”\"]{3,120}?"
APPOSITIVE = re.compile(rf"\s*,\s*(?:an?|who|whose|former|then|now)\b{_DESCRIBED},", re.IGNORECASE)
LAST_APPOSITIVE = re.compile(rf"\s*,\s*(?:an?|the|who|whose|former|then|now)\b{_DESCRIBED}(?:,|\.?\s*$)", re.IGNORECASE)
TOP = 20  # candidates kept for expected-F1 decoding
QUOTES = "“”‘’\"'"


@dataclass(frozen=True)
class Span:
    """One candidate answer: `sentence[start:end]`, with its probability-like score."""

    start: int
    end: int
    score: float


@lru_cache(maxsize=1)
def params() -> dict[str, Any]:
    """The fitted coefficients, names and cut-off, read once from `short_answer.json`."""
    data: dict[str, Any] = json.loads(resources.files("rag.answer").joinpath(PARAMS).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError(f"rag/answer/{PARAMS} was fitted on other features; refit with `python -m eval.fit_short`")
    return data


def expected_f1(spans: list[tuple[int, int]], logits: np.ndarray, top: int = TOP) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the `top` candidates by logit, reordered best first; each one's expected F1).

    The model gives a softmax over candidates; a candidate's expected F1 is its overlap F1 with
    every other top candidate, weighted by that one's probability (minimum-Bayes-risk decoding:
    a span that agrees with several likely ones beats a lone peak). Overlap counts characters.

    >>> order, f1 = expected_f1([(0, 4), (0, 9), (5, 9)], np.array([1.0, 1.2, 0.0]))
    >>> order.tolist(), [round(float(x), 2) for x in f1]
    ([1, 0, 2], [0.8, 0.68, 0.43])
    """
    if len(spans) == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    best = np.argsort(-logits, kind="stable")[:top]
    p = np.exp(logits[best] - logits[best[0]])
    p /= np.exp(logits - logits[best[0]]).sum()
    starts = np.array([spans[i][0] for i in best.tolist()])
    ends = np.array([spans[i][1] for i in best.tolist()])
    overlap = np.maximum(0, np.minimum(ends[:, None], ends[None, :]) - np.maximum(starts[:, None], starts[None, :]))
    size = ends - starts
    f1 = 2 * overlap / (size[:, None] + size[None, :])
    gain = f1 @ p
    order = np.argsort(-gain, kind="stable")
    return best[order], gain[order]


@lru_cache(maxsize=256)
def _logits(question: str, sentence: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The spans of `sentence` and the fitted model's logit for each, remembered: an answer reads
    them for the abstention signals (`certainty`, `short_answer`) and again for the short answer.
    No span of a wire story's dateline is one unless the question asks where (dateline.py), nor
    any of the description of the speaker of "What did X say?" (`descriptions`)."""
    spans, matrix = features(question, sentence)
    asked = analyse(question)
    out = (datelines(sentence) if asked.expects != "place" else []) + descriptions(sentence, asked.speaker)
    out += title_spans(asked.titled or "", sentence)
    if out and spans:
        kept = np.flatnonzero(~overlapping(spans, out))
        spans, matrix = [spans[i] for i in kept], matrix[kept]
    logits = matrix @ np.asarray(params()["coef"], dtype=float) if spans else np.zeros(0)
    logits.flags.writeable = False  # shared by every caller
    return spans, logits


def descriptions(sentence: str, speaker: str | None) -> list[tuple[int, int]]:
    """Where `sentence` describes the speaker of "What did X say?": the words between X's name and
    the next comma ("Yuri Ushakov, a Russian foreign policy aide,") and the rest of an "according
    to ..." phrase that names X. They say who X is, not what X said.

    >>> s = "According to Yuri Ushakov, a Russian foreign policy aide, the two leaders agreed to meet."
    >>> [s[a:b] for a, b in descriptions(s, "Ushakov")]
    ['According to Yuri Ushakov', ', a Russian foreign policy aide,']
    >>> s = "“It is complicated,” said Tom Graham, a fellow at the Council on Foreign Relations."
    >>> [s[a:b] for a, b in descriptions(s, "Tom Graham")]
    [', a fellow at the Council on Foreign Relations.']
    """
    if not speaker:
        return []
    name = re.escape(speaker.split()[-1])
    out = []
    for found in re.finditer(rf"\b{name}\w*(?:[’']s)?", sentence):
        # "According to Kremlin aide Yuri Ushakov": the phrase up to the name, as `attributes_speech`
        # reads it (up to its comma); what follows the comma is what he said, unless an appositive
        # closed by another comma comes first.
        phrase = next(
            (m for m in ACCORDING.finditer(sentence) if m.start(1) < found.start() and found.end() <= m.end(1)), None
        )
        described = (APPOSITIVE if phrase else LAST_APPOSITIVE).match(sentence, found.end())
        if phrase:
            out.append((phrase.start(), found.end()))
        if described:
            out.append(described.span())
    return sorted(out)


def candidates(question: str, sentence: str, weights: np.ndarray | None = None) -> list[Span]:
    """The `TOP` candidate answers in `sentence`, best first, each scored by its expected F1.

    >>> s = "The war ended in 1905 with the Treaty of Portsmouth."
    >>> [s[c.start : c.end] for c in candidates("Which treaty ended the war?", s)[:2]]
    ['Treaty of Portsmouth', 'the Treaty of Portsmouth']
    """
    if weights is None:
        spans, logits = _logits(question, sentence)
    else:
        spans, matrix = features(question, sentence)
        logits = matrix @ weights if spans else np.zeros(0)
    if not spans:
        return []
    order, gain = expected_f1(spans, logits)
    return [Span(*trim(sentence, *spans[i]), float(g)) for i, g in zip(order.tolist(), gain.tolist(), strict=True)]


def certainty(question: str, sentence: str) -> tuple[float, float]:
    """How sure the model is of any one answer in `sentence`: (margin, spread). `margin` is the
    probability of the likeliest span minus that of the likeliest span not overlapping it; `spread`
    is the entropy of the probabilities over all spans divided by its largest possible value (1.0:
    every span as likely as every other, the sentence holds no clear answer). (0.0, 1.0) when the
    sentence has no candidate.

    >>> margin, spread = certainty("How many drones hit Ukraine?", "Russia launched 574 drones overnight.")
    >>> margin > 0.5, spread < 0.5
    (True, True)
    """
    spans, logits = _logits(question, sentence)
    if not spans:
        return 0.0, 1.0
    p = np.exp(logits - logits.max())
    p /= p.sum()
    best = int(np.argmax(p))
    start, end = spans[best]
    starts, ends = np.array(spans).T
    apart = p[(ends <= start) | (starts >= end)]  # the spans that do not overlap the likeliest
    spread = float(-(p * np.log(p + 1e-12)).sum() / np.log(len(p) + 1))
    return float(p[best]) - (float(apart.max()) if len(apart) else 0.0), spread


def title_case(sentence: str) -> bool:
    """Whether `sentence` is a headline in title case: most of its words of four letters or more
    capitalised, no full stop at the end.

    >>> title_case("After 19 Years in Prison, a Baltimore Man Is Cleared in a 2005 Killing")
    True
    >>> title_case("Loretta Vance, soul singer behind 'Midnight on Delmar,' dies at 84")
    False
    """
    words = re.findall(r"[^\W\d_]{4,}", sentence)
    if len(words) < 3 or sentence.rstrip().endswith("."):
        return False
    return sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span without the quotation marks around it (kept if nothing else is left).

    >>> s = 'called it “a road to nowhere”.'
    >>> s[slice(*trim(s, 10, 29))]
    'a road to nowhere'
    """
    a, b = start, end
    while a < b and sentence[a] in QUOTES:
        a += 1
    while b > a and sentence[b - 1] in QUOTES:
        b -= 1
    return (a, b) if a < b else (start, end)


@lru_cache(maxsize=256)  # the abstention signals and then the answer ask about the same sentence
def short_answer(question: str, sentence: str) -> tuple[int, int, float] | None:
    """(start, end, score) of the words in `sentence` that answer `question`, or None.

    Offsets are relative to `sentence`; `sentence[start:end]` is never empty and has no
    surrounding spaces; the score is the expected token F1 under the fitted model. None when it
    is under the fitted cut-off, as for "Who is X?" whose answer is the whole sentence.

    >>> s = "Russia launched 574 drones overnight, the air force said."
    >>> start, end, score = short_answer("How many drones hit Ukraine?", s)
    >>> s[start:end]
    '574'
    """
    best = _best(question, sentence)
    if best is None or not shown(question, sentence, best, float(params()["cutoff"])):
        return None
    return best.start, best.end, round(min(1.0, max(0.0, best.score)), 4)


def _best(question: str, sentence: str) -> Span | None:
    """`candidates(question, sentence)[0]`, without making the other candidates; for a measure,
    with its unit (`with_unit`)."""
    spans, logits = _logits(question, sentence)
    if not spans:
        return None
    order, gain = expected_f1(spans, logits)
    start, end = trim(sentence, *spans[int(order[0])])
    expects = analyse(question).expects
    if expects in WHOLE:
        start, end = with_unit(sentence, start, end, WHOLE[expects])
    if sentence.endswith((" a.m", " p.m"), 0, end) and sentence[end : end + 1] == ".":
        end += 1  # "2:40 a.m.": the tokens end at "m", the time with its full stop
    return Span(start, end, float(gain[0]))


def with_unit(sentence: str, start: int, end: int, whole: re.Pattern[str] = MEASURE) -> tuple[int, int]:
    """The span widened to the whole measure (or score) it starts or ends in: "28" in "at a depth
    of 28 kilometers" is "28 kilometers", "5" in "won 5-4" is "5-4". The model scores numbers; a
    measure's unit, a score's other side, is part of it.

    >>> s = "It travels at about 58 kilometers per second."
    >>> s[slice(*with_unit(s, 14, 22))]
    'about 58 kilometers per second'
    """
    for match in whole.finditer(sentence):
        if match.start() < end and start < match.end():
            return min(start, match.start()), max(end, match.end())
    return start, end


def shown(question: str, sentence: str, best: Span, cutoff: float) -> bool:
    """Whether the best candidate is worth showing: its score reaches the cut-off and, for
    "Who is X?", it is a description set off by a comma or a copula ("X, a fellow at ...",
    "X is a fellow at ..."); otherwise the whole sentence is the answer.

    >>> s = "Tom Graham, a fellow at the Council, said so."
    >>> shown("Who is Tom Graham?", s, Span(14, 36, 0.7), 0.2), shown("Who is Tom Graham?", s, Span(38, 45, 0.7), 0.2)
    (True, False)
    """
    if not best.score >= cutoff:
        return False
    if analyse(question).subject is None:
        return True
    words = sentence[: best.start].split()
    if words and words[-1].lower() in ("a", "an", "the"):
        words = words[:-1]
    return bool(words) and (words[-1][-1] in ",(—–:" or words[-1].lower() in COPULAS | {"as"})
