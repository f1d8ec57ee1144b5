"""The nouns of the library: small frozen dataclasses shared by every module.

Offsets (`start`, `end`) always index `Document.text`, so that `document.text[start:end]` is
exactly the quoted passage. For a plain-text file that is the file's own decoded text; for a web
page (a saved `.html` file or a URL) it is the article text extracted from the page, which is
stored in the index and served as the source text; `source` then points back at the page.
"""

from __future__ import annotations

from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class Document:
    """One article: its text, the spans of it kept as article text, and metadata.

    `source` is where it came from: a file path, or the URL for a downloaded page. When
    `extracted` is true, `text` was extracted from HTML and is not the bytes at `source`.
    `url`, `fetched` (ISO UTC time), `etag` and `last_modified` are recorded for downloaded
    pages (the last two make re-fetching conditional); `feed` names the feed that linked it.
    """

    doc_id: str
    source: str
    text: str
    segments: tuple[Span, ...]
    title: str
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None
    content_hash: str = ""
    extracted: bool = False
    url: str | None = None
    fetched: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from one document; `chunk_id` is `"{doc_id}#{n}"`."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class Scored:
    """What an index returns: a chunk id and that index's own score for it."""

    chunk_id: str
    score: float


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with everything needed to cite it."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    sentences: tuple[Span, ...] = ()
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None
    # From `Assistant.search` and in an answer's related passages: the sentence model's score of the
    # passage's best sentence, which orders them (`Evidence.passages`); None from `Retriever.search`
    # and for a passage none of whose sentences was scored. `score` stays the retrieval mode's.
    best_sentence: float | None = None
