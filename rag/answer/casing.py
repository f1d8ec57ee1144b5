"""Capitals for a question typed without them: "what did lavrov say about nato?" is read as "What
did Lavrov say about NATO?", the capitals taken from how the retrieved passages write each word.

Search does not care (BM25 and the embedding model compare words in lower case), but the reading
of the question does: names are found by their capitals (`rag.answer.question`), and with them the
speaker of "What did X say?", the subject of "Who is X?" and the question's names that the
abstention model looks for in the articles. A question with no capitals past its first letter, or
typed all in capitals, gets, for each word, the form the passages give it in the middle of a
sentence (where a capital marks a name, not a sentence's start) when most of its occurrences there
have it; a word capitalised only because a longer name goes on after it ("Columbia College
Chicago", "Councilwoman Janelle Whitaker") does not count. A question with capitals of its own is left as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["caseless", "truecase"]

WORD = re.compile(r"[^\W\d_][\w’'-]*")
# What stands before a word in the middle of a sentence: a letter, digit, comma or a title's
# abbreviation ("Mr.", "Ms."), then spaces.
MID_SENTENCE = re.compile(r"(?:[\w,;%)]|\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Sen|Rep|Gov|St)\.)\s+$")


# The capitalised word just after a word, in the same run of words.
NEXT_CAPITAL = re.compile(r"[^\S\n]+([A-Z][\w’'-]*)")


def _inside_other_name(text: str, match: re.Match[str], asked: set[str]) -> bool:
    """Whether the word `match` found is capitalised because a longer name goes on after it with a
    word the question does not have: "College" in "Columbia College Chicago", "Councilwoman" in
    "Councilwoman Janelle Whitaker" name no college and no councilwoman. A name's last word ("Lavrov"
    in "Sergei Lavrov") and a name the question has whole ("Sergei Lavrov") are names."""
    after = NEXT_CAPITAL.match(text, match.end())
    return after is not None and _key(after.group(1)) not in asked


def _key(word: str) -> str:
    """A word as it is looked up: lower case, one kind of apostrophe."""
    return word.lower().replace("’", "'")


def caseless(question: str) -> bool:
    """Whether `question` was typed without telling names by their capitals: no capital past its
    first letter, or nothing but capitals.

    >>> caseless("what did lavrov say?"), caseless("What did lavrov say?"), caseless("WHAT DID LAVROV SAY?")
    (True, True, True)
    >>> caseless("What did Lavrov say?")
    False
    """
    letters = [c for c in question if c.isalpha()]
    return not any(c.isupper() for c in letters[1:]) or not any(c.islower() for c in letters)


def truecase(question: str, texts: Sequence[str]) -> str:
    """`question` with its words written as `texts` write them mid-sentence, when it is `caseless`;
    else `question` unchanged. The first letter is made a capital.

    >>> passages = ["Russian Foreign Minister Sergei Lavrov said Nato troops would not be accepted."]
    >>> truecase("what did lavrov say about nato troops?", passages)
    'What did Lavrov say about Nato troops?'
    >>> truecase("WHAT DID LAVROV SAY?", passages)
    'What did Lavrov say?'
    >>> truecase("What did Lavrov say about nato?", passages)  # capitals of its own: as typed
    'What did Lavrov say about nato?'
    >>> truecase("what did the minister say?", passages)  # a title before a name is not a name
    'What did the minister say?'
    >>> truecase("what did the minister say?", ["The Minister said no."])  # the passages' title case
    'What did the Minister say?'
    >>> truecase("where did he play in college?", ["He played at Columbia College Chicago."])
    'Where did he play in college?'
    """
    if not caseless(question) or not question:
        return question
    typed = question.lower() if not any(c.islower() for c in question) else question
    words = {_key(w) for w in WORD.findall(typed)}
    if not words:
        return question
    # Either apostrophe matches either ("lavrov's" meets "Lavrov’s"); a word may end in one ("students'").
    alternatives = "|".join(re.escape(w).replace("'", "['’]") for w in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for match in pattern.finditer(text):
            word = match.group(0)
            if _inside_other_name(text, match, words):
                continue  # "College" of "Columbia College Chicago", "Councilwoman" of "Councilwoman Janelle Whitaker"
            if MID_SENTENCE.search(text, max(0, match.start() - 40), match.start()):
                forms.setdefault(_key(word), Counter())[word] += 1

    def written(match: re.Match[str]) -> str:
        word = match.group(0)
        seen = forms.get(_key(word))
        if not seen:
            return word
        capitalised = Counter({form: n for form, n in seen.items() if form != form.lower()})
        return capitalised.most_common(1)[0][0] if 2 * capitalised.total() > seen.total() else word

    cased = WORD.sub(written, typed)
    return cased[:1].upper() + cased[1:]
