"""Optional rerankers: a model that reads the question and each top passage together and rescores
them. Off by default (no cross-encoder ships with the project); turn one on by name with
`Config(reranker=NAME)` or `rag search/ask --reranker NAME`.

Names: "cross-encoder:MODEL" (or a bare MODEL) loads sentence-transformers' `CrossEncoder(MODEL)`,
e.g. "cross-encoder:cross-encoder/ms-marco-MiniLM-L-6-v2", on first use. Other kinds are added
in one place, `register("kind", factory)`; tests register a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..errors import ModelError

RERANK_DEPTH = 20  # how many of the fused passages the reranker reads


class Reranker(Protocol):
    """Anything with a `name` and `score(query, passages) -> one float per passage` (higher is better)."""

    name: str

    def score(self, query: str, passages: Sequence[str]) -> Sequence[float]: ...


class CrossEncoderReranker:
    """sentence-transformers' CrossEncoder, loaded on the first call to `score`."""

    def __init__(self, model: str) -> None:
        self.name = f"cross-encoder:{model}"
        self.model = model
        self._encoder: Any = None

    def score(self, query: str, passages: Sequence[str]) -> Sequence[float]:
        if self._encoder is None:
            try:
                from sentence_transformers import CrossEncoder
            except ImportError as exc:
                raise ModelError(f"the reranker {self.name} needs sentence-transformers: {exc}") from None
            try:
                self._encoder = CrossEncoder(self.model)
            except Exception as exc:
                raise ModelError(
                    f"cannot load the cross-encoder {self.model!r} ({exc}); give a local folder or a hub "
                    "name you can download, or leave --reranker out"
                ) from None
        return [float(s) for s in self._encoder.predict([(query, p) for p in passages])]


_FACTORIES: dict[str, Callable[[str], Reranker]] = {"cross-encoder": CrossEncoderReranker}


def register(kind: str, factory: Callable[[str], Reranker]) -> None:
    """Make "kind:ARG" names build `factory(ARG)`."""
    _FACTORIES[kind] = factory


def make_reranker(name: str) -> Reranker:
    """The reranker called `name` ("kind:ARG"; a name without a known kind is a cross-encoder model).

    >>> make_reranker("cross-encoder:my/model").name
    'cross-encoder:my/model'
    >>> make_reranker("my/model").model
    'my/model'
    """
    kind, _, arg = name.partition(":")
    if kind in _FACTORIES and arg:
        return _FACTORIES[kind](arg)
    if not name.strip():
        raise ModelError("the reranker name is empty: give a cross-encoder model, e.g. cross-encoder:MODEL")
    return CrossEncoderReranker(name)


Ranked = list[tuple[str, float]]


def rerank(reranker: Reranker, query: str, ranked: Ranked, texts: dict[str, str]) -> Ranked:
    """The first `RERANK_DEPTH` of `ranked` reordered by the reranker's scores; the rest follow.

    >>> class Longest:
    ...     name = "longest"
    ...     def score(self, query, passages):
    ...         return [len(p) for p in passages]
    >>> rerank(Longest(), "q", [("a", 0.9), ("b", 0.5)], {"a": "x", "b": "xyz"})
    [('b', 3.0), ('a', 1.0)]
    """
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    if not head:
        return ranked
    scores = [float(s) for s in reranker.score(query, [texts[cid] for cid, _ in head])]
    if len(scores) != len(head):
        raise ModelError(f"the reranker {reranker.name} gave {len(scores)} scores for {len(head)} passages")
    order = sorted(range(len(head)), key=lambda i: (-scores[i], i))
    floor = min(scores)
    return [(head[i][0], scores[i]) for i in order] + [(cid, floor - 1.0 - n) for n, (cid, _) in enumerate(tail)]
