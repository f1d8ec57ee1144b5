"""When the articles mention what a question asks the name of, but never name it: asked "What is
the name of the hotel in Hanoi where the talks broke down?", the story says the talks "ended
abruptly at a hotel in Hanoi". That sentence matches the question word for word, so the sentence
model ranks it first and the abstention model sees a close match; but "a hotel" is the story's way
of not naming it, and the honest answer is that the articles do not say.

One reading only: the question asks for the name of a thing ("the name of the N ...", "the N's
name"), the best sentence mentions N with an indefinite article ("a hotel in Hanoi", "an American
air base"), not as what something else is ("Frontex, an agency ...", "Normandy is a region ...") nor
followed by its name ("a destroyer, the USS Halsey", "a company called ..."), and none of the best
three sentences names an N ("the Metropole Hotel", "the hotel Metropole").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["unnamed"]

# Words that end the noun phrase after "the name of": a preposition, a relative word, a verb.
_STOP = (
    r"(?:in|at|on|where|whose|that|which|who|whom|when|for|of|with|to|by|from|near|used|was|is|were|are"
    r"|did|does|do|has|had|have|will|would|could|can)"
)
# "the name of the American air base in ..." -> "base"; a plural ("the names of the two regions")
# asks for several, which "two regions" does not withhold in the same way: left alone.
ASKS_NAME = re.compile(
    r"\bname of (?:the |a |an |this |that |his |her |its |their )?(?:[A-Za-z’'-]+ ){0,3}?([a-z]+)(?= "
    + _STOP
    + r"\b|\s*[?,]|\s*$)",
    re.IGNORECASE,
)
# What may stand before an indefinite mention that says what something named is: "X is a N",
# "X, a N", "known as a N".
_PREDICATE = re.compile(r"(?:\b(?:is|was|are|were|be|been|became|becomes|remains|as|called|named)|[,(—–-])$")
# What may follow an indefinite mention and give its name: "a destroyer, the USS Halsey", "a hotel
# (the Metropole)", "a company called Steppenwolf".
_NAMED_AFTER = re.compile(
    r"\s*(?:,\s*(?:the\s+)?[A-Z]|\(\s*(?:the\s+)?[A-Z]|[A-Z]|called\b|named\b|known as\b|dubbed\b)"
)


def asked_noun(question: str) -> str | None:
    """The noun whose name `question` asks for, or None.

    >>> asked_noun("What is the name of the American air base in Anchorage where Trump met Putin?")
    'base'
    >>> asked_noun("what's the name of the hotel?"), asked_noun("Who named the hotel?")
    ('hotel', None)
    """
    match = ASKS_NAME.search(question)
    if not match or match.group(1).lower().endswith("s"):
        return None
    return match.group(1).lower()


def _indefinite(noun: str, text: str) -> str | None:
    """The first mention of `noun` in `text` with an indefinite article that neither says what a
    named thing is nor is followed by a name ("a hotel in Hanoi" -> "a hotel"), or None."""
    for match in re.finditer(rf"\b(?:an?|another) (?:[\w’'-]+ ){{0,3}}?{re.escape(noun)}\b", text, re.IGNORECASE):
        if _PREDICATE.search(text[: match.start()].rstrip()) or _NAMED_AFTER.match(text[match.end() :]):
            continue
        return match.group(0)
    return None


def _names(noun: str, text: str) -> bool:
    """Whether `text` names an N: a capitalised word just before or after it ("Metropole hotel",
    "hotel Metropole"), or the noun itself capitalised inside a name ("Joint Base Elmendorf")."""
    return bool(
        re.search(rf"\b[A-Z][\w’'-]*\s+{re.escape(noun)}\b|\b{re.escape(noun)}\s+[A-Z]", text)
        or re.search(rf"\b{re.escape(noun.capitalize())}\b", text)
    )


def unnamed(question: str, best: Sequence[str]) -> str | None:
    """The indefinite mention ("a hotel") that shows the articles do not name what `question` asks
    the name of, from the best of the `best` sentences (best first); None when the question asks for
    no name, the best sentence does not mention it so, or one of them names it.

    >>> unnamed("What is the name of the hotel in Hanoi where the talks broke down?",
    ...         ["The talks ended abruptly at a hotel in Hanoi in the spring of 2019."])
    'a hotel'
    >>> unnamed("What is the name of the hotel?", ["Talks ended at a hotel.", "The Metropole hotel was full."])
    >>> unnamed("What is the name of the region?", ["Normandy is a region in France."])
    >>> unnamed("What was the name of the destroyer?", ["A destroyer, the USS Halsey, rescued the crew."])
    """
    noun = asked_noun(question)
    if noun is None or not best:
        return None
    mention = _indefinite(noun, best[0])
    if mention is None or any(_names(noun, text) for text in best):
        return None
    return mention
