"""Write `rag/index/places.json`: the words news uses for a country, from `countryinfo`'s data.

    pip install countryinfo && python -m eval.places

A question and an article often name one country differently: "Russian officials" and "Russia",
"Ukrainians" and "Ukraine", "the U.S." and "the United States", and in news a capital stands for
its government ("Kyiv's leader", "what Moscow wants"). Snowball stems "Russian" and "Russia"
apart, and "U.S." has no word of two letters. `rag.index.words.tokenize` reads them as one, in the
articles and the questions alike, with this table:

- `demonyms`: "russian", "russians" -> "russia", for the countries whose name is one word. A
  demonym shared by several countries is kept only when one of them has ten times the others'
  people ("french": France; "dominican" is left out); "polish" is left out (an English word first).
- `phrases`, `dotted`, `abbreviations`, `written`: "united states (of america)", "u.s.", "usa",
  "US" -> "america"; "united kingdom", "great britain", "u.k.", "uk" -> "britain", from the two
  countries' names and alternative spellings. They are the only countries whose everyday name is
  more than one word and whose short form is in every newspaper. "US" is matched as written (in
  capitals), since "us" is a word; "GB" is left out (gigabytes).
- `capitals`: "kyiv" -> "ukraine", for countries of at least a million people. They are not
  searched for their country (that lowered BM25's R@1); `rag.index.words.country_of` reads a capital
  as its country where a question names a government ("What did Moscow say?").

Left out: countries whose name is several words (South Korea, Saudi Arabia, New Zealand ...),
capitals of several words (New Delhi, Mexico City), and forms countryinfo does not list ("Briton",
"Kiev"). The data is countryinfo's (MIT licence, Copyright (c) 2018 Porimol Chandro), as it ships
it (Swaziland, not Eswatini). Changing the table changes the words of every index: bump
`rag.config.FORMAT_VERSION` with it.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rag.atomic import write_atomic
from rag.index.words import fold

OUT = Path(__file__).resolve().parent.parent / "rag" / "index" / "places.json"
# Countries whose everyday name is one word other than their official one.
EVERYDAY = {"United States": "america", "United Kingdom": "britain"}
# Their short forms: with dots (any case, in folded text), as one word, and "US" in capitals only.
DOTTED = {"america": ["u.s.", "u.s", "u.s.a.", "u.s.a"], "britain": ["u.k.", "u.k"]}
ABBREVIATIONS = {"america": ["usa"], "britain": ["uk"]}
WRITTEN = {"america": ["US"]}
NOT_DEMONYMS = {"polish"}  # an English word first
NO_PLURAL = ("sh", "ch", "ese", "s", "ic", "y", "z")  # "the British", "the Chinese", "the Swiss"
MIN_PEOPLE = 1_000_000  # capitals of smaller countries are as often a person or a town ("Stanley", "Victoria")
NOTICE = "countryinfo (github.com/porimol/countryinfo): MIT licence, Copyright (c) 2018 Porimol Chandro."


def countries() -> list[dict[str, Any]]:
    """countryinfo's country records (its `data` folder; the few without an ISO code are elsewhere)."""
    import countryinfo

    folder = Path(countryinfo.__file__).resolve().parent / "data"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def word(text: str) -> str | None:
    """`text` folded, when it is one word of letters ("Washington D.C." is "washington")."""
    folded = fold(text.strip().removesuffix(" D.C."))
    return folded if folded.isalpha() else None


def demonyms(rows: list[dict[str, Any]], everyday: dict[str, str | None]) -> dict[str, str]:
    """Each demonym (and its plural) -> the one-word name of the country it belongs to."""
    people: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for r in rows:
        for demonym in (r.get("demonym") or "").split(","):
            d = word(demonym)
            if d:
                people[d].append((int(r.get("population") or 0), everyday[r["name"]]))
    out: dict[str, str] = {}
    for d, claims in sorted(people.items()):
        claims.sort(reverse=True)
        top, country = claims[0]
        others = sum(n for n, _ in claims[1:])
        if country and d != country and d not in NOT_DEMONYMS and top >= 10 * others:
            out[d] = country
            if not d.endswith(NO_PLURAL):
                out[d + "s"] = country
    return out


def capitals(rows: list[dict[str, Any]], everyday: dict[str, str | None]) -> dict[str, str]:
    """Each one-word capital of a country of `MIN_PEOPLE` or more -> the country's one-word name."""
    out: dict[str, str] = {}
    for r in rows:
        country, named = everyday[r["name"]], r.get("capital") or []
        if not country or int(r.get("population") or 0) < MIN_PEOPLE:
            continue
        for capital in map(word, [named] if isinstance(named, str) else named):  # some have several
            if capital and capital != country:
                out[capital] = country
    return out


def _forms(short: dict[str, list[str]]) -> dict[str, str]:
    return {form: country for country, forms in short.items() for form in forms}


def table(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The parts of `places.json` (see the module docstring) from countryinfo's records."""
    everyday = {r["name"]: EVERYDAY.get(r["name"]) or word(r["name"]) for r in rows}
    phrases = {
        fold(name): country
        for r in rows
        if (country := EVERYDAY.get(r["name"]))
        for name in [r["name"], *r.get("altSpellings", [])]
        if " " in name and name.replace(" ", "").isalpha()
    }
    return {
        "demonyms": demonyms(rows, everyday),
        "capitals": capitals(rows, everyday),
        "phrases": phrases,
        "dotted": _forms(DOTTED),
        "abbreviations": _forms(ABBREVIATIONS),
        "written": _forms(WRITTEN),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data: dict[str, Any] = {"source": "countryinfo: country names, demonyms and capitals", "licence": NOTICE}
    data |= {"made_by": "python -m eval.places", **table(countries())}
    write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=0) + "\n")
    print(", ".join(f"{len(data[k])} {k}" for k in table([])) + f"; wrote {args.out}")


if __name__ == "__main__":
    main()
