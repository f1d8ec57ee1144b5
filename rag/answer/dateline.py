"""A wire story's dateline: where, and for whom, it was filed, before its first sentence ("LOS
ANGELES, California (CNN) -- ", "(CNN)", "WASHINGTON (AP) — ", "LONDON, June 5 (Reuters) - ").

It stays in the text, searched and quoted: it may be the only place a story names, and a "where"
question may need it. But it is not the first sentence's subject, so no short answer is taken from
it for any other question (short_answer.py): "Who was arrested?" is not "LOS ANGELES, California".
"""

from __future__ import annotations

import re

__all__ = ["DATELINE", "datelines", "undated"]

AGENCIES = r"CNN|AP|Reuters|AFP|UPI|Bloomberg|dpa|PA|EFE|ANSA|Xinhua|Kyodo|TASS|Yonhap"
# Before an agency: a place in capitals or title case ("Kyiv (AFP) - "); before a bare dash, only
# in capitals ("WASHINGTON — "), and not an organisation's initials ("NATO — The alliance ...").
_PLACE = r"[A-Z][\w.'’-]*(?:[ \t][A-Z][\w.'’-]*){0,3}"
_CAPITALS = r"[A-Z][A-Z.'’-]+(?:[ \t][A-Z][A-Z.'’-]+){0,3}"
_REGION = r"(?:,[ \t]+[A-Z0-9][\w.'’-]*(?:[ \t][A-Z0-9][\w.'’-]*){0,2})?"  # ", California", ", June 5"
_INITIALS = r"(?:NATO|WHO|CNN|UN|EU|US|UK|U\.S\.|U\.K\.|U\.N\.|FBI|CIA|NASA|OPEC|IMF|BBC|NBC|CBS|ABC|FDA|CDC|IAEA|WTO)"
DATELINE = re.compile(
    rf"^[ \t]*(?:(?:{_PLACE}{_REGION})?[ \t]*\((?:{AGENCIES})\)[ \t]*(?:(?:--|—|–|-)[ \t]*)?"
    rf"|(?!{_INITIALS}[ \t]*(?:--|—|–)){_CAPITALS}{_REGION}[ \t]*(?:--|—|–)[ \t]+)"
    r"(?=[A-Z0-9\"“‘'])",
    re.MULTILINE,
)


def datelines(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each dateline that opens a line of `text`.

    >>> s = "Man held in shooting\\nLOS ANGELES, California (CNN) -- A man was arrested."
    >>> [s[a:b] for a, b in datelines(s)]
    ['LOS ANGELES, California (CNN) -- ']
    >>> filed = ("(CNN)A quake hit.", "LONDON, June 5 (Reuters) - Stocks fell.", "Kyiv (AFP) - Drones hit.")
    >>> [len(datelines(s)) for s in filed]
    [1, 1, 1]
    >>> not_filed = ("NATO — The alliance met.", "U.S. -- The talks went on.", "The talks (AP) -- went on.")
    >>> [len(datelines(s)) for s in not_filed]
    [0, 0, 0]
    """
    return [(found.start(), found.end()) for found in DATELINE.finditer(text)]


def undated(text: str) -> str:
    """`text` without its datelines: "LONDON, June 5 (Reuters) - " gives no date a "When ...?"
    question asks for (a "where" question still reads the dateline's place).

    >>> undated("SAN JOSE, Feb 4 (AFP) - Vargas won the election on Sunday.")
    'Vargas won the election on Sunday.'
    """
    return DATELINE.sub("", text)
