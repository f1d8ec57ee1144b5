"""The assistant: answers a question with spans quoted from the articles, or abstains.

    assistant = Assistant(Retriever.load("index"))
    answer = assistant.ask("What did Zelenskyy say Putin understands?", history=[])
    answer.text, answer.citations, answer.abstained

One question goes: conversation (a follow-up carries what it refers to) -> retrieval -> evidence
(every sentence of the passages scored, the question weighed; evidence.py) -> abstain, or let the
answerer choose spans (answerers.py) -> numbered citations and the short answer (citations.py),
checked to be grounded before they are returned.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Sequence
from typing import Any

from ..errors import ModelError, QueryError
from ..search.retriever import Retriever, check_k, check_mode, check_query
from ..search.spelling import as_written
from ..types import Hit
from .answerers import Answerer, make_answerer
from .casing import truecase
from .citations import Answer, cite, grounded, short_of
from .conversation import resolve
from .evidence import Evidence, gather
from .model import AnswerModel
from .phrasing import wants_words
from .short_answer import short_answer, title_case
from .topic import beyond_topic


class Assistant:
    """Grounded question answering over a `Retriever`."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        k: int = 8,
        mode: str = "hybrid",
        threshold: float | None = None,
        model: AnswerModel | None = None,
        answerer: str | Answerer = "extractive",
    ) -> None:
        self.retriever = retriever
        self.k = k
        self.mode = mode
        self.model = model or AnswerModel.load()
        self.threshold = self.model.threshold if threshold is None else threshold
        self.answerer = make_answerer(answerer, self.model) if isinstance(answerer, str) else answerer

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
        with self.retriever.reading():  # one consistent view of the index for the whole answer
            found = self.evidence(question, history, k=k, mode=mode, doc_ids=doc_ids)
            typed = check_query(question)  # the answer keeps the question as typed, `respelt` what changed
            confidence = round(1.0 - found.unanswerable, 6)
            if found.abstains(self.threshold, self.model.paraphrase):
                return Answer(
                    typed,
                    abstained=True,
                    reason=found.reason,
                    related=self._passages(found)[:3],
                    query=found.query,
                    respelt=found.respelt,
                    confidence=confidence,
                    seconds=time.perf_counter() - started,
                )
            corpus = self.retriever.corpus
            quotes = self.answerer.compose(found, corpus)
            if not quotes or any(q.doc_id not in corpus.documents for q in quotes):
                raise ModelError(f"the {self.answerer.name} answerer chose no span of the articles to quote")
            parts, citations = cite(quotes, corpus.documents)
            # The short answer comes from the best quote, past a headline in title case, whose
            # capitals say nothing of names ("a Baltimore Man Is Cleared").
            written = [q for q in quotes if not title_case(corpus.text(q.doc_id, q.start, q.end))]
            best = max(written or quotes, key=lambda q: q.score)
            # A yes/no question, or a request for an account, is answered by the quotes themselves.
            short = None
            if wants_words(found.question):
                short = short_of(
                    short_answer(found.question, corpus.text(best.doc_id, best.start, best.end)), best, citations
                )
            answer = Answer(
                typed,
                parts,
                citations,
                short=short,
                query=found.query,
                respelt=found.respelt,
                related=self._passages(found),
                confidence=confidence,
                seconds=time.perf_counter() - started,
            )
            if not grounded(answer, corpus.source_text):
                raise ModelError(f"the {self.answerer.name} answerer quoted text that is not in the articles")
            return answer

    def search(
        self,
        question: str,
        history: Any = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The `k` passages for `question` (and its conversation), best first by the sentence model
        (`Evidence.passages`): the retriever's search finds the assistant's own `k` passages (8),
        or `k` when more are asked for, and each is judged by its sentence that best answers; so
        the first passages are the same for any `k` up to the assistant's (more passages change
        the sentences' passage scores a little). With a cross-encoder reranker
        (`Retriever.use_reranker`) its order stands. Costs what `ask` costs, less composing."""
        want = check_k(self.k if k is None else k)
        with self.retriever.reading():
            found = self.evidence(question, history, k=max(want, self.k), mode=mode, doc_ids=doc_ids)
            return list(self._passages(found)[:want])

    def _passages(self, found: Evidence) -> tuple[Hit, ...]:
        """The passages in the order they are shown: a reranker's, else the sentence model's."""
        return found.hits if self.retriever.config.reranker else found.passages

    def evidence(
        self,
        question: str,
        history: Any = None,
        *,
        k: int | None = None,
        mode: str | None = None,
        doc_ids: Sequence[str] | None = None,
    ) -> Evidence:
        """Retrieve, rank every candidate sentence and weigh the evidence, without deciding. The
        question's misspelt words are respelt as the articles spell them first (`Retriever.respell`),
        and so are those a follow-up carries from earlier turns."""
        question = check_query(question)
        if not re.search(r"\w", question):
            raise QueryError("the question has no words in it: type a question")
        retriever = self.retriever
        with retriever.reading():
            respelt = retriever.respell(question)
            question = respelt.query
            query = resolve(question, history)
            follow_up = query != question
            if follow_up:  # the earlier turns a follow-up carries may hold misspelt words too
                query = retriever.respell(query).query
            # A person the question names by office ("NATO's chief") is searched by name (`search`
            # adds it), and the sentences are read against the name too: it is whom the question means.
            named = retriever.name_offices(query)
            # What the question asks beyond its first story's topic is embedded too (topic.py). The
            # first story is known only after the search, but BM25's first story is nearly always
            # the hybrid search's (77-100% of each development set's questions), so what the
            # question asks beyond that one is embedded beforehand, in one call with the question:
            # cheaper than two. The arguments are checked first: a typo loads no model.
            mode = check_mode(mode or self.mode)
            depth = check_k(k or self.k)  # passages asked for
            guess = retriever.lexical_first(named, doc_ids) if mode != "dense" else None
            first_guess = beyond_topic(question, retriever.corpus, guess) if guess else None
            to_embed = [named, *([question] if follow_up else []), *([first_guess] if first_guess else [])]
            retriever.query_vectors(to_embed)
            hits = retriever.search(query, k=depth, mode=mode, doc_ids=doc_ids, spelling=False)
            query = named
            own = retriever.query_vector(question) if follow_up else None
            vector = retriever.query_vector(query)
            residual = beyond_topic(question, retriever.corpus, hits[0].doc_id) if hits else None
            specific = retriever.query_vector(residual) if residual else None
            # A question typed without capitals is read with the passages' capitals (casing.py),
            # after the vectors are made (the default model reads lower case).
            texts = [hit.text for hit in hits]
            question, query = truecase(question, texts), truecase(query, texts)
            # A search cut short (restricted to a story of three passages) is scaled as if it had
            # gone on (`fusion.min_max`), as deep as the models were fitted at, and no deeper than the
            # passages there are; BM25, whose missing passages score 0, keeps its own scale.
            if mode == "bm25":
                scale = None
            else:
                scale = min(depth, self.k, len(retriever.corpus)) if doc_ids is None else min(depth, self.k)
            found = gather(retriever.corpus, self.model, question, query, hits, vector, own, specific, scale)
            if not respelt.changes:
                return found
            return dataclasses.replace(found, respelt=as_written(respelt.changes, texts))  # as the articles write it
