"""The corpus: the documents, their chunks and sentences, and the indexes over them, kept in step.

    corpus.documents / corpus.chunks     the nouns (types.py), by id
    corpus.vectors                       chunk vectors, searched (a `VectorIndex`, index/vectors.py)
    corpus.sentences                     sentence vectors, read back by sentence when answering
    corpus.lexical                       BM25 over the chunks, and the corpus's term statistics

Answerers read it through `text`, `doc_sentences`, `doc_terms`, `sentence_vectors`, `idf` and `knows`; the sync
module (sync.py) changes it through `add` and `remove`; `write` and `read` persist one generation.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from .config import Config
from .errors import IndexCorruptError, IndexMismatchError
from .index import hubs
from .index.bm25 import BM25Index
from .index.files import read_corpus, read_manifest, read_people, write_corpus, write_manifest, write_people
from .index.locks import ReadWriteLock
from .index.vectors import VectorIndex, open_vector_index
from .index.words import terms_of
from .search.acronyms import spelled_out
from .search.descriptors import READING, Introduced, introduced
from .types import Chunk, Document, Hit, Span

SentenceKey = tuple[str, int, int]  # (doc_id, start, end)
# Chunks whose sentence vectors are kept between questions: about 15 MB, up to twice that since a kept
# chunk's array is a view of the whole look-up it came in.
CHUNK_CACHE = 1024
# Chunks whose two hub figures are kept (about 10 MB when full): a large index's questions meet
# thousands of different candidates, and each costs a product with the reference sample.
HUB_CACHE = 65_536


def _remember(cache: dict[str, Any], key: str, value: Any, size: int = CHUNK_CACHE) -> None:
    """Put `value` in a cache of at most `size` entries (emptied when full: no order to keep)."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value


def _covered(chunk: Chunk, text: str) -> bool:
    """Whether `chunk`'s sentences cover its text but for whitespace between them: then no word of
    the chunk lies outside a sentence or straddles two.

    >>> text = "One two. Three four."
    >>> _covered(Chunk("d#0", "d", 0, 20, text, ((0, 8), (9, 20))), text)
    True
    >>> _covered(Chunk("d#0", "d", 0, 20, text, ((0, 3), (9, 20))), text)
    False
    """
    spans = chunk.sentences
    if not spans or spans[0][0] != chunk.start or spans[-1][1] != chunk.end:
        return False
    return all(e < s and text[e:s].isspace() for (_, e), (s, _) in pairwise(spans))


def around(spans: Sequence[Span], start: int, end: int) -> tuple[Span | None, Span | None]:
    """The sentence spans just before and after the one of `spans` (a document's, in order) that
    holds `start:end`: None at either end of the article, or when no sentence holds it.

    >>> around([(0, 5), (6, 9), (10, 14)], 6, 9), around([(0, 5), (6, 9)], 0, 5), around([(0, 5)], 7, 8)
    (((0, 5), (10, 14)), (None, (6, 9)), (None, None))
    """
    i = bisect_right(spans, (start, math.inf)) - 1  # the last sentence that starts at or before `start`
    if i < 0 or end > spans[i][1]:
        return None, None
    return (spans[i - 1] if i > 0 else None), (spans[i + 1] if i + 1 < len(spans) else None)


def sentence_id(key: SentenceKey) -> str:
    """The id a sentence's vector is stored under: "{doc_id}@{start}:{end}"."""
    return f"{key[0]}@{key[1]}:{key[2]}"


@dataclass(frozen=True)
class Batch:
    """Documents ready to go in: their chunks, the text each chunk is indexed by, their sentences,
    and one vector per chunk then per sentence (see sync.prepare)."""

    documents: tuple[Document, ...]
    chunks: tuple[Chunk, ...]
    indexed: tuple[str, ...]
    sentences: tuple[SentenceKey, ...]
    vectors: np.ndarray
    embedded: int = 0  # how many texts had to be embedded (the rest were reused)


class Corpus:
    """Documents, chunks, sentence spans and vectors, and term statistics; see the module docstring.

    `lock` is shared by readers (a search, an answer) and taken alone by a change."""

    def __init__(self, config: Config, folder: Path | None = None) -> None:
        """An empty corpus, or (with `folder`) the parts saved there; `read` checks they agree."""
        self.config = config
        self.documents: dict[str, Document] = {}
        self.chunks: dict[str, Chunk] = {}
        if folder is not None:
            self.documents, self.chunks = read_corpus(folder)
        self.vectors: VectorIndex = open_vector_index(config.store, "chunks", folder)
        self.sentences: VectorIndex = open_vector_index(config.store, "sentences", folder)
        self.lexical = BM25Index.open(folder)
        self.sources: tuple[str, ...] = ()  # what the index mirrors: folders, files, URLs, feeds
        self.lock = ReadWriteLock()
        # Chunk id -> its sentences' vectors, and their terms; document id -> its sentence spans, its terms.
        self._chunk_vectors: dict[str, np.ndarray] = {}
        self._chunk_terms: dict[str, tuple[frozenset[str], ...]] = {}
        self._passage_terms: dict[str, frozenset[str]] = {}
        self._doc_sentences: dict[str, tuple[Span, ...]] = {}
        self._doc_terms: dict[str, frozenset[str]] = {}
        # Chunk id -> its `hubness`; the reference chunks' rows and vectors (on first use after a change).
        self._hubness: dict[str, tuple[float, float]] = {}
        self._hub_sample: tuple[MappingProxyType[str, int], np.ndarray, np.ndarray] | None = None
        # Document id -> the people it introduces with an office; all of them (on first use after a change).
        self._doc_people: dict[str, tuple[Introduced, ...]] = {}
        self._people: tuple[Introduced, ...] | None = None
        self._spelled: dict[str, str | None] = {}  # acronym -> the name the articles spell out
        if folder is not None:  # the people each article introduces, as read when it was indexed
            kept = read_people(folder, READING)
            for doc in self.documents.values():
                found = kept.get((doc.doc_id, doc.content_hash))
                if found is not None:
                    self._doc_people[doc.doc_id] = tuple(Introduced(*person) for person in found)
        # Whether the index as read kept every article's people (one saved before it did is saved again).
        self.people_kept = len(self._doc_people) == len(self.documents)

    def __len__(self) -> int:
        return len(self.chunks)

    # -- reading ------------------------------------------------------------------------------

    def text(self, doc_id: str, start: int, end: int) -> str:
        return self.documents[doc_id].text[start:end]

    def source_text(self, doc_id: str) -> str | None:
        """A document's whole indexed text, or None when it is not indexed (what `grounded` reads)."""
        doc = self.documents.get(doc_id)
        return doc.text if doc else None

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in order, found by their ids ("{doc_id}#0", "#1", ...)."""
        found: list[Chunk] = []
        while (chunk := self.chunks.get(f"{doc_id}#{len(found)}")) is not None:
            found.append(chunk)
        return found

    def doc_sentences(self, doc_id: str) -> list[Span]:
        """Every sentence span of a document, in reading order (remembered as the chunks' are)."""
        found = self._doc_sentences.get(doc_id)
        if found is None:
            found = tuple(sorted({span for chunk in self.doc_chunks(doc_id) for span in chunk.sentences}))
            _remember(self._doc_sentences, doc_id, found)
        return list(found)

    def sentence_vectors(self, keys: Sequence[SentenceKey]) -> np.ndarray:
        """The stored vectors of these sentences, one row each."""
        return self.sentences.get([sentence_id(k) for k in keys])

    def chunks_sentence_vectors(self, chunk_ids: Sequence[str]) -> list[np.ndarray]:
        """For each chunk, `sentence_vectors` of its sentences in `chunk.sentences` order. Remembered
        for the chunks read lately, until the corpus changes (a search reads every candidate's
        sentences and the answer then reads the best passages' again); the others are read in one
        look-up, since a search's candidates in a large index are mostly chunks not read before."""
        # Taken out first: remembering the others may empty the cache, and so may another reader.
        found = {i: v for i in chunk_ids if (v := self._chunk_vectors.get(i)) is not None}
        missing = [i for i in dict.fromkeys(chunk_ids) if i not in found]
        if missing:
            keys = [[(chunk.doc_id, s, e) for s, e in chunk.sentences] for chunk in (self.chunks[i] for i in missing)]
            rows = self.sentence_vectors([k for ks in keys for k in ks])
            ends = np.cumsum([len(ks) for ks in keys])
            for chunk_id, vectors in zip(missing, np.split(rows, ends[:-1]), strict=True):
                vectors.flags.writeable = False  # shared by every reader
                _remember(self._chunk_vectors, chunk_id, vectors)
                found[chunk_id] = vectors
        return [found[i] for i in chunk_ids]

    def chunk_sentence_terms(self, chunk_id: str) -> tuple[frozenset[str], ...]:
        """`words.terms_of` each of a chunk's sentences, in `chunk.sentences` order; remembered as
        the sentence vectors are (`chunks_sentence_vectors`)."""
        found = self._chunk_terms.get(chunk_id)
        if found is None:
            chunk = self.chunks[chunk_id]
            found = tuple(terms_of(self.text(chunk.doc_id, s, e)) for s, e in chunk.sentences)
            _remember(self._chunk_terms, chunk_id, found)
        return found

    def chunk_terms(self, chunk_id: str) -> frozenset[str]:
        """`words.terms_of` the chunk's text. When its sentences cover it but for the whitespace between
        them (as the splitter leaves them), that is the union of `chunk_sentence_terms`, which a search
        reads anyway: a chunk met for the first time is not tokenised twice. Remembered like them."""
        found = self._passage_terms.get(chunk_id)
        if found is None:
            chunk = self.chunks[chunk_id]
            if _covered(chunk, self.documents[chunk.doc_id].text):
                found = frozenset().union(*self.chunk_sentence_terms(chunk_id))
            else:
                found = terms_of(chunk.text)
            _remember(self._passage_terms, chunk_id, found)
        return found

    def doc_terms(self, doc_id: str) -> frozenset[str]:
        """Every term of a document (the union of its chunks' `chunk_terms`), remembered per document."""
        found = self._doc_terms.get(doc_id)
        if found is None:
            found = frozenset().union(*(self.chunk_terms(c.chunk_id) for c in self.doc_chunks(doc_id)))
            _remember(self._doc_terms, doc_id, found)
        return found

    def hubness(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """How much of a hub each chunk is (n x 2, `index/hubs.py`): its cosine with the mean chunk
        vector and its mean cosine with its nearest other chunks, both over the reference chunks
        (every chunk, or a fixed sample of a large corpus). Remembered until the corpus changes."""
        found = {i: v for i in chunk_ids if (v := self._hubness.get(i)) is not None}
        missing = [i for i in dict.fromkeys(chunk_ids) if i not in found]
        if missing:
            position, sample, mean = self._hub_sample or self._reference()
            own = [position.get(i) for i in missing]
            rows = hubs.hub_features(self.vectors.get(missing), own, sample, mean)
            for chunk_id, row in zip(missing, rows.tolist(), strict=True):
                found[chunk_id] = (row[0], row[1])
                _remember(self._hubness, chunk_id, found[chunk_id], HUB_CACHE)
        return np.array([found[i] for i in chunk_ids], dtype=np.float32).reshape(-1, 2)

    def _reference(self) -> tuple[MappingProxyType[str, int], np.ndarray, np.ndarray]:
        """The reference chunks of `hubness` (their rows), their vectors and their mean (float64), read
        in one look-up of at most `hubs.SAMPLE` rows and shared, read-only, until the corpus changes."""
        ids = hubs.reference_ids(self.chunks, hubs.SAMPLE)
        sample = self.vectors.get(ids).astype(np.float64)
        mean = hubs.mean_vector(sample)
        sample.flags.writeable = mean.flags.writeable = False
        self._hub_sample = (MappingProxyType({cid: n for n, cid in enumerate(ids)}), sample, mean)
        return self._hub_sample

    def people(self) -> tuple[Introduced, ...]:
        """Everyone the articles introduce with an office of a country or body ("Russian Foreign
        Minister Sergei Lavrov": search/descriptors.py). Each article is read once, when the index
        is saved (so a loaded index has them all), or on first use if it was not; kept until it changes."""
        people = self._people
        if people is None:
            people = self._people = tuple(p for doc in self.documents.values() for p in self._people_in(doc))
        return people

    def _people_in(self, doc: Document) -> tuple[Introduced, ...]:
        """The people `doc` introduces, as kept, or read from its text now and kept."""
        own = self._doc_people.get(doc.doc_id)
        if own is None:
            own = self._doc_people[doc.doc_id] = tuple(
                person for s, e in doc.segments for person in introduced(doc.text[s:e])
            )
        return own

    def spelled_out(self, letters: str) -> str | None:
        """The name the articles spell out for an acronym they do not use ("MBTA": the commonest
        "Massachusetts Bay Transportation Authority"; search/acronyms.py), or None; the last 1,024
        kept until they change (each one read all their text)."""
        kept = self._spelled.get(letters, "")  # "" for not read yet: another reader may empty the cache
        if kept != "":
            return kept
        found = spelled_out(letters, (doc.text for doc in self.documents.values()))
        _remember(self._spelled, letters, found)
        return found

    def idf(self, term: str) -> float:
        """How rare a stemmed term is across the chunks (words.tokenize makes terms)."""
        return self.lexical.idf(term)

    def knows(self, term: str) -> bool:
        """Whether a stemmed term occurs anywhere in the articles."""
        return self.lexical.knows(term)

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks each document has."""
        with self.lock.read():
            return dict(Counter(c.doc_id for c in self.chunks.values()))

    def hit(self, chunk_id: str, score: float) -> Hit:
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

    def check_width(self, width: int) -> None:
        """IndexMismatchError unless vectors `width` wide fit the stored ones."""
        if self.vectors.dim is not None and width != self.vectors.dim:
            model = self.config.model
            raise IndexMismatchError(
                f"the index holds {self.vectors.dim}-dimensional vectors but the model {model} gives {width}; "
                f"rebuild with `rag index --rebuild --model {model}`"
            )

    # -- changing (call with the write lock held) ---------------------------------------------

    def add(self, batch: Batch) -> None:
        """Put `batch` in, replacing any earlier version of its documents."""
        n = len(batch.chunks)
        if n:
            self.check_width(batch.vectors.shape[1])  # before anything is removed
        self._forget_chunks()
        self.remove([d.doc_id for d in batch.documents if d.doc_id in self.documents])
        ids = [c.chunk_id for c in batch.chunks]
        groups = [c.doc_id for c in batch.chunks]
        self.vectors.add(ids, groups, batch.vectors[:n])
        self.lexical.add(ids, groups, batch.indexed)
        self.sentences.add(
            [sentence_id(k) for k in batch.sentences], [k[0] for k in batch.sentences], batch.vectors[n:]
        )
        self.documents.update((d.doc_id, d) for d in batch.documents)
        self.chunks.update(zip(ids, batch.chunks, strict=True))

    def remove(self, doc_ids: Sequence[str]) -> None:
        if not doc_ids:
            return
        drop = set(doc_ids)
        self._forget_chunks()
        self.vectors.remove(doc_ids)
        self.lexical.remove(doc_ids)
        self.sentences.remove(doc_ids)
        self.chunks = {cid: c for cid, c in self.chunks.items() if c.doc_id not in drop}
        for doc_id in doc_ids:
            del self.documents[doc_id]
            self._doc_people.pop(doc_id, None)

    def _forget_chunks(self) -> None:
        self._chunk_vectors.clear()
        self._chunk_terms.clear()
        self._passage_terms.clear()
        self._doc_sentences.clear()
        self._doc_terms.clear()
        self._hubness.clear()
        self._hub_sample = None
        self._people = None
        self._spelled.clear()

    def moved(self, doc: Document) -> None:
        """Record a new `source` for an unchanged document (a file moved or renamed)."""
        self.documents[doc.doc_id] = dataclasses.replace(self.documents[doc.doc_id], source=doc.source)

    # -- persistence --------------------------------------------------------------------------

    def write(self, folder: Path) -> None:
        """Every part into `folder`, a fresh index generation; the manifest last."""
        write_corpus(folder, self.documents.values(), self.chunks.values())
        # Every article's people read now, not on a question after the index is loaded.
        write_people(
            folder,
            READING,
            (
                (d.doc_id, d.content_hash, tuple(dataclasses.astuple(p) for p in self._people_in(d)))
                for d in self.documents.values()
            ),
        )
        self.vectors.save(folder)
        self.sentences.save(folder)
        self.lexical.save(folder)
        write_manifest(
            folder,
            {
                "backend": self.vectors.backend,
                "dim": self.vectors.dim,
                "config": {**self.config.to_dict(), "reranker": None},  # a query-time choice
                "sources": list(self.sources),
                "documents": len(self.documents),
                "chunks": len(self.chunks),
            },
        )

    @classmethod
    def read(cls, folder: Path) -> Corpus:
        """The corpus saved in `folder` by `write`."""
        manifest = read_manifest(folder)
        corpus = cls(Config.from_dict(manifest["config"]), folder)
        corpus.sources = tuple(manifest.get("sources", ()))
        if not (len(corpus.vectors) == len(corpus.lexical) == len(corpus.chunks) == manifest["chunks"]):
            raise IndexCorruptError(
                f"the parts of the index at {folder.parent} disagree on the number of chunks; "
                "rebuild it with `rag index --rebuild`"
            )
        return corpus
