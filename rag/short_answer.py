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

from .question import AMOUNT, DURATION, ENTITY, MONTH, NAME, NOT_ENTITIES, NUMBER_WORDS, PLACE, UNIT, WEEKDAY, Question, analyse

MAX_TOKENS = 10  # longest candidate, in tokens (nine in ten SQuAD answers are shorter)
MAX_SENTENCE_TOKENS = 400  # hostile input: only the start of a huge "sentence" is searched
PARAMS = "short_answer.json"
TOP = 20  # candidates kept for expected-F1 decoding

TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\d[\d,.:]*\d%?|\d%?|\w+(?:[’'-]\w+)*|[$€£]|[^\w\s]")
WORD_PARTS = re.compile(r"\w\w+")
STOP = frozenset(
    "a an the of in on at by for to from with and or but as is are was were be been being it its this that these "
    "those he she they his her their him them we our you your i which who whom whose what when where why how than "
    "then there here not no so if also has have had do does did will would could should can may might into over "
    "under after before about between during while since until up out".split()
)
PREPOSITIONS = frozenset("in on at by from to of for with into since until during after before about near".split())
COPULAS = frozenset("is are was were be been became becomes called named known".split())
OPEN = frozenset("$€£(“‘\"'")
CLOSE = frozenset("%)”’\"'")

_NUM = rf"(?:[$€£]\s?)?\d[\d,.]*(?:\s*(?:%|percent|per cent))?|(?:{NUMBER_WORDS}|one|a|an)(?:[\s-]+(?:{NUMBER_WORDS}))*"
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion|trillion))?"
_APPROX = r"(?:(?:about|around|roughly|nearly|almost|over|under|some|more than|less than|fewer than|at least|up to)\s+)?"
NUMBER_SPAN = re.compile(rf"\b{_APPROX}(?:[$€£]\s?\d[\d,.]*|\d[\d,.]*(?:\s*(?:%|percent|per cent))?){_SCALE}", re.I)
WORD_NUMBER = re.compile(rf"\b{_APPROX}(?:{NUMBER_WORDS})(?:[\s-]+(?:{NUMBER_WORDS}))*{_SCALE}\b", re.I)
DATE_SPAN = re.compile(
    rf"\b(?:{WEEKDAY},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?"
    rf"|\b(?:1\d|20)\d\d(?:s|\s*(?:–|-|to)\s*\d{{2,4}})?\b|\b\d{{1,2}}(?:st|nd|rd|th)(?:\s+and\s+\d{{1,2}}(?:st|nd|rd|th))?"
    rf"\s+centur(?:y|ies)\b|\b{WEEKDAY}\b"
)
DURATION_SPAN = re.compile(
    rf"\b{_APPROX}(?:{_NUM}|half an?|a few|several)[\s-]+(?:and a half\s+)?{UNIT}\b|{DURATION.pattern}", re.I
)
THE_OF = re.compile(r"\b(?:the\s+)?[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_ITEM = r"(?:the\s+)?(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|[\w’'-]+)"
LIST_SPAN = re.compile(rf"{_ITEM}(?:,\s+{_ITEM})*,?\s+(?:and|or)\s+{_ITEM}")
KINDS = ("number", "amount", "date", "duration", "name", "entity", "place", "the_of", "list")
# Which typed candidates answer each expected answer type of `rag.question.analyse`.
FITS = {
    "number": ("number",),
    "amount": ("amount", "number"),
    "date": ("date",),
    "duration": ("duration",),
    "place": ("place", "entity"),
    "person": ("name", "entity"),
}
WH = ("what", "which", "who", "when", "where", "how_many", "how_much", "how_long", "how", "why", "other")
LENGTHS = (1, 2, 3, 4, 6, 10)  # upper bounds of the length buckets
SHAPES = ("digit", "capital", "list", "lower")
GROUPS = ("what", "which", "who", "how", "why", "other")
VERBS = frozenset(
    "is are was were be been has have had said says will would can could may might did does do became become "
    "remained include includes included".split()
)


def feature_names() -> tuple[str, ...]:
    """The names of the feature columns, in order: the fitted JSON must list the same."""
    names = ["bias", "fits_exact", "fits_inside", "fits_expected_none"]
    names += [f"is_{k}" for k in KINDS] + [f"has_{k}" for k in KINDS]
    names += [f"len_{b}" for b in LENGTHS] + ["len_share"]
    names += [
        "q_share",
        "q_any",
        "q_all",
        "focus_in",
        "focus_before",
        "counted_after",
        "q_entity_in",
        "log_dist_left",
        "log_dist_right",
        "no_q_left",
        "no_q_right",
        "q_adjacent_left",
        "q_adjacent_right",
        "q_window",
        "q_window_left",
        "q_window_right",
        "cuts_capital_left",
        "cuts_capital_right",
        "next_of",
        "next_lower_content",
        "prev_lower_content",
        "prev_article",
        "paren_unbalanced",
        "appositive",
        "between_q",
        "capital_mid",
        "before_verb",
        "after_verb",
        "ends_verbish",
        "starts_verbish",
        "start_stop",
        "end_stop",
        "start_article",
        "after_preposition",
        "after_copula",
        "after_comma",
        "before_comma",
        "before_end",
        "at_start",
        "has_comma",
        "has_and",
        "has_punct",
        "lower_share",
        "whole",
        "definition",
        "speaker",
    ]
    names += [f"{w}_x_{s}" for w in WH for s in SHAPES]
    names += [f"{w}_x_after_preposition" for w in GROUPS]
    names += [f"{w}_x_len{b}" for w in GROUPS for b in (1, 3, 10)]
    return tuple(names)


FEATURES = feature_names()


@dataclass(frozen=True)
class Span:
    """One candidate answer: `sentence[start:end]`, with its probability-like score."""

    start: int
    end: int
    score: float


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball stemmer `rag.lexical.tokenize` uses

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=256)
def _analyse(question: str) -> Question:
    return analyse(question)  # the same question is asked of every candidate sentence


@lru_cache(maxsize=1)
def params() -> dict[str, Any]:
    """The fitted coefficients, names and cut-off, read once from `short_answer.json`."""
    data: dict[str, Any] = json.loads(resources.files("rag").joinpath(PARAMS).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError(f"rag/{PARAMS} was fitted on other features; refit with `python -m eval.fit_short`")
    return data


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


def tokens(sentence: str) -> list[tuple[int, int]]:
    """Token spans of `sentence`: words, numbers ("1,200", "3.5%"), abbreviations and single marks.

    >>> t = "The U.S. paid $1,200, on 3 March."
    >>> [t[s:e] for s, e in tokens(t)]
    ['The', 'U.S.', 'paid', '$', '1,200', ',', 'on', '3', 'March', '.']
    """
    return [m.span() for m in TOKEN.finditer(sentence)]


def _typed(sentence: str, spans: list[tuple[int, int]]) -> dict[str, list[tuple[int, int]]]:
    """Token-index spans (first, last) of each kind of typed candidate."""
    starts = np.array([s for s, _ in spans])
    ends = np.array([e for _, e in spans])

    def snap(a: int, b: int) -> tuple[int, int] | None:
        first = int(np.searchsorted(ends, a, side="right"))
        last = int(np.searchsorted(starts, b, side="left")) - 1
        while last >= first and sentence[spans[last][0] : spans[last][1]] in (",", ".", ";", ":"):
            last -= 1
        return (first, last) if first <= last else None

    found: dict[str, list[tuple[int, int]]] = {k: [] for k in KINDS}
    patterns: list[tuple[str, re.Pattern[str], int]] = [
        ("number", NUMBER_SPAN, 0),
        ("number", WORD_NUMBER, 0),
        ("amount", AMOUNT, 0),
        ("date", DATE_SPAN, 0),
        ("duration", DURATION_SPAN, 0),
        ("name", NAME, 0),
        ("entity", ENTITY, 0),
        ("the_of", THE_OF, 0),
        ("list", LIST_SPAN, 0),
    ]
    for kind, pattern, _ in patterns:
        for match in pattern.finditer(sentence):
            a, b = match.span()
            if kind == "amount":  # AMOUNT marks where an amount is: widen it to the whole number
                number = NUMBER_SPAN.search(sentence, max(0, a - 12), b + 12)
                a, b = (min(a, number.start()), max(b, number.end())) if number else (a, b)
            if kind == "entity":
                words = match.group(0).split()
                while words and words[0] in NOT_ENTITIES:
                    a = sentence.index(words[0], a) + len(words[0])
                    words = words[1:]
                if not words:
                    continue
            snapped = snap(a, b)
            if snapped:
                found[kind].append(snapped)
    for match in PLACE.finditer(sentence):
        word = re.search(r"[A-Z]", match.group(0))
        entity = ENTITY.match(sentence, match.start() + word.start()) if word else None
        snapped = snap(*entity.span()) if entity else None
        if snapped:
            found["place"].append(snapped)
    return found


def _features(question: str, sentence: str, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(candidate token spans as an (m, 2) array, feature matrix (m, len(FEATURES)))."""
    q = _analyse(question)
    n = len(spans)
    words = [sentence[s:e] for s, e in spans]
    lower = [w.lower() for w in words]
    parts = [WORD_PARTS.findall(w) for w in lower]
    flat = [p for ps in parts for p in ps]
    stems = iter(_stemmer().stemWords(flat)) if flat else iter(())
    token_stems = [{next(stems) for _ in ps} for ps in parts]
    terms, focus = set(q.terms), set(q.focus)
    is_q = np.array([bool(ts & terms) for ts in token_stems])
    is_focus = np.array([bool(ts & focus) for ts in token_stems])
    is_counted = np.array([q.counted in ts for ts in token_stems])
    punct = np.array([not any(c.isalnum() for c in w) for w in words])
    stop = np.array([w in STOP for w in lower])
    capital = np.array([w[:1].isupper() for w in words])
    digit = np.array([any(c.isdigit() for c in w) for w in words])
    comma = np.array([w in (",", ";") for w in words])
    and_ = np.array([w in ("and", "or") for w in lower])
    entity_words = {w for e in q.entities for w in e.lower().split()}
    q_entity = np.array([w in entity_words for w in lower])

    # Candidates: runs of 1..MAX_TOKENS tokens that neither start nor end on a stray mark.
    first = np.repeat(np.arange(n), MAX_TOKENS)
    last = first + np.tile(np.arange(MAX_TOKENS), n)
    keep = last < n
    first, last = first[keep], last[keep]
    opener = np.array([w in OPEN for w in words]) | ~punct
    closer = np.array([w in CLOSE for w in words]) | ~punct
    keep = opener[first] & closer[last] & ~(punct[first] & punct[last] & (first == last))
    first, last = first[keep], last[keep]
    m = len(first)
    length = last - first + 1

    def count(flags: np.ndarray) -> np.ndarray:
        sums = np.concatenate(([0], np.cumsum(flags)))
        return sums[last + 1] - sums[first]

    content = np.maximum(count(~stop & ~punct), 1)
    typed = _typed(sentence, spans)
    cols: dict[str, np.ndarray] = {"bias": np.ones(m)}
    fits = FITS.get(q.expects or "", ())
    cols["fits_exact"] = np.zeros(m)
    cols["fits_inside"] = np.zeros(m)
    for kind in KINDS:
        grid = np.zeros((n, n), dtype=bool)
        inside = np.zeros(m, dtype=bool)
        for a, b in typed[kind]:
            grid[a, b] = True
            inside |= (first <= a) & (last >= b)
        exact = grid[first, last]
        cols[f"is_{kind}"] = exact
        cols[f"has_{kind}"] = inside & ~exact
        if kind in fits:
            cols["fits_exact"] = np.maximum(cols["fits_exact"], exact)
            cols["fits_inside"] = np.maximum(cols["fits_inside"], inside & ~exact)
    cols["fits_expected_none"] = np.full(m, q.expects is None)
    low = 0
    for bound in LENGTHS:
        cols[f"len_{bound}"] = (length > low) & (length <= bound)
        low = bound
    cols["len_share"] = length / max(n, 1)

    in_span_q = count(is_q)
    cols["q_share"] = count(is_q & ~stop) / content
    cols["q_any"] = in_span_q > 0
    cols["q_all"] = count(is_q & ~stop) >= count(~stop & ~punct)
    cols["focus_in"] = count(is_focus) > 0
    before = np.maximum(first - 1, 0)
    after = np.minimum(last + 1, n - 1)
    has_before, has_after = first > 0, last < n - 1
    cols["focus_before"] = has_before & is_focus[before]
    cols["counted_after"] = has_after & is_counted[after] & (count(digit) > 0)
    cols["q_entity_in"] = count(q_entity) > 0
    # Distance from the span to the nearest question word on each side.
    positions = np.flatnonzero(is_q)
    far = 2 * n + 2
    if len(positions):
        left_idx = np.searchsorted(positions, first, side="left") - 1
        dist_left = np.where(left_idx >= 0, first - positions[np.maximum(left_idx, 0)], far)
        right_idx = np.searchsorted(positions, last, side="right")
        dist_right = np.where(right_idx < len(positions), positions[np.minimum(right_idx, len(positions) - 1)] - last, far)
    else:
        dist_left = dist_right = np.full(m, far)
    cols["log_dist_left"] = np.log1p(np.minimum(dist_left, n + 1))
    cols["log_dist_right"] = np.log1p(np.minimum(dist_right, n + 1))
    cols["no_q_left"] = dist_left == far
    cols["no_q_right"] = dist_right == far
    cols["q_adjacent_left"] = dist_left == 1
    cols["q_adjacent_right"] = dist_right == 1
    sums = np.concatenate(([0], np.cumsum(is_q)))
    window = sums[np.minimum(last + 6, n)] - sums[np.maximum(first - 5, 0)] - in_span_q
    cols["q_window"] = window / max(len(terms), 1)
    cols["q_window_left"] = (sums[first] - sums[np.maximum(first - 5, 0)]) / max(len(terms), 1)
    cols["q_window_right"] = (sums[np.minimum(last + 6, n)] - sums[last + 1]) / max(len(terms), 1)
    name_word = capital & ~stop & ~punct
    plain = ~stop & ~punct & ~capital & ~digit
    cols["cuts_capital_left"] = has_before & name_word[before] & capital[first] & (before > 0)
    cols["cuts_capital_right"] = has_after & name_word[after] & capital[last]
    cols["next_of"] = has_after & np.array([w == "of" for w in lower])[after]
    cols["next_lower_content"] = has_after & plain[after]
    cols["prev_lower_content"] = has_before & plain[before]
    cols["prev_article"] = has_before & np.array([w in ("the", "a", "an") for w in lower])[before]
    cols["paren_unbalanced"] = count(np.array([w == "(" for w in words])) != count(np.array([w == ")" for w in words]))
    cols["start_stop"] = stop[first]
    cols["end_stop"] = stop[last]
    cols["start_article"] = np.array([w in ("the", "a", "an") for w in lower])[first]
    cols["after_preposition"] = has_before & np.array([w in PREPOSITIONS for w in lower])[before]
    cols["after_copula"] = has_before & np.array([w in COPULAS for w in lower])[before]
    cols["after_comma"] = has_before & comma[before]
    cols["before_comma"] = has_after & comma[after]
    cols["before_end"] = ~has_after | (has_after & punct[after] & (last + 1 == n - 1))
    cols["at_start"] = first == 0
    cols["appositive"] = cols["after_comma"] & cols["before_comma"]
    cols["between_q"] = (dist_left <= 3) & (dist_right <= 3)
    cols["capital_mid"] = capital[first] & (first > 0)
    verbish = np.array([w in VERBS or (len(w) > 4 and w.endswith(("ed", "ing"))) for w in lower])
    cols["before_verb"] = has_after & verbish[after]
    cols["after_verb"] = has_before & verbish[before]
    cols["ends_verbish"] = verbish[last]
    cols["starts_verbish"] = verbish[first]
    inner_comma = count(comma)
    cols["has_comma"] = inner_comma > 0
    cols["has_and"] = count(and_) > 0
    cols["has_punct"] = count(punct) > inner_comma
    cols["lower_share"] = count(~capital & ~digit & ~punct & ~stop) / content
    cols["whole"] = length >= n - int(punct[-1]) if n else np.zeros(m)
    cols["definition"] = np.full(m, q.subject is not None)
    cols["speaker"] = np.full(m, q.speaker is not None)
    wh = wh_of(question)
    shapes = {
        "digit": count(digit) > 0,
        "capital": count(capital & ~stop) >= content,
        "list": cols["is_list"] | cols["has_list"],
        "lower": count(~capital & ~digit & ~punct & ~stop) >= content,
    }
    for w in WH:
        for s in SHAPES:
            cols[f"{w}_x_{s}"] = shapes[s] if w == wh else np.zeros(m)
    buckets = {1: length == 1, 3: (length > 1) & (length <= 3), 10: length > 3}
    group = wh if wh in ("what", "which", "who", "why") else "how" if wh.startswith("how") else "other"
    for w in GROUPS:
        cols[f"{w}_x_after_preposition"] = cols["after_preposition"] if w == group else np.zeros(m)
        for b in (1, 3, 10):
            cols[f"{w}_x_len{b}"] = buckets[b] if w == group else np.zeros(m)
    matrix = np.empty((m, len(FEATURES)))
    for j, name in enumerate(FEATURES):
        matrix[:, j] = cols[name]
    return np.column_stack([first, last]) if m else np.zeros((0, 2), dtype=int), matrix


def features(question: str, sentence: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Every candidate's character span in `sentence` and its feature row (columns: `FEATURES`).

    >>> spans, rows = features("How many drones hit Ukraine?", "Russia sent 574 drones.")
    >>> ("574" in ["Russia sent 574 drones."[s:e] for s, e in spans], rows.shape[1] == len(FEATURES))
    (True, True)
    """
    sentence = sentence or ""
    spans = tokens(sentence)[:MAX_SENTENCE_TOKENS]
    if not spans or not any(c.isalnum() for c in sentence):
        return [], np.zeros((0, len(FEATURES)))
    pairs, matrix = _features(question or "", sentence, spans)
    return [(spans[a][0], spans[b][1]) for a, b in pairs.tolist()], matrix


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


def candidates(question: str, sentence: str, weights: np.ndarray | None = None) -> list[Span]:
    """The `TOP` candidate answers in `sentence`, best first, each scored by its expected F1.

    >>> s = "The war ended in 1905 with the Treaty of Portsmouth."
    >>> [s[c.start : c.end] for c in candidates("Which treaty ended the war?", s)[:1]]
    ['the Treaty of Portsmouth']
    """
    spans, matrix = features(question, sentence)
    if not spans:
        return []
    coef = np.asarray(params()["coef"], dtype=float) if weights is None else weights
    order, gain = expected_f1(spans, matrix @ coef)
    return [Span(spans[i][0], spans[i][1], float(g)) for i, g in zip(order.tolist(), gain.tolist(), strict=True)]


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
    found = candidates(question, sentence)
    if not found or not found[0].score >= float(params()["cutoff"]):
        return None
    return found[0].start, found[0].end, round(min(1.0, max(0.0, found[0].score)), 4)
