"""What a question asks for, and whether a sentence contains that kind of thing.

Rules, not a model: the wh-word and a few phrasings give the expected answer type (a number for
"how many", a date for "when", a person for "who ...", a place for "where"); regular expressions
find numbers, dates, durations, names and places in a sentence. Cheap enough to run on every
candidate sentence of every question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..index.words import country_of, fold, is_place, tokenize
from .figures import (
    AGE,
    AMOUNT,
    DATE,
    DURATION,
    MEASURE,
    MEASURE_UNIT,
    NUMBER,
    SCORE,
    TIME_OF_DAY,
)
from .gazetteer import places_in
from .phrasing import question_proper

AGE_REACH = 50  # characters around an age within which the person's name is looked for
# "How old is the ...", "What was the age of a ...": the person asked about is described; names
# inside the description's clause ("who heads the San Isidro cooperative") are not the person's.
DESCRIBED_PERSON = re.compile(
    r"^\s*(?:and\s+)?(?:(?:how\s+old|(?:at\s+)?what\s+age)\s+(?:is|was|were|are|will|would|did|does|do)"
    r"|what\s+(?:is|was)\s+the\s+age\s+of)\s+(?:the|a|an|this|that|his|her|their|its|one)\b",
    re.IGNORECASE,
)
CLAUSE = re.compile(r"\b(?:who|whom|whose|that|which|from|of|in|at|on|for|with|near|behind)\b")
NAME = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gen|President|Secretary|Minister|Chancellor)\.?\s+[A-Z][\w’'-]+"
    r"|[A-Z][a-z][\w’'-]*(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w’'-]+)"
)
# A capitalised word without its possessive ("Russia’s" is "Russia"), or initials ("U.S.").
CAPITALISED = re.compile(r"(?:\b[A-Z]\.){2,}|\b[A-Z][\w-]*")
PLACE = re.compile(r"\b(?:in|at|from|to|near|outside)\s+(?:the\s+)?[A-Z][\w’'-]+")
# A capitalised run, allowing "of"/"the" inside ("Council on Foreign Relations").
ENTITY = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:(?:of|on|for|the|de|al)\s+)?[A-Z][\w’'.-]*)*")
SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|wrote|writes|write|stated|added|continued|declared|argued|insisted|warned|noted"
    r"|concluded|asserted|claimed|explained|suggested|described|called|dismissed|maintained|posted|remarked"
    r"|replied|responded|proposed|stressed|affirmed|recalled|admitted)\b"
)
# "According to X, ...": the words after it, up to its comma, name who says so (not "according to
# the plan ..."; "According to Peskov, Ushakov will ..." is Peskov's).
ACCORDING = re.compile(r"\baccording to((?:\s+[^\s,;:]+){1,10})", re.IGNORECASE)
# Who speaks for a country, or the speaking itself, right after its name: "Ukrainian officials said".
VOICE = (
    "officials government ministry minister spokesman spokeswoman spokesperson president leader authorities "
    "diplomats embassy administration said says told stated announced warned insisted claimed"
)
# Words that start questions or sentences: capitalised, but not names.
NOT_ENTITIES = {
    "What",
    "Who",
    "Whom",
    "Whose",
    "When",
    "Where",
    "Which",
    "Why",
    "How",
    "Did",
    "Does",
    "Do",
    "Is",
    "Are",
    "Was",
    "Were",
    "Has",
    "Have",
    "Had",
    "Can",
    "Could",
    "Will",
    "Would",
    "Should",
    "And",
    "But",
    "So",
    "Also",
    "In",
    "On",
    "At",
    "For",
    "According",
    "Under",
    "Over",
    "After",
    "Before",
    "During",
    "To",
    "The",
    "A",
    "An",
    "Tell",
    "Please",
    "If",
    "Of",
    "By",
    "With",
    "From",
    "About",
    "Then",
    "Now",
    "I",
    "He",
    "She",
    "They",
    "It",
    "His",
    "Her",
    "Their",
}

# A verb that ends the noun after "which"/"what" ("What did the president say?" asks for no person).
AUXILIARY = r"(?i:is|was|are|were|did|does|do|has|had|have|can|could|will|would|should)"
# "Which earlier American president ...?"; not past a verb ("Which theory suggested people ...?").
# Nor past a small word ("What made the president resign?", "Which of the officials ...?").
_SMALL = r"(?i:the|a|an|of|about|to|in|on|for|with|from|at|by|and|or)"
_ADJECTIVES = rf"(?:(?!{AUXILIARY}\b|{_SMALL}\b|[\w-]+ed\b)[\w-]+ ){{0,2}}"
# The nouns after "which"/"what" that ask for a place or a person, singular and plural: the plural
# asks for several ("Which countries ...?" is answered by "Britain, France and Germany").
PLACES = {
    "city": "cities",
    "country": "countries",
    "nation": "nations",
    "region": "regions",
    "area": "",  # "What areas ...?" asks for regions as often as for places
    "place": "places",
    "state": "states",
    "town": "towns",
    "venue": "venues",
}
PEOPLE = {
    "official": "officials",
    "person": "people",
    "man": "men",
    "woman": "women",
    "leader": "leaders",
    "president": "presidents",
    "adviser": "advisers",
    "advisor": "advisors",
    "minister": "ministers",
    "envoy": "envoys",
    "diplomat": "diplomats",
    "analyst": "analysts",
    "expert": "experts",
    "senator": "senators",
    "author": "authors",
    "player": "players",
    "executive": "executives",
    "lawmaker": "lawmakers",
    "judge": "judges",
    "candidate": "candidates",
    "officer": "officers",
}


def _nouns(pairs: dict[str, str], singular: bool = True, plural: bool = True) -> str:
    return "|".join([*(pairs if singular else ()), *(p for p in pairs.values() if plural and p)])


# A place noun before a person noun names the people ("Which United States senators ...?").
_NOT_PEOPLE = rf"(?! (?i:{_nouns(PEOPLE)})\b)"
# "Which countries ...?", "Which officials ...?": several places or people are asked for.
SEVERAL = re.compile(
    rf"\b(?i:which|what) (?:(?i:[\w-]+) )?(?i:{_nouns(PLACES, singular=False)})\b{_NOT_PEOPLE}"
    rf"|\b(?i:which|what) {_ADJECTIVES}(?i:{_nouns(PEOPLE, singular=False)})\b"
)
# The kinds of answer, tried in order: the first whose pattern matches anywhere in the question
# wins, so in a rare compound question ("Where was the signing, and what was the date?") the
# earlier kind is read.
EXPECTS = (
    (
        "amount",
        True,
        re.compile(
            r"^how much\b(?! (?:time|longer)\b)|\b(?:what|which) (?:percentage|share|proportion|amount|sum|price"
            r"|population)\b"
            r"|\bpopulation of\b|\bnet worth\b|\bcost\b",
            re.IGNORECASE,
        ),
    ),
    (
        "measure",
        False,
        re.compile(
            r"^how (?:far|deep|high|tall|big|large|wide|heavy|thick)\b|^how fast (?:is|are|was|were)\b"
            rf"|^how many {MEASURE_UNIT}\b|\b(?:what|which)(?: (?:is|was|are|were) the)?"
            r" (?:distance|depth|height|size|speed|weight|length|width)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "score",
        False,
        re.compile(
            r"\b(?:what|which) (?:was|is) the (?:final |half-?time )?(?:score|vote)\b(?! (?:count|on|of|for)\b)"
            r"|\bby (?:what|which|how (?:big|wide|large) an?) (?:score|margin|vote)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "age",
        True,
        re.compile(
            r"\bhow old\b|\b(?:what|which) (?:is|was|were) (?:\w+[’']s |his |her |their )?age\b"
            r"|\bat what age\b|\bwhat age\b(?! (?:group|range|bracket|limit))",
            re.IGNORECASE,
        ),
    ),
    ("number", True, re.compile(r"^how many\b|\b(?:what|which) (?:number|figure)\b", re.IGNORECASE)),
    # "What time of day ...?" may be answered in words ("at night"); "At what time ...?" by the clock.
    ("clock", False, re.compile(r"\bwhat time of (?:the )?day\b", re.IGNORECASE)),
    (
        "clock",
        True,
        re.compile(r"^(?:at |by |until |from )?what time\b(?! (?:period|fram|span|line|zone|of (?:the )?year))", re.I),
    ),
    (
        "date",
        True,
        re.compile(
            r"^when\b|\b(?:what|which) (?:years?|dates?|days?|months?)\b"
            # "the exact date of", "the target year": not "the fiscal year budget", "the year's
            # biggest story", "What was the year like?", "What was the Seven Years War?"
            r"|\b(?:what|which) (?:is|was|were|are|will be) the "
            r"(?:(?!(?:fiscal|financial|school|academic|calendar|leap|tax|new|election)\b)(?-i:[a-z][\w-]*) )?"
            r"(?-i:dates?|years?)(?![\w'’-])(?!\s+(?:like|budget|deficit|rule)\b)",
            re.IGNORECASE,
        ),
    ),
    ("duration", False, re.compile(r"^how (?:long|fast|quickly|soon|much time|much longer)\b", re.IGNORECASE)),
    (
        "place",
        False,
        re.compile(
            rf"^where\b|\b(?:which|what) (?:[\w-]+ )?(?:{_nouns(PLACES)})\b{_NOT_PEOPLE}",
            re.IGNORECASE,
        ),
    ),
    (
        "name",
        False,
        re.compile(r"\bthe names? of\b|\bwhat (?:is|was|are|were) (?:it|they|he|she) called\b", re.IGNORECASE),
    ),
    (
        "person",
        False,
        re.compile(
            rf"^(?:who|whom)\b|\b(?:which|what) {_ADJECTIVES}(?:{_nouns(PEOPLE)})\b",
            re.IGNORECASE,
        ),
    ),
)
# "Which treaty ...", "What kind of business dealings ...": the noun the answer is an instance of.
FOCUS = re.compile(
    rf"\b(?i:which|what)\s+(?:(?i:kind|type|sort|line)\s+of\s+)?(?P<focus>(?:(?!{AUXILIARY}\b)[\w-]+\s*){{1,2}})",
)
# The noun after "how many", past a participle ("How many armed men ...?"); not a verb ("How many
# were injured?", "How many died in Chala?": any number answers), a preposition, nor a size ("How
# many hundred ...?").
COUNTED = re.compile(
    r"^(?i:how many)\s+(?:(?i:\w+[^\We]ed)\s+)?"
    r"(?!(?i:were|was|are|is|have|had|has|did|do|does|will|would|can|could|should|may|might|must"
    r"|of|in|on|at|to|from|by|for|with|after|before|during|since|when|than|as"
    r"|hundreds?|thousands?|millions?|billions?|dozens?)\b|(?i:\w+[^\We]ed)\b)(?P<noun>[\w-]+)"
)
# Words ending in "s" that are no plural noun after "how many X": "How many people was it?".
NOT_HEAD = {"was", "is", "has", "does", "says", "always", "perhaps", "as", "its", "his", "this", "thus", "plus",
            "across", "overseas", "sometimes", "nowadays", "besides", "towards", "afterwards", "unless",
            "less"}  # fmt: skip
# Plural nouns counted whole, whatever follows: "How many people across the country ...?"
HEADS = {"people", "men", "women", "children", "police", "staff", "personnel", "troops", "crew"}
DEFINITION = re.compile(r"^(?i:who|what)\s+(?i:is|was|are|were)\s+(?P<subject>[A-Z][^?]*?)\s*\??$")
SPEAKER = re.compile(
    r"^(?i:what)\s+(?i:did|does|has|had)\s+(?P<speaker>(?:[A-Z]|(?P<title>the\s+\w))[^?]*?)\s+(?i:say|said|tell|write|claim|argue)\b"
)
# Stems of question and function words that carry no content (bm25s's stop list is short).
NOISE_TERMS = {
    "what",
    "who",
    "whom",
    "whose",
    "which",
    "when",
    "where",
    "whi",
    "how",
    "mani",
    "much",
    "about",
    "he",
    "she",
    "his",
    "her",
    "him",
    "has",
    "had",
    "have",
    "it",
    "its",
    "they",
    "their",
    "them",
    "did",
    "doe",
    "do",
    "is",
    "are",
    "was",
    "were",
    "would",
    "could",
    "should",
    "might",
    "say",
    "said",
    "tell",
    "told",
    "accord",
    "think",
    "describ",
    "call",
    "from",
    "over",
    "under",
    "dure",
    "after",
    "befor",
    "kind",
}


@dataclass(frozen=True)
class Question:
    """A question and what it asks for."""

    text: str
    expects: str | None = None  # "amount", "measure", "score", "age", "number", "clock", "date", "duration", "place",
    # "name", "person" or None
    strict: bool = False  # True when a sentence without that kind of thing cannot answer it
    entities: tuple[str, ...] = ()
    subject: str | None = None  # X in "Who is X?"
    speaker: str | None = None  # X in "What did X say ...?"
    titled: str | None = None  # X in "What did the X say ...?" ("the county judge"), named by title
    terms: tuple[str, ...] = ()  # stemmed content words
    focus: tuple[str, ...] = ()  # stems of the noun after "which"/"what" ("treaty" in "Which treaty ...?")
    counted: str | None = None  # stem of the noun after "how many"
    several: bool = False  # a place or a person asked for in the plural ("Which countries ...?")


def head_noun(question: str, counted: re.Match[str]) -> str:
    """The noun counted: the word after "how many", or the plural after it when that word names
    what kind ("How many casino trips ...?" counts trips, "How many police officers ...?" officers).

    >>> head_noun("How many casino trips did he take?", COUNTED.match("How many casino trips did he take?"))
    'trips'
    >>> head_noun("How many drones hit Kyiv?", COUNTED.match("How many drones hit Kyiv?"))
    'drones'
    """
    noun = counted.group("noun")
    after = re.match(r"\s+([a-z][\w-]*s)\b", question[counted.end() :])
    if noun.lower().endswith("s") or noun.lower() in HEADS or not after or after.group(1).lower() in NOT_HEAD:
        return noun
    return after.group(1)


def entities(text: str) -> tuple[str, ...]:
    """Capitalised names in `text`, without question words or possessives.

    >>> entities("What did Ivo Daalder say about NATO's Article 5?")
    ('Ivo Daalder', "NATO's Article")
    """
    found = []
    for match in ENTITY.finditer(text):
        words = match.group(0).split()
        while words and words[0] in NOT_ENTITIES:
            words = words[1:]
        name = re.sub(r"(?:’s|'s|[.,’'])+$", "", " ".join(words))
        if name and name not in NOT_ENTITIES and not name.isdigit():
            found.append(name)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=256)
def analyse(text: str) -> Question:
    """The expected answer type, names, subject and content terms of a question; remembered, as one
    answer reads it three times (the evidence, the conversation's query, the short answer's spans)."""
    text = " ".join(text.split())
    proper = question_proper(text)  # the kind asked is read from the question itself; its words from all
    expects, strict = None, False
    for kind, is_strict, pattern in EXPECTS:
        if pattern.search(proper):
            expects, strict = kind, is_strict
            break
    definition = DEFINITION.match(proper)
    speaker = SPEAKER.match(proper)
    if definition and expects == "person":
        expects = None  # "Who is X?" asks for a description of X, not for a name
    terms = tuple(t for t in dict.fromkeys(tokenize([text])[0]) if t not in NOISE_TERMS)
    focus = FOCUS.search(proper)
    counted = COUNTED.match(proper)
    counted_stems = tokenize([head_noun(proper, counted)])[0] if counted else []
    return Question(
        text=text,
        expects=expects,
        strict=strict,
        entities=entities(text),
        subject=definition.group("subject") if definition else None,
        speaker=speaker.group("speaker") if speaker and not speaker.group("title") else None,
        titled=speaker.group("speaker") if speaker and speaker.group("title") else None,
        terms=terms,
        focus=tuple(t for t in tokenize([focus.group("focus")])[0] if t not in NOISE_TERMS) if focus else (),
        counted=counted_stems[0] if counted_stems else None,
        several=expects in ("place", "person") and bool(SEVERAL.search(proper)),
    )


def contains_kind(kind: str, sentence: str, question: str = "") -> bool:
    """Whether `sentence` holds a `kind` of thing that the question itself does not already name.

    >>> contains_kind("number", "574 drones hit Ukraine", "How many drones hit Ukraine?")
    True
    >>> contains_kind("number", "574 drones hit Ukraine", "Were the 574 drones deadly?")
    False

    A date is also an older year, a decade, a century (in figures or words) or a time named from
    now ("this month", "next year"); a place also a country or capital named anywhere in the
    sentence, or a place of `gazetteer.json` ("the city of Geneva"), unless the question names it:

    >>> contains_kind("date", "It was King George's War in the 1740s."), contains_kind("date", "in the 18th century")
    (True, True)
    >>> contains_kind("date", "in the eighteenth century"), contains_kind("date", "The deadline passed this month.")
    (True, True)
    >>> s = "Sweden rationed gasoline, as did the U.S."
    >>> contains_kind("place", s, "Where was gasoline rationed?"), contains_kind("place", "Sweden did.", "Did Sweden?")
    (True, False)
    >>> contains_kind("place", "The city of Geneva took them in.", "Where did they go?")
    True
    """
    return kind_finder(kind, question)(sentence)


def kind_finder(kind: str, question: str = "") -> Callable[[str], bool]:
    """`contains_kind(kind, sentence, question)` as a test of sentences, with what the question
    names found once (an answer tests every candidate sentence against one question).

    >>> has_name = kind_finder("name", "Who met Tom Graham?")
    >>> has_name("Tom Graham met Anna Lee."), has_name("Tom Graham left.")
    (True, False)
    """
    if kind == "name":  # a capitalised name the question does not already give
        named = _names(question)
        return lambda sentence: bool(_names(sentence) - named)
    if kind == "age":  # of the person the question names, when it names one: not another's age
        # "How old is the woman who heads the San Isidro cooperative?" asks of a person described,
        # not named: the names in the description ("San Isidro") are not the person's.
        described = DESCRIBED_PERSON.match(question)
        clause = CLAUSE.search(question, described.end()) if described else None
        cut = clause.start() if clause else len(question)  # "the singer Taylor Swift" still names her
        surnames = [fold(m.group(0).split()[-1]) for m in NAME.finditer(question) if m.start() < cut]

        def around(sentence: str, m: re.Match[str]) -> str:
            return fold(sentence[max(0, m.start() - AGE_REACH) : m.end() + AGE_REACH])

        return lambda sentence: any(
            not surnames or any(name in around(sentence, m) for name in surnames) for m in AGE.finditer(sentence)
        )
    asked = _kinds(kind, question)
    return lambda sentence: bool(_kinds(kind, sentence) - asked)


# What a sentence names is looked up again by every question its passages answer: remembered.
@lru_cache(maxsize=4096)
def _names(sentence: str) -> frozenset[str]:
    return frozenset(entities(sentence))


@lru_cache(maxsize=4096)
def _kinds(kind: str, text: str) -> frozenset[str]:
    """The things of `kind` that `text` names, folded ("Bogotá" is "bogota", as the question may type it)."""
    pattern = {
        "amount": AMOUNT,
        "number": NUMBER,
        "measure": MEASURE,
        "clock": TIME_OF_DAY,
        "score": SCORE,
        "date": DATE,
        "duration": DURATION,
        "person": NAME,
        "place": PLACE,
    }[kind]
    found = frozenset(fold(m.group(0)) for m in pattern.finditer(text))
    if kind == "place":  # a country or a capital anywhere: "Sweden rationed gasoline", "Russia’s army"
        found |= {fold(w) for w in CAPITALISED.findall(text) if is_place(w)}
        found |= places_in(text)  # a listed place, in one word or several: "Charleston, South Carolina"
    return found


def attributes_speech(sentence: str, speaker: str) -> bool:
    """Whether `sentence` reports something said by `speaker`: their last name and a speech verb,
    or their name after "according to", before its comma.

    >>> attributes_speech("“Not ready,” Sergey V. Lavrov said.", "Lavrov")
    True
    >>> attributes_speech('his deal with Xi Jinping "the best cake"', "Xi Jinping")
    False
    >>> attributes_speech("“Not ready,” Hervé said.", "Herve")
    True
    >>> attributes_speech("According to Kremlin foreign policy aide Yuri Ushakov, they agreed.", "Ushakov")
    True
    >>> attributes_speech("According to the plan, which was agreed with Ushakov's team, talks go on.", "Ushakov")
    False
    >>> attributes_speech("According to Peskov, Ushakov will brief Putin.", "Ushakov")
    False

    A country, or its capital, speaks through its officials: "Kyiv" and "Ukraine" are reported by
    "Ukrainian officials said" or "Ukraine said", not by a sentence that only names the country.

    >>> attributes_speech("Ukrainian officials said talks were over.", "Kyiv")
    True
    >>> attributes_speech("Putin said the war in Ukraine would go on.", "Kyiv")
    False
    >>> attributes_speech("According to Ukrainian officials, talks were over.", "Kyiv")
    True
    """
    # The words that may name who speaks: the whole sentence when it has a speech verb, else those
    # just after each "according to".
    reported = [sentence] if SPEECH.search(sentence) else [m.group(1) for m in ACCORDING.finditer(sentence)]
    if not reported:
        return False
    last = fold(speaker.split()[-1])
    if any(last in fold(text) for text in reported):
        return True
    country = _country_named(speaker.split()[-1])
    if not country:
        return False
    voice = _voice()
    for words in tokenize(reported):
        if any(w == country and not voice.isdisjoint(words[i + 1 : i + 3]) for i, w in enumerate(words)):
            return True
    return False


@lru_cache(maxsize=256)
def _country_named(word: str) -> str | None:
    """The country `word`'s first stem names (`country_of`), remembered: every candidate sentence
    of a "What did X say?" question asks about the same X."""
    return country_of(next(iter(tokenize([word])[0]), ""))


@lru_cache(maxsize=1)
def _voice() -> frozenset[str]:
    """Stems of who speaks for a country, or of the speaking itself, right after its name."""
    return frozenset(tokenize([VOICE])[0])
