"""Write `rag/answer/antonyms.json`: pairs of opposite words from WordNet 3.0, as stems.

    apt-get install wordnet-base && python -m eval.antonyms [--wordnet /usr/share/wordnet]

WordNet marks direct antonyms ("large" / "small", "succeed" / "fail", "win" / "lose") with the
lexical pointer `!`. Each single-word pair of adjectives, verbs and adverbs (nouns oppose loosely:
"war" / "peace"), unless one of them is a function word (`FUNCTION`: "have" / "lack"), is
written as the Snowball stems `rag.index.words.tokenize` gives (so "failed" meets "fail"), with
the irregular forms WordNet lists (`adj.exc`, `verb.exc`: "largest" -> "large", "won" -> "win")
and the regular comparatives and superlatives of adjectives ("smaller", "smallest"). The
assistant reads the file to notice a question that swaps a word of the sentence for its
opposite. WordNet 3.0 is Princeton University's, under the WordNet licence (free to use, copy
and distribute with its copyright notice, which the file carries).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from rag.atomic import write_atomic
from rag.index.words import IRREGULAR_FILE, tokenize

OUT = Path(__file__).resolve().parent.parent / "rag" / "answer" / "antonyms.json"
POS = {"adj": "a", "adv": "r", "noun": "n", "verb": "v"}
# Words whose WordNet opposites are mostly parts of phrases, not of a question's meaning:
# quantifiers, particles and light verbs ("all of them", "shut down", "take that", "had lost").
# Words of degree and order keep theirs ("more" / "less", "first" / "last"): SQuAD's look-alike
# questions swap them.
FUNCTION = frozenset(
    {
        "all", "some", "none", "any", "each", "every", "both", "other", "same",  # quantifiers
        "up", "down", "in", "out", "on", "off", "over", "under", "back", "still", "well",  # particles
        "have", "take", "give", "go", "come", "get", "keep", "put",  # light verbs
    }
)  # fmt: skip
NOTICE = (
    "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. Permission to use, copy, "
    "modify and distribute this software and database and its documentation for any purpose and without "
    "fee or royalty is hereby granted, provided that you agree to comply with the copyright notice and "
    "statements, including the disclaimer, in the WordNet licence "
    "(https://wordnet.princeton.edu/license-and-commercial-use)."
)


def synsets(folder: Path) -> dict[tuple[str, str], list[str]]:
    """(offset, pos) -> the words of that synset, from WordNet's data files."""
    found: dict[tuple[str, str], list[str]] = {}
    for name, pos in POS.items():
        for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # the licence header
            parts = line.split()
            count = int(parts[3], 16)
            found[parts[0], pos] = [parts[4 + 2 * i].split("(")[0].lower() for i in range(count)]
    return found


def antonym_pairs(folder: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """Every direct antonym pair of single words, both ways round, and the words paired as adjectives."""
    words = synsets(folder)
    pairs: set[tuple[str, str]] = set()
    adjectives: set[str] = set()
    for name, pos in POS.items():
        for line in (folder / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            count = int(parts[3], 16)
            at = 4 + 2 * count
            for i in range(int(parts[at])):
                symbol, offset, target_pos, source_target = parts[at + 1 + 4 * i : at + 5 + 4 * i]
                if symbol != "!":
                    continue
                source, target = int(source_target[:2], 16), int(source_target[2:], 16)
                a = words[parts[0], pos][source - 1]
                b = words[offset, "a" if target_pos == "s" else target_pos][target - 1]
                if pos == "n":
                    continue  # nouns oppose loosely ("war" / "peace", "day" / "night"); questions reuse them freely
                if "_" not in a and "_" not in b and a != b:
                    pairs |= {(a, b), (b, a)}
                    if pos == "a":
                        adjectives |= {a, b}
    return pairs, adjectives


def content_pair(a: str, b: str) -> bool:
    """Whether an opposite pair sets two questions apart, not two phrasings of one: a pair with a
    word of `FUNCTION` ("have" / "lack", "all" / "some", "up" / "down", "take" / "give") is left out,
    as such words are mostly parts of phrases ("were still missing" against "had lost", "reads all
    the westerns" against "some of them", "shut down" against "up").

    >>> content_pair("accept", "reject"), content_pair("have", "lack"), content_pair("more", "less")
    (True, False, True)
    """
    return a not in FUNCTION and b not in FUNCTION


def forms(folder: Path, pairs: set[tuple[str, str]], adjectives: set[str]) -> dict[str, set[str]]:
    """Each base word of `pairs` -> its forms: itself, irregular forms, -er/-est for adjectives."""
    out: dict[str, set[str]] = defaultdict(set)
    for a, _ in pairs:
        out[a].add(a)
    for name in ("adj", "verb", "noun"):
        for line in (folder / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            inflected, *bases = line.split()
            for base in bases:
                if base in out:
                    out[base].add(inflected)
    for word in adjectives:
        if word.isalpha() and len(word) <= 6:
            stem = word[:-1] + "i" if word.endswith("y") else word[:-1] if word.endswith("e") else word
            out[word] |= {stem + "er", stem + "est"}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    pairs, adjectives = antonym_pairs(args.wordnet)
    pairs = {(a, b) for a, b in pairs if content_pair(a, b)}
    variants = forms(args.wordnet, pairs, adjectives)
    # A form search reads as another verb's ("worn" is "wear", "spoken" "speak": irregular.json)
    # is that verb there, not the adjective WordNet opposes ("worn" / "new"): left out.
    irregular = json.loads(IRREGULAR_FILE.read_text(encoding="utf-8"))["irregular"]
    variants = {a: {v for v in vs if irregular.get(v, a) == a} for a, vs in variants.items()}
    stems: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        for x in tokenize(sorted(variants[a])):
            for y in tokenize(sorted(variants[b])):
                if len(x) == 1 and len(y) == 1 and x[0] != y[0]:
                    stems[x[0]].add(y[0])
    table = {a: sorted(b - {a}) for a, b in sorted(stems.items()) if b - {a}}
    source = "WordNet 3.0 direct antonyms (pointer '!') without function words, as Snowball stems"
    write_table(args.out, source, "antonyms", table)
    print(f"{len(pairs) // 2} pairs of words, {len(table)} stems with opposites; wrote {args.out}")


def write_table(out: Path, source: str, name: str, table: Any) -> None:
    """Write a table drawn from WordNet as compact JSON, with its source, WordNet's licence notice
    and the command that made it (`python -m eval.<name>`), atomically."""
    data = {"source": source, "licence": NOTICE, "made_by": f"python -m eval.{name}", name: table}
    write_atomic(out, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
