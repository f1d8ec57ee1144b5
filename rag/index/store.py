"""Atomic, locked storage of an index folder as numbered generations.

Layout of an index folder::

    CURRENT          one line: the name of the live generation ("gen-000007")
    gen-000007/      manifest.json and the files of every part of the index
    .lock            held while a process writes

A save writes a complete new generation into a temporary folder, flushes it to disk, renames
it into place, and only then points CURRENT at it (an atomic `os.replace`). A crash, Ctrl-C or
full disk at any moment leaves CURRENT naming the previous, complete generation.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import IndexBusyError, IndexCorruptError

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = ".lock"
GENERATION = re.compile(r"^gen-(\d{6,})$")


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class IndexStore:
    """One index folder: find the live generation, write a new one atomically, lock writers."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()
        self._lock: Any = None

    def current(self) -> Path | None:
        """The live generation's folder, or None if no index was ever completed here."""
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexCorruptError(f"cannot read {self.root / CURRENT} ({exc.strerror})") from exc
        folder = self.root / name
        if not GENERATION.match(name) or not folder.is_dir():
            raise IndexCorruptError(
                f"{self.root / CURRENT} names {name!r}, which is not a complete index; "
                "rebuild it with `rag index --rebuild`"
            )
        return folder

    @contextmanager
    def lock(self, timeout: float = 0.0) -> Iterator[None]:
        """Hold the writer lock; another writer gets IndexBusyError after `timeout` seconds."""
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        if self._lock is None:
            # One lock object per path in this process (is_singleton), re-entrant across threads;
            # threads of one process are kept apart by the retriever's own lock.
            self._lock = FileLock(str((self.root / LOCK).resolve()), is_singleton=True, thread_local=False)
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            raise IndexBusyError(
                f"another process is writing the index at {self.root}; wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    def _generations(self) -> list[tuple[int, Path]]:
        found = []
        for entry in self.root.iterdir():
            match = GENERATION.match(entry.name)
            if match and entry.is_dir():
                found.append((int(match.group(1)), entry))
        return sorted(found)

    def write(self, writer: Callable[[Path], None]) -> Path:
        """Call `writer(folder)` on a fresh folder and make it the live generation atomically."""
        with self.lock():
            generations = self._generations()
            number = generations[-1][0] + 1 if generations else 1
            name = f"gen-{number:06d}"
            tmp = self.root / f"{name}.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            try:
                writer(tmp)
                for path in tmp.rglob("*"):
                    if path.is_file():
                        _fsync(path)
                _fsync(tmp)
                final = self.root / name
                os.rename(tmp, final)
                pointer = self.root / f"{CURRENT}.tmp-{os.getpid()}"
                pointer.write_text(name + "\n", encoding="utf-8")
                _fsync(pointer)
                os.replace(pointer, self.root / CURRENT)
                _fsync(self.root)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self._collect(keep=final)
            return final

    def _collect(self, keep: Path) -> None:
        """Delete old generations and leftovers of interrupted writes."""
        for entry in self.root.iterdir():
            stale = GENERATION.match(entry.name) or ".tmp-" in entry.name
            if stale and entry != keep:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
