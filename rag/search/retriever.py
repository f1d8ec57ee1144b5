"""The retriever: search over a corpus and its indexes (dense, BM25, fused), and the index's life.

    retriever = Retriever.build("seeds/", index_dir="index")   # build or sync, then save
    retriever = Retriever.load("index")                         # open an existing index
    hits = retriever.search("What did Lavrov say?", k=5, mode="hybrid", doc_ids=None)

The corpus (corpus.py) holds the documents and indexes; the syncer (sync.py) changes them; the
store (index/store.py) writes each saved state as a new generation, atomically.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from ..config import INDEX_SETTINGS, MODES, Config, default_index_dir
from ..corpus import Corpus
from ..errors import IndexMismatchError, IndexNotFoundError, QueryError, RagError
from ..index.embedders import Embedder, make_embedder
from ..index.files import read_manifest
from ..index.store import IndexStore
from ..index.words import stem_words, terms_of
from ..sync import PathsArg, Prepare, Syncer, SyncReport
from ..types import Chunk, Document, Hit, Scored
from .acronyms import spell_out
from .descriptors import expand, offices_asked
from .fusion import Ranked, convex
from .ranking import FEATURES, Covers, features, load_ranker
from .rerank import RERANK_DEPTH, Reranker, make_reranker, rerank
from .spelling import Respelt, is_english, respell

MAX_QUERY_CHARS = 4_000
CHECKPOINT_SECONDS = 120.0  # how often a long build saves its progress
QUERY_CACHE = 256


def _untied(found: list[Scored], depth: int) -> list[Scored]:
    """A full top-`depth` list without the chunks tied with its last score: which of several equal
    scores make the cut depends on the order chunks were added, and the candidates must not.

    >>> [s.chunk_id for s in _untied([Scored("a", 3.0), Scored("b", 2.0), Scored("c", 2.0)], 3)]
    ['a']
    """
    if len(found) < depth or not found:
        return found
    kept = [s for s in found if s.score != found[-1].score]
    return kept or found


def check_k(k: object) -> int:
    """`k`, how many passages to return, or QueryError unless it is a whole number of at least 1."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise QueryError(f"k must be a whole number of at least 1, not {k!r}")
    return k


def check_mode(mode: object) -> str:
    """`mode`, a search mode, or QueryError naming the modes there are."""
    if mode not in MODES:
        raise QueryError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    return str(mode)


def check_query(query: str) -> str:
    """The query stripped, or QueryError saying what is wrong with it."""
    if not isinstance(query, str):
        raise QueryError(f"the question must be text, not {type(query).__name__}")
    query = query.strip()
    if not query:
        raise QueryError("the question is empty: type a question or some keywords")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the question is {len(query):,} characters long; shorten it to at most {MAX_QUERY_CHARS:,}")
    return query


def _recorded_settings(store: IndexStore) -> dict[str, Any]:
    """The index settings in the current generation's manifest, or none when it cannot be read."""
    try:
        folder = store.current()
        config = read_manifest(folder)["config"] if folder else {}
    except (RagError, KeyError, TypeError):
        return {}
    return {k: config[k] for k in INDEX_SETTINGS if isinstance(config, dict) and k in config}


class Retriever:
    """Search over a corpus; see the module docstring."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        embedder: Embedder | None = None,
        index_dir: str | os.PathLike[str] | None = None,
        corpus: Corpus | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        config = corpus.config if corpus is not None else (config or Config())
        if embedder is not None and embedder.name != config.model:
            config = dataclasses.replace(config, model=embedder.name)
        self.corpus = corpus or Corpus(config)
        self.corpus.config = config
        self.embedder = embedder or make_embedder(config.model)
        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        self.syncer = Syncer(self.corpus, self.embedder, prepare)
        self.last_sync = SyncReport()
        self._save_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_lock = threading.Lock()
        self._reranker: tuple[str, Reranker] | None = None  # (name asked for, reranker)

    # The corpus's nouns, for callers of the public API.
    @property
    def config(self) -> Config:
        return self.corpus.config

    @property
    def documents(self) -> dict[str, Document]:
        return self.corpus.documents

    @property
    def chunks(self) -> dict[str, Chunk]:
        return self.corpus.chunks

    @property
    def sources(self) -> tuple[str, ...]:
        return self.corpus.sources

    @sources.setter
    def sources(self, value: tuple[str, ...]) -> None:
        self.corpus.sources = value

    def reading(self) -> AbstractContextManager[None]:
        """Hold off index changes (one consistent view for a whole answer); many readers share."""
        return self.corpus.lock.read()

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        paths: PathsArg,
        index_dir: str | os.PathLike[str] | None = None,
        *,
        model: str | None = None,
        config: Config | None = None,
        embedder: Embedder | None = None,
        rebuild: bool = False,
        progress: bool = False,
        prepare: Prepare | None = None,
        **settings: Any,
    ) -> Retriever:
        """Build an index of `paths`, or bring an existing one in step with them, and save it.

        The index mirrors `paths`: new files are added, changed ones re-embedded, deleted ones
        removed. Index settings (`model`, `chunk_tokens`, `overlap_sentences`, `title_context`,
        `store`, or a whole `config`) that differ from an existing index's raise IndexMismatchError;
        `rebuild=True` starts from scratch with them.
        """
        unknown = sorted(set(settings) - {f.name for f in dataclasses.fields(Config)})
        if unknown:
            raise RagError(f"unknown index setting {', '.join(unknown)}: see rag.Config for the settings")
        asked = {**(config.to_dict() if config else {}), **({"model": model} if model else {}), **settings}
        if embedder is not None:
            asked["model"] = embedder.name  # the embedder given is the model
        store = IndexStore(index_dir or default_index_dir())
        with store.lock():
            # --rebuild must work on a damaged index too, so it never reads the old one.
            if not rebuild and store.current() is not None:
                retriever = cls.load(store.root, embedder=embedder, prepare=prepare)
                changed = retriever.config.differences(asked)
                if changed:
                    raise IndexMismatchError(
                        f"the index at {store.root} was built with other settings ({'; '.join(changed)}); "
                        "add --rebuild to rebuild it with the new ones"
                    )
                # Settings that are not part of the index (fusion, candidates ...) apply at once.
                query_time = {k: v for k, v in asked.items() if k not in INDEX_SETTINGS and k != "reranker"}
                retriever.corpus.config = dataclasses.replace(retriever.config, **query_time)
            else:
                # A rebuild keeps the settings it is not told to change (when the old manifest reads).
                kept = _recorded_settings(store) if rebuild else {}
                config = Config.from_dict({**kept, **asked})
                retriever = cls(config, embedder=embedder, index_dir=store.root, prepare=prepare)
            last_save = time.monotonic()

            def checkpoint() -> None:  # long runs are saved as they go, so a killed run resumes
                nonlocal last_save
                if time.monotonic() - last_save >= CHECKPOINT_SECONDS:
                    retriever.save()
                    last_save = time.monotonic()

            report = retriever.sync(paths, progress=progress, checkpoint=checkpoint)
            if rebuild or report.changed or store.current() is None or not retriever.corpus.people_kept:
                retriever.save()  # also an index saved before it kept each article's people (Corpus.people)
        return retriever

    def sync(self, paths: PathsArg, *, progress: bool = False, checkpoint: Any = None) -> SyncReport:
        """Make the in-memory index mirror `paths` (call `save()` to persist)."""
        self.last_sync = self.syncer.sync(paths, progress=progress, checkpoint=checkpoint)
        return self.last_sync

    def add_paths(self, paths: PathsArg, *, progress: bool = False) -> SyncReport:
        """Add or update the articles in `paths`, leaving every other document as it is."""
        self.last_sync = self.syncer.add(paths, progress=progress)
        return self.last_sync

    def remove_documents(self, doc_ids: Iterable[str]) -> SyncReport:
        """Remove documents by id (call `save()` to persist)."""
        self.last_sync = self.syncer.remove(doc_ids)
        return self.last_sync

    # -- searching ----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        mode: str = "hybrid",
        doc_ids: Sequence[str] | None = None,
        *,
        spelling: bool = True,
    ) -> list[Hit]:
        """The `k` best passages for `query`, best first.

        `mode` is "hybrid" (default), "dense" or "bm25"; `doc_ids` restricts the search to
        those documents. Fewer than `k` hits come back when fewer chunks match. Misspelt words
        are respelt first (`respell`) unless `spelling` is False (the caller has done it), and a
        person the question names by office is searched by name too (`name_offices`).
        """
        query = check_query(query)
        if spelling:
            query = self.respell(query).query
        k = check_k(k)
        check_mode(mode)
        query = self.name_offices(query)
        doc_ids = self.check_doc_ids(doc_ids)
        corpus = self.corpus
        with corpus.lock.read():
            k = min(k, len(corpus))
            if mode == "dense":
                ranked = [(s.chunk_id, s.score) for s in corpus.vectors.search(self.query_vector(query), k, doc_ids)]
            elif mode == "bm25":
                ranked = [(s.chunk_id, s.score) for s in corpus.lexical.search(query, k, doc_ids)]
            else:
                ranked = self._fused(query, k, doc_ids)
            if self.config.reranker:
                ranked = rerank(self.reranker(), query, ranked, {cid: corpus.chunks[cid].text for cid, _ in ranked})
            return [corpus.hit(cid, score) for cid, score in ranked[:k]]

    def respell(self, query: str) -> Respelt:
        """`query` with its misspelt words respelt as the articles spell them ("goverment" ->
        "government"): words of five letters or more that no article uses, that are not English
        words and that are one edit from a word the articles use (the rules: spelling.py); and
        each acronym no article uses as the name they spell out ("MBTA" -> "Massachusetts Bay
        Transportation Authority": acronyms.py). `search` respells its query itself; this says
        what it changed."""
        corpus = self.corpus
        with corpus.lock.read():
            respelt = respell(query, corpus.knows, corpus.idf)

            def uses(word: str) -> bool:
                return corpus.knows(stem_words([word])[0])

            query, named = spell_out(respelt.query, uses, corpus.spelled_out, is_english)
            return Respelt(query, respelt.changes + named)

    def check_doc_ids(self, doc_ids: Sequence[str] | None) -> list[str] | None:
        """`doc_ids` as a list (None stays None), or QueryError naming those not in the index."""
        if doc_ids is None:
            return None
        doc_ids = list(doc_ids)
        unknown = [d for d in doc_ids if d not in self.corpus.documents]
        if unknown:
            raise QueryError(f"no such document in the index: {', '.join(unknown)} (see `rag docs`)")
        return doc_ids

    def lexical_first(self, query: str, doc_ids: Sequence[str] | None = None) -> str | None:
        """The story of BM25's best passage for `query` as `search` reads it (respelt, offices
        named: `respell`, `name_offices`), None when no passage holds a word of it: a guess at the
        hybrid search's first story, made in a fraction of a millisecond, without the encoder or a
        reranker."""
        query = check_query(query)
        doc_ids = self.check_doc_ids(doc_ids)
        with self.corpus.lock.read():
            best = self.corpus.lexical.search(query, 1, doc_ids)
            return self.corpus.chunks[best[0].chunk_id].doc_id if best else None

    def name_offices(self, query: str) -> str:
        """`query` with the name of each person it names by office ("Kyiv's leader"), when the
        articles introduce one person with that office (descriptors.py; `Corpus.people`)."""
        if not offices_asked(query):
            return query
        with self.corpus.lock.read():
            return expand(query, self.corpus.people())

    def _fused(self, query: str, k: int, doc_ids: Sequence[str] | None) -> Ranked:
        """Hybrid ranking of at least the `k` best candidates (more when a reranker reads them)."""
        depth = max(k, self.config.candidates)
        want = max(k, RERANK_DEPTH) if self.config.reranker else k
        if self.config.fusion == "convex":
            vector = self.query_vector(query)
            dense = [(s.chunk_id, s.score) for s in self.corpus.vectors.search(vector, depth, doc_ids)]
            lexical = [(s.chunk_id, s.score) for s in self.corpus.lexical.search(query, depth, doc_ids)]
            weight = self.config.dense_weight
            return convex([dense, lexical], [weight, 1.0 - weight])[:want]
        ids, x = self.candidate_features(query, depth, doc_ids)
        if not ids:
            return []
        # Log-odds, not probabilities: they keep the gaps between the lesser candidates readable
        # (the composer min-max normalises hit scores; answer accuracy 0.954 against 0.938).
        scores = load_ranker().log_odds(x)
        order = np.argsort(-scores, kind="stable")[:want]
        return [(ids[i], float(scores[i])) for i in order]

    def candidate_features(
        self, query: str, depth: int, doc_ids: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """The candidate chunks for `query` (the top `depth` of each index) and their
        `ranking.FEATURES`, one row each. Call with the read lock held."""
        corpus = self.corpus
        vector = self.query_vector(query)
        dense = _untied(corpus.vectors.search(vector, depth, doc_ids), depth)
        lexical = _untied(corpus.lexical.search(query, depth, doc_ids), depth)
        # Sorted ids: neither the candidates nor their order depend on the order chunks were added.
        ids = sorted({s.chunk_id for s in dense} | {s.chunk_id for s in lexical})
        if not ids:
            return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
        known = {s.chunk_id: s.score for s in dense}
        unknown = [i for i in ids if i not in known]
        missing = iter((corpus.vectors.get(unknown) @ vector).tolist() if unknown else [])
        dense_scores = np.array([known[i] if i in known else next(missing) for i in ids], dtype=np.float32)
        bm25 = corpus.lexical.scores_of(query, ids)
        chunks = [corpus.chunks[i] for i in ids]
        # Each chunk's best sentence (its own cosine when it has none), in one numpy call.
        counts = np.array([len(c.sentences) for c in chunks])
        sentence = dense_scores.copy()
        if counts.any():
            similarity = np.concatenate(corpus.chunks_sentence_vectors(ids)) @ vector
            some = counts > 0
            sentence[some] = np.maximum.reduceat(similarity, (np.cumsum(counts) - counts)[some])
        weights = {t: corpus.idf(t) for t in corpus.lexical.query_terms(query)}
        rarity = min(1.0, max(weights.values()) / np.log(max(len(corpus), 1) + 2)) if weights else 0.0
        lengths = np.array([len(c.text) for c in chunks], dtype=np.float32)
        docs = [c.doc_id for c in chunks]
        distinct = list(dict.fromkeys(docs))
        by_doc = dict(zip(distinct, corpus.lexical.doc_scores(query, distinct).tolist(), strict=True))
        doc_bm25 = np.array([by_doc[d] for d in docs], dtype=np.float32)
        # Sentences mostly hold the same few of the question's words: `Covers` remembers each set's share.
        cover = Covers(weights)
        titles = {d: terms_of(corpus.documents[d].title or "") for d in distinct}
        passage = cover.each(map(corpus.chunk_terms, ids))
        best_sentence = [cover.best(corpus.chunk_sentence_terms(i)) for i in ids]
        title = cover.each([titles[d] for d in docs])
        coverages = np.array([passage, best_sentence, title], dtype=np.float32).T
        hubness = corpus.hubness(ids)
        return ids, features(dense_scores, bm25, sentence, docs, lengths, float(rarity), doc_bm25, coverages, hubness)

    def use_reranker(self, name: str | None) -> None:
        """Rerank hybrid results with the reranker called `name` (see rerank.py); None turns it off."""
        self.corpus.config = dataclasses.replace(self.config, reranker=name or None)

    def reranker(self) -> Reranker:
        """The reranker named in the config, made on first use."""
        name = self.config.reranker or ""
        if self._reranker is None or self._reranker[0] != name:
            self._reranker = (name, make_reranker(name))
        return self._reranker[1]

    def clear_query_cache(self) -> None:
        with self._query_lock:
            self._query_cache.clear()

    def query_vector(self, query: str) -> np.ndarray:
        """The embedding of `query`, cached: the assistant and the search share one encoding."""
        return self.query_vectors([query])[0]

    def query_vectors(self, queries: Sequence[str]) -> list[np.ndarray]:
        """The embeddings of `queries`, cached; those not cached yet are made in one call to the
        embedder (two short texts in one batch cost about 5.5 ms here, in two calls about 7.5).
        The default ONNX backend gives a text the same vector alone or in a batch (a test checks
        it); sentence-transformers' models may differ in the seventh decimal."""
        found: dict[str, np.ndarray] = {}
        with self._query_lock:
            for query in queries:
                if query in self._query_cache:
                    self._query_cache.move_to_end(query)
                    found[query] = self._query_cache[query]
        todo = [query for query in dict.fromkeys(queries) if query not in found]
        if todo:
            vectors = self.embedder.embed(todo)
            self.corpus.check_width(len(vectors[0]))
            with self._query_lock:
                for query, vector in zip(todo, vectors, strict=True):
                    self._query_cache[query] = found[query] = vector
                while len(self._query_cache) > QUERY_CACHE:
                    self._query_cache.popitem(last=False)
        return [found[query] for query in queries]

    # -- persistence --------------------------------------------------------------------------

    def save(self) -> Path:
        """Write the whole index as a new generation, atomically; returns its folder."""
        with self._save_lock, self.corpus.lock.read():
            return IndexStore(self.index_dir).write(self.corpus.write)

    @classmethod
    def load(
        cls,
        index_dir: str | os.PathLike[str] | None = None,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        prepare: Prepare | None = None,
        store: str | None = None,
    ) -> Retriever:
        """Open the index at `index_dir` (default: `$RAG_INDEX_DIR` or the user data folder).

        `model` or `embedder`, and `store`, when given, must match what the index was built with.
        """
        index = IndexStore(index_dir or default_index_dir())
        folder = index.current()
        if folder is None:
            raise IndexNotFoundError(f"no index at {index.root}: build one with `rag index PATH`")
        built = Config.from_dict(read_manifest(folder)["config"])
        built_with = built.model
        if store and store != built.store:
            raise IndexMismatchError(
                f"the index at {index.root} keeps its vectors in {built.store}, not {store}; leave --store "
                f"out to use the index's own, or rebuild with `rag index --rebuild --store {store}`"
            )
        for asked in (model, embedder.name if embedder else None):
            if asked and asked != built_with:
                raise IndexMismatchError(
                    f"the index at {index.root} was built with model {built_with} "
                    f"but {asked} was asked for; rebuild with `rag index --rebuild --model {asked}` "
                    "or leave the model out to use the index's own"
                )
        return cls(embedder=embedder, index_dir=index.root, corpus=Corpus.read(folder), prepare=prepare)
