"""A value made on first use, once, whichever thread asks first: how every model is loaded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """`load()` run on the first `get()` and remembered; concurrent first calls wait for one load.
    A load that raises is not remembered: the next `get()` tries again.

    >>> calls = []
    >>> value = Lazy(lambda: calls.append(1) or "model")
    >>> value.get(), value.get(), len(calls)
    ('model', 'model', 1)
    """

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._load()
            return self._value
