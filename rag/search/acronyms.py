"""A question's acronym that no article uses, searched as the name the articles spell out: "MBTA" as
"Massachusetts Bay Transportation Authority", "FEMA" as "Federal Emergency Management Agency".

Readers write the short form ("What did the MBTA offer?") of a name a story may only spell out.
BM25 finds nothing for the short form, the vectors little, and the abstention rule reads it as a name
the articles never mention. A typed word is read as an acronym when it is two to eight capital
letters (an "s" may follow: "NGOs"), the question is not typed all in capitals, and no article uses
it; in a question typed all in lower case, a word of two to six letters that is not an English
word and that no article uses ("mbta", "ceo"). Its spelling out is a run of capitalised words in
the articles whose initials are its letters, in order:
- small joining words between them are skipped or count ("National Aeronautics and Space
  Administration" is NASA, "Department of Defense" DOD), as are a hyphen's parts ("Asteroid
  Terrestrial-impact Last Alert System" is ATLAS);
- the commonest such run wins, then the first seen.
A title is mostly written out in lower case, and often shorter than its letters ("Jensen Huang,
the company's chief executive"): the titles of `TITLES` are looked for as words of any case, the
longest form first. An acronym nothing spells out is left as typed (the abstention's "never
mention" stays true).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

__all__ = ["ACRONYM", "acronyms_in", "spell_out", "spelled_out"]

ACRONYM = re.compile(r"\b(?P<letters>[A-Z]{2,8})(?:s\b|\b)")
JOINING = ("of", "and", "for", "the", "on", "in", "at", "to", "de", "du", "&")
# Titles news writes out in lower case, each with its forms, longest first.
TITLES = {
    "CEO": ("chief executive officer", "chief executive"),
    "CFO": ("chief financial officer",),
    "COO": ("chief operating officer",),
    "CTO": ("chief technology officer",),
    "PM": ("prime minister",),
    "AG": ("attorney general",),
    "DA": ("district attorney",),
    "MP": ("member of parliament", "lawmaker"),
    "VP": ("vice president",),
}


@lru_cache(maxsize=256)
def pattern(letters: str) -> re.Pattern[str]:
    """The runs of words whose initials are `letters`: each a capitalised word, or a small joining
    word that starts with the letter; joining words may also sit between them uncounted, and a
    hyphen's parts count or not.

    >>> bool(pattern("DOD").fullmatch("Department of Defense")), bool(pattern("DD").fullmatch("Department of Defense"))
    (True, True)
    >>> bool(pattern("ATLAS").fullmatch("Asteroid Terrestrial-impact Last Alert System"))
    True
    >>> bool(pattern("TPP").fullmatch("Trans-Pacific Partnership"))
    True
    """
    skipped = r"(?:\s+(?:" + "|".join(map(re.escape, JOINING)) + r"))*\s+"

    def word(letter: str) -> str:
        small = [re.escape(w) for w in JOINING if w[0] == letter.lower()]
        return rf"(?:{letter}[\w'’]*(?:-[\w'’]+)*" + "".join(f"|{w}" for w in small) + ")"

    parts = [rf"\b{word(letters[0])}"]
    for letter in letters[1:]:
        parts.append(rf"(?:{skipped}{word(letter)}|-[{letter}{letter.lower()}][\w'’]*)")
    return re.compile("".join(parts) + r"(?![\w-])")


def spelled_out(letters: str, texts: Iterable[str]) -> str | None:
    """The commonest run of words in `texts` whose initials are the acronym `letters` (see the
    module docstring), or None.

    >>> texts = ["Thousands left the Massachusetts Bay Transportation Authority's buses.", "FEMA said so."]
    >>> spelled_out("MBTA", texts), spelled_out("FEMA", texts), spelled_out("NATO", texts)
    ('Massachusetts Bay Transportation Authority', None, None)
    >>> spelled_out("CEO", ["Jensen Huang, the company's chief executive, spoke."])
    'chief executive'

    """
    texts = list(texts)
    runs = (match.group(0) for text in texts for match in pattern(letters).finditer(text))
    found = Counter(run.removesuffix("'s").removesuffix("’s") for run in runs)
    if found:
        return found.most_common(1)[0][0]
    for form in TITLES.get(letters, ()):
        written = Counter(m.group(0) for text in texts for m in re.finditer(rf"\b{form}\b", text, re.IGNORECASE))
        if written:
            return written.most_common(1)[0][0]
    return None


def acronyms_in(
    query: str, knows: Callable[[str], bool], english: Callable[[str], bool] | None = None
) -> list[tuple[str, str]]:
    """The typed acronyms of `query` the articles do not use (`knows` reads a lower-case word),
    in order, each as typed and as its letters; none when the question is typed all in capitals.
    A question typed all in lower case ("who is the ceo of nvidia") has its short words tried
    too, two to six letters that are not English words (`english`).

    >>> acronyms_in("What did the MBTA and NASA offer NGOs?", {"nasa"}.__contains__)
    [('MBTA', 'MBTA'), ('NGOs', 'NGO')]
    >>> acronyms_in("WHAT DID THE MBTA OFFER?", set().__contains__)
    []
    >>> acronyms_in("what did the mbta offer the staff", {"staff"}.__contains__, {"what", "did", "the"}.__contains__)
    [('mbta', 'MBTA'), ('offer', 'OFFER')]
    """
    if not any(c.islower() for c in query):
        return []
    if any(c.isupper() for c in query) or english is None:
        found = [(m.group(0), m.group("letters")) for m in ACRONYM.finditer(query)]
    else:
        words = [w for w in re.findall(r"\b[a-z]{2,6}\b", query) if not knows(w)]
        found = [(w, w.upper()) for w in words if not english(w)]  # the word list loads only for unknown words
    return list(dict.fromkeys((typed, letters) for typed, letters in found if not knows(letters.lower())))


def spell_out(
    query: str,
    knows: Callable[[str], bool],
    spelled: Callable[[str], str | None],
    english: Callable[[str], bool] | None = None,
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`query` with each acronym the articles do not use (`acronyms_in`) replaced by the name
    `spelled(letters)` says they spell out, and the (typed, replacement) pairs.

    >>> spell_out("Did the MBTA offer more?", set().__contains__, {"MBTA": "Bay Authority"}.get)
    ('Did the Bay Authority offer more?', (('MBTA', 'Bay Authority'),))
    """
    changes = []
    for typed, letters in acronyms_in(query, knows, english):
        name = spelled(letters)
        if name:
            query = re.sub(rf"\b{re.escape(typed)}\b", name, query)
            changes.append((typed, name))
    return query, tuple(changes)
