"""Whether a sentence gives the count a "how many" question asks for: a number right before the
counted noun ("574 drones"), or, for "how many people", before any noun for people ("1.2 million
daily riders", "4,000 residents": WordNet's nouns in `persons.json`, by `python -m eval.persons`).
`question.analyse` reads the counted noun (`Question.counted`); the evidence tests sentences with
`counts`, and the short answer marks the noun's words.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from ..index.words import tokenize
from .figures import NUMBER

__all__ = ["PEOPLE", "counts", "persons"]

# "How many people ...?" counts any noun for people ("riders", "residents").
PEOPLE = frozenset({"peopl", "person", "individu", "human"})
SIZES = frozenset({"hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "dozen", "dozens"})
WORD = re.compile(r"[a-z]+")


def counts(sentence: str, noun_stem: str) -> bool:
    """Whether `sentence` puts a number right before the counted noun ("574 drones"); for people,
    before any noun for people (`persons`: "1.2 million daily riders", "4,000 residents").

    >>> counts("with 574 drones hitting targets", "drone"), counts("two regions of Ukraine", "drone")
    (True, False)
    >>> counts("forcing 1.2 million daily riders to walk", "peopl"), counts("within 30 seconds", "peopl")
    (True, False)
    """
    if noun_stem in PEOPLE:
        found = persons()
        return any(word in found for following in _words_after_numbers(sentence) for word in following)
    return any(noun_stem in following for following in _after_numbers(sentence))


@lru_cache(maxsize=4096)
def _words_after_numbers(sentence: str) -> tuple[tuple[str, ...], ...]:
    """The two words after each number in `sentence`, in lower case, past its size ("1.2 million")
    and before any punctuation ("in three days, leaders" counts days).

    >>> _words_after_numbers("forcing 4,000 daily riders out; 3 days, leaders")
    ((), ('daily', 'riders'), ('daily', 'riders'), ('daily', 'riders'), ('days',))
    """
    found = []
    for m in NUMBER.finditer(sentence):
        clause = re.split(r"[^\w\s'’-]", sentence[m.end() : m.end() + 40], maxsplit=1)[0].lower()
        words = [w for w in WORD.findall(clause) if w not in SIZES]
        found.append(tuple(words[:2]))
    return tuple(found)


@lru_cache(maxsize=1)
def persons() -> frozenset[str]:
    """The nouns for people and their plurals, from WordNet (`rag/answer/persons.json`, by `python -m eval.persons`)."""
    data = json.loads(resources.files("rag.answer").joinpath("persons.json").read_text(encoding="utf-8"))
    return frozenset(data["persons"])


@lru_cache(maxsize=4096)
def _after_numbers(sentence: str) -> tuple[tuple[str, ...], ...]:
    """The first three word stems after each number in `sentence`."""
    return tuple(tuple(tokenize([sentence[m.end() : m.end() + 40]])[0][:3]) for m in NUMBER.finditer(sentence))
