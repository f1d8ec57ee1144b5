"""The retriever: a corpus of documents and chunks, a dense and a BM25 index, fused search.

retriever = Retriever.build("seeds/", index_dir="index")   # build or sync, then save
retriever = Retriever.load("index")                         # open an existing index
hits = retriever.search("What did Lavrov say?", k=5, mode="hybrid", doc_ids=None)
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..config import MODES, Config, default_index_dir
from ..errors import CorpusError, IndexCorruptError, IndexMismatchError, IndexNotFoundError, QueryError
from ..index.bm25 import BM25Index
from ..index.embedders import Embedder, make_embedder
from ..index.faiss_index import DenseIndex
from ..index.files import read_corpus, read_manifest, write_corpus, write_manifest
from ..index.locks import ReadWriteLock
from ..index.sentence_vectors import SentenceVectors
from ..index.store import IndexStore
from ..ingest.context import indexed_text
from ..ingest.parallel import chunk_documents
from ..ingest.readers import Skipped, content_hash, load_documents, source_key
from ..types import Chunk, Document, Hit, Scored
from .fusion import convex
from .ranking import FEATURES, features, load_ranker
from .rerank import RERANK_DEPTH, Reranker, make_reranker, rerank

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 4_000
EMBED_BATCH = 64
BATCH_DOCS = 200  # documents embedded and swapped in together
CHECKPOINT_SECONDS = 120.0  # how often a long build saves its progress
QUERY_CACHE = 256

PathsArg = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


@dataclass(frozen=True)
class SyncReport:
    """What one sync changed, by document id."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    texts_embedded: int = 0  # chunk and sentence texts sent to the model

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _as_paths(paths: PathsArg) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _progress_bar(total: int, wanted: bool) -> Any:
    if not (wanted and total):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="indexing", leave=False)


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


class Retriever:
    """Documents, chunks and both indexes, kept in step; see the module docstring."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        embedder: Embedder | None = None,
        index_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.config = config or Config()
        if embedder is not None and embedder.name != self.config.model:
            self.config = dataclasses.replace(self.config, model=embedder.name)
        self.embedder = embedder or make_embedder(self.config.model)
        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        self.dense = DenseIndex(self.embedder)
        self.lexical = BM25Index()
        self.sentence_vectors = SentenceVectors()
        self.documents: dict[str, Document] = {}
        self.chunks: dict[str, Chunk] = {}
        self.sources: tuple[str, ...] = ()
        self.last_sync = SyncReport()
        # Searches share the index; a change waits for them and holds them off while it applies.
        self.lock = ReadWriteLock()
        self._change_lock = threading.Lock()  # one change at a time
        self._save_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_lock = threading.Lock()
        self._reranker: tuple[str, Reranker] | None = None  # (name asked for, reranker)

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
    ) -> Retriever:
        """Build an index of `paths`, or bring an existing one in step with them, and save it.

        The index mirrors `paths`: new files are added, changed ones re-embedded, deleted ones
        removed. `rebuild=True` starts from scratch (needed to change model or chunking).
        """
        store = IndexStore(index_dir or default_index_dir())
        with store.lock():
            # --rebuild must work on a damaged index too, so it never reads the old one.
            if not rebuild and store.current() is not None:
                retriever = cls.load(store.root, model=model, embedder=embedder)
            else:
                if config is None:
                    config = Config(model=model) if model else Config()
                elif model:
                    config = dataclasses.replace(config, model=model)
                retriever = cls(config, embedder=embedder, index_dir=store.root)
            # Long runs are saved as they go, so an interrupted run resumes where it stopped.
            last_save = time.monotonic()

            def checkpoint() -> None:
                nonlocal last_save
                if time.monotonic() - last_save >= CHECKPOINT_SECONDS:
                    retriever.save()
                    last_save = time.monotonic()

            report = retriever.sync(paths, progress=progress, checkpoint=checkpoint)
            if rebuild or report.changed or store.current() is None:
                retriever.save()
        return retriever

    def sync(
        self, paths: PathsArg, *, progress: bool = False, checkpoint: Callable[[], None] | None = None
    ) -> SyncReport:
        """Make the in-memory index mirror `paths` (call `save()` to persist). Documents are embedded
        in batches; `checkpoint` is called after each (`build` saves there every few minutes)."""
        paths = _as_paths(paths)
        docs, skipped = load_documents(paths, self.documents)
        if not docs:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
            raise CorpusError(
                f"no articles to index in {', '.join(paths)}: "
                + (f"every file was skipped ({reasons})" if skipped else "no .txt or .md files found")
            )
        incoming = {d.doc_id: d for d in docs}
        removed = [i for i in self.documents if i not in incoming]
        self.sources = tuple(source_key(p) for p in paths)
        self.last_sync = self._apply(incoming, removed, skipped, progress, checkpoint)
        return self.last_sync

    def add_paths(self, paths: PathsArg, *, progress: bool = False) -> SyncReport:
        """Add or update the articles in `paths`, leaving every other document as it is."""
        docs, skipped = load_documents(_as_paths(paths), self.documents)
        if not docs:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5]) or "no .txt or .md files"
            raise CorpusError(f"nothing to add ({reasons})")
        self.last_sync = self._apply({d.doc_id: d for d in docs}, [], skipped, progress)
        return self.last_sync

    def remove_documents(self, doc_ids: Iterable[str]) -> SyncReport:
        """Remove documents by id (call `save()` to persist)."""
        doc_ids = list(doc_ids)
        unknown = [i for i in doc_ids if i not in self.documents]
        if unknown:
            raise CorpusError(f"no such document in the index: {', '.join(unknown)}")
        self.last_sync = self._apply({}, doc_ids, [], False)
        return self.last_sync

    def _apply(
        self,
        incoming: dict[str, Document],
        removed: list[str],
        skipped: list[Skipped],
        progress: bool,
        checkpoint: Callable[[], None] | None = None,
    ) -> SyncReport:
        """Apply one change, `BATCH_DOCS` documents at a time. The slow part (chunking, embedding)
        runs while searches go on; only swapping the new chunks in holds searches off."""
        with self._change_lock:
            added, updated, unchanged = [], [], []
            with self.lock.read():
                for doc_id, doc in incoming.items():
                    old = self.documents.get(doc_id)
                    if old is None:
                        added.append(doc_id)
                    elif old.content_hash != doc.content_hash:
                        updated.append(doc_id)
                    else:
                        unchanged.append(doc_id)
            with self.lock.write():
                for doc_id in unchanged:
                    self.documents[doc_id] = dataclasses.replace(self.documents[doc_id], source=incoming[doc_id].source)
                self._remove(removed)
            todo = added + updated
            bar = _progress_bar(len(todo), progress)
            embedded = 0
            for start in range(0, len(todo), BATCH_DOCS):
                batch = todo[start : start + BATCH_DOCS]
                with self.lock.read():
                    # Vectors of text that survives an edit are reused, keyed by the text's hash.
                    reuse = self._vectors_by_text([i for i in batch if i in self.documents])
                docs = [incoming[i] for i in batch]
                chunks, indexed, sentence_keys, vectors, count = self._prepare(docs, reuse)
                with self.lock.write():
                    self._remove([i for i in batch if i in self.documents])
                    self.dense.add(chunks, vectors[: len(chunks)])
                    self.lexical.add(chunks, indexed)
                    self.sentence_vectors.add(sentence_keys, vectors[len(chunks) :])
                    self.documents.update((d.doc_id, d) for d in docs)
                    self.chunks.update((c.chunk_id, c) for c in chunks)
                embedded += count
                if bar is not None:
                    bar.update(len(batch))
                if checkpoint is not None:
                    checkpoint()
            if bar is not None:
                bar.close()
            return SyncReport(tuple(added), tuple(updated), tuple(removed), tuple(unchanged), tuple(skipped), embedded)

    def _vectors_by_text(self, doc_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks and sentences of `doc_ids`, keyed by their text's hash."""
        reuse: dict[str, np.ndarray] = {}
        for doc_id in doc_ids:
            doc = self.documents[doc_id]
            text = doc.text
            wanted = {c.chunk_id: content_hash(self._indexed(c, doc)) for c in self.doc_chunks(doc_id)}
            reuse.update((wanted[cid], v) for cid, v in self.dense.vectors(list(wanted)).items())
            keys = [(doc_id, s, e) for s, e in self.doc_sentences(doc_id)]
            for key, vector in zip(keys, self.sentence_vectors.get(keys), strict=True):
                reuse[content_hash(text[key[1] : key[2]])] = vector
        return reuse

    def _remove(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        drop = set(doc_ids)
        self.dense.remove(doc_ids)
        self.lexical.remove(doc_ids)
        self.sentence_vectors.remove(doc_ids)
        self.chunks = {cid: c for cid, c in self.chunks.items() if c.doc_id not in drop}
        for doc_id in doc_ids:
            del self.documents[doc_id]

    def _indexed(self, chunk: Chunk, doc: Document) -> str:
        """The text BM25 and the embedding see for `chunk` (its title in front; see context.py)."""
        return indexed_text(chunk, doc, self.config.title_context)

    def _prepare(
        self, docs: list[Document], reuse: dict[str, np.ndarray]
    ) -> tuple[list[Chunk], list[str], list[tuple[str, int, int]], np.ndarray, int]:
        """Chunks of `docs`, the text each is indexed by, their sentence keys, and vectors for
        chunks and sentences (chunks first), plus how many texts had to be embedded; vectors of
        known text are reused."""
        chunks = chunk_documents(docs, self.config.chunk_tokens, self.config.overlap_sentences)  # in parallel if large
        doc_of = {d.doc_id: d for d in docs}
        indexed = [self._indexed(c, doc_of[c.doc_id]) for c in chunks]
        sentence_keys = sorted({(c.doc_id, s, e) for c in chunks for s, e in c.sentences})
        texts = indexed + [doc_of[d].text[s:e] for d, s, e in sentence_keys]
        if not texts:
            return [], [], [], np.zeros((0, 0), dtype=np.float32), 0
        vectors = self._embed_new(texts, reuse)
        return chunks, indexed, sentence_keys, vectors, len({content_hash(t) for t in texts} - reuse.keys())

    def _embed_new(self, texts: list[str], known: dict[str, np.ndarray]) -> np.ndarray:
        """One vector per text; each distinct text not in `known` (by content hash) is embedded once."""
        hashes = [content_hash(t) for t in texts]
        todo = list(dict.fromkeys(h for h in hashes if h not in known))
        text_of = dict(zip(hashes, texts, strict=True))
        vectors = dict(known)
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start : start + EMBED_BATCH]
            vectors.update(zip(batch, self.embedder.embed([text_of[h] for h in batch]), strict=True))
        return np.stack([vectors[h] for h in hashes])

    # -- searching ----------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, mode: str = "hybrid", doc_ids: Sequence[str] | None = None) -> list[Hit]:
        """The `k` best passages for `query`, best first.

        `mode` is "hybrid" (default), "dense" or "bm25"; `doc_ids` restricts the search to
        those documents. Fewer than `k` hits come back when fewer chunks match.
        """
        query = check_query(query)
        if not isinstance(k, int) or k < 1:
            raise QueryError(f"k must be a whole number of at least 1, not {k!r}")
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if doc_ids is not None:
            doc_ids = list(doc_ids)
            unknown = [d for d in doc_ids if d not in self.documents]
            if unknown:
                raise QueryError(f"no such document in the index: {', '.join(unknown)} (see `rag docs`)")
        with self.lock.read():
            k = min(k, len(self.chunks))
            if mode == "dense":
                ranked = [(s.chunk_id, s.score) for s in self.dense.search_vector(self.query_vector(query), k, doc_ids)]
            elif mode == "bm25":
                ranked = [(s.chunk_id, s.score) for s in self.lexical.search(query, k, doc_ids)]
            else:
                ranked = self._fused(query, k, doc_ids)
            if self.config.reranker:
                ranked = rerank(self.reranker(), query, ranked, {cid: self.chunks[cid].text for cid, _ in ranked})
            return [self._hit(cid, score) for cid, score in ranked[:k]]

    def _fused(self, query: str, k: int, doc_ids: Sequence[str] | None) -> list[tuple[str, float]]:
        """Hybrid ranking of at least the `k` best candidates (more when a reranker reads them)."""
        depth = max(k, self.config.candidates)
        want = max(k, RERANK_DEPTH) if self.config.reranker else k
        if self.config.fusion == "convex":
            vector = self.query_vector(query)
            dense = [(s.chunk_id, s.score) for s in self.dense.search_vector(vector, depth, doc_ids)]
            lexical = [(s.chunk_id, s.score) for s in self.lexical.search(query, depth, doc_ids)]
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
        vector = self.query_vector(query)
        dense = _untied(self.dense.search_vector(vector, depth, doc_ids), depth)
        lexical = _untied(self.lexical.search(query, depth, doc_ids), depth)
        # Sorted ids: neither the candidates nor their order depend on the order chunks were added.
        ids = sorted({s.chunk_id for s in dense} | {s.chunk_id for s in lexical})
        if not ids:
            return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
        known = {s.chunk_id: s.score for s in dense}
        cosine = self.dense.similarity(vector, [i for i in ids if i not in known])
        missing = iter(cosine.tolist())
        dense_scores = np.array([known[i] if i in known else next(missing) for i in ids], dtype=np.float32)
        bm25 = self.lexical.scores_of(query, ids)
        chunks = [self.chunks[i] for i in ids]
        keys = [(c.doc_id, s, e) for c in chunks for s, e in c.sentences]
        similarity = self.sentence_vectors.get(keys) @ vector if keys else np.zeros(0, dtype=np.float32)
        bounds = np.cumsum([0] + [len(c.sentences) for c in chunks])
        spans = zip(bounds[:-1], bounds[1:], dense_scores, strict=True)
        sentence = np.array([similarity[a:b].max() if b > a else s for a, b, s in spans], dtype=np.float32)
        n = max(len(self.lexical), 1)
        idfs = [self.lexical.idf(t) for t in self.lexical.query_terms(query)]
        rarity = min(1.0, max(idfs) / np.log(n + 2)) if idfs else 0.0
        lengths = np.array([len(c.text) for c in chunks], dtype=np.float32)
        docs = [c.doc_id for c in chunks]
        distinct = list(dict.fromkeys(docs))
        by_doc = dict(zip(distinct, self.lexical.doc_scores(query, distinct).tolist(), strict=True))
        doc_bm25 = np.array([by_doc[d] for d in docs], dtype=np.float32)
        return ids, features(dense_scores, bm25, sentence, docs, lengths, float(rarity), doc_bm25)

    def use_reranker(self, name: str | None) -> None:
        """Rerank hybrid results with the reranker called `name` (see rerank.py); None turns it off."""
        self.config = dataclasses.replace(self.config, reranker=name or None)

    def reranker(self) -> Reranker:
        """The reranker named in the config, made on first use."""
        name = self.config.reranker or ""
        if self._reranker is None or self._reranker[0] != name:
            self._reranker = (name, make_reranker(name))
        return self._reranker[1]

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in order, found by their ids ("{doc_id}#0", "#1", ...)."""
        found: list[Chunk] = []
        while (chunk := self.chunks.get(f"{doc_id}#{len(found)}")) is not None:
            found.append(chunk)
        return found

    def doc_sentences(self, doc_id: str) -> list[tuple[int, int]]:
        """Every sentence span of a document, in reading order."""
        return sorted({span for chunk in self.doc_chunks(doc_id) for span in chunk.sentences})

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks each document has."""
        with self.lock.read():
            return dict(Counter(c.doc_id for c in self.chunks.values()))

    def clear_query_cache(self) -> None:
        with self._query_lock:
            self._query_cache.clear()

    def query_vector(self, query: str) -> np.ndarray:
        """The embedding of `query`, cached: the assistant and the search share one encoding."""
        with self._query_lock:
            if query in self._query_cache:
                self._query_cache.move_to_end(query)
                return self._query_cache[query]
        vector = self.embedder.embed([query])[0]
        self.dense.check_dim(vector[None, :])
        with self._query_lock:
            self._query_cache[query] = vector
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vector

    def _hit(self, chunk_id: str, score: float) -> Hit:
        chunk = self.chunks[chunk_id]
        doc = self.documents[chunk.doc_id]
        return Hit(
            chunk_id=chunk.chunk_id,
            doc_id=doc.doc_id,
            source=doc.source,
            title=doc.title,
            text=chunk.text,
            start=chunk.start,
            end=chunk.end,
            score=score,
            sentences=chunk.sentences,
            authors=doc.authors,
            outlet=doc.outlet,
            date=doc.date,
        )

    # -- persistence --------------------------------------------------------------------------

    def save(self) -> Path:
        """Write the whole index as a new generation, atomically; returns its folder."""
        with self._save_lock, self.lock.read():
            return IndexStore(self.index_dir).write(self._write)

    def _write(self, folder: Path) -> None:
        write_corpus(folder, self.documents.values(), self.chunks.values())
        self.dense.save(folder)
        self.lexical.save(folder)
        self.sentence_vectors.save(folder)
        write_manifest(
            folder,
            {
                "model": self.config.model,
                "dim": self.dense.dim,
                "config": {**self.config.to_dict(), "reranker": None},  # a query-time choice
                "sources": list(self.sources),
                "documents": len(self.documents),
                "chunks": len(self.chunks),
            },
        )

    @classmethod
    def load(
        cls,
        index_dir: str | os.PathLike[str] | None = None,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
    ) -> Retriever:
        """Open the index at `index_dir` (default: `$RAG_INDEX_DIR` or the user data folder).

        `model` or `embedder`, when given, must match the model the index was built with.
        """
        store = IndexStore(index_dir or default_index_dir())
        folder = store.current()
        if folder is None:
            raise IndexNotFoundError(f"no index at {store.root}: build one with `rag index PATH`")
        manifest = read_manifest(folder)
        config = Config.from_dict(manifest["config"])
        for asked in (model, embedder.name if embedder else None):
            if asked and asked != config.model:
                raise IndexMismatchError(
                    f"the index at {store.root} was built with model {config.model} ({manifest['dim']} dims) "
                    f"but {asked} was asked for; rebuild with `rag index --rebuild --model {asked}` "
                    "or leave the model out to use the index's own"
                )
        retriever = cls(config, embedder=embedder, index_dir=store.root)
        retriever.sources = tuple(manifest.get("sources", ()))
        retriever.documents, retriever.chunks = read_corpus(folder)
        retriever.dense = DenseIndex.load(folder, retriever.embedder, dim=manifest["dim"])
        retriever.lexical = BM25Index.load(folder)
        retriever.sentence_vectors = SentenceVectors.load(folder)
        if not (len(retriever.dense) == len(retriever.lexical) == len(retriever.chunks) == manifest["chunks"]):
            raise IndexCorruptError(
                f"the parts of the index at {store.root} disagree on the number of chunks; "
                "rebuild it with `rag index --rebuild`"
            )
        return retriever
