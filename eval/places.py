"""Write `rag/index/places.json`: the words news uses for a country, from `countryinfo`'s data.

    pip install countryinfo && python -m eval.places

A question and an article often name one country differently: "Russian officials" and "Russia",
"Ukrainians" and "Ukraine", "the U.S." and "the United States", and in news a capital stands for
its government ("Kyiv's leader", "what Moscow wants"). Snowball stems "Russian" and "Russia"
apart, and "U.S." has no word of two letters. The table written here lets search read them as one:

- `demonyms`: "russian", "russians" -> "russia". `rag.index.bm25.tokenize` folds them, in the
  articles and the questions alike. A demonym shared by several countries is kept only when one of
  them has ten times the others' people ("french": France); "polish" is left out (also a verb).
- `phrases` and `abbreviations`: "united states", "U.S.", "US" -> "america"; "united kingdom",
  "great britain", "U.K.", "UK" -> "britain", from the two countries' names and alternative
  spellings. They are the only countries whose everyday name is more than one word and whose
  short form is in every newspaper. Abbreviations are matched with their capitals ("us" is a word)
  and their dots.
- `capitals`: "kyiv" -> "ukraine", of countries of at least a million people. A question's capital
  also searches for its country, not the other way round: an article's "Kyiv" is often the city.

The data is countryinfo's (MIT licence, Copyright (c) 2018 Porimol Chandro), read from its files.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rag.atomic import write_atomic
from rag.index.bm25 import fold

OUT = Path(__file__).resolve().parent.parent / "rag" / "index" / "places.json"
# Countries whose everyday name is one word other than their official one.
EVERYDAY = {"United States": "america", "United Kingdom": "britain"}
# Their short forms, matched with their capitals and dots ("GB" is also gigabytes: left out).
SHORT = {"america": ["U.S.", "U.S.A.", "US", "USA"], "britain": ["U.K.", "UK"]}
NOT_DEMONYMS = {"polish"}  # an English word first
MIN_PEOPLE = 1_000_000  # capitals of smaller countries are as often a person or a town ("Stanley", "Victoria")
NOTICE = "countryinfo (github.com/porimol/countryinfo): MIT licence, Copyright (c) 2018 Porimol Chandro."


def countries() -> list[dict[str, Any]]:
    """countryinfo's records of the countries with an ISO code."""
    import countryinfo

    folder = Path(countryinfo.__file__).resolve().parent / "data"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def word(text: str) -> str | None:
    """`text` folded, when it is one word of letters ("Washington D.C." is "washington")."""
    folded = fold(text.strip().removesuffix(" D.C."))
    return folded if folded.isalpha() else None


def table(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    everyday = {r["name"]: EVERYDAY.get(r["name"]) or word(r["name"]) for r in rows}
    people: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for r in rows:
        for demonym in (r.get("demonym") or "").split(","):
            d = word(demonym)
            if d:
                people[d].append((int(r.get("population") or 0), everyday[r["name"]]))
    demonyms: dict[str, str] = {}
    for d, claims in sorted(people.items()):
        claims.sort(reverse=True)
        top, country = claims[0]
        others = sum(n for n, _ in claims[1:])
        if country and d != country and d not in NOT_DEMONYMS and top >= 10 * others:
            demonyms[d] = country
            demonyms[d + "s"] = country
    capitals: dict[str, str] = {}
    for r in rows:
        country = everyday[r["name"]]
        named = r.get("capital") or []
        for capital in map(word, [named] if isinstance(named, str) else named):  # some have several
            if country and capital and capital != country and int(r.get("population") or 0) >= MIN_PEOPLE:
                capitals[capital] = country
    phrases: dict[str, str] = {}
    for r in rows:
        everyday_name = EVERYDAY.get(r["name"])
        for name in [r["name"], *r.get("altSpellings", [])] if everyday_name else []:
            if everyday_name and " " in name and name.replace(" ", "").isalpha():
                phrases[fold(name)] = everyday_name
    abbreviations = {short: country for country, forms in SHORT.items() for short in forms}
    return {"demonyms": demonyms, "capitals": capitals, "phrases": phrases, "abbreviations": abbreviations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data: dict[str, Any] = {"source": "countryinfo: country names, demonyms and capitals", "licence": NOTICE}
    data |= {"made_by": "python -m eval.places", **table(countries())}
    write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n")
    sizes = ", ".join(f"{len(data[k])} {k}" for k in ("demonyms", "capitals", "phrases", "abbreviations"))
    print(f"{sizes}; wrote {args.out}")


if __name__ == "__main__":
    main()
