"""A question's misspelt words, searched as the articles spell them: "goverment" as "government",
"Geroge" as "George", "Celeron" as the articles' "Céloron".

People type questions fast, and a word the articles never use is worse than a missing one: BM25
finds nothing for it and the abstention rule reads it as a name the articles never mention. A
word is respelt when all of these hold:
- it has at least `MIN_LETTERS` letters (short words have too many neighbours) and is not the
  first half of a contraction ("weren't");
- its stem occurs in no article (`knows`);
- it is not an English word: pyspellchecker's English word list (a maintained list of 160,000
  words with their frequencies, loaded on first need) says so. A real word the articles happen not
  to use ("police" beside the articles' "policy") is a different question, not a typo;
- one edit (a letter dropped, added or changed, or two neighbours swapped: Damerau-Levenshtein
  distance 1, Norvig's candidates) makes it a word whose stem the articles use;
- it is among the question's first `MAX_TRIED` such unknown words (a long paste of unknown words
  is not a typo, and each one tried costs about a millisecond).
Among the candidates an English word wins over a non-word, then the commoner stem in the articles
(the lowest `idf`). The replacement keeps the typed word's capitals ("Geroge" -> "George").

A place is also spelt another way, or called by an older name, which no edit reaches: "Kiev" for
the articles' "Kyiv", "Odessa" for "Odesa", "Bombay" for "Mumbai", "Burma" for "Myanmar". A word
of `words.ALSO_CALLED` whose stem no article uses is searched as the other name the articles do use,
whatever its length and whether or not it is an English word ("Turkey" for the articles' "Türkiye").
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..index.words import ALSO_CALLED, fold, stem_words
from ..lazy import Lazy

__all__ = ["MAX_TRIED", "MIN_LETTERS", "Respelt", "as_written", "describe", "edits", "is_english", "respell"]

MIN_LETTERS = 5
ALSO_NOUNS = frozenset({"turkey", "madras"})  # a bird, a cloth: a place only with a capital
# Words tried per question: each unknown word costs ~500 candidate stems (about 1 ms), and a
# question with more unknown words than this is not a question with a typo or two.
MAX_TRIED = 8
WORD = re.compile(r"\w+")
CONTRACTION = re.compile(r"['’]t\b", re.IGNORECASE)


@dataclass(frozen=True)
class Respelt:
    """`query` with its misspelt words replaced; `changes` pairs each typed word with its replacement."""

    query: str
    changes: tuple[tuple[str, str], ...] = ()


def describe(changes: tuple[tuple[str, str], ...]) -> str:
    """One line saying which typed words were searched as the articles spell them ("" for none).

    >>> describe((("Geroge", "George"),))
    'Searched as the articles spell it: “Geroge” → “George”.'
    """
    if not changes:
        return ""
    return "Searched as the articles spell it: " + ", ".join(f"“{a}” → “{b}”" for a, b in changes) + "."


def _load_english() -> Any:
    from spellchecker import SpellChecker  # 0.3 s to load: only once a question has an unknown word

    return SpellChecker(language="en", distance=1)


ENGLISH: Lazy[Any] = Lazy(_load_english)


def is_english(word: str) -> bool:
    """Whether pyspellchecker's English word list holds `word` (any case).

    >>> is_english("Police"), is_english("goverment")
    (True, False)
    """
    return bool(ENGLISH.get().known([word.lower()]))


def edits(word: str) -> set[str]:
    """The lower-case ASCII words one edit from `word`: a letter deleted, two neighbours swapped, a
    letter replaced or inserted.

    >>> sorted(w for w in edits("teh") if w.startswith("th"))
    ['th', 'the', 'theh', 'thh']
    >>> len(edits("goverment"))  # 9 deletions, 8 swaps, 9 x 25 changes, 10 x 26 insertions, less repeats
    493
    """
    letters = string.ascii_lowercase
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deleted = {a + b[1:] for a, b in cuts if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    replaced = {a + c + b[1:] for a, b in cuts if b for c in letters}
    inserted = {a + c + b for a, b in cuts for c in letters}
    return (deleted | swapped | replaced | inserted) - {word}


def as_written(changes: tuple[tuple[str, str], ...], texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """`changes` with each replacement as the passages `texts` most often write it, when one of
    their words folds to it: with its accents, and with its inner capitals if it has any
    ("Celoron" -> "Céloron", "Mcdonalds" -> "McDonalds"); a plain word keeps the typed word's
    capitals ("goverment" -> "government" even where the passages say "Government"). Respelling
    compares folded words, and says what it did in the articles' words.

    >>> texts = ["Céloron buried plates. The Government met. Céloron left.", "McDonalds opened."]
    >>> as_written((("Celeron", "Celoron"), ("goverment", "government"), ("McDonlds", "Mcdonalds")), texts)
    (('Celeron', 'Céloron'), ('goverment', 'government'), ('McDonlds', 'McDonalds'))
    """
    if not changes:
        return changes
    forms: dict[str, Counter[str]] = {fold(new): Counter() for _, new in changes}
    for text in texts:
        for word in WORD.findall(text):
            seen = forms.get(fold(word))
            if seen is not None:
                seen[word] += 1
    out = []
    for typed, new in changes:
        seen = forms[fold(new)]
        written = seen.most_common(1)[0][0] if seen else new
        # A name spelt out for an acronym stays as the articles write it ("chief executive", not "CHIEF EXECUTIVE").
        plain = written in (written.lower(), written.capitalize()) and " " not in written
        out.append((typed, _cased(typed, written.lower()) if plain else written))
    return tuple(out)


def _cased(typed: str, word: str) -> str:
    """`word` with the capitals of `typed`: "GEROGE" -> "GEORGE", "Geroge" -> "George"."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word


def respell(
    query: str,
    knows: Callable[[str], bool],
    idf: Callable[[str], float],
    english: Callable[[str], bool] = is_english,
) -> Respelt:
    """`query` with each misspelt word (see the module docstring) replaced by the articles' word.

    `knows(stem)` says whether the articles use a stem, `idf(stem)` how rare it is in them.

    >>> stems = {"govern": 1.0, "georg": 2.0, "celoron": 3.0, "polici": 2.0}
    >>> r = respell("Did Geroge's goverment ask the police? Who is Celeron?", stems.__contains__, stems.get)
    >>> r.query
    "Did George's government ask the police? Who is Celoron?"
    >>> r.changes
    (('Geroge', 'George'), ('goverment', 'government'), ('Celeron', 'Celoron'))
    >>> respell("What did Kiev want?", {"kyiv": 1.0}.__contains__, stems.get).query
    'What did Kyiv want?'
    """
    changes: list[tuple[str, str]] = []
    tried = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal tried
        typed = match.group(0)
        word = fold(typed)
        other = ALSO_CALLED.get(word) if typed[:1].isupper() or word not in ALSO_NOUNS else None
        if other and not knows(stem_words([word])[0]):  # a place the articles call another way
            named = [name for name, stem in zip(other, stem_words(list(other)), strict=True) if knows(stem)]
            if named:
                changes.append((typed, _cased(typed, named[0])))
                return changes[-1][1]
        if len(word) < MIN_LETTERS or not (word.isascii() and word.isalpha()) or tried >= MAX_TRIED:
            return typed
        if CONTRACTION.match(query, match.end()) or knows(stem_words([word])[0]) or english(word):
            return typed
        tried += 1
        near = sorted(edits(word))
        used = [(w, s) for w, s in zip(near, stem_words(near), strict=True) if knows(s)]
        if not used:
            return typed
        best = min(used, key=lambda ws: (not english(ws[0]), idf(ws[1]), ws[0]))[0]
        changes.append((typed, _cased(typed, best)))
        return changes[-1][1]

    fixed = WORD.sub(replace, query)
    return Respelt(fixed, tuple(changes))
