"""Typed answer candidates in a sentence: numbers, amounts, dates, durations, names, places,
"the X of Y" phrases and lists "A, B and C", found by regular expressions (those of `rag.question`,
widened to whole spans) and snapped to token boundaries.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import numpy as np

from ..ingest.cleaning import MONTH
from .figures import AMOUNT, CENTURY, CLOCK, DURATION, NUMBER_WORDS, UNIT, WEEKDAY, YEAR
from .question import ENTITY, NAME, NOT_ENTITIES, PLACE

TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\d[\d,.:]*\d%?|\d%?|\w+(?:[’'-]\w+)*|[$€£]|[^\w\s]")

_NUM = (
    rf"(?:[$€£]\s?)?(?<![\d,.])\d[\d,.]*+(?:\s*(?:%|percent|per cent))?"
    rf"|(?:{NUMBER_WORDS}|one|a|an)(?:[\s-]+(?:{NUMBER_WORDS}))*"
)
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion|trillion))?"
_APPROX = (
    r"(?:(?:about|around|roughly|nearly|almost|over|under|some|more than|less than|fewer than|at least|up to)\s+)?"
)
NUMBER_SPAN = re.compile(
    rf"(?<![\w.,]){_APPROX}(?:[$€£]\s?\d[\d,.]*|\d[\d,.]*(?:\s*(?:%|percent|per cent))?){_SCALE}", re.I
)
WORD_NUMBER = re.compile(rf"\b{_APPROX}(?:{NUMBER_WORDS})(?:[\s-]+(?:{NUMBER_WORDS}))*{_SCALE}\b", re.I)
DATE_SPAN = re.compile(
    rf"\b(?:{WEEKDAY},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{MONTH}(?!\w)(?:\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d))?(?:,?\s+\d{{4}})?"
    rf"|{YEAR}|{CENTURY}|\b{WEEKDAY}\b|{CLOCK}"
)
DURATION_SPAN = re.compile(
    rf"\b{_APPROX}(?:{_NUM}|half an?|a few|several)[\s-]+(?:and a half\s+)?{UNIT}\b|{DURATION.pattern}", re.I
)
MAYBE_DURATION = re.compile(rf"{UNIT}|overnight|within|until|end of the year", re.I)
PERCENT = re.compile(r"%|\bper ?cent", re.I)
MAYBE_LIST = re.compile(r"\s(?:and|or)\s")
THE_OF = re.compile(
    r"\b(?:the\s+)?[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*"
)
_ITEM = r"(?:the\s+)?(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|[\w’'-]+)"
LIST_SPAN = re.compile(rf"{_ITEM}(?:,\s+{_ITEM})*,?\s+(?:and|or)\s+{_ITEM}")
KINDS = ("number", "amount", "date", "duration", "name", "entity", "place", "the_of", "list")
# Which typed candidates answer each expected answer type of `rag.question.analyse`.
FITS = {
    "number": ("number",),
    "amount": ("amount", "number"),
    "measure": ("number",),  # the number; `short_answer.with_unit` adds its unit
    "age": ("number",),
    "score": ("number",),  # each side's number; `short_answer.with_unit` widens it to the score
    "clock": ("date",),
    "date": ("date",),
    "duration": ("duration",),
    "place": ("place", "entity"),
    "person": ("name", "entity"),
}


def tokens(sentence: str) -> list[tuple[int, int]]:
    """Token spans of `sentence`: words, numbers ("1,200", "3.5%"), abbreviations and single marks.

    >>> t = "The U.S. paid $1,200, on 3 March."
    >>> [t[s:e] for s, e in tokens(t)]
    ['The', 'U.S.', 'paid', '$', '1,200', ',', 'on', '3', 'March', '.']
    """
    return [m.span() for m in TOKEN.finditer(sentence)]


def overlapping(spans: Sequence[tuple[int, int]], ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each character span, whether it shares a character with any of `ranges`.

    >>> overlapping([(0, 4), (5, 9), (10, 12)], [(3, 6)]).tolist()
    [True, True, False]
    """
    return np.array([any(a < end and start < b for a, b in ranges) for start, end in spans], dtype=bool)


def typed_spans(sentence: str, spans: list[tuple[int, int]]) -> dict[str, list[tuple[int, int]]]:
    """Token-index spans (first, last) of each kind of typed candidate, over `spans` = `tokens(sentence)`.

    >>> s = "Raiders from Denmark, Iceland and Norway came on 3 March 911."
    >>> [s[tokens(s)[a][0] : tokens(s)[b][1]] for a, b in typed_spans(s, tokens(s))["list"]]
    ['Denmark, Iceland and Norway']
    """
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]

    def snap(a: int, b: int) -> tuple[int, int] | None:
        first = bisect.bisect_right(ends, a)
        last = bisect.bisect_left(starts, b) - 1
        while last >= first and sentence[spans[last][0] : spans[last][1]] in (",", ".", ";", ":"):
            last -= 1
        return (first, last) if first <= last else None

    found: dict[str, list[tuple[int, int]]] = {k: [] for k in KINDS}
    patterns: list[tuple[str, re.Pattern[str]]] = [
        ("number", NUMBER_SPAN),
        ("number", WORD_NUMBER),
        ("amount", AMOUNT),
        ("date", DATE_SPAN),
        ("duration", DURATION_SPAN),
        ("name", NAME),
        ("entity", ENTITY),
        ("the_of", THE_OF),
        ("list", LIST_SPAN),
    ]
    for kind, pattern in patterns:
        if (kind == "duration" and not MAYBE_DURATION.search(sentence)) or (
            kind == "list" and not MAYBE_LIST.search(sentence)
        ):
            continue  # cheap checks first: these two patterns are the slowest
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
        if snapped and not DATE_SPAN.match(sentence, spans[snapped[0]][0]):  # "in August" is no place
            found["place"].append(snapped)
    return found
