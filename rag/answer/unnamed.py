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

# Words that end the noun phrase after "the name of": a preposition, a relative word, a verb, a
# participle ("the policy announced on Monday"), a name ("the hotel Trump stayed at").
_STOP = (
    r"(?:in|at|on|where|whose|that|which|who|whom|when|for|of|with|to|by|from|near|and|or|used|was|is|were"
    r"|are|did|does|do|has|had|have|will|would|could|can|[a-z]+ed|[A-Z][\w’'-]*)"
)
# "the name of the American air base in ..." -> "base".
ASKS_NAME = re.compile(
    r"\b[Nn]ames? of (?:the |a |an |this |that |his |her |its |their )?(?:[\w’'.-]+ ){0,3}?([a-z]+)"
    rf"(?= {_STOP}\b|\s*[?,.!;]|\s*$)"
)
# Words that are no noun of a thing, should the phrase end on one ("the name of it?").
_NOT_NOUNS = frozenset(re.findall(r"\w+", "the a an it this that these those them one ones and or he she they we you"))
# The filler between an article and the noun: up to three words, none of them a function word, so
# that "a spokesman for the hotel" is no mention of a hotel.
_FILLER = r"(?:(?!(?:the|a|an|of|for|at|in|on|to|by|with|from|and|or|but|that|which|who|whose)\b)[\w’'-]+ ){0,3}?"
# What may stand just before an indefinite mention that says what something named is: "X is a N",
# "X, a N", "known as a N".
_PREDICATE = re.compile(r"(?:\b(?:is|was|are|were|be|been|became|becomes|remains|as|called|named)|[,(—–:-])$")
_NAMING = r"(?:called|named|code-named|nicknamed|dubbed|known as|whose name)\b"
# What may follow an indefinite mention and give its name: "a destroyer, the USS Halsey", "a ship,
# “Ever Given”", "a hotel: the Metropole", "a hotel, which was the Metropole", "a ship dubbed ...".
_NAMED_AFTER = re.compile(
    r"\s*(?:[,:;(—–-]\s*)?(?:(?:which|that|it)\s+(?:\w+\s+)?(?:is|was|were|are)\s+)?(?:the\s+)?[“\"‘']?[A-Z]"
    rf"|\s*,?\s*(?:(?:which|that|it)\s+(?:\w+\s+)?)?{_NAMING}"
)
# A sentence that gives something a name: "It was called Midnight Hammer", "known as “Ever Given”".
_GIVES_NAME = re.compile(rf"\b{_NAMING}\s+(?:the\s+)?[“\"‘']?[A-Z]")


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
        if _NAMED_AFTER.match(text[match.end() : match.end() + 60]):
            continue
        return match.group(0)
    return None


def _names(noun: str, text: str) -> bool:
    """Whether `text` names an N or gives something a name: a capitalised word just before or
    after the noun ("Metropole hotel", "hotel Metropole", "Acme CEO"), the noun inside a name
    ("Joint Base Elmendorf"), or "called ...", "named ...", "known as ..."."""
    word = re.escape(noun)
    near = rf"\b(?!(?:The|A|An|This|That|Its|His|Her|Their|Our)\b)[A-Z][\w’'-]*\s+(?i:{word})\b|\b(?i:{word})\s+[A-Z]"
    inside = rf"\b(?:{word.capitalize()}|{word.upper()})\b"
    return bool(re.search(near, text) or re.search(inside, text))


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
    if mention is None or any(_names(noun, text) or _GIVES_NAME.search(text) for text in context):
        return None
    return mention
