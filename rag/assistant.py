"""The assistant: answers a question with sentences quoted from the articles, or abstains.

    assistant = Assistant(Retriever.load("index"))
    answer = assistant.ask("What did Zelenskyy say Putin understands?", history=[])
    answer.text, answer.citations, answer.abstained

Extractive and offline: retrieve passages, score every sentence in them against the question
(embedding similarity, weighted word overlap, the kind of thing asked for), keep the best one to
three, and cite each by its exact character span. Abstain when the evidence is weak or lacks what
the question asks for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .compose import Candidate, Weights, rank, select
from .conversation import resolve
from .errors import QueryError
from .fusion import min_max
from .lexical import tokenize
from .question import SPEECH, Question, analyse, attributes_speech, contains_kind, counts
from .retriever import Retriever, check_query
from .types import Hit

ABSTAIN_TEXT = "The articles don't say."
# Calibrated on eval/questions.jsonl with `python -m eval.answers --calibrate` (README, "Answers").
DEFAULT_THRESHOLD = 0.75


@dataclass(frozen=True)
class Citation:
    """A numbered source span; `quote == original_text[start:end]`."""

    n: int
    doc_id: str
    source: str
    title: str
    start: int
    end: int
    quote: str
    outlet: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShortAnswer:
    """The words that answer ("1,200", "on 3 March"), inside citation `n`.

    `start`/`end` index the source text like the citation's own, so
    `citation.start <= start < end <= citation.end` and `source_text[start:end] == text`.
    """

    n: int
    start: int
    end: int
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Answer:
    """The answer text with `[n]` markers, its citations, or an abstention with related passages."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    reason: str = ""  # why it abstained, for people checking the rule
    related: tuple[Hit, ...] = ()
    query: str = ""  # what was actually retrieved (the question, plus context for a follow-up)
    confidence: float = 0.0  # score of the best sentence
    seconds: float = 0.0
    short: ShortAnswer | None = None  # the words that answer, inside one citation, when found
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)  # every scored sentence, best first


def _normalise(text: str) -> str:
    return " ".join(text.split())


class Assistant:
    """Grounded, extractive question answering over a `Retriever`."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        k: int = 8,
        mode: str = "hybrid",
        threshold: float = DEFAULT_THRESHOLD,
        weights: Weights | None = None,
        max_sentences: int = 3,
    ) -> None:
        self.retriever = retriever
        self.k = k
        self.mode = mode
        self.threshold = threshold
        self.weights = weights or Weights()
        self.max_sentences = max_sentences

    def ask(
        self,
        question: str,
        history: Any = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> Answer:
        """Answer `question` given the chat `history` (OpenAI/Gradio message dicts)."""
        started = time.perf_counter()
        question = check_query(question)
        if not re.search(r"\w", question):
            raise QueryError("the question has no words in it: type a question")
        query = resolve(question, history)
        with self.retriever.lock.read():  # one consistent view of the index for the whole answer
            return self._answer(question, query, started, k, mode, doc_ids)

    def _answer(
        self,
        question: str,
        query: str,
        started: float,
        k: int | None,
        mode: str | None,
        doc_ids: Sequence[str] | None,
    ) -> Answer:
        hits = self.retriever.search(query, k=k or self.k, mode=mode or self.mode, doc_ids=doc_ids)
        asked = analyse(question)
        context = analyse(query)
        ranked = rank(self._candidates(query, context, asked, hits), self.weights)
        reason = self._abstain_reason(asked, ranked, hits)
        chosen: list[Candidate] = []
        if not reason:
            pool = [c for c in ranked if c.kind] if asked.strict else ranked
            chosen = self._complete(select(pool, self.max_sentences), asked)
        seconds = time.perf_counter() - started
        confidence = ranked[0].score if ranked else 0.0
        if reason:
            return Answer(
                question,
                ABSTAIN_TEXT,
                abstained=True,
                reason=reason,
                related=tuple(hits[:3]),
                query=query,
                confidence=confidence,
                seconds=seconds,
                candidates=tuple(ranked),
            )
        text, citations = self._cite(chosen)
        return Answer(
            question,
            text,
            citations,
            query=query,
            related=tuple(hits),
            confidence=confidence,
            seconds=seconds,
            candidates=tuple(ranked),
        )

    # -- evidence -----------------------------------------------------------------------------

    def _candidates(self, query: str, context: Question, asked: Question, hits: list[Hit]) -> list[Candidate]:
        """Every sentence of the retrieved passages, once, with its features.

        Names from the question count when they appear in the sentence or next to it (quotes are
        often attributed in the neighbouring sentence); every other word must be in the sentence.
        """
        passage = min_max([(h.chunk_id, h.score) for h in hits])
        best_passage: dict[tuple[str, int, int], float] = {}
        for hit in hits:
            for s, e in hit.sentences:
                key = (hit.doc_id, s, e)
                best_passage[key] = max(best_passage.get(key, 0.0), passage[hit.chunk_id])
        if not best_passage:
            return []
        keys = list(best_passage)
        texts = [self._text(key) for key in keys]
        # Each sentence with the one before and after it, reading each document's sentences once.
        sentences = {doc: self.retriever.doc_sentences(doc) for doc in dict.fromkeys(k[0] for k in keys)}
        position = {(doc, *span): i for doc, spans in sentences.items() for i, span in enumerate(spans)}

        def around(key: tuple[str, int, int]) -> str:
            spans, i = sentences[key[0]], position[key]
            return " ".join(self._text((key[0], *span)) for span in spans[max(0, i - 1) : i + 2])

        windows = [around(key) for key in keys]
        cosines = self.retriever.sentence_vectors.get(keys) @ self.retriever.query_vector(query)
        weights = {t: self.retriever.lexical.idf(t) for t in context.terms}
        total = sum(weights.values()) or 1.0
        names = {t for name in context.entities for t in tokenize([name])[0]}
        definition = _definition_pattern(asked.subject)
        candidates = []
        tokens_of = tokenize(texts)
        for key, text, window, cosine, tokens, window_tokens in zip(
            keys, texts, windows, cosines.tolist(), tokens_of, tokenize(windows), strict=True
        ):
            here, near = set(tokens), set(tokens) | set(window_tokens)
            matched = sum(w for t, w in weights.items() if t in here or (t in names and t in near))
            candidates.append(
                Candidate(
                    doc_id=key[0],
                    start=key[1],
                    end=key[2],
                    text=text,
                    cosine=float(cosine),
                    overlap=matched / total,
                    passage=best_passage[key],
                    kind=self._has_kind(asked, text) and (not asked.entities or bool(names & near)),
                    definition=bool(definition and definition.search(text)),
                    speech=bool(asked.speaker) and attributes_speech(window, asked.speaker or ""),
                    focus=sum(t in here for t in asked.focus) / len(asked.focus) if asked.focus else 0.0,
                )
            )
        return candidates

    @staticmethod
    def _has_kind(asked: Question, text: str) -> bool:
        if asked.counted:
            return counts(text, asked.counted)
        return bool(asked.expects) and contains_kind(asked.expects or "", text, asked.text)

    def _text(self, key: tuple[str, int, int]) -> str:
        return self.retriever.documents[key[0]].text[key[1] : key[2]]

    def _abstain_reason(self, asked: Question, ranked: list[Candidate], hits: list[Hit]) -> str:
        """Why the evidence cannot answer the question, or "" when it can."""
        if not ranked:
            return "nothing relevant was retrieved"
        lexical = self.retriever.lexical
        for name in asked.entities:
            words = [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()]
            missing = [w for w, stems in zip(words, tokenize(words), strict=True) if not all(map(lexical.knows, stems))]
            if missing:
                return f"the articles never mention {' '.join(missing)}"
        if asked.strict and not any(c.kind for c in ranked[:5]):
            return f"no passage gives the {asked.expects} the question asks for"
        if asked.speaker and not any(c.speech for c in ranked[:8]):
            return f"no passage reports what {asked.speaker} said about this"
        if ranked[0].score < self.threshold:
            return f"the best evidence scores {ranked[0].score:.2f}, under the threshold {self.threshold:.2f}"
        return ""

    def _complete(self, chosen: list[Candidate], asked: Question) -> list[Candidate]:
        """Make each chosen sentence read as a whole thought: add the sentence that attributes an
        unattributed quotation, and the quotation that a sentence introduces; for "Who is X?", cut a
        sentence that quotes X down to the words that describe X."""
        done: list[Candidate] = []
        for c in chosen:
            before, after = self._adjacent(c)
            if before and _opens_quote(c.text) and not SPEECH.search(c.text) and SPEECH.search(before.text):
                done.append(before)
            if c.definition and asked.subject:
                c = _trim_to_subject(c, asked.subject)
            done.append(c)
            if after and _opens_quote(after.text) and (not _opens_quote(c.text) or c.text.rstrip().endswith(":")):
                done.append(after)
        unique = {(c.doc_id, c.start): c for c in done}
        order = {doc: i for i, doc in enumerate(dict.fromkeys(c.doc_id for c in done))}
        return sorted(unique.values(), key=lambda c: (order[c.doc_id], c.start))

    def _adjacent(self, c: Candidate) -> tuple[Candidate | None, Candidate | None]:
        """The sentences just before and after `c` in the same paragraph, as bare candidates."""
        text = self.retriever.documents[c.doc_id].text
        spans = self.retriever.doc_sentences(c.doc_id)
        i = next((i for i, (s, e) in enumerate(spans) if s <= c.start and c.end <= e), None)
        if i is None:
            return None, None
        found: list[Candidate | None] = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(spans):
                s, e = spans[j]
                gap = text[e : c.start] if j < i else text[c.end : s]
                found.append(Candidate(c.doc_id, s, e, text[s:e]) if "\n\n" not in gap else None)
            else:
                found.append(None)
        return found[0], found[1]

    # -- citations ----------------------------------------------------------------------------

    def _cite(self, chosen: list[Candidate]) -> tuple[str, tuple[Citation, ...]]:
        """Answer text and numbered citations; adjacent sentences of one document share a span."""
        spans: list[list[Any]] = []  # [doc_id, start, end]
        for c in chosen:
            text = self.retriever.documents[c.doc_id].text
            if spans and spans[-1][0] == c.doc_id and not text[spans[-1][2] : c.start].strip():
                spans[-1][2] = c.end
            else:
                spans.append([c.doc_id, c.start, c.end])
        citations = []
        parts = []
        for n, (doc_id, start, end) in enumerate(spans, start=1):
            doc = self.retriever.documents[doc_id]
            quote = doc.text[start:end]
            citations.append(
                Citation(n, doc_id, doc.source, doc.title, start, end, quote, doc.outlet, doc.date, doc.authors)
            )
            parts.append(f"{_normalise(quote)} [{n}]")
        return " ".join(parts), tuple(citations)


def _opens_quote(text: str) -> bool:
    return text[:1] in "“\"‘'"


def _trim_to_subject(c: Candidate, subject: str) -> Candidate:
    """ "“...” said Eric Ciaramella, former adviser ..." becomes "Eric Ciaramella, former adviser ..."
    (only when what comes before the name is a quotation or its attribution)."""
    for name in (subject, subject.split()[-1]):
        at = c.text.find(name)
        if at > 0 and (SPEECH.search(c.text[:at]) or any(q in c.text[:at] for q in '“”"')):
            return replace(c, start=c.start + at, text=c.text[at:])
    return c


def _definition_pattern(subject: str | None) -> re.Pattern[str] | None:
    """For "Who is X?": X followed by an appositive or "is a" ("Eric Ciaramella, former adviser")."""
    if not subject:
        return None
    last = re.escape(subject.split()[-1])
    return re.compile(
        rf"\b{last}\s*(?:,|\(|—|–)\s*(?:a|an|the|former|now|currently|senior|chief|ex-|who (?:is|was))\b"
        rf"|\b{last}\s+(?:is|was)\s+(?:a|an|the)\b"
    )
