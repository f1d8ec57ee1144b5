"""What a question asks beyond its story's topic.

Inside a story every sentence shares its topic, and a question's embedding is mostly that topic,
so the lead that restates it ("Former economy minister Lucia Vargas won Costa Rica's presidential
election on Sunday") stands closest to any question about the story. `beyond_topic` takes away the
words the story's opening already says: "When will Costa Rica's president-elect be sworn in?"
becomes "When will be sworn in?", whose embedding finds "She will take office on May 8". The
sentence model reads each sentence's cosine with it (evidence.py, `cosine_specific`).
"""

from __future__ import annotations

import re

from ..corpus import Corpus
from ..index.words import terms_of
from .question import NOISE_TERMS

WORD = re.compile(r"[\w'’-]+")
OPENING_SENTENCES = 2  # the opening: the title and the first two sentences of six words or more
MIN_WORDS = 6  # shorter lines at the top are a byline or a date ("By Jane Reporter", "Aug 27, 2025")


def opening(corpus: Corpus, doc_id: str) -> frozenset[str]:
    """The terms of a story's opening, where news names its topic: its title and its first two
    sentences of six words or more (past a byline, a date, the headline again)."""
    title = corpus.documents[doc_id].title
    found: list[str] = []
    for start, end in corpus.doc_sentences(doc_id):
        text = corpus.text(doc_id, start, end)
        if len(text.split()) >= MIN_WORDS and text.strip() != title.strip():
            found.append(text)
            if len(found) == OPENING_SENTENCES:
                break
    return terms_of(title).union(*map(terms_of, found))


def beyond_topic(question: str, corpus: Corpus, doc_id: str) -> str | None:
    """`question` without the words its story's opening already says, the rest as typed; None
    when no word goes, or no content word stays (the question asks nothing beyond the topic).

    The words go from the question itself, so its quotation marks and dashes stay where they were:
    'When does the new president "take office"?' keeps '"take office"'.
    """
    if doc_id not in corpus.documents:
        return None
    said = opening(corpus, doc_id)
    kept, gone, last = [], False, 0
    for word in WORD.finditer(question):
        terms = terms_of(word.group(0))
        if terms and terms <= said:
            kept.append(question[last : word.start()])
            last, gone = word.end(), True
    if not gone:
        return None
    rest = "".join(kept) + question[last:]
    if not any(terms_of(w) - NOISE_TERMS for w in WORD.findall(rest)):
        return None
    rest = re.sub(r"\s+([?.,!;:])", r"\1", rest)  # no space left before a mark
    return re.sub(r"\s{2,}", " ", rest).strip()
