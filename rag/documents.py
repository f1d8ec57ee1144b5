"""Load article files into `Document`s: decode, clean, extract metadata, hash.

Adding a format is one function: a reader `bytes -> str` registered in `READERS` by suffix.
Offsets are into the decoded text exactly as stored (no newline translation), so a citation's
`start:end` can be checked against the file itself.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cleaning import clean
from .errors import CorpusError
from .metadata import extract_metadata
from .types import Document

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20_000_000


class UnreadableFile(Exception):
    """Raised by a reader for a file it cannot turn into text; the message is the reason."""


def read_plain_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text (bad byte at offset {exc.start})") from None


READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": read_plain_text,
    ".md": read_plain_text,
}


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_document(doc_id: str, source: str, text: str) -> Document:
    """Clean `text` and read its metadata; the result may have no segments (all boilerplate)."""
    cleaned = clean(text)
    meta = extract_metadata(text, cleaned)
    return Document(
        doc_id=doc_id,
        source=source,
        text=text,
        segments=cleaned.segments,
        title=meta.title or doc_id,
        authors=meta.authors,
        outlet=meta.outlet,
        date=meta.date,
        content_hash=content_hash(text),
    )


def find_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Path]]:
    """`(doc_id, path)` for every readable file under `paths`, in a stable order.

    A folder contributes its files recursively with ids relative to it; a single file is
    named by its file name. Symlinked folders are not followed (no loops).
    """
    for given in paths:
        root = Path(given).expanduser()
        if root.is_file():
            yield root.name, root
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        path = Path(dirpath) / name
                        yield path.relative_to(root).as_posix(), path
        else:
            raise CorpusError(f"{root} does not exist: give a folder of .txt/.md articles or article files")


def load_documents(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Document], list[Skipped]]:
    """Every article under `paths`, plus the files skipped with their reasons."""
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for doc_id, path in find_files(paths):
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise UnreadableFile(f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
            text = reader(path.read_bytes())
        except (OSError, UnreadableFile) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            skipped.append(Skipped(str(path), reason))
            continue
        if doc_id in documents:
            raise CorpusError(
                f"two files would both be called {doc_id!r} ({documents[doc_id].source} and {path}); "
                "index their common parent folder instead"
            )
        doc = parse_document(doc_id, str(path.resolve()), text)
        if not doc.segments:
            skipped.append(
                Skipped(str(path), "empty file" if not text.strip() else "no article text (only boilerplate)")
            )
            continue
        documents[doc_id] = doc
    for skip in skipped:
        log.info("skipped %s: %s", skip.path, skip.reason)
    return list(documents.values()), skipped
