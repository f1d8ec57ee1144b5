"""A person named by their office, searched by their name: "Kyiv's leader" as Zelenskyy, "the
Kremlin's chief diplomat" as Lavrov, when the articles introduce that person with that office.

News introduces people once by nationality and office ("Russian Foreign Minister Sergei Lavrov",
"Ukrainian President Volodymyr Zelensky") and then by name alone ("Mr Lavrov said ..."). A
question written by someone else often names the office instead ("What did Kyiv's leader say
...?"), and then neither BM25 nor the embedding meets the passage that says "Zelensky". So:

- `introduced` reads, in an article's text, each person introduced as "<country or its adjective>
  <office> <Name Name>" (the office one of `OFFICES`; a former office, or a vice or deputy one,
  is not theirs);
- `offices_asked` reads, in a question, "<place>'s <role>", "the <place> <role>" or "the <role> of
  <place>" ("Kyiv's leader", "the Kremlin leader", "the president of Ukraine"), a place being a
  country, its adjective, its capital (words.py's list) or one of `SEATS` ("the Kremlin");
- `expand` adds to the query the name of the one person the articles introduce with that office
  of that country, in every spelling they use ("Zelensky", "Zelenskyy"), unless the question
  already names them or the articles introduce several people so.

Nothing is added when in doubt: an office the articles give no one, or give two people of a
country, leaves the question as it is. Only the search reads the added names; the answer is still
judged against the question as asked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..index.words import country_of, fold, tokenize

__all__ = ["HEADS", "OFFICES", "ROLES", "SEATS", "Introduced", "expand", "introduced", "offices_asked"]

# Offices as articles write them before a name, each under the kind of office it is.
OFFICES = {
    "president": "president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "chancellor": "chancellor",
    "foreign minister": "diplomat",
    "foreign secretary": "diplomat",
    "secretary of state": "diplomat",
    "defence minister": "defence",
    "defense minister": "defence",
    "defence secretary": "defence",
    "defense secretary": "defence",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
}
HEADS = {"president", "prime minister", "chancellor"}
# What a question may call an office: the kinds it stands for. A "leader" or "head of state" is
# any head of state or government; a "president" only a president.
ROLES = {
    "leader": HEADS,
    "head of state": HEADS,
    "head of government": HEADS,
    "chief diplomat": {"diplomat"},
    "top diplomat": {"diplomat"},
    **{office: {kind} for office, kind in OFFICES.items()},
}
# Buildings and places that news names a government by, with the country (as `tokenize` stems it).
SEATS = {"kremlin": "russia", "white house": "america", "downing street": "britain", "elysee": "franc"}  # folded

_OFFICE = "|".join(sorted(map(re.escape, OFFICES), key=len, reverse=True))
_ROLE = "|".join(sorted(map(re.escape, ROLES), key=len, reverse=True))
_PLACE = r"[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?"
_NAME = r"[A-Z](?:\.|[\w'’-]*)(?:\s+[A-Z](?:\.|[\w'’-]*)){1,2}"  # "Sergei Lavrov", "Andrew S. Weiss"
# "Russian Foreign Minister Sergei Lavrov", "Russia's foreign minister, Sergei V. Lavrov", "Kremlin
# spokesman Dmitry Peskov": the office in either case, the place and the name capitalised, the name
# not a title ("the Russian president, Mr. Putin" introduces no first name).
INTRODUCED = re.compile(
    rf"\b(?P<place>{_PLACE})(?:['’]s)?\s+(?i:(?P<office>{_OFFICE})),?\s+(?!(?:Mr|Mrs|Ms|Dr|Sir)\b)(?P<name>{_NAME})"
)
NOT_THEIRS = re.compile(r"\b(?:former|ex-|late|then|vice|deputy|acting|interim)\s*$", re.IGNORECASE)
POSSESSIVE = re.compile(r"['’]s$")
ASKED = (  # "Kyiv's leader", "the Kremlin leader"; "the president of Ukraine"
    re.compile(rf"\b(?P<place>{_PLACE})(?:['’]s?)?\s+(?i:(?P<role>{_ROLE}))\b"),
    re.compile(rf"\b(?i:(?P<role>{_ROLE}))\s+of\s+(?:the\s+)?(?P<place>{_PLACE})"),
)


@dataclass(frozen=True)
class Introduced:
    """A person an article introduces with an office: "Russian Foreign Minister Sergei Lavrov"."""

    name: str  # "Sergei Lavrov"
    country: str  # as `tokenize` stems it: "russia"
    kind: str  # the kind of office (OFFICES): "diplomat"


@lru_cache(maxsize=4096)
def country(place: str) -> str | None:
    """The country `place` names, as `tokenize` stems it: a country, its adjective or capital
    ("Russian", "Moscow"), or a seat of government ("the Kremlin"); else None.

    >>> country("Kyiv"), country("Russian"), country("the Kremlin"), country("U.S."), country("Anchorage")
    ('ukrain', 'russia', 'russia', 'america', None)
    """
    seat = SEATS.get(" ".join(fold(place).removeprefix("the ").split()))
    if seat:
        return seat
    # With "the" (a stop word) in front, "US" is read as a name, not as a text in capitals ("LET US").
    terms = tokenize([f"the {place}"])[0]
    return country_of(terms[0]) if len(terms) == 1 else None


def _named_place(text: str, m: re.Match[str]) -> str | None:
    """The country named by match `m`'s place in `text`: by the whole place or, failing that, its
    last word ("Former Russian President": "Russian"); None when it names none, ends a sentence
    ("Ukraine. Foreign minister ..."), or the office is not the person's own ("former", "vice")."""
    place = m["place"]
    for words in (place, place.split()[-1]):
        if words.endswith(".") and "." not in words[:-1]:
            return None
        land = country(words)
        if land:
            before = text[max(0, m.end("place") - len(words) - 20) : m.end("place") - len(words)]
            return None if NOT_THEIRS.search(before) else land
    return None


def introduced(text: str) -> list[Introduced]:
    """The people `text` introduces with an office of a country.

    >>> introduced("Russian Foreign Minister Sergei Lavrov said. Former Russian President Dmitry Medvedev wrote.")
    [Introduced(name='Sergei Lavrov', country='russia', kind='diplomat')]
    >>> introduced("Vice President JD Vance met Ukrainian President Volodymyr Zelensky’s aides")
    [Introduced(name='Volodymyr Zelensky', country='ukrain', kind='president')]
    >>> introduced("It shelled Ukraine. Foreign minister Sergey Lavrov said. U.S. President Donald Trump")
    [Introduced(name='Donald Trump', country='america', kind='president')]
    >>> introduced("Russia's foreign minister, Sergei V. Lavrov, met the Russian president, Mr. Putin.")
    [Introduced(name='Sergei V. Lavrov', country='russia', kind='diplomat')]
    """
    found = []
    for m in INTRODUCED.finditer(text):
        land = _named_place(text, m)
        if land:
            found.append(Introduced(POSSESSIVE.sub("", m["name"]), land, OFFICES[m["office"].lower()]))
    return found


def offices_asked(question: str) -> list[tuple[str, set[str]]]:
    """Each (country, kinds of office) that `question` names a person by.

    >>> offices_asked("What did Kyiv's leader say the Russians are trying to avoid?") == [("ukrain", HEADS)]
    True
    >>> offices_asked("What did the Kremlin's chief diplomat propose?"), offices_asked("Which US President wrote?")
    ([('russia', {'diplomat'})], [('america', {'president'})])
    >>> offices_asked("Who is the president of Ukraine?"), offices_asked("What did the leaders agree?")
    ([('ukrain', {'president'})], [])
    >>> offices_asked("What did the former Russian president write?")
    []
    """
    asked = []
    for pattern in ASKED:
        for m in pattern.finditer(question):
            land = _named_place(question, m)
            if land:
                asked.append((land, ROLES[m["role"].lower()]))
    return asked


def expand(question: str, people: Iterable[Introduced]) -> str:
    """`question` with the name of each person it names by office, when the articles introduce
    exactly one person with that office of that country (in every spelling they use).

    >>> people = introduced("Ukrainian President Volodymyr Zelensky met Russian President Vladimir Putin. "
    ...                     "Ukrainian President Volodymyr Zelenskyy said.")
    >>> expand("What did Kyiv's leader say?", people)
    "What did Kyiv's leader say? Volodymyr Zelensky Zelenskyy"
    >>> expand("What did Zelensky, Kyiv's leader, say?", people), expand("What did Paris say?", people)
    ("What did Zelensky, Kyiv's leader, say?", 'What did Paris say?')
    """
    asked = offices_asked(question)
    if not asked:
        return question
    people = list(people)
    added: list[str] = []
    for land, kinds in asked:
        person = _one_person([p.name for p in people if p.country == land and p.kind in kinds])
        if person and not any(_mentions(question, surname) for surname in person[1:]):
            added.extend(w for w in person if w not in added)
    return f"{question} {' '.join(added)}" if added else question


def _one_person(names: Sequence[str]) -> list[str] | None:
    """The words of the one person `names` are spellings of (the commonest spelling first, then
    other spellings of the surname), or None when they name several people or none. Two names
    are one person when their first names or their surnames are the same."""
    if not names:
        return None
    counts = Counter(names)
    first = counts.most_common(1)[0][0].split()
    same = [n for n in counts if n.split()[0] == first[0] or n.split()[-1] == first[-1]]
    if len(same) != len(counts):
        return None
    surnames = [n.split()[-1] for n in same if n.split()[-1] != first[-1]]
    return first + list(dict.fromkeys(surnames))


def _mentions(question: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", question, re.IGNORECASE) is not None
