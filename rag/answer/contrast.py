"""Whether a sentence answers a different question than the one asked, on the face of it: an
opposite of a question word (WordNet's, in `antonyms.json`, by `python -m eval.antonyms`), another
member of a closed class (another month, weekday, number word, ordinal, compass point), or another
figure. The abstention model reads it as a feature.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from ..index.words import tokenize

__all__ = ["antonyms", "contrast"]

# Words of one closed class: a question naming one member and a sentence naming another, and not
# the first, are about different things ("on Tuesday" / "on Wednesday"). "One", "may" and "march"
# are left out: they are pronouns and verbs as often as members.
CLASSES = (
    frozenset(
        {"january", "february", "april", "june", "july", "august", "september", "october", "november", "december"}
    ),
    frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}),
    frozenset(
        {
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "hundred",
        }
    ),
    frozenset({"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}),
    frozenset({"north", "south", "east", "west"}),
)
_DIRECTIONS = {"northern": "north", "southern": "south", "eastern": "east", "western": "west"}
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_DIGITS = {w: str(i) for i, w in enumerate(_NUMBERS)}
# A number, not a decade ("1700s") or an ordinal ("17th").
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*(?!\d|s\b|th\b|st\b|nd\b|rd\b)")


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Stem -> the stems of its opposites, from WordNet (`rag/answer/antonyms.json`, by `python -m eval.antonyms`)."""
    data = json.loads(resources.files("rag.answer").joinpath("antonyms.json").read_text(encoding="utf-8"))
    return {stem: frozenset(opposites) for stem, opposites in data["antonyms"].items()}


# The stems of the words that ask ("how many", "how much"), not of what is asked about.
ASKING = frozenset({"mani", "much"})


def _words(text: str) -> set[str]:
    return {_DIRECTIONS.get(w, w) for w in re.findall(r"[a-z]+", text.lower())}


def contrast(question: str, sentence: str) -> float:
    """1.0 when `sentence` answers a different question than `question` asks, on the face of it: it
    lacks a word of the question and has that word's opposite ("accepted" / "rejected", "largest" /
    "smallest"), another member of its class (another month, weekday, number word, ordinal, compass
    point), or another figure (the question's 2019 is not in the sentence, which gives 2021).

    >>> contrast("Who accepted the ceasefire plan?", "Moscow rejected the ceasefire plan.")
    1.0
    >>> contrast("Which deal was signed on Monday?", "The grain deal was signed on Friday.")
    1.0
    >>> contrast("What happened at the summit in 2019?", "The summit was held in 2021.")
    1.0
    >>> contrast("Who rejected the ceasefire plan?", "Moscow rejected the ceasefire plan.")
    0.0
    >>> contrast("How many days is the bay warmer than 75 degrees?", "It exceeds 75 degrees for 23 days, not fewer.")
    0.0
    """
    asked, said = _words(question), _words(sentence)
    if any((asked & members) - said and (said & members) - asked for members in CLASSES):
        return 1.0
    figures = set(_FIGURE.findall(question))
    stated = set(_FIGURE.findall(sentence)) | {_DIGITS[w] for w in said if w in _DIGITS}
    if figures - stated and stated - figures - {_DIGITS[w] for w in said if w in _DIGITS}:
        return 1.0
    q_stems, s_stems = map(set, tokenize([question, sentence]))
    q_stems -= ASKING  # "how many" asks; "fewer than three" is no opposite of it
    opposite = antonyms()
    return float(any(t not in s_stems and (opposite.get(t, frozenset()) & s_stems) - q_stems for t in q_stems))
