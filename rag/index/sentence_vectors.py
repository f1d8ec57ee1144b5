"""Sentence vectors, computed once at index time so answering a question embeds only the question.

Keyed by `(doc_id, start, end)`; overlapping chunks share their sentences, stored once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import IndexCorruptError

Key = tuple[str, int, int]
VECTORS_FILE = "sentences.npy"
KEYS_FILE = "sentences.jsonl"


class SentenceVectors:
    """A matrix of unit sentence vectors with a key per row."""

    def __init__(self) -> None:
        self._keys: list[Key] = []
        self._row: dict[Key, int] = {}
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._row

    def add(self, keys: Sequence[Key], vectors: np.ndarray) -> None:
        fresh = [i for i, key in enumerate(keys) if key not in self._row]
        if not fresh:
            return
        block = np.asarray(vectors, dtype=np.float32)[fresh]
        self._matrix = block if not self._keys else np.vstack([self._matrix, block])
        for i in fresh:
            self._row[keys[i]] = len(self._keys)
            self._keys.append(keys[i])

    def remove(self, doc_ids: Sequence[str]) -> None:
        drop = set(doc_ids)
        keep = [i for i, key in enumerate(self._keys) if key[0] not in drop]
        if len(keep) == len(self._keys):
            return
        self._keys = [self._keys[i] for i in keep]
        self._matrix = self._matrix[keep]
        self._row = {key: i for i, key in enumerate(self._keys)}

    def get(self, keys: Sequence[Key]) -> np.ndarray:
        """Vectors of `keys`, one row each, in order (KeyError for an unknown sentence)."""
        return self._matrix[[self._row[key] for key in keys]]

    def save(self, directory: Path) -> None:
        np.save(directory / VECTORS_FILE, self._matrix, allow_pickle=False)
        with open(directory / KEYS_FILE, "w", encoding="utf-8") as out:
            for key in self._keys:
                out.write(json.dumps(key, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, directory: Path) -> SentenceVectors:
        store = cls()
        try:
            store._matrix = np.load(directory / VECTORS_FILE, allow_pickle=False)
            with open(directory / KEYS_FILE, encoding="utf-8") as rows:
                store._keys = [(doc, int(start), int(end)) for doc, start, end in map(json.loads, rows)]
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(
                f"the sentence vectors in {directory} cannot be read ({exc}); rebuild with `rag index --rebuild`"
            ) from exc
        if len(store._keys) != len(store._matrix):
            raise IndexCorruptError(
                f"the sentence vectors in {directory} do not match their keys; rebuild with `rag index --rebuild`"
            )
        store._row = {key: i for i, key in enumerate(store._keys)}
        return store
