"""Test doubles and fixture data, importable from any test module."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Each of `articles` (file name -> text) written as a UTF-8 file in `folder`, made if missing."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class FakeEmbedder:
    """Bag of hashed lower-case words, L2-normalised: deterministic, instant, and similar
    texts get similar vectors, which is all the index tests need. Counts what it embeds."""

    def __init__(self, name: str = "fake-embedder", dim: int = 64) -> None:
        self.name = name
        self._dim = dim
        self.embedded = 0

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dim
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


ARTICLES = {
    "alpha.txt": (
        "Ceasefire talks stall in Geneva\n\n"
        "By Jane Q. Reporter\n\n"
        "Aug 27, 2025\n\n"
        "Negotiators in Geneva failed to agree on a ceasefire on Tuesday. Mr. Smith said the talks "
        "would resume next week. The U.S. delegation left early.\n\n"
        "Sign up to our newsletters.\n"
        "Get the best stories delivered to your inbox.\n"
        "By continuing you agree to our Terms.\n\n"
        "The mediator, Ms. Jones, called the outcome “disappointing but not final.” She said both "
        "sides wanted a deal on prisoner exchanges before winter.\n\n"
        "Comments\n"
    ),
    "beta.md": (
        "# Harvest festival draws record crowds\n\n"
        "Farmers brought pumpkins weighing more than 500 kilograms to the harvest festival. "
        "The mayor said attendance reached 40,000 visitors, a record for the town.\n\n"
        "Photograph: A. Lens/Agency\n\n"
        "Organisers plan to add a second weekend next year because of the crowds.\n"
    ),
    "gamma.txt": (
        "Central bank holds interest rates\n\n"
        "The central bank kept interest rates unchanged at 4.5 percent on Thursday, citing "
        "stubborn inflation. Economists had expected a cut.\n\n"
        "The governor said inflation must fall further before rates come down.\n\n"
        "© 2025, The Daily Ledger\n"
    ),
}


def deny_reading(monkeypatch, name: str) -> None:
    """Make reading any file called `name` fail with "Permission denied". Tests run as root in CI,
    where chmod 0 does not stop reading, so the read itself is made to fail."""
    from pathlib import Path

    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
