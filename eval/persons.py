"""Write `rag/answer/persons.json`: the nouns that name people, from WordNet 3.0, with their plurals.

    apt-get install wordnet-base && python -m eval.persons [--wordnet /usr/share/wordnet]

"How many people ...?" is answered by "1.2 million daily riders", "more than 4,000 residents" or
"60,000 European settlers": a number before any noun for people. A noun names people when one of
its two commonest senses (WordNet orders a word's senses by how often they were tagged) is a
person ("person.n.01" and every kind of it: "settler", "rider", "fan") or a group of people
("people.n.01" and its kinds; the police, troops, personnel, a crew, a staff). So "30 seconds"
does not count (a second is a person only in a duel, its tenth sense); "two hands" and "two
nations" do (a hired hand, a people), a price of the rule that the two senses bring "fans" in.
Single words, and the last of a people named in capitalised words ("New Yorker": "two
million New Yorkers"), in lower case, with their plurals: the irregular ones of `noun.exc` ("men",
"children"), the regular ones by the spelling rules ("riders", "witnesses", "deputies"), and
"-man" also as "-men" ("women", "policemen"). Words, not stems: a stem joins "officer" to
"office" and "seconder" to "second". The assistant reads the file in `counting.counts`. WordNet
3.0 is Princeton University's, under the WordNet licence, whose notice the file carries.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .antonyms import write_table

OUT = Path(__file__).resolve().parent.parent / "rag" / "answer" / "persons.json"
# person.n.01 and people.n.01; and the bodies of people counted like people ("200 troops"):
# police.n.01, troops.n.01, force.n.04 (personnel), crew.n.01, staff.n.01.
ROOTS = ("00007846", "07942152", "08209687", "08397255", "08208016", "08273167", "08439955")
SENSES = 2  # a word counts when one of its two commonest senses names people


def hyponyms(folder: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Noun synset offset -> the offsets of its kinds (pointer `~`; not instances, `~i`: named
    people), and -> its words as written ("New_Yorker")."""
    below: dict[str, list[str]] = {}
    written: dict[str, list[str]] = {}
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue  # the licence header
        parts = line.split()
        count = int(parts[3], 16)
        written[parts[0]] = [parts[4 + 2 * i] for i in range(count)]
        at = 4 + 2 * count
        pointers = [parts[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(parts[at]))]
        below[parts[0]] = [offset for symbol, offset, pos, _ in pointers if symbol == "~" and pos == "n"]
    return below, written


def people_synsets(below: dict[str, list[str]]) -> set[str]:
    """The synsets of people: the roots and everything below them (`below`: `hyponyms`)."""
    seen: set[str] = set()
    todo = list(ROOTS)
    while todo:
        offset = todo.pop()
        if offset not in seen:
            seen.add(offset)
            todo.extend(below.get(offset, []))
    return seen


def person_words(folder: Path) -> set[str]:
    """Single-word nouns one of whose `SENSES` commonest senses is a person or a group of people,
    with their irregular plurals."""
    below, written = hyponyms(folder)
    people = people_synsets(below)
    words = set()
    for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        lemma, senses = parts[0], int(parts[2])
        offsets = parts[-senses:]
        if "_" not in lemma and lemma.isalpha() and any(o in people for o in offsets[:SENSES]):
            words.add(lemma)
    # A people named in capitalised words is counted by its last ("two million New Yorkers").
    for offset in people:
        for lemma in written.get(offset, []):
            parts = lemma.split("_")
            if len(parts) > 1 and all(p[:1].isupper() for p in parts) and parts[-1].isalpha():
                words.add(parts[-1].lower())
    irregular: dict[str, str] = {}
    for line in (folder / "noun.exc").read_text(encoding="latin-1").splitlines():
        form, *bases = line.split()
        for base in bases:
            irregular.setdefault(base, form)
    return words | {irregular.get(w) or plural(w) for w in words} | {w[:-3] + "men" for w in words if w.endswith("man")}


def plural(word: str) -> str:
    """The regular English plural.

    >>> plural("rider"), plural("witness"), plural("deputy"), plural("boy")
    ('riders', 'witnesses', 'deputies', 'boys')
    """
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    words = sorted(person_words(args.wordnet))
    source = (
        "WordNet 3.0 nouns one of whose first two senses is a kind of person.n.01, people.n.01, police.n.01, "
        "troops.n.01, force.n.04, crew.n.01 or staff.n.01, the last word of such a capitalised name "
        "(New Yorker), with their plurals"
    )
    write_table(args.out, source, "persons", words)
    print(f"{len(words)} words and plurals; wrote {args.out}")


if __name__ == "__main__":
    main()
