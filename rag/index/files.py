"""The plain files of one index generation: the manifest, documents and chunks, written and read
in mirror image. The indexes write their own files (`{role}.faiss` and `{role}_ids.json` per vector
role, `bm25_tokens.jsonl`).

    manifest.json     format version, model, dimension, config, source folders, counts (written last)
    documents.jsonl   one Document per line, with its original text
    chunks.jsonl      one Chunk per line
    people.jsonl      per document, the people it introduces with an office (search/descriptors.py),
                      with the reading of the rules and the text's hash they were read from
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..config import FORMAT_VERSION
from ..errors import IndexCorruptError, IndexMismatchError
from ..types import Chunk, Document

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
CHUNKS = "chunks.jsonl"
PEOPLE = "people.jsonl"
# One document's people as stored: (name, place, kind) each.
People = tuple[tuple[str, str, str], ...]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_corpus(folder: Path, documents: Iterable[Document], chunks: Iterable[Chunk]) -> None:
    write_jsonl(folder / DOCUMENTS, map(dataclasses.asdict, documents))
    write_jsonl(folder / CHUNKS, map(dataclasses.asdict, chunks))


def read_corpus(folder: Path) -> tuple[dict[str, Document], dict[str, Chunk]]:
    documents: dict[str, Document] = {}
    chunks: dict[str, Chunk] = {}
    try:
        with open(folder / DOCUMENTS, encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                row["segments"] = tuple(tuple(s) for s in row["segments"])
                row["authors"] = tuple(row["authors"])
                documents[row["doc_id"]] = Document(**row)
        with open(folder / CHUNKS, encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                row["sentences"] = tuple(tuple(s) for s in row["sentences"])
                chunks[row["chunk_id"]] = Chunk(**row)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(
            f"the index in {folder.parent} cannot be read ({exc}); rebuild it with `rag index --rebuild`"
        ) from exc
    return documents, chunks


def write_people(folder: Path, reading: int, people: Iterable[tuple[str, str, People]]) -> None:
    """(doc_id, content hash, people) of each document, read by rules of version `reading`."""
    write_jsonl(
        folder / PEOPLE,
        (
            {"doc_id": doc_id, "hash": content_hash, "reading": reading, "people": [list(p) for p in found]}
            for doc_id, content_hash, found in people
        ),
    )


def read_people(folder: Path, reading: int) -> dict[tuple[str, str], People]:
    """(doc_id, content hash) -> people, for the rows read by rules of version `reading`. The file
    only saves work: an index written before people were kept, rows read by other rules, and a
    damaged file or row (said once, in a warning) give nothing, and the articles are read again
    from their text when first needed."""
    found: dict[tuple[str, str], People] = {}
    seen: set[str] = set()
    damaged = 0
    try:
        with open(folder / PEOPLE, encoding="utf-8") as rows:
            for line in rows:
                row = _people_row(line)
                if row is None:
                    damaged += 1
                    continue
                doc_id, content_hash, row_reading, people = row
                if doc_id in seen:  # two rows for one article: trust neither
                    found = {key: value for key, value in found.items() if key[0] != doc_id}
                    damaged += 1
                elif row_reading == reading:
                    found[doc_id, content_hash] = people
                seen.add(doc_id)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("ignoring %s (%s): the articles' people will be read again", folder / PEOPLE, exc)
        return {}
    if damaged:
        log.warning(
            "ignoring %d damaged rows of %s: their articles' people will be read again", damaged, folder / PEOPLE
        )
    return found


def _people_row(line: str) -> tuple[str, str, int, People] | None:
    """One row of `people.jsonl` as (doc_id, hash, reading, people), or None when it is not one."""
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if not isinstance(row, dict):
        return None
    doc_id, content_hash, reading, people = (row.get(k) for k in ("doc_id", "hash", "reading", "people"))
    if not (isinstance(doc_id, str) and isinstance(content_hash, str) and type(reading) is int):
        return None
    if not isinstance(people, list) or not all(
        isinstance(p, list) and len(p) == 3 and all(isinstance(x, str) for x in p) for p in people
    ):
        return None
    return doc_id, content_hash, reading, tuple((n, place, kind) for n, place, kind in people)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Written last: a generation folder with a manifest is complete."""
    (folder / MANIFEST).write_text(
        json.dumps({"format_version": FORMAT_VERSION, **manifest}, indent=2), encoding="utf-8"
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, checked for this version of the format."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            f"the index manifest {folder / MANIFEST} cannot be read ({exc}); rebuild with `rag index --rebuild`"
        ) from exc
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"the index in {folder.parent} has format version {version}, but this version of rag reads "
            f"version {FORMAT_VERSION}; rebuild it with `rag index --rebuild`"
        )
    if not isinstance(manifest.get("config"), dict) or not isinstance(manifest.get("chunks"), int):
        raise IndexCorruptError(
            f"the index manifest {folder / MANIFEST} lacks its config or counts; rebuild with `rag index --rebuild`"
        )
    return manifest
