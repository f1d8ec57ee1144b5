"""When the articles mention what a question asks the name of, but never name it: asked "What is
the name of the hotel in Hanoi where the talks broke down?", the story says the talks "ended
abruptly at a hotel in Hanoi". That sentence matches the question word for word, so the sentence
model ranks it first and the abstention model sees a close match; but "a hotel" is the story's way
of not naming it, and the honest answer is that the articles do not say.

One reading only, kept narrow: the question asks for "the name of the N", N a thing (not a noun for
a person, whose name a later sentence often gives: "Police arrested a man ... John Smith, 34, was
charged"); the best sentence mentions N with an indefinite article ("a hotel in Hanoi", "an
American air base"), not as what something named is ("Frontex, an agency ...", "Normandy is a
region ...") nor followed by its name ("a destroyer, the USS Halsey", "a ship dubbed ...", "a hotel:
the Metropole"); and neither the three best sentences nor the one after the best names an N ("the
Metropole hotel", "the hotel Metropole", "It was called Midnight Hammer").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .counting import persons

__all__ = ["unnamed"]

# Function words: none is the noun asked about, nor part of a noun phrase's modifiers.
_FUNCTION = (
    r"the|a|an|of|for|at|in|on|to|by|with|from|and|or|but|that|which|who|whom|whose|where|when|behind|after"
    r"|before|during|against|over|about|between|under|near|into|across|through|outside|inside"
)
# Words that end the noun phrase after "the name of": a function word, a verb, a participle ("the
# policy announced on Monday", "the hotel overlooking the lake"), a name ("the hotel Trump stayed at").
_STOP = (
    rf"(?:{_FUNCTION}|used|was|is|were|are|did|does|do|has|had|have|will|would|could|can"
    r"|[a-z]+ed|[a-z]+ing|[A-Z][\w’'-]*)"
)
# Modifiers that come before a noun and are none ("the newly formed party", "the new Apple headset").
_MODIFIERS = r"new|old|former|latest|first|last|next|current|main|local|recent|same|other|whole|[a-z]+ly"
# "the name of the American air base in ..." -> "base".
ASKS_NAME = re.compile(
    r"\b[Nn]ames? of (?:the |a |an |this |that |his |her |its |their )?"
    rf"(?:(?!(?:{_FUNCTION})\b)[\w’'.-]+ ){{0,3}}?(?!(?:{_MODIFIERS})\b)([a-z]+)"
    rf"(?= {_STOP}\b|\s*[?,.!;]|\s*$)"
)
# Words that are no noun of a thing, should the phrase end on one ("the name of it?").
_NOT_NOUNS = frozenset(re.findall(r"\w+", "the a an it this that these those them one ones and or he she they we you"))
# The filler between an article and the noun: up to three words, none of them a function word or a
# verb, so that "a spokesman for the hotel" and "a union representing hotel workers" are no mention
# of a hotel.
_FILLER = rf"(?:(?!(?:{_FUNCTION}|said|says|[a-z]+ing|[a-z]+ed)\b)[\w’'-]+ ){{0,3}}?"
# A lowercase word after the noun that makes it a modifier ("a hotel worker"), unless it is a
# function word, a verb or a participle ("a hotel in Hanoi", "a company filed", "a hotel overlooking").
_COMPOUND = re.compile(
    rf"\s+(?!(?:{_FUNCTION}|is|was|are|were|has|had|have|will|would|could|can|said|says|[a-z]+ed|[a-z]+ing"
    r"|[a-z]+s)\b)[a-z][\w’'-]*"
)
# What may stand just before an indefinite mention that says what something named is: "X is a N",
# "X, a N", "known as a N".
_PREDICATE = re.compile(r"(?:\b(?:is|was|are|were|be|been|became|becomes|remains|as|called|named)|[,(—–:-])$")
_NAMING = (
    r"(?:called|named|code-named|nicknamed|dubbed|known(?:\s+\w+)?\s+as|identified as|calling itself|sold as"
    r"|whose name)\b"
)
_OPENS_NAME = r"(?:the\s+(?:[a-z]+\s+){0,2}?)?[“\"‘']?[A-Z]"  # "Ever Given", "the container vessel Ever Given"
# What may follow an indefinite mention and give its name: "a destroyer, the USS Halsey", "a ship,
# “Ever Given”", "a hotel: the Metropole", "a hotel, which was the Metropole", "a hotel in Hanoi, the
# Metropole", "a ship dubbed ...", "a drug sold as ...".
_NAMED_AFTER = re.compile(
    rf"\s*(?:[,:;(—–-]\s*)?(?:(?:which|that|it)\s+(?:\w+\s+)?(?:is|was|were|are)\s+)?{_OPENS_NAME}"
    rf"|\s+(?:in|at|near|on|for|of|from|outside)\s+(?:[\w’'.-]+\s+){{0,2}}?[\w’'.-]+\s*[,:(—–]\s*{_OPENS_NAME}"
    rf"|\s*,?\s*(?:(?:which|that|it)\s+(?:\w+\s+)?)?{_NAMING}"
)
# A sentence that gives something a name: "It was called Midnight Hammer", "known as “Ever Given”";
# not "Trump called Kim a friend".
_GIVES_NAME = re.compile(
    r"(?:\b(?:is|was|are|were|be|been|being)\s+(?:called|named|dubbed|nicknamed|code-named)"
    r"|\b(?:dubbed|nicknamed|code-named|known(?:\s+\w+)?\s+as|identified as|calling itself|sold as)"
    rf"|,\s*(?:called|named))\s+{_OPENS_NAME}"
)
# Capitalised words beside a noun that name nothing: an article or a determiner opening a
# sentence, a day, a month ("Trump left the hotel Thursday").
_NOT_NAMES = (
    r"The|A|An|This|That|Its|His|Her|Their|Our|Another|Every|No|Some|Each|Monday|Tuesday|Wednesday|Thursday"
    r"|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November"
    r"|December"
)


def asked_noun(question: str) -> str | None:
    """The noun of the thing whose name `question` asks for, or None (no such question, a noun
    for people, or several asked for).

    >>> asked_noun("What is the name of the American air base in Anchorage where Trump met Putin?")
    'base'
    >>> asked_noun("what's the name of the policy announced on Monday."), asked_noun("Who named the hotel?")
    ('policy', None)
    >>> asked_noun("What is the name of the man who was arrested?"), asked_noun("What are the names of the regions?")
    (None, None)
    """
    match = ASKS_NAME.search(question)
    if not match:
        return None
    noun = match.group(1)
    several = "names of" in match.group(0).lower() or (noun.endswith("s") and not noun.endswith(("ss", "us", "is")))
    if several or noun in _NOT_NOUNS or noun in persons():
        return None
    return noun


def _indefinite(noun: str, text: str) -> str | None:
    """The first mention of `noun` in `text` with an indefinite article that neither says what a
    named thing is nor is followed by a name ("a hotel in Hanoi" -> "a hotel"), or None."""
    for match in re.finditer(rf"\b(?:an?|another) {_FILLER}{re.escape(noun)}\b", text, re.IGNORECASE):
        if _PREDICATE.search(text[max(0, match.start() - 16) : match.start()].rstrip()):
            continue
        after = text[match.end() : match.end() + 80]
        if _NAMED_AFTER.match(after) or _COMPOUND.match(after):
            continue
        return match.group(0)
    return None


def _names(noun: str, text: str) -> bool:
    """Whether `text` names an N or gives something a name: a capitalised word (not a day, a month
    or "The") just before or after the noun ("Metropole hotel", "“Metropole” hotel", "hotel
    Metropole", "Acme CEO"), the noun inside a name past a sentence's first word ("Joint Base
    Elmendorf"), or "was called ...", "known as ...", "dubbed ..."."""
    word = re.escape(noun)
    near = (
        rf"(?<![\w’'-])(?!(?:{_NOT_NAMES})\b)[A-Z][\w’'-]*[”\"’']?\s+(?i:{word})\b"
        rf"|\b(?i:{word})\s+(?!(?:{_NOT_NAMES})\b)[A-Z]"
    )
    inside = re.search(rf"\b(?:{word.capitalize()}|{word.upper()})\b", text)
    return bool(re.search(near, text) or (inside and inside.start() > 0) or _GIVES_NAME.search(text))


def unnamed(question: str, best: Sequence[str], following: str | None = None) -> str | None:
    """The indefinite mention ("a hotel") that shows the articles do not name what `question` asks
    the name of, from the first of the `best` sentences (best first); None when the question asks
    for no such name, that sentence does not mention it so, or one of them, or the sentence
    `following` the best, names it.

    >>> unnamed("What is the name of the hotel in Hanoi where the talks broke down?",
    ...         ["The talks ended abruptly at a hotel in Hanoi in the spring of 2019."])
    'a hotel'
    >>> unnamed("What is the name of the hotel?", ["Talks ended at a hotel.", "The Metropole hotel was full."])
    >>> unnamed("What is the name of the region?", ["Normandy is a region in France."])
    >>> unnamed("What was the name of the operation?", ["It began a military operation, dubbed Midnight Hammer."])
    """
    noun = asked_noun(question)
    if noun is None or not best:
        return None
    mention = _indefinite(noun, best[0])
    context = [*best, following or ""]
    if mention is None or any(_names(noun, text) for text in context):
        return None
    return mention
