"""Keeping a corpus in step with its sources: read the articles, chunk and embed what changed, swap.

    syncer = Syncer(corpus, embedder)
    report = syncer.sync(["seeds/"])          # mirror these paths: add, re-embed, remove
    syncer.add(["new.txt"]); syncer.remove(["old.txt"])

Work goes `BATCH_DOCS` documents at a time. The slow part (`prepare`: chunking and embedding) runs
while searches go on; only putting a batch into the corpus holds them off. `prepare` is the seam a
parallel engine replaces with a function of the same signature (documents, the config, the
embedder, and the vectors of text already embedded in; a `corpus.Batch` out): `ingest/ray.py`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import Config
from .corpus import Batch, Corpus, SentenceKey
from .errors import CorpusError
from .index.embedders import Embedder
from .ingest.context import indexed_text
from .ingest.parallel import chunk_documents
from .ingest.readers import Skipped, content_hash, describe_formats, load_documents, source_key
from .types import Chunk, Document

# Texts handed to the embedder at once. It sorts them by length before batching, so a large hand-off
# keeps short sentences out of batches padded to a chunk's length: 2.4x the texts/s of 64 here.
EMBED_BATCH = 4096
BATCH_DOCS = 200  # documents embedded and swapped in together

PathsArg = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
Prepare = Callable[[list[Document], Config, Embedder, dict[str, np.ndarray]], Batch]  # as `prepare`


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


def as_paths(paths: PathsArg) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def same_reading(old: Document, new: Document) -> bool:
    """Whether a document read again is the one indexed: the same text, read the same way (kept
    spans, title, byline, outlet, date). A file whose text did not change but which this version
    of rag reads otherwise (a cleaning rule added) is indexed again, its unchanged passages'
    vectors reused, instead of keeping what older rules made of it until a rebuild."""
    return (
        old.content_hash == new.content_hash
        and [tuple(span) for span in old.segments] == [tuple(span) for span in new.segments]
        and (old.title, tuple(old.authors), old.outlet, old.date)
        == (new.title, tuple(new.authors), new.outlet, new.date)
    )


def chunked(docs: Sequence[Document], config: Config) -> tuple[list[Chunk], list[str]]:
    """The chunks of `docs` and the text each is indexed by, as `config` says."""
    chunks = chunk_documents(docs, config.chunk_tokens, config.overlap_sentences)  # in parallel if large
    doc_of = {d.doc_id: d for d in docs}
    return chunks, [indexed_text(c, doc_of[c.doc_id], config.title_context) for c in chunks]


def prepare(docs: list[Document], config: Config, embedder: Embedder, reuse: dict[str, np.ndarray]) -> Batch:
    """Chunks of `docs`, the text each is indexed by, their sentences, and a vector for every chunk
    and sentence (chunks first); text whose hash is in `reuse` is not embedded again."""
    chunks, indexed = chunked(docs, config)
    doc_of = {d.doc_id: d for d in docs}
    sentences: list[SentenceKey] = sorted({(c.doc_id, s, e) for c in chunks for s, e in c.sentences})
    texts = indexed + [doc_of[d].text[s:e] for d, s, e in sentences]
    if not texts:
        return Batch(tuple(docs), (), (), (), np.zeros((0, 0), dtype=np.float32))
    vectors = embed_new(embedder, texts, reuse)
    embedded = len({content_hash(t) for t in texts} - reuse.keys())
    return Batch(tuple(docs), tuple(chunks), tuple(indexed), tuple(sentences), vectors, embedded)


def embed_new(embedder: Embedder, texts: list[str], known: dict[str, np.ndarray]) -> np.ndarray:
    """One vector per text; each distinct text not in `known` (by content hash) is embedded once."""
    hashes = [content_hash(t) for t in texts]
    todo = list(dict.fromkeys(h for h in hashes if h not in known))
    text_of = dict(zip(hashes, texts, strict=True))
    vectors = dict(known)
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors.update(zip(batch, embedder.embed([text_of[h] for h in batch]), strict=True))
    return np.stack([vectors[h] for h in hashes])


def stored_vectors(corpus: Corpus, doc_ids: list[str]) -> dict[str, np.ndarray]:
    """The stored vectors of the chunks and sentences of `doc_ids`, keyed by their text's hash, so
    that text surviving an edit is not embedded again."""
    reuse: dict[str, np.ndarray] = {}
    for doc_id in doc_ids:
        doc = corpus.documents[doc_id]
        chunks = corpus.doc_chunks(doc_id)
        hashes = [content_hash(indexed_text(c, doc, corpus.config.title_context)) for c in chunks]
        reuse.update(zip(hashes, corpus.vectors.get([c.chunk_id for c in chunks]), strict=True))
        keys = [(doc_id, s, e) for s, e in corpus.doc_sentences(doc_id)]
        reuse.update(zip([content_hash(doc.text[s:e]) for _, s, e in keys], corpus.sentence_vectors(keys), strict=True))
    return reuse


def _progress_bar(total: int, wanted: bool) -> Any:
    if not (wanted and total):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="indexing", leave=False)


class Syncer:
    """Applies changes of the sources to a corpus, one change at a time."""

    def __init__(self, corpus: Corpus, embedder: Embedder, prepare_batch: Prepare | None = None) -> None:
        self.corpus = corpus
        self.embedder = embedder
        self.prepare: Prepare = prepare_batch or prepare
        self._change_lock = threading.Lock()

    def sync(
        self, paths: PathsArg, *, progress: bool = False, checkpoint: Callable[[], None] | None = None
    ) -> SyncReport:
        """Make the corpus mirror `paths`. `checkpoint` is called after each batch (a long build
        saves there every few minutes, so an interrupted run resumes where it stopped)."""
        paths = as_paths(paths)
        docs, skipped = load_documents(paths, self.corpus.documents)
        if not docs:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
            raise CorpusError(
                f"no articles to index in {', '.join(paths)}: "
                + (f"every file was skipped ({reasons})" if skipped else f"no {describe_formats()} files found")
            )
        incoming = {d.doc_id: d for d in docs}
        removed = [i for i in self.corpus.documents if i not in incoming]
        self.corpus.sources = tuple(source_key(p) for p in paths)
        return self._apply(incoming, removed, skipped, progress, checkpoint)

    def add(self, paths: PathsArg, *, progress: bool = False) -> SyncReport:
        """Add or update the articles in `paths`, leaving every other document as it is."""
        docs, skipped = load_documents(as_paths(paths), self.corpus.documents)
        if not docs:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5]) or f"no {describe_formats()} files"
            raise CorpusError(f"nothing to add ({reasons})")
        return self._apply({d.doc_id: d for d in docs}, [], skipped, progress)

    def remove(self, doc_ids: Iterable[str]) -> SyncReport:
        """Remove documents by id."""
        doc_ids = list(dict.fromkeys(doc_ids))
        unknown = [i for i in doc_ids if i not in self.corpus.documents]
        if unknown:
            raise CorpusError(f"no such document in the index: {', '.join(unknown)}")
        return self._apply({}, doc_ids, [], False)

    def _apply(
        self,
        incoming: dict[str, Document],
        removed: list[str],
        skipped: list[Skipped],
        progress: bool,
        checkpoint: Callable[[], None] | None = None,
    ) -> SyncReport:
        corpus = self.corpus
        with self._change_lock:
            with corpus.lock.read():
                old = {i: corpus.documents.get(i) for i in incoming}
            added = [i for i, d in old.items() if d is None]
            same = {i: same_reading(d, incoming[i]) for i, d in old.items() if d is not None}
            updated = [i for i, kept in same.items() if not kept]
            unchanged = [i for i, kept in same.items() if kept]
            with corpus.lock.write():
                for doc_id in unchanged:
                    corpus.moved(incoming[doc_id])
                corpus.remove(removed)
            todo = added + updated
            bar = _progress_bar(len(todo), progress)
            embedded = 0
            for start in range(0, len(todo), BATCH_DOCS):
                ids = todo[start : start + BATCH_DOCS]
                with corpus.lock.read():
                    reuse = stored_vectors(corpus, [i for i in ids if i in corpus.documents])
                batch = self.prepare([incoming[i] for i in ids], corpus.config, self.embedder, reuse)
                with corpus.lock.write():
                    corpus.add(batch)
                embedded += batch.embedded
                if bar is not None:
                    bar.update(len(ids))
                if checkpoint is not None:
                    checkpoint()
            if bar is not None:
                bar.close()
            return SyncReport(tuple(added), tuple(updated), tuple(removed), tuple(unchanged), tuple(skipped), embedded)
