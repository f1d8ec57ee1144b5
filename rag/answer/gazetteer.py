"""The places a sentence names in capitals, from a list of place names (`gazetteer.json`, written
by `python -m eval.gazetteer` from GeoNames): countries, capitals, continents, US states and cities
of 100,000 people or more, in one word or several ("Geneva", "South Carolina", "Mexico City").

The question model reads them as the place a "Where ...?" question wants when no preposition
introduces them ("the city of Geneva", "North Korea gave up ..."). A name that is also an English word
("Anchorage", "Nice", "Mobile") counts only after the text's first word. The list is read on first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import RagError
from ..index.words import STOPWORDS_EN, fold

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.json")
# Runs of capitalised words, accented capitals included ("Charleston, South Carolina" holds two);
# a possessive ends a run ("New York’s City Hall" names New York).
UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
CAPITALISED_RUN = re.compile(rf"[{UPPER}][\w-]*(?:[ \t]+[{UPPER}][\w-]*)*(?:[’']s\b)?")
WORD = re.compile(rf"([{UPPER}][\w-]*)(?:[’']s\b)?")
OPENING = " \t\n“\"‘'(«[—–-•…"  # what may come before a text's first word


@dataclass(frozen=True)
class _Names:
    """The folded place names, those that are also words, and the first word of each (to skip fast)."""

    places: frozenset[str]
    words: frozenset[str]
    firsts: frozenset[str]
    openers: frozenset[str]  # stop words that begin a name: "the" (The Hague)
    longest: int  # the most words any name has


@lru_cache(maxsize=1)
def _names() -> _Names:
    try:
        data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
        places, words = frozenset(map(fold, data["places"])), frozenset(map(fold, data["words"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RagError(f"cannot read {GAZETTEER_FILE} ({exc}); reinstall rag or run python -m eval.gazetteer") from None
    firsts = frozenset(p.split(" ", 1)[0] for p in places)
    openers = firsts & STOPWORDS_EN
    return _Names(places, words, firsts, openers, max((p.count(" ") + 1 for p in places), default=1))


def places_in(text: str) -> frozenset[str]:
    """The listed places `text` names in capitals, folded; the longest name wins where names overlap.

    >>> sorted(places_in("Many settled near present-day Charleston, South Carolina, and Geneva’s people."))
    ['charleston', 'geneva', 'south carolina']
    >>> places_in("Mobile phones reached North Korea."), places_in("They flew to Anchorage.")
    (frozenset({'north korea'}), frozenset({'anchorage'}))

    A name of one word counts only as a whole run of capitals (a stop word such as "In" opening
    the run aside): in "Irving Berlin", "Geneva Convention" or "Washington Post" it names
    something else.

    >>> places_in("In Zürich, Irving Berlin read the Washington Post."), places_in("The Hague ruled.")
    (frozenset({'zurich'}), frozenset({'the hague'}))
    """
    names = _names()
    found = set()
    opening = len(text) - len(text.lstrip(OPENING))  # where the first word starts
    for run in CAPITALISED_RUN.finditer(text):
        words = [fold(w) for w in WORD.findall(run.group(0))]
        first = run.start() <= opening
        while words and words[0] in STOPWORDS_EN and words[0] not in names.openers:  # "In Geneva"
            words, first = words[1:], False
        i = 0
        while i < len(words):
            if words[i] not in names.firsts and words[i] not in names.words:
                i += 1
                continue
            for n in range(min(names.longest, len(words) - i), 0, -1):
                name = " ".join(words[i : i + n])
                whole = n == len(words)
                if (name in names.places and (n > 1 or whole)) or (whole and name in names.words and not first):
                    found.add(name)
                    i += n
                    break
            else:
                i += 1
    return frozenset(found)
