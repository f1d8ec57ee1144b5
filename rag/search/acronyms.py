"""A question's acronym that no article uses, searched as the name the articles spell out: "MBTA" as
"Massachusetts Bay Transportation Authority", "FEMA" as "Federal Emergency Management Agency".

Readers write the short form ("What did the MBTA offer?") of a name a story may only spell out.
BM25 finds nothing for the short form, the vectors little, and the abstention rule reads it as a name
the articles never mention. A typed word is read as an acronym when it is two to eight capital
letters (an "s" may follow: "NGOs"), the question is not typed all in capitals, and no article uses
it; in a question typed all in lower case, a word of two to six letters that is not an English
word and that no article uses ("mbta", "ceo"). Its spelling out is a run of capitalised words in
the articles whose initials are its letters, in order, within one line:
- it starts and ends with a capitalised word; a small joining word between them counts or is
  skipped ("National Aeronautics and Space Administration" is NASA, "Department of Defense" DOD),
  and so do a hyphen's parts ("Asteroid Terrestrial-impact Last Alert System" is ATLAS);
- two letters are two capitalised words side by side ("United Nations"; not "Canada and Mexico");
- the commonest such run wins, then the first seen.
An English word typed in capitals is not read as one ("AM", "OR", "IT"), and at most
`MAX_TRIED` are read per question: each one not yet met reads all the articles' text.
A title is mostly written out in lower case, and often shorter than its letters ("Jensen Huang,
the company's chief executive"): for the letters of a title in `TITLES` its forms are looked for
first, as words of any case, the longest form first. An acronym nothing spells out is left as
typed (the abstention's "never mention" stays true).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

__all__ = ["ACRONYM", "MAX_TRIED", "acronyms_in", "shorten_titles", "spell_out", "spelled_out"]

ACRONYM = re.compile(r"\b(?P<letters>[A-Z]{2,8})(?:s\b|\b)")
# A short word typed in lower case, not a contraction's half ("didn't", "we've").
LOWER = re.compile(r"(?<!['’])\b[a-z]{2,6}\b(?!['’])")
JOINING = ("of", "and", "for", "the", "on", "in", "at", "to", "de", "du", "&")
SPACE = r"[^\S\n]+"  # within a line: a headline is not run into the text below it
MAX_TRIED = 3  # acronyms read per question
# Titles news writes out in lower case, each with its forms, longest first.
TITLES = {
    "CEO": ("chief executive officer", "chief executive"),
    "CFO": ("chief financial officer",),
    "COO": ("chief operating officer",),
    "CTO": ("chief technology officer",),
    "PM": ("prime minister",),
    "AG": ("attorney general",),
    "DA": ("district attorney",),
    "MP": ("member of parliament",),
    "VP": ("vice president",),
}


@lru_cache(maxsize=256)
def pattern(letters: str) -> re.Pattern[str]:
    """The runs of words in one line whose initials are `letters`: capitalised words, the first
    and the last always; between them a small joining word may count for its letter, and one may
    sit uncounted between two words; a hyphen's parts count or not. Two letters are two
    capitalised words side by side.

    >>> bool(pattern("DOD").fullmatch("Department of Defense"))
    True
    >>> bool(pattern("DHS").fullmatch("Department of Homeland Security"))
    True
    >>> bool(pattern("ATLAS").fullmatch("Asteroid Terrestrial-impact Last Alert System"))
    True
    >>> bool(pattern("TPP").fullmatch("Trans-Pacific Partnership")), bool(pattern("CM").search("Canada and Mexico"))
    (True, False)
    >>> bool(pattern("AM").search("called at 10 and Mr Trump")), bool(pattern("SB").search("Strike\\n\\nBoston"))
    (False, False)
    """
    joining = "|".join(map(re.escape, JOINING))

    def capitalised(letter: str) -> str:
        return rf"{letter}[\w'’]*+(?:-[\w'’]++)*"  # a hyphen's parts may be given back to count

    def word(letter: str) -> str:
        small = [re.escape(w) for w in JOINING if w[0] == letter.lower()]
        return "(?:" + "|".join([capitalised(letter), *small]) + ")"

    def then(letter: str, last: bool) -> str:
        here = capitalised(letter) if last else word(letter)
        return rf"(?:{SPACE}(?:(?:{joining}){SPACE})?{here}|-[{letter}{letter.lower()}][\w'’]*+)"

    if len(letters) == 2:
        return re.compile(rf"\b{capitalised(letters[0])}{SPACE}{capitalised(letters[1])}(?![\w-])")
    middle = "".join(then(letter, last=False) for letter in letters[1:-1])
    return re.compile(rf"\b{capitalised(letters[0])}{middle}{then(letters[-1], last=True)}(?![\w-])")


def spelled_out(letters: str, texts: Iterable[str]) -> str | None:
    """The name in `texts` whose initials are the acronym `letters` (see the module docstring):
    for a title of `TITLES`, its commonest written form; else the commonest run; else None.

    >>> texts = ["Thousands left the Massachusetts Bay Transportation Authority's buses.", "FEMA said so."]
    >>> spelled_out("MBTA", texts), spelled_out("FEMA", texts), spelled_out("NATO", texts)
    ('Massachusetts Bay Transportation Authority', None, None)
    >>> spelled_out("CEO", ["Jensen Huang, the company's chief executive, spoke.", "Chinese Energy Officials met."])
    'chief executive'
    """
    texts = list(texts)
    for form in TITLES.get(letters, ()):
        written = Counter(m.group(0) for text in texts for m in re.finditer(rf"\b{form}\b", text, re.IGNORECASE))
        if written:
            return written.most_common(1)[0][0]
    runs = (match.group(0) for text in texts for match in pattern(letters).finditer(text))
    found = Counter(run.removesuffix("'s").removesuffix("’s") for run in runs)
    return found.most_common(1)[0][0] if found else None


def acronyms_in(
    query: str, knows: Callable[[str], bool], english: Callable[[str], bool] | None = None
) -> list[tuple[str, str]]:
    """The typed acronyms of `query` the articles do not use (`knows` reads a lower-case word),
    in order, each as typed and as its letters, at most `MAX_TRIED`; none when the question is
    typed all in capitals. An English word (`english`) is none ("AM", "OR"). A question typed all
    in lower case ("who is the ceo of nvidia") has its short words tried too: two to six letters,
    not English words.

    >>> acronyms_in("What did the MBTA and NASA offer NGOs?", {"nasa"}.__contains__)
    [('MBTA', 'MBTA'), ('NGOs', 'NGO')]
    >>> acronyms_in("WHAT DID THE MBTA OFFER?", set().__contains__)
    []
    >>> english = {"what", "did", "the", "am", "or"}.__contains__
    >>> acronyms_in("what did the mbta offer the staff", {"staff"}.__contains__, english)
    [('mbta', 'MBTA'), ('offer', 'OFFER')]
    >>> acronyms_in("Did the MBTA call at 10 AM OR later?", set().__contains__, english)
    [('MBTA', 'MBTA')]
    """
    if not any(c.islower() for c in query):
        return []
    if any(c.isupper() for c in query) or english is None:
        found = [(m.group(0), m.group("letters")) for m in ACRONYM.finditer(query)]
    else:
        found = [(w, w.upper()) for w in LOWER.findall(query)]
    # The articles' words first: the English word list loads only for a word they do not use.
    unknown = [(typed, letters) for typed, letters in found if not knows(letters.lower())]
    read = [(typed, letters) for typed, letters in unknown if english is None or not english(letters.lower())]
    return list(dict.fromkeys(read))[:MAX_TRIED]


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
    query, titled = shorten_titles(query, knows)
    return query, tuple(changes) + titled


def shorten_titles(query: str, knows: Callable[[str], bool]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`query` with a title it spells out (`TITLES`) also searched by the letters the articles
    write it with: "Who is the chief executive of Veritek?" meets "Veritek CEO Lena Hargrove".

    >>> shorten_titles("Who is the chief executive of Veritek?", {"ceo"}.__contains__)
    ('Who is the chief executive CEO of Veritek?', (('chief executive', 'chief executive CEO'),))
    >>> shorten_titles("Who is the chief executive of Veritek?", set().__contains__)[1]
    ()
    """
    changes = []
    for letters, forms in TITLES.items():
        # Three letters at least: "pm" and "da" are also the articles' "p.m." and "da Silva".
        if len(letters) < 3 or not knows(letters.lower()) or re.search(rf"\b{letters}\b", query):
            continue
        for form in forms:
            found = re.search(rf"\b{form}\b", query, re.IGNORECASE)
            if found:
                both = f"{found.group(0)} {letters}"
                query = query[: found.start()] + both + query[found.end() :]
                changes.append((found.group(0), both))
                break
    return query, tuple(changes)
