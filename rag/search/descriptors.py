"""A person named by their office, searched by their name: "Kyiv's leader" as Zelensky, "the
Kremlin's chief diplomat" as Lavrov, "NATO's chief" as Rutte, when the articles introduce that
person with that office.

News introduces people once by nationality and office ("Russian Foreign Minister Sergei Lavrov",
"Volodymyr Zelensky, the Ukrainian president") and then by name alone ("Mr Lavrov said ..."). A
question written by someone else often names the office instead ("What did Kyiv's leader say
...?"), and then neither BM25 nor the embedding meets the passage that says "Zelensky". So:

- `introduced` reads, in an article's text, each person introduced with an office of a country
  or of an international body, in the four ways news writes it (`INTRODUCED`): "<place> <office>
  <Name>", "<Name>, <place>'s <office>", "<office> <Name> of <place>" and "<Name>, the <office> of
  <place>"; a former, vice or deputy office is not the person's;
- `offices_asked` reads, in a question, "<place>'s <role>", "the <place> <role>" or "the <role> of
  <place>" ("Kyiv's leader", "the Kremlin leader", "the president of Ukraine");
- `expand` adds to the query the name of the one person the articles introduce with that office
  of that country or body, in every spelling of the surname they use ("Zelensky", "Zelenskyy"), unless
  the question already names them.

A place is a country, its adjective or its capital (words.py's list), one of `SEATS` ("the
Kremlin"), or one of `BODIES` ("NATO", "the United Nations"), whose offices are its own
(`BODY_OFFICES`: "NATO Secretary General Mark Rutte", "IAEA chief Rafael Grossi"). Nothing is
added when in doubt: an office the articles give no one, or give two people of a country or body,
leaves the question as it is. Only the search reads the added names.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..index.words import country_of, fold, tokenize

__all__ = [
    "BODIES",
    "BODY_OFFICES",
    "BODY_ROLES",
    "HEADS",
    "OFFICES",
    "READING",
    "ROLES",
    "SEATS",
    "Holder",
    "Introduced",
    "body",
    "country",
    "expand",
    "holders",
    "introduced",
    "is_office",
    "offices_asked",
    "one_person",
]

# The version of the rules `introduced` reads articles by: an index keeps each article's people
# (Corpus.people), and people read by other rules are read again. Raise it when the rules change.
READING = 2

# Offices as articles write them next to a name, each under the kind of office it is.
OFFICES = {
    "president": "president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "pm": "prime minister",
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
    "press secretary": "spokesperson",
    "foreign ministry spokesman": "spokesperson",
    "foreign ministry spokeswoman": "spokesperson",
    "foreign ministry spokesperson": "spokesperson",
}
HEADS = frozenset({"president", "prime minister", "chancellor"})
# What a question may call an office: the kinds it stands for. A "leader" or "head of state" is
# any head of state or government; a "president" only a president.
ROLES = {
    "leader": HEADS,
    "head of state": HEADS,
    "head of government": HEADS,
    "chief diplomat": frozenset({"diplomat"}),
    "top diplomat": frozenset({"diplomat"}),
    **{office: frozenset({kind}) for office, kind in OFFICES.items()},
}
# International bodies as news names them, folded, each under one name. Their offices are their
# own: a NATO chief is no country's, and "Russia's chief" names no one.
BODIES = {
    **dict.fromkeys(["nato", "north atlantic treaty organization", "north atlantic treaty organisation"], "NATO"),
    **dict.fromkeys(["un", "u.n.", "united nations"], "UN"),
    **dict.fromkeys(["eu", "e.u.", "european union"], "EU"),
    "european commission": "European Commission",
    "european council": "European Council",
    **dict.fromkeys(["ecb", "european central bank"], "ECB"),
    **dict.fromkeys(["iaea", "international atomic energy agency"], "IAEA"),
    **dict.fromkeys(["imf", "international monetary fund"], "IMF"),
    "world bank": "World Bank",
    **dict.fromkeys(["world health organization", "world health organisation"], "WHO"),
    **dict.fromkeys(["wto", "world trade organization", "world trade organisation"], "WTO"),
    "opec": "OPEC",
    "federal reserve": "Fed",
    **dict.fromkeys(["osce", "organization for security and co-operation in europe"], "OSCE"),
    **dict.fromkeys(["icc", "international criminal court"], "ICC"),
    "african union": "African Union",
    "arab league": "Arab League",
    "interpol": "Interpol",
}
# Acronyms that are also words ("who", "fed"): a body only as written, in capitals.
CAPITALS_ONLY = {"WHO": "WHO", "Fed": "Fed"}
# A body's offices, as articles write them next to a name, under the kind of office each is.
BODY_OFFICES = {
    "secretary general": "head",
    "secretary-general": "head",
    "director general": "head",
    "director-general": "head",
    "managing director": "head",
    "chief": "head",
    "head": "head",
    "chair": "head",
    "chairman": "head",
    "chairwoman": "head",
    "president": "president",
    "prosecutor": "prosecutor",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
}
# What a question may call a body's office: its chief, head, chair or leader is whoever leads it.
_LEADS = frozenset({"head", "president"})
BODY_ROLES = {
    **{office: frozenset({kind}) for office, kind in BODY_OFFICES.items() if kind != "head"},
    **{office: frozenset({"head"}) for office in ("secretary general", "secretary-general", "director general")},
    **{office: frozenset({"head"}) for office in ("director-general", "managing director")},
    **dict.fromkeys(["chief", "head", "chair", "chairman", "chairwoman", "leader", "boss"], _LEADS),
}
# Buildings and streets that news names a government by, folded, with their country.
SEATS = {"kremlin": "Russia", "white house": "United States", "downing street": "Britain", "elysee": "France"}
# Titles that follow "Chief" or "Head": "IMF Chief Economist Gita Gopinath" is no head of the IMF.
TITLES = frozenset(
    [
        "economist",
        "negotiator",
        "scientist",
        "monitor",
        "executive",
        "inspector",
        "justice",
        "officer",
        "adviser",
        "advisor",
        "strategist",
        "correspondent",
        "editor",
        "whip",
        "medical",
        "operating",
        "financial",
        "technology",
        "investment",
        "of",
    ]
)
# Words that are part of an office or a sentence, never of a person's name.
NOT_NAMES = (
    frozenset(" ".join([*OFFICES, *BODY_OFFICES]).replace("-", " ").split())
    | frozenset(["vice", "deputy", "general", "mr", "mrs", "ms", "dr", "says", "said"])
    | frozenset(day.lower() for day in calendar.day_name)  # not months: "Theresa May"
    | TITLES
)

_UP = "A-ZÀ-ÖØ-Þ"  # a capital, accented ones too ("Élysée", "Édouard")
_OFFICE = "|".join(sorted(map(re.escape, {*OFFICES, *BODY_OFFICES}), key=len, reverse=True))
_ROLE = "|".join(sorted(map(re.escape, {*ROLES, *BODY_ROLES}), key=len, reverse=True))
# One or two capitalised words ("Russian", "U.S.", "White House"), never starting inside a word or
# a dotted run ("A.A.A...": each run is tried once, not at every letter).
_PLACE = rf"(?<![\w.])[{_UP}][\w.]*(?:[ \t]+[{_UP}][\w.]*)?(?![\w.])"
_ANY_PLACE = r"(?<![\w.])[^\W\d_][\w.]*(?:[ \t]+[^\W\d_][\w.]*)?(?![\w.])"  # a question may be typed in lower case
# A body's name of three words or more ("International Atomic Energy Agency"), tried first.
_LONG_BODY = "|".join(sorted((re.escape(b) for b in BODIES if b.count(" ") >= 2), key=len, reverse=True))
_BODY_PLACE = rf"(?<![\w.])(?i:{_LONG_BODY})(?![\w.])"
# A first name, a middle name or initial or none ("Sergei V. Lavrov", "Recep Tayyip Erdogan"), a
# surname with its particle ("Bashar al-Assad"), and no capitalised word after it: "Vladimir Putin
# Thursday" or a headline's "Zelensky Says" is not a name (when in doubt, no one).
_LOWER = "a-zß-ÿ"
_PARTICLE = "(?:von der|van der|van den|de la|al|el|bin|da|de|del|van|von)"  # "Ursula von der Leyen"
_NAME = (
    rf"(?<![\w'’-])[{_UP}][\w-]+(?:[ \t]+(?:[{_UP}]\.|[{_UP}][\w-]+))?"  # "Sergei V.", "Recep Tayyip"
    # The surname, with a small letter ("MP" is none), whole, possessive or not ("Putin's Security
    # Council"), and no title-case word after it ("MP" may follow).
    rf"[ \t]+(?:{_PARTICLE}[- ])?[{_UP}](?=[\w'’-]*[{_LOWER}])[\w'’-]*\w(?![\w'’-])"
    rf"(?:(?<=['’]s)|(?![ \t]+[{_UP}][\w'’-]*[{_LOWER}]))"
)
# An office as a whole word; the look-ahead at its first letter spares trying every office at
# every character (113 against 27 ms per MB of text).
_FIRST = "".join(sorted({c for office in [*OFFICES, *BODY_OFFICES] for c in (office[0], office[0].upper())}))
_AN_OFFICE = re.compile(rf"(?<![\w'’-])(?=[{_FIRST}])(?i:{_OFFICE})(?![\w'’-])")
_OFFICE_HERE = rf"(?<![\w'’-])(?=[{_FIRST}])(?i:(?P<office>{_OFFICE}))(?![\w'’-])"
_IN = rf"(?P<place>{_BODY_PLACE}|{_PLACE})"  # where an office is held
# A place named last ends its noun phrase: not "the president of the Russian Football Union", "the
# head of the UN refugee agency", "the spokesman of the NATO mission in Kosovo".
# Words that go on naming a part of a body or country: "the UN refugee agency", "the NATO mission".
SUBUNITS = frozenset(
    [
        "agency",
        "mission",
        "office",
        "delegation",
        "team",
        "council",
        "commission",
        "committee",
        "court",
        "assembly",
        "chamber",
        "institute",
        "bank",
        "fund",
        "force",
        "forces",
        "ministry",
        "department",
        "embassy",
        "envoy",
        "refugee",
        "human",
        "rights",
        "monitoring",
        "peacekeeping",
        "staff",
        "member",
        "countries",
        "states",
        "nations",
        "branch",
        "unit",
        "programme",
        "program",
        "of",
    ]
)
_ENDS = (  # a place that ends its sentence ("of Russia. He ...") ends its phrase too
    rf"(?:(?<=\.)|(?![\w'’-]|[ \t]+(?:[{_UP}]|(?i:{'|'.join(sorted(SUBUNITS))})\b)))"
)
# An appositive's name closes it ("the Ukrainian president, Volodymyr Zelensky, said"), or a
# sentence does; "After meeting the NATO chief, Volodymyr Zelensky warned" gives no one an office.
_CLOSED = r"(?=[ \t]*(?:[,.;:!?)\]”\"]|$|who\b))"
INTRODUCED = (
    # "Russian Foreign Minister Sergei Lavrov", "Russia's foreign minister, Sergei V. Lavrov"
    re.compile(rf"{_IN}(?:['’]s)?[ \t]+{_OFFICE_HERE}(?:,[ \t]+(?P<name>{_NAME}){_CLOSED}|[ \t]+(?P<bare>{_NAME}))"),
    # "Volodymyr Zelensky, the Ukrainian president", "Sergey V. Lavrov, Russia's foreign minister"
    # (not "Karoline Leavitt, Chinese Foreign Ministry spokesman Lin Jian": a list, the office is Lin's)
    re.compile(rf"(?P<name>{_NAME}),[ \t]+(?:the[ \t]+)?{_IN}(?:['’]s)?[ \t]+{_OFFICE_HERE}(?![ \t]+[{_UP}])"),
    # "President Vladimir V. Putin of Russia"
    re.compile(rf"{_OFFICE_HERE}[ \t]+(?P<name>{_NAME})[ \t]+of[ \t]+(?:the[ \t]+)?{_IN}{_ENDS}"),
    # "Rafael Grossi, the head of the International Atomic Energy Agency", "..., the president of Ukraine"
    re.compile(rf"(?P<name>{_NAME}),[ \t]+the[ \t]+{_OFFICE_HERE}[ \t]+of[ \t]+(?:the[ \t]+)?{_IN}{_ENDS}"),
)
# Words that make an office someone else's or a past one: "former", "vice", "deputy", "then-".
NOT_THEIRS = re.compile(
    r"\b(?:former|ex-|late|then-?|vice|deputy|acting|interim|previous|outgoing|incoming|future)[ \t]*$", re.IGNORECASE
)
POSSESSIVE = re.compile(r"['’]s$")
HEADLINE = 150  # characters: a longer line is text, not a headline
_ANY_IN = rf"(?P<place>{_BODY_PLACE}|{_ANY_PLACE})"
ASKED = (  # "Kyiv's leader", "the Kremlin leader" (not "the US president-elect", "the US president Trump")
    re.compile(rf"{_ANY_IN}(?:['’]s?)?[ \t]+(?i:(?P<role>{_ROLE}))(?![\w-])(?![ \t]+[{_UP}])(?![ \t]+of\b)"),
    # "the president of Ukraine" (not "the president of Russia's ally Belarus")
    re.compile(rf"\b(?i:(?P<role>{_ROLE}))[ \t]+of[ \t]+(?:the[ \t]+)?{_ANY_IN}(?!['’]){_ENDS}"),
)


@dataclass(frozen=True)
class Introduced:
    """A person an article introduces with an office: "Russian Foreign Minister Sergei Lavrov"."""

    name: str  # "Sergei Lavrov"
    place: str  # a country as `tokenize` stems it ("russia"), or a body's name in `BODIES` ("NATO")
    kind: str  # the kind of office (OFFICES, BODY_OFFICES): "diplomat"


@dataclass(frozen=True)
class Holder:
    """The one person the articles give an office: their name as most often written, and every
    spelling of their surname."""

    name: str  # "Volodymyr Zelensky"
    surnames: tuple[str, ...]  # ("Zelensky", "Zelenskyy")

    @property
    def words(self) -> list[str]:
        """What a search adds: "Volodymyr Zelensky Zelenskyy"."""
        return list(dict.fromkeys([*self.name.split(), *self.surnames]))


@lru_cache(maxsize=4096)
def country(place: str) -> str | None:
    """The country `place` names, as `tokenize` stems it: a country, its adjective or capital
    ("Russian", "Moscow"), or a seat of government ("the Kremlin"); else None.

    >>> country("Kyiv"), country("Russian"), country("the Kremlin"), country("U.S."), country("Anchorage")
    ('ukrain', 'russia', 'russia', 'america', None)
    """
    place = SEATS.get(" ".join(fold(place).removeprefix("the ").split()), place)
    # With "the" (a stop word) in front, "US" is read as a name, not as a text in capitals ("LET US").
    terms = tokenize([f"the {place}"])[0]
    return country_of(terms[0]) if len(terms) == 1 else None


@lru_cache(maxsize=4096)
def body(place: str) -> str | None:
    """The international body `place` names (its name in `BODIES`), or None. An acronym that is
    also a word counts only as written in capitals ("WHO", not "who").

    >>> body("NATO"), body("nato"), body("the United Nations"), body("U.N."), body("WHO"), body("who")
    ('NATO', 'NATO', 'UN', 'UN', 'WHO', None)
    """
    words = " ".join(place.split()).removeprefix("the ").removeprefix("The ")
    return CAPITALS_ONLY.get(words) or BODIES.get(fold(words))


def _where(m: re.Match[str]) -> tuple[str, bool] | None:
    """The place of a match of `INTRODUCED` or `ASKED`, and whether it is a body: a country as
    `_named_place` reads it, else a body's name in `BODIES` (the whole place, its last word as in
    "did NATO", or at the end its first); None for neither or a past office ("Former NATO")."""
    land = _named_place(m)
    if land:
        return land, False
    place, at_end = m["place"], m.end("place") == m.end()
    words = place.split()
    if any(NOT_THEIRS.fullmatch(w) for w in words):
        return None
    # Its first word only before a small word that names no part of it ("of NATO say", not "the NATO mission").
    first = at_end and len(words) == 2 and words[1].islower() and words[1] not in SUBUNITS
    for tried in dict.fromkeys((place, words[-1], *(words[:1] if first else ()))):
        named = body(tried) or (body(tried.removesuffix(".")) if at_end else None)  # "of the U.N."
        if named:
            return named, True
    return None


def _office(m: re.Match[str]) -> tuple[str, str] | None:
    """(place, kind of office) an `INTRODUCED` match gives its person, when the place has that
    office (`OFFICES` for a country, `BODY_OFFICES` for a body: "Russia's chief" is no office)."""
    where, office = _where(m), m["office"].lower()
    kind = where and (BODY_OFFICES if where[1] else OFFICES).get(office)
    return (where[0], kind) if where and kind else None


def _role(m: re.Match[str]) -> tuple[str, frozenset[str]] | None:
    """(place, kinds of office) an `ASKED` match names (`ROLES` for a country, `BODY_ROLES` for a body)."""
    where, role = _where(m), m["role"].lower()
    kinds = where and (BODY_ROLES if where[1] else ROLES).get(role)
    return (where[0], kinds) if where and kinds else None


def _named_place(m: re.Match[str]) -> str | None:
    """The country match `m`'s place names: the whole place, or its last word ("Former Russian" is
    "Russian"; a two-word place at the end of the match its first: "of Britain say"). None when
    it names none, ends a sentence ("Ukraine."), or holds a word that makes the office another's
    ("US Vice President", "Russian Deputy Foreign Minister", "the then Russian leader")."""
    place = m["place"]
    at_end = m.end("place") == m.end()
    if at_end:  # a place that ends the match may end its sentence: "of Russia."
        place = place.removesuffix(".") if "." not in place[:-1] else place
    words_of = place.split()
    if any(NOT_THEIRS.fullmatch(w) for w in words_of):
        return None
    for words in dict.fromkeys((place, words_of[-1], *(words_of[:1] if at_end else ()))):
        if words.endswith(".") and "." not in words[:-1]:
            return None
        land = country(words)
        if land:
            return land
    return None


def _qualified(text: str, m: re.Match[str]) -> bool:
    """Whether the office in match `m` is qualified away by the words right before it: "former",
    "vice", "deputy", "then-" ("the former Russian president", "ex-Prime Minister X of Y")."""
    return bool(NOT_THEIRS.search(text[max(0, m.start() - 24) : m.start()]))


def _headline(text: str, at: int) -> bool:
    r"""Whether the line holding position `at` is a headline: short, not ending as a sentence does,
    and in title case ("Zelensky Visits White House" would make "Zelensky Visits" a name). Only
    `HEADLINE` characters either side are looked at: a longer line is no headline.

    >>> _headline("Ukrainian President Zelensky Visits White House\nHe came.", 3), _headline("He came.", 3)
    (True, False)
    """
    start, end = text.rfind("\n", max(0, at - HEADLINE), at), text.find("\n", at, at + HEADLINE)
    if (start < 0 and at > HEADLINE) or (end < 0 and len(text) - at > HEADLINE):
        return False
    line = text[start + 1 : end if end >= 0 else len(text)].strip()
    words = re.findall(r"[^\W\d_]{4,}", line)
    if len(line) > HEADLINE or line[-1:] in '.!?:;"”’)' or len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.8 * len(words)  # a wrapped line full of names is not one


def introduced(text: str) -> list[Introduced]:
    """The people `text` introduces with an office of a country or body, in the order they come.

    >>> introduced("Russian Foreign Minister Sergei Lavrov said. Former Russian President Dmitry Medvedev wrote.")
    [Introduced(name='Sergei Lavrov', place='russia', kind='diplomat')]
    >>> [p.name for p in introduced("Volodymyr Zelensky, the Ukrainian president, met President Vladimir V. "
    ...                             "Putin of Russia. And the then-U.S. President Barack Obama and the "
    ...                             "French president, Emmanuel Macron, who said so.")]
    ['Volodymyr Zelensky', 'Vladimir V. Putin', 'Emmanuel Macron']
    >>> introduced("Putin is the Russian president, Joe Biden said. It shelled Ukraine. Foreign minister Sergey Lavrov")
    []
    """
    if not _AN_OFFICE.search(text):  # most texts that are not news
        return []
    found = []
    for pattern in INTRODUCED:
        for m in pattern.finditer(text):
            name, held = m["name"] or m["bare"], _office(m)
            if (
                held is None
                or _qualified(text, m)
                or any(w.lower().strip(".") in NOT_NAMES for w in name.split())
                or _headline(text, m.start())
            ):
                continue
            found.append((m.start(), Introduced(POSSESSIVE.sub("", name), *held)))
    return [person for _, person in sorted(found, key=lambda pair: pair[0])]


def offices_asked(question: str) -> list[tuple[str, frozenset[str]]]:
    """Each (country or body, kinds of office) that `question` names a person by.

    >>> offices_asked("What did Kyiv's leader say the Russians are trying to avoid?") == [("ukrain", HEADS)]
    True
    >>> offices_asked("What did the Kremlin's chief diplomat propose?"), offices_asked("what did the us president say")
    ([('russia', frozenset({'diplomat'}))], [])
    >>> offices_asked("Who is the president of Ukraine?"), offices_asked("What did the leaders agree?")
    ([('ukrain', frozenset({'president'}))], [])
    >>> offices_asked("What did the former Russian president write?"), offices_asked("Who is the US president-elect?")
    ([], [])
    """
    asked = []
    for pattern in ASKED:
        for m in pattern.finditer(question):
            held = _role(m)
            if held and not _qualified(question, m):
                asked.append(held)
    return asked


def is_office(phrase: str) -> bool:
    """Whether `phrase` as a whole names a person by office ("Kyiv's leader"), not something of
    theirs ("Russia's president's spokesman").

    >>> is_office("Kyiv's leader"), is_office("Russia's president's spokesman"), is_office("Lavrov")
    (True, False, False)
    """
    phrase = phrase.strip()
    return any(m.end() == len(phrase) and _role(m) for pattern in ASKED for m in pattern.finditer(phrase))


def expand(question: str, people: Iterable[Introduced]) -> str:
    """`question` with the name of each person it names by office, when the articles introduce
    exactly one person with that office of that country or body (every spelling of the surname they use),
    unless the question names them already.

    >>> people = introduced("Ukrainian President Volodymyr Zelensky met Russian President Vladimir Putin. "
    ...                     "Ukrainian President Volodymyr Zelenskyy said.")
    >>> expand("What did Kyiv's leader say?", people)
    "What did Kyiv's leader say? Volodymyr Zelensky Zelenskyy"
    >>> expand("What did Zelensky, Kyiv's leader, say?", people), expand("What did Paris say?", people)
    ("What did Zelensky, Kyiv's leader, say?", 'What did Paris say?')
    """
    added: list[str] = []
    for person in holders(question, people):
        if not any(_mentions(question, w) for w in person.words if len(w) > 2 and not w.endswith(".")):
            added.extend(w for w in person.words if w not in added)
    return f"{question} {' '.join(added)}" if added else question


def holders(phrase: str, people: Iterable[Introduced]) -> list[Holder]:
    """The person `phrase` names by each office it names, for the offices the articles give
    exactly one person of that country or body (`one_person`).

    >>> people = introduced("Russian Foreign Minister Sergei Lavrov and Russian President Vladimir V. Putin met.")
    >>> holders("the Kremlin's chief diplomat", people), holders("Ukraine's president", people)
    ([Holder(name='Sergei Lavrov', surnames=('Lavrov',))], [])
    """
    asked = offices_asked(phrase)
    if not asked:
        return []
    people = list(people)
    found = (one_person([p.name for p in people if p.place == land and p.kind in kinds]) for land, kinds in asked)
    return [person for person in found if person]


def one_person(names: Sequence[str]) -> Holder | None:
    """The one person `names` are spellings of, or None when they name several people, or none.
    Two names are one person when their surnames are the same, or their first names are and their
    surnames alike.

    >>> one_person(["Volodymyr Zelensky", "Volodymyr Zelenskyy", "Volodymyr Zelensky"])
    Holder(name='Volodymyr Zelensky', surnames=('Zelensky', 'Zelenskyy'))
    >>> one_person(["Sergei Lavrov", "Sergey V. Lavrov"]), one_person(["Viktor Yushchenko", "Viktor Yanukovych"])
    (Holder(name='Sergei Lavrov', surnames=('Lavrov',)), None)
    """
    if not names:
        return None
    counts = Counter(names)
    first = counts.most_common(1)[0][0].split()

    def bare(surname: str) -> str:  # "al-Assad" is "Assad"
        return re.sub(r"^(?:al|el)-", "", fold(surname))

    def same(name: str) -> bool:
        words = name.split()
        surname, given = bare(words[-1]), fold(words[0])
        alike = SequenceMatcher(None, surname, bare(first[-1])).ratio() >= 0.8
        return surname == bare(first[-1]) or (given == fold(first[0]) and alike)

    if not all(map(same, counts)):
        return None
    return Holder(" ".join(first), tuple(dict.fromkeys(n.split()[-1] for n in [" ".join(first), *counts])))


def _mentions(question: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", question, re.IGNORECASE) is not None
