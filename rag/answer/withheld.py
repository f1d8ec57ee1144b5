"""When the articles say that what is asked is not known: "His name has not been released.",
"That man, whom prosecutors did not name in court, ...", "No group immediately claimed
responsibility for the attack." Asked for that name, or who claimed the attack, the honest answer
is that the articles do not say, and this sentence is why; the sentence beside it, which is about
the same person, would otherwise be quoted as if it answered.

Two readings only, each tied to what the question asks: a name the articles say is withheld, for a
question that asks for a name ("Who ...?", "What was the name of ...?"); a claim nobody made, for a
question that asks who claimed something. A sentence that withholds a name counts when it is among
the three best sentences and shares a word with the question, or when it follows one of them and
opens by pointing back to it ("His name ..."), and no better sentence (nor the one it follows)
gives a person's name the question does not: an earlier report withheld what a later one gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..index.words import terms_of
from .gazetteer import places_in
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
CLAIMED = re.compile(r"\bclaimed\s+(?:responsibility|credit)\b", re.I)
NOBODY_CLAIMED = re.compile(r"\bno\s+(?:\w+\s+){0,2}?(?:has\s+|had\s+)?(?:yet\s+)?(?:immediately\s+)?claimed\b", re.I)
POINTS_BACK = re.compile(r"^(?:His|Her|Their|Its)\b")
# A run of capitalised words, or a title and a surname: "Darnell Hayes", "Ms. Whitaker".
RUN = re.compile(
    r"(?<![\w’'-])(?:(?:Mr|Mrs|Ms|Dr)\.\s+[A-Z][\w’'-]{1,30}|[A-Z][a-z][\w’'-]{0,30}(?:\s+[A-Z][\w’'-]{1,30})+)"
)
# The last words of the names of places and bodies, which are no person's: "Farm Road", "Sierra
# Metro Rail", "the Mid-Atlantic Innocence Project".
THINGS = frozenset(
    re.findall(
        r"\w+",
        "Road Street Avenue Boulevard Highway Route Lane Drive Way Junction Bridge Square Plaza County City State"
        " States Republic Kingdom Union River Lake Creek Bay Sea Ocean Gulf Coast Island Valley Canyon Mountain"
        " Mountains Park Beach Harbor Harbour Port Airport Station Rail Railway Line Center Centre University"
        " College School Academy Hospital Church Court Department Office Ministry Agency Bureau Service Company"
        " Corporation Inc Group Party Council Committee Commission Project Association Foundation Institute"
        " House Hall Stadium Field Arena Theater Theatre Museum Records News Times Post Press Guard Police Army"
        " Navy Force Forces Command Club League Fund Bank Alliance Network",
    )
)


def _person(run: re.Match[str]) -> bool:
    """Whether a run of capitalised words names a person, not a place (`gazetteer.json`) or a body."""
    return run.group(0).split()[-1] not in THINGS and not places_in(run.group(0))


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
    >>> best = ["Police identified the suspect as Darnell Hayes, 34.", "The suspect's name was not released Tuesday."]
    >>> withheld(analyse("Who is the suspect in the shooting?"), best, [None, None]) is None
    True
    """
    wants_name = asked.expects in ("name", "person") or "name" in asked.terms
    claimed = "claim" in asked.terms
    if not wants_name and not claimed:
        return None
    terms = set(asked.terms) - {"name", "claim"}
    asked_words = {w.lower() for w in re.findall(r"\w+", asked.text)}

    def named(sentence: str) -> bool:  # a person's name the question does not give
        return any(_person(m) and m.group(0).split()[-1].lower() not in asked_words for m in RUN.finditer(sentence))

    best = best[:3]
    for n, sentence in enumerate(best):
        # Not when a better sentence answers: "Police identified the suspect as Darnell Hayes."
        claims = [b for b in best[:n] if CLAIMED.search(b) and not NOBODY_CLAIMED.search(b)]
        if claimed and NOBODY_CLAIMED.search(sentence) and not claims:
            return sentence
        if wants_name and NAME_WITHHELD.search(sentence) and terms & terms_of(sentence):
            return None if any(map(named, best[:n])) else sentence
    if wants_name:
        for n, after in enumerate(following[:3]):
            if after and POINTS_BACK.match(after) and NAME_WITHHELD.search(after):
                return None if any(map(named, best[: n + 1])) else after
    return None
