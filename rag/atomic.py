"""Write a file so that a reader sees the old one or the new one, never part of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8) to `path`: a temporary file beside it, flushed to disk, then
    renamed over it (`os.replace` is atomic). A crash or Ctrl-C leaves the old file whole and at
    most a hidden `.NAME.*` temporary file. The parent folder is made if missing; the file keeps
    the old one's permissions (a new one gets 0644).

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "model.json"
    >>> write_atomic(target, '{"a": 1}\\n').read_text(encoding="utf-8")
    '{"a": 1}\\n'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # mkstemp's own is 0600
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
