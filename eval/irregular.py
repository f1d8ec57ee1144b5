"""Write `rag/index/irregular.json`: the irregular forms of English verbs, each with its base form,
from WordNet 3.0's `verb.exc`.

    apt-get install wordnet-base && python -m eval.irregular [--wordnet /usr/share/wordnet]

The Snowball stemmer cuts suffixes, so "led" and "lead", "won" and "win", "wrote" and "write",
"met" and "meet", "told" and "tell" stay apart: "Who led the study?" missed "the study's lead
author", "Who won the race?" missed "winning". `rag.index.words.tokenize` reads each form in this
table as its base form before stemming, in questions and in articles alike. A form that is also a
noun tagged more than once in WordNet's sense-tagged corpus is left out ("left", "shot", "ground",
"wound", "thought": their noun is as common as the verb), as are a few forms news uses in another
sense or as a name ("born", "the Fed", "might", "Kent": `OTHER_SENSES`), and every form of "be", "have",
"do" and "say": every question and every quotation has them, and a question's "say" matching
every "said" only adds noise.
WordNet 3.0 is Princeton University's, under the WordNet licence, whose notice the file carries.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .antonyms import write_table

OUT = Path(__file__).resolve().parent.parent / "rag" / "index" / "irregular.json"
NOUN_TAGGED = 1  # a form that is a noun tagged more often than this keeps its own meaning
LEFT_OUT = {"be", "have", "do", "say"}  # the verbs of every question and every quotation
# Forms news uses in another sense or as a name more than as the verb's: "born" (not "bear": the
# Chicago Bears), "the Fed", "might" (not the month May), "Kent", "a diplomatic spat", "a slew of",
# "Lent", "hawks and doves", "woke", "gilt" yields, "lay" (lay off / laid off), "sawn" (a saw).
OTHER_SENSES = {"born", "bore", "fed", "might", "kent", "spat", "slew", "lent", "dove", "woke", "gilt", "clove",
                "lay", "sawn", "ken"}  # fmt: skip


def noun_tag_counts(folder: Path) -> dict[str, int]:
    """Each noun of `index.noun` with how often its senses were tagged in WordNet's corpus."""
    counts = {}
    for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        pointers = int(fields[3])
        counts[fields[0]] = int(fields[4 + pointers + 1])
    return counts


def irregular(folder: Path) -> dict[str, str]:
    """Inflected form -> base form, single words, from `verb.exc`."""
    nouns = noun_tag_counts(folder)
    table: dict[str, str] = {}
    for line in (folder / "verb.exc").read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if (
            len(fields) != 2
            or "_" in line
            or fields[0] == fields[1]
            or fields[1] in LEFT_OUT
            or fields[0] in OTHER_SENSES
        ):
            continue
        form, base = fields
        if nouns.get(form, 0) <= NOUN_TAGGED and form not in table:
            table[form] = base
    return dict(sorted(table.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table = irregular(args.wordnet)
    write_table(args.out, "WordNet 3.0 verb.exc, forms not common as nouns", "irregular", table)
    print(f"{len(table)} irregular verb forms; wrote {args.out}")


if __name__ == "__main__":
    main()
