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
from pathlib import Path
from typing import Any

from ..errors import ModelError, QueryError
from ..fitted import ANSWER_MODEL, LogisticModel, check_features, read_fitted
from ..index.bm25 import tokenize
from ..search.fusion import min_max
from ..search.retriever import Retriever, check_query
from ..types import Hit
from .candidates import SENTENCE_FEATURES, Candidate, answering, rank, redundant, select
from .conversation import resolve
from .question import SPEECH, Question, analyse, attributes_speech, contains_kind, counts
from .short_answer import short_answer

ABSTAIN_TEXT = "The articles don't say."
MAX_SENTENCES = 3
# What the abstention model reads about the evidence for one question.
ABSTAIN_FEATURES = (
    "p1",  # probability that the best sentence holds the answer
    "p2",  # the same for the runner-up
    "cosine_top",  # best sentence-question cosine
    "overlap_top",  # share of the question's words in and around the best sentence
    "missing_names",  # share of the question's capitalised name words that occur nowhere in the articles
    "unknown_terms",  # IDF-weighted share of the question's words that occur nowhere in the articles
    "strict_no_kind",  # a number/amount/date question and no well-ranked sentence holds one
    "speaker_no_speech",  # "What did X say?" and no passage reports X saying anything
    "names_off_top",  # share of the question's names not in or next to the best sentence
    "terms_off_doc",  # IDF-weighted share of the question's words in none of the best document's retrieved sentences
    "numbers_off_top",  # the question names a number or year that the best sentence and its neighbours lack
    "typed",  # the question asks for a kind of thing (number, date, place, person ...)
    "p_answer",  # the same for the sentence that would answer (for a number/date question: one holding one)
    "short_top",  # how likely that sentence's best short answer is (0 when it has none)
    "loose_no_kind",  # a place/person/name/duration question and none of the top three sentences has one
)


@dataclass(frozen=True)
class AnswerModel:
    """The fitted parts of answering: which sentences hold the answer, and when to abstain."""

    sentence: LogisticModel
    abstain: LogisticModel  # P(the articles do not answer the question)
    threshold: float  # abstain when P(unanswerable) is at least this
    ratio: float  # keep further sentences at least this share as likely as the best
    # A name word the articles never use is answered past only when the best sentence is at least
    # this similar to the question (the embedding found a paraphrase); below it, abstain.
    paraphrase: float = 0.0
    fitted_on: str = ""

    @classmethod
    def load(cls, path: Path = ANSWER_MODEL) -> AnswerModel:
        data = read_fitted(path)
        try:
            model = cls(
                LogisticModel.from_dict(data["sentence"]),
                LogisticModel.from_dict(data["abstain"]),
                float(data["threshold"]),
                float(data["ratio"]),
                float(data.get("paraphrase", 0.0)),
                str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path} is not a complete fitted answer model ({exc}); refit it") from None
        check_features(model.sentence, SENTENCE_FEATURES, "sentence")
        check_features(model.abstain, ABSTAIN_FEATURES, "abstention")
        return model


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


@dataclass(frozen=True)
class Evidence:
    """What the assistant found for one question, before deciding: the passages, every candidate
    sentence ranked by the sentence model, and the signals the abstention model reads."""

    question: str
    query: str
    asked: Question
    hits: tuple[Hit, ...]
    ranked: tuple[Candidate, ...]
    signals: dict[str, float]
    unanswerable: float  # P(the articles do not answer), from the abstention model
    reason: str  # why it would abstain, in words, for people checking the rule
    missing: tuple[str, ...] = ()  # the question's name words that occur nowhere in the articles

    def abstains(self, threshold: float, paraphrase: float) -> bool:
        """Whether to abstain: nothing found, P(unanswerable) at the threshold, or a name the
        articles never use with no sentence close enough to be a paraphrase of the question."""
        unknown_name = bool(self.missing) and self.signals.get("cosine_top", 0.0) < paraphrase
        return not self.ranked or self.unanswerable >= threshold or unknown_name


class Assistant:
    """Grounded, extractive question answering over a `Retriever`."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        k: int = 8,
        mode: str = "hybrid",
        threshold: float | None = None,
        model: AnswerModel | None = None,
        max_sentences: int = MAX_SENTENCES,
    ) -> None:
        self.retriever = retriever
        self.k = k
        self.mode = mode
        self.model = model or AnswerModel.load()
        self.threshold = self.model.threshold if threshold is None else threshold
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
        with self.retriever.lock.read():  # one consistent view of the index for the whole answer
            found = self.evidence(question, history, k=k, mode=mode, doc_ids=doc_ids)
            abstain = found.abstains(self.threshold, self.model.paraphrase)
            chosen = [] if abstain else self._complete(self._choose(found), found.asked)
            seconds = time.perf_counter() - started
            confidence = round(1.0 - found.unanswerable, 6)
            if abstain:
                return Answer(
                    found.question,
                    ABSTAIN_TEXT,
                    abstained=True,
                    reason=found.reason,
                    related=found.hits[:3],
                    query=found.query,
                    confidence=confidence,
                    seconds=seconds,
                    candidates=found.ranked,
                )
            text, citations = self._cite(chosen)
            return Answer(
                found.question,
                text,
                citations,
                short=_short(found.question, max(chosen, key=lambda c: c.score), citations),
                query=found.query,
                related=found.hits,
                confidence=confidence,
                seconds=seconds,
                candidates=found.ranked,
            )

    def evidence(
        self,
        question: str,
        history: Any = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> Evidence:
        """Retrieve, rank every candidate sentence and weigh the evidence, without deciding."""
        question = check_query(question)
        if not re.search(r"\w", question):
            raise QueryError("the question has no words in it: type a question")
        query = resolve(question, history)
        with self.retriever.lock.read():
            hits = self.retriever.search(query, k=k or self.k, mode=mode or self.mode, doc_ids=doc_ids)
            asked = analyse(question)
            ranked = rank(self._candidates(query, analyse(query), asked, hits), self.model.sentence)
            signals, missing = self.signals(asked, ranked)
        unanswerable = self.model.abstain.probability(signals) if ranked else 1.0
        reason = _reason(asked, signals, missing, unanswerable) if ranked else "nothing relevant was retrieved"
        return Evidence(question, query, asked, tuple(hits), tuple(ranked), signals, unanswerable, reason, missing)

    def _choose(self, found: Evidence) -> list[Candidate]:
        pool = answering(found.ranked, found.asked.strict) or list(found.ranked)
        return select(pool, self.max_sentences, self.model.ratio)

    # -- evidence -----------------------------------------------------------------------------

    def _candidates(self, query: str, context: Question, asked: Question, hits: list[Hit]) -> list[Candidate]:
        """Every sentence of the retrieved passages, once, with its features.

        Names from the question count when they appear in the sentence or next to it (quotes are
        often attributed in the neighbouring sentence); every other word must be in the sentence.
        """
        passage = min_max([(h.chunk_id, h.score) for h in hits])
        best_passage: dict[tuple[str, int, int], float] = {}
        top = set(hits[0].sentences) if hits else set()
        top_doc = hits[0].doc_id if hits else ""
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
        name_stems = [tokenize([name])[0] for name in context.entities]
        names = {t for stems in name_stems for t in stems}
        definition = _definition_pattern(asked.subject)
        candidates = []
        tokens_of = tokenize(texts)
        for key, text, window, cosine, tokens, window_tokens in zip(
            keys, texts, windows, cosines.tolist(), tokens_of, tokenize(windows), strict=True
        ):
            here, near = set(tokens), set(tokens) | set(window_tokens)
            matched = sum(w for t, w in weights.items() if t in here or (t in names and t in near))
            found_names = sum(bool(stems) and all(t in near for t in stems) for stems in name_stems)
            candidates.append(
                Candidate(
                    doc_id=key[0],
                    start=key[1],
                    end=key[2],
                    text=text,
                    cosine=float(cosine),
                    overlap=matched / total,
                    overlap_near=sum(w for t, w in weights.items() if t in near) / total,
                    names=found_names / len(name_stems) if name_stems else 1.0,
                    passage=best_passage[key],
                    passage_top=key[0] == top_doc and (key[1], key[2]) in top,
                    kind=self._has_kind(asked, text) and (not asked.entities or bool(names & near)),
                    expects=asked.expects,
                    strict=asked.strict,
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

    def signals(self, asked: Question, ranked: list[Candidate]) -> tuple[dict[str, float], tuple[str, ...]]:
        """The question-level features the abstention model reads (see ABSTAIN_FEATURES), and the
        question's name words that occur nowhere in the articles."""
        lexical = self.retriever.lexical
        words = [w for name in asked.entities for w in re.split(r"[\s-]+", name) if w[:1].isupper()]
        missing = [w for w, stems in zip(words, tokenize(words), strict=True) if not all(map(lexical.knows, stems))]
        weights = {t: lexical.idf(t) for t in asked.terms}
        unknown = sum(w for t, w in weights.items() if not lexical.knows(t))
        best = ranked[0] if ranked else Candidate("", 0, 0, "")
        pool = answering(ranked, asked.strict)
        answer = pool[0] if pool else best
        in_doc = {t for tokens in tokenize([c.text for c in ranked if c.doc_id == best.doc_id]) for t in tokens}
        off_doc = sum(w for t, w in weights.items() if t not in in_doc)
        numbers = set(re.findall(r"\d[\d,.]*\d|\d", asked.text))
        around = " ".join(c.text for c in ranked[:3] if c.doc_id == best.doc_id)
        return {
            "p1": best.score,
            "p2": ranked[1].score if len(ranked) > 1 else 0.0,
            "cosine_top": max((c.cosine for c in ranked), default=0.0),
            "overlap_top": best.overlap_near,
            "missing_names": len(missing) / len(words) if words else 0.0,
            "unknown_terms": unknown / (sum(weights.values()) or 1.0),
            "strict_no_kind": float(asked.strict and not any(c.kind for c in ranked[:5])),
            "speaker_no_speech": float(bool(asked.speaker) and not any(c.speech for c in ranked[:8])),
            "names_off_top": 1.0 - best.names,
            "terms_off_doc": off_doc / (sum(weights.values()) or 1.0),
            "numbers_off_top": float(any(n not in around for n in numbers)),
            "typed": float(bool(asked.expects)),
            "p_answer": answer.score if pool else 0.0,
            "short_top": (short_answer(asked.text, answer.text) or (0, 0, 0.0))[2] if ranked else 0.0,
            "loose_no_kind": float(bool(asked.expects) and not asked.strict and not any(c.kind for c in ranked[:3])),
        }, tuple(missing)

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
                if any(redundant(c.text, d.text) for d in done):
                    continue  # trimmed, it says what an earlier choice says (another article's copy)
            done.append(c)
            introduces = c.text.rstrip().endswith(":")
            if after and (introduces or (_opens_quote(after.text) and not _opens_quote(c.text))):
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
                # A sentence that ends with a colon introduces what follows, even across a paragraph break.
                joined = "\n\n" not in gap or (j > i and c.text.rstrip().endswith(":"))
                found.append(Candidate(c.doc_id, s, e, text[s:e]) if joined else None)
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


def _short(question: str, best: Candidate, citations: Sequence[Citation]) -> ShortAnswer | None:
    """The words of the best sentence that answer, as a span of the citation that holds it."""
    found = short_answer(question, best.text)
    if found is None:
        return None
    start, end, score = best.start + found[0], best.start + found[1], found[2]
    cited = next((c for c in citations if c.doc_id == best.doc_id and c.start <= start and end <= c.end), None)
    if cited is None:
        return None
    return ShortAnswer(cited.n, start, end, cited.quote[start - cited.start : end - cited.start], score)


def _reason(asked: Question, signals: dict[str, float], missing: tuple[str, ...], unanswerable: float) -> str:
    """Why the evidence would not answer the question, in words (the model decides; this explains)."""
    if missing:
        return f"the articles never mention {' '.join(missing)}"
    if signals["strict_no_kind"]:
        return f"no passage gives the {asked.expects} the question asks for"
    if signals["speaker_no_speech"]:
        return f"no passage reports what {asked.speaker} said about this"
    return f"the evidence is weak: P(answerable) {1 - unanswerable:.2f}"
