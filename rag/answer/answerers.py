"""Answerers: evidence in, the spans to quote out. Citing, numbering and abstaining are shared
(assistant.py, citations.py), so an answerer only chooses what to quote, and only from the articles.

A new answerer is a class with a `name` and `compose(evidence, corpus) -> list[Quote]`, plus one
line in `ANSWERERS`. `Assistant(retriever, answerer="NAME")` or `rag ask --answerer NAME` picks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from ..corpus import Corpus, around
from ..errors import RagError
from .candidates import Candidate, answering, redundant, select
from .citations import Quote
from .evidence import Evidence
from .model import AnswerModel
from .question import SPEECH, Question

MAX_SENTENCES = 3
# A sentence that opens by pointing back at something named in the sentence before it.
ANAPHOR = re.compile(
    r"(?:It|Its|He|His|She|Her|They|Their|Them|This|These|Those|The latter|The former"
    r"|As a result|Consequently|Therefore|Thus|Hence|Instead|In response|Because of this|Predictably)\b"
)


class Answerer(Protocol):
    """Chooses the spans that answer; every span must lie in a document of `corpus`."""

    name: str

    def compose(self, evidence: Evidence, corpus: Corpus) -> list[Quote]: ...


class ExtractiveAnswerer:
    """The best one to three sentences by the fitted sentence model, each made to read as a whole
    thought (an unattributed quotation brings its attribution, a colon what it introduces)."""

    name = "extractive"

    def __init__(self, model: AnswerModel, max_sentences: int = MAX_SENTENCES) -> None:
        self.model = model
        self.max_sentences = max_sentences

    def compose(self, evidence: Evidence, corpus: Corpus) -> list[Quote]:
        pool = answering(evidence.ranked, evidence.asked.strict) or list(evidence.ranked)
        chosen = select(pool, self.max_sentences, self.model.ratio)
        return [Quote(c.doc_id, c.start, c.end, c.score) for c in complete(chosen, evidence.asked, corpus)]


ANSWERERS: dict[str, Callable[[AnswerModel], Answerer]] = {"extractive": ExtractiveAnswerer}


def make_answerer(name: str, model: AnswerModel) -> Answerer:
    if name not in ANSWERERS:
        raise RagError(f"unknown answerer {name!r}: use one of {', '.join(sorted(ANSWERERS))}")
    return ANSWERERS[name](model)


def complete(chosen: list[Candidate], asked: Question, corpus: Corpus) -> list[Candidate]:
    """Make each chosen sentence read as a whole thought: add the sentence that attributes an
    unattributed quotation, the sentence a pronoun at the start points back to ("It appoints the
    Commissioners."), and the quotation that a sentence introduces; for "Who is X?", cut a
    sentence that quotes X down to the words that describe X."""
    done: list[Candidate] = []
    for c in chosen:
        before, after = _adjacent(c, corpus)
        if before and _opens_quote(c.text) and not SPEECH.search(c.text) and SPEECH.search(before.text):
            done.append(before)
        elif before and ANAPHOR.match(c.text):
            done.append(before)  # "It appoints the Commissioners": what "it" is, is said just before
        if c.definition and asked.subject:
            c = _trim_to_subject(c, asked.subject)
            if any(redundant(c.text, d.text) for d in done):
                continue  # trimmed, it says what an earlier choice says (another article's copy)
        done.append(c)
        introduces = c.text.rstrip().endswith(":")
        if after and (introduces or (_opens_quote(after.text) and (not _opens_quote(c.text) or _goes_on(c, after)))):
            done.append(after)
    unique: dict[tuple[str, int], Candidate] = {}
    for c in done:  # a sentence both chosen and brought in as context keeps its score
        if (c.doc_id, c.start) not in unique or c.score > unique[c.doc_id, c.start].score:
            unique[c.doc_id, c.start] = c
    order = {doc: i for i, doc in enumerate(dict.fromkeys(c.doc_id for c in done))}
    return sorted(unique.values(), key=lambda c: (order[c.doc_id], c.start))


def _adjacent(c: Candidate, corpus: Corpus) -> tuple[Candidate | None, Candidate | None]:
    """The sentences just before and after `c` in the same paragraph, as bare candidates."""
    text = corpus.documents[c.doc_id].text
    found: list[Candidate | None] = []
    for span, gap in zip(around(corpus.doc_sentences(c.doc_id), c.start, c.end), ("before", "after"), strict=True):
        if span is None:
            found.append(None)
            continue
        s, e = span
        between = text[e : c.start] if gap == "before" else text[c.end : s]
        # A sentence that ends with a colon introduces what follows, even across a paragraph break.
        joined = "\n\n" not in between or (gap == "after" and c.text.rstrip().endswith(":"))
        found.append(Candidate(c.doc_id, s, e, text[s:e]) if joined else None)
    return found[0], found[1]


def _opens_quote(text: str) -> bool:
    return text[:1] in "“\"‘'"


def _goes_on(c: Candidate, after: Candidate) -> bool:
    """Whether `after` goes on with the quotation `c` attributes: "“Nobody is against grandma,” Mr.
    Pruitt said. “We're against the out-of-state landlord ...”" (no attribution of its own)."""
    return bool(SPEECH.search(c.text)) and not SPEECH.search(after.text) and c.text.rstrip()[-1:] == "."


def _trim_to_subject(c: Candidate, subject: str) -> Candidate:
    """ "“...” said Eric Ciaramella, former adviser ..." becomes "Eric Ciaramella, former adviser ..."
    (only when what comes before the name is a quotation or its attribution)."""
    for name in (subject, subject.split()[-1]):
        at = c.text.find(name)
        if at > 0 and (SPEECH.search(c.text[:at]) or any(q in c.text[:at] for q in '“”"')):
            return replace(c, start=c.start + at, text=c.text[at:])
    return c
