"""The feature row of every candidate answer span in a sentence, for `rag.short_answer`.

The candidates and the columns that depend on the sentence alone come from
`rag.answer.span_sentence` (worked out once per sentence and remembered); here are the columns that
depend on the question: does a candidate match the type the question expects (`rag.question.analyse`)
or another typed span (`rag.span_types`), does it repeat question words, how far it is from them
and on which side, and the wh-word of the question crossed with its shape and length.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..index.words import fold
from .counting import PEOPLE, persons
from .figures import AGE, MEASURE, SCORE, TIME_OF_DAY
from .question import Question, analyse
from .span_sentence import COLUMN, FEATURES, SHAPES, WH, SentenceSpans, running_sums, sentence_spans
from .span_types import FITS, PERCENT, overlapping

__all__ = ["FEATURES", "features", "wh_of"]


def wh_of(question: str) -> str:
    """The question's wh-word, "how" split by the word after it.

    >>> wh_of("In what year did it end?"), wh_of("How long did it last?"), wh_of("Name the river.")
    ('what', 'how_long', 'other')
    """
    words = re.findall(r"[a-z]+", question.lower())
    for n, word in enumerate(words):
        if word == "how":
            after = words[n + 1] if n + 1 < len(words) else ""
            return {"many": "how_many", "much": "how_much", "long": "how_long", "old": "how_many"}.get(after, "how")
        if word in ("whom", "whose"):
            return "who"
        if word in WH:
            return word
    return "other"


# The kinds whose candidates are numbers or dates of one sort: a number with its unit ("28
# kilometers"), an age ("Ms. Alvarez, 52,"), a time of day ("at 2:40 a.m."), a score ("5-4").
NARROWER = {"measure": MEASURE, "age": AGE, "clock": TIME_OF_DAY, "score": SCORE}

# The per-token flags that depend on the question (`span_sentence.FLAGS` are the sentence's).
ASKED = ("q", "focus", "counted", "q_entity")
A = {name: n for n, name in enumerate(ASKED)}


def _asked_flags(q: Question, stems: tuple[frozenset[str], ...], lower: tuple[str, ...]) -> np.ndarray:
    terms, focus = set(q.terms), set(q.focus)
    entity_words = {w for e in q.entities for w in fold(e).split()}
    people = persons() if q.counted in PEOPLE else frozenset()  # "How many people": "riders", "residents"
    rows = [
        (bool(ts & terms), bool(ts & focus), q.counted in ts or low in people, low in entity_words)
        for ts, low in zip(stems, lower, strict=True)
    ]
    return np.array(rows, dtype=bool).reshape(len(lower), len(ASKED))


def _features(question: str, s: SentenceSpans, sentence: str) -> np.ndarray:
    """The feature matrix (m, len(FEATURES)) of the candidates of `s` (in `sentence`) for `question`."""
    q = analyse(question)  # remembered: the same question is asked of every candidate sentence
    n, first, last, content = len(s.lower), s.first, s.last, s.content
    asked = _asked_flags(q, s.stems, s.lower)
    sums = running_sums(asked)
    q_inside = sums[last + 1] - sums[first]
    at_before = asked[s.before] & s.has_before[:, None]
    at_after = asked[s.after] & s.has_after[:, None]
    matrix = s.matrix()
    m = len(first)

    def put(name: str, values: Any) -> None:
        matrix[:, COLUMN[name]] = values

    fits = FITS.get(q.expects or "", ()) + (("list",) if q.several else ())
    exact_fit = np.zeros(m, dtype=bool)
    exact_other = np.zeros(m, dtype=bool)  # a number, amount, date or duration the question did not ask for
    inside_fit = np.zeros(m, dtype=bool)
    for kind, exact, holds in s.kinds:
        if q.expects and kind not in fits and kind in ("number", "amount", "date", "duration"):
            exact_other |= exact
        if kind in fits:
            exact_fit |= exact
            inside_fit |= holds & ~exact
    if q.expects and "date" not in fits:
        exact_fit &= matrix[:, COLUMN["is_date"]] == 0  # "2019" is a number, but no answer to "how much"
    narrower = NARROWER.get(q.expects or "")
    if narrower:  # only the numbers of a measure, an age, a time of day: not "3:12" or "400 injured"
        exact_fit &= overlapping(s.spans, [m.span() for m in narrower.finditer(sentence)])
    put("fits_exact", exact_fit)
    put("fits_inside", inside_fit)
    put("fits_other", exact_other & ~exact_fit)
    put("fits_expected_none", q.expects is None)

    n_terms = max(len(q.terms), 1)
    q_in = q_inside[:, A["q"]]
    put("q_share", np.minimum(q_in / content, 1.0))
    put("q_any", q_in > 0)
    put("q_all", q_in >= content)
    put("focus_in", q_inside[:, A["focus"]] > 0)
    put("focus_before", at_before[:, A["focus"]])
    put("counted_after", at_after[:, A["counted"]] & s.shapes["digit"])
    put("q_entity_in", q_inside[:, A["q_entity"]] > 0)
    # Distance from the span to the nearest question word on each side.
    positions = np.flatnonzero(asked[:, A["q"]])
    far = 2 * n + 2
    if len(positions):
        left_idx = np.searchsorted(positions, first, side="left") - 1
        dist_left = np.where(left_idx >= 0, first - positions[np.maximum(left_idx, 0)], far)
        right_idx = np.searchsorted(positions, last, side="right")
        dist_right = np.where(
            right_idx < len(positions), positions[np.minimum(right_idx, len(positions) - 1)] - last, far
        )
    else:
        dist_left = dist_right = np.full(m, far)
    put("log_dist_left", np.log1p(np.minimum(dist_left, n + 1)))
    put("log_dist_right", np.log1p(np.minimum(dist_right, n + 1)))
    put("no_q_left", dist_left == far)
    put("no_q_right", dist_right == far)
    put("q_adjacent_left", dist_left == 1)
    put("q_adjacent_right", dist_right == 1)
    qsum = sums[:, A["q"]]
    window_left = qsum[first] - qsum[np.maximum(first - 5, 0)]
    window_right = qsum[np.minimum(last + 6, n)] - qsum[last + 1]
    put("q_window", (window_left + window_right) / n_terms)
    put("q_window_left", window_left / n_terms)
    put("q_window_right", window_right / n_terms)
    put("between_q", (dist_left <= 3) & (dist_right <= 3))
    put("definition", q.subject is not None)
    put("speaker", q.speaker is not None or q.titled is not None)
    if PERCENT.search(question):
        put("percent_match", s.has_percent)
    wh = wh_of(question)
    for shape in SHAPES:
        put(f"{wh}_x_{shape}", s.shapes[shape])
    group = wh if wh in ("what", "which", "who", "why") else "how" if wh.startswith("how") else "other"
    for name in ("after_preposition", "len1", "len3", "len10"):
        put(f"{group}_x_{name}", s.shapes[name])
    return matrix


def features(question: str, sentence: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Every candidate's character span in `sentence` and its feature row (columns: `FEATURES`).

    >>> spans, rows = features("How many drones hit Ukraine?", "Russia sent 574 drones.")
    >>> ("574" in ["Russia sent 574 drones."[s:e] for s, e in spans], rows.shape[1] == len(FEATURES))
    (True, True)
    """
    s = sentence_spans(sentence or "")
    if s is None:
        return [], np.zeros((0, len(FEATURES)))
    return list(s.spans), _features(question or "", s, sentence)
