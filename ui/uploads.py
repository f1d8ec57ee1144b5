"""Accepting article uploads: size limit, allowed types, safe names, nothing written unless valid.

Saved web pages (.html, .htm, .shtml, .xhtml), articles saved as JSON objects (.json) and NITF
stories (.xml, .nitf) are accepted too; their article text is extracted when indexed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rag.atomic import write_atomic
from rag.ingest.readers import READERS, UnreadableFile, read_file

MAX_UPLOAD_BYTES = 2_000_000


class UploadError(Exception):
    """An upload that was refused; the message says why."""


def safe_name(name: str) -> str:
    """A file name that cannot leave the upload folder or hide.

    >>> safe_name("../../etc/passwd.txt"), safe_name("..\\\\evil<script>.md"), safe_name("Café news.TXT")
    ('passwd.txt', 'evil_script.md', 'Cafe_news.txt')
    """
    base = re.split(r"[\\\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem if dot else base).strip("._-") or "article"
    suffix = suffix.lower() if dot else ""
    return f"{stem[:80]}.{suffix}" if suffix else stem[:80]


def check_upload(path: Path, original_name: str) -> tuple[str, bytes]:
    """The safe name and bytes of an acceptable article file, or UploadError."""
    name = safe_name(original_name)
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        raise UploadError(f"{original_name}: only {', '.join(sorted(READERS))} files can be added")
    try:
        read_file(name, path, MAX_UPLOAD_BYTES)
    except UnreadableFile as exc:
        raise UploadError(f"{original_name}: {exc}") from None
    return name, path.read_bytes()


def store(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `folder/name` atomically (temporary file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.resolve().parent != folder.resolve():
        raise UploadError(f"{name}: not a plain file name")
    return write_atomic(target, data)
