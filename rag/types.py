"""The nouns of the library: small frozen dataclasses shared by every module.

Offsets (`start`, `end`) always index the ORIGINAL text of the source file, so that
`document.text[start:end]` is exactly the quoted passage.
"""

from __future__ import annotations

from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class Document:
    """One article: its original text, the spans of it kept as article text, and metadata."""

    doc_id: str
    source: str
    text: str
    segments: tuple[Span, ...]
    title: str
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: str | None = None
    content_hash: str = ""


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
