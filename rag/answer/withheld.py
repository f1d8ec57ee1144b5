"""When the articles say that what is asked is not known: "His name has not been released.",
"That man, whom prosecutors did not name in court, ...", "No group immediately claimed
responsibility for the attack." Asked for that name, or who claimed the attack, the honest answer
is that the articles do not say, and this sentence is why; the sentence beside it, which is about
the same person, would otherwise be quoted as if it answered.

Two readings only, each tied to what the question asks: a name the articles say is withheld, for a
question that asks for a name ("Who ...?", "What was the name of ...?"); a claim nobody made, for a
question that asks who claimed something. A sentence that withholds a name counts when it is among
the three best sentences and shares a word with the question, or when it follows one of them and
opens by pointing back to it ("His name ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..index.words import terms_of
from .question import Question

__all__ = ["withheld"]

NAME_WITHHELD = re.compile(
    r"\b(?:name|names|identity|identities)\b[^.;]{0,40}?\b(?:not|never)\b[^.;]{0,20}?"
    r"\b(?:released|disclosed|made public|given|known|identified|available)\b"
    r"|\b(?:name|names|identity)\b[^.;]{0,30}?\b(?:withheld|unknown|undisclosed)\b"
    r"|\b(?:did|would|could|does|do)\s+not\s+(?:name|identify)\b|\bdeclined\s+to\s+(?:name|identify)\b"
    r"|\b(?:has|have|had|was|were)\s+not\s+(?:yet\s+)?been\s+(?:named|identified)\b",
    re.IGNORECASE,
)
NOBODY_CLAIMED = re.compile(r"\bno\s+(?:\w+\s+){0,2}?(?:has\s+|had\s+)?(?:yet\s+)?(?:immediately\s+)?claimed\b", re.I)
POINTS_BACK = re.compile(r"^(?:His|Her|Their|Its)\b")


def withheld(asked: Question, best: Sequence[str], following: Sequence[str | None]) -> str | None:
    """The sentence that says what `asked` asks for is not known, or None. `best` are the best
    sentences in order; `following` the sentence after each in its article (None after the last).

    >>> from rag.answer.question import analyse
    >>> best = ["A 71-year-old man was swept off a crossing on Farm Road 1120."]
    >>> withheld(analyse("What was the name of the man swept away?"), best, ["His name has not been released."])
    'His name has not been released.'
    >>> withheld(analyse("How old was the man swept away?"), best, ["His name has not been released."]) is None
    True
    >>> withheld(analyse("Which group claimed the attack?"), ["No group immediately claimed the attack."], [None])
    'No group immediately claimed the attack.'
    """
    wants_name = asked.expects in ("name", "person") or "name" in asked.terms
    claimed = "claim" in asked.terms
    if not wants_name and not claimed:
        return None
    terms = set(asked.terms) - {"name", "claim"}
    for sentence in best[:3]:
        if claimed and NOBODY_CLAIMED.search(sentence):
            return sentence
        if wants_name and NAME_WITHHELD.search(sentence) and terms & terms_of(sentence):
            return sentence
    if wants_name:
        for after in following[:3]:
            if after and POINTS_BACK.match(after) and NAME_WITHHELD.search(after):
                return after
    return None
