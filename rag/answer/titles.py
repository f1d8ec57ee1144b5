"""Who a story means by a title: "What did the governor say?" is answered by "Tull told reporters",
which never says "governor". The story names its governor once, by the title: "Gov. Harlan Tull",
"Culver County Judge Evelyn Marsh", or with the title after the name: "Kevin Tran, a spokesman for
Sierra Metro Rail", "Sara Benally, director of the Sonoran Water Alliance". The surname found is
what the "What did X say?" rule then looks for beside a verb of saying.

Offices of a country ("Kyiv's leader") are read by `rag.search.descriptors`; this reads any title,
in the one story the search found first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..ingest.cleaning import MONTH
from .figures import WEEKDAY

__all__ = ["title_holder", "title_spans"]

# The short forms a title takes before a name.
SHORT = {
    "governor": "Gov",
    "senator": "Sen",
    "representative": "Rep",
    "general": "Gen",
    "lieutenant": "Lt",
    "colonel": "Col",
    "sergeant": "Sgt",
    "professor": "Prof",
    "doctor": "Dr",
    "superintendent": "Supt",
}
# A name of up to three words, each bounded, starting at a word's start (not inside a long token).
_WORD = r"[A-Z][\w’'-]{1,30}(?![\w’'-])"
_NAME = rf"(?<![\w’'-]){_WORD}(?:\s+[A-Z]\.)?(?:\s+{_WORD}){{0,2}}"
# Capitalised words that are no surname: "On Tuesday, a spokesman ...".
NOT_NAMES = re.compile(rf"{WEEKDAY}|{MONTH}")
MAX_TEXT = 200_000  # a story's first characters: a title is given where the person first appears


def title_holder(speaker: str, text: str) -> str | None:
    """The surname of the one person `text` names with the title that ends `speaker` ("the county
    judge", "the rail agency's spokesman"), or None when it names nobody, or several, so.

    >>> title_holder("the governor", "Gov. Harlan Tull toured the town. Tull said it was bad.")
    'Tull'
    >>> title_holder("the agency's spokesman", "“Our hearts are broken,” said Kevin Tran, a spokesman for the agency.")
    'Tran'
    >>> title_holder("the director", "Sara Benally, director of the Alliance, spoke. Tom Lee, a director, too.") is None
    True
    >>> title_holder("the spokesman", "On Tuesday, a spokesman declined to comment.") is None
    True
    >>> title_holder("the governor", "Lt. Gov. Jane Doe said so.") is None
    True
    """
    title = _title(speaker)
    found = _holders(title, text[:MAX_TEXT]) if title else ()
    return found[0] if len(found) == 1 else None


def _title(speaker: str) -> str | None:
    """The title word that ends a speaker named by title ("judge" of "the county judge"), or None."""
    words = re.findall(r"[a-z]+", speaker.lower())
    return words[-1] if len(words) >= 2 and words[0] == "the" else None


def title_spans(speaker: str, sentence: str) -> list[tuple[int, int]]:
    """Where `sentence` names the holder of the title that ends `speaker` ("the county judge"): the
    title with the name after it, or the name with the title after it up to the next comma. They
    say who spoke, not what was said.

    >>> s = "“It is bad,” said Culver County Judge Evelyn Marsh, the county's top official."
    >>> [s[a:b] for a, b in title_spans("the county judge", s)]
    ['Judge Evelyn Marsh']
    >>> s = "“Our hearts are broken,” said Kevin Tran, a spokesman for Sierra Metro Rail."
    >>> [s[a:b] for a, b in title_spans("the agency's spokesman", s)]
    ['Kevin Tran, a spokesman for Sierra Metro Rail']
    """
    title = _title(speaker)
    if not title:
        return []
    before, after = _patterns(title)
    spans = [m.span() for m in before.finditer(sentence)]
    for m in after.finditer(sentence):
        rest = re.match(r"[^,;.“”\"]*", sentence[m.end() :])
        spans.append((m.start(), m.end() + (len(rest.group(0).rstrip()) if rest else 0)))
    return sorted(spans)


@lru_cache(maxsize=64)
def _patterns(title: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The title before a name ("Gov. Harlan Tull") and after it ("Kevin Tran, a spokesman")."""
    forms = [re.escape(title.capitalize())] + ([rf"{SHORT[title]}\."] if title in SHORT else [])
    # Not the deputy's: "Lt. Gov. Jane Doe", "Deputy Gov. ...", "Vice President ...".
    before = re.compile(rf"(?<!Lt\. )(?<!Lieutenant )(?<!Deputy )(?<!Vice )\b(?:{'|'.join(forms)})\s+(?P<name>{_NAME})")
    after = re.compile(
        rf"(?P<name>{_NAME}),\s+(?:(?:a|an|the)\s+)?(?:[\w’'-]+\s+){{0,4}}?(?i:{re.escape(title)})\b(?!\s*[A-Z])"
    )
    return before, after


@lru_cache(maxsize=32)  # a story's text is kept while cached: a few, not hundreds
def _holders(title: str, text: str) -> tuple[str, ...]:
    """The surnames `text` gives the title `title` ("judge"), by its first mention of each."""
    surnames: dict[str, None] = {}
    for pattern in _patterns(title):
        for match in pattern.finditer(text):
            surname = match.group("name").split()[-1]
            if not NOT_NAMES.fullmatch(surname):
                surnames.setdefault(surname, None)
    return tuple(surnames)
