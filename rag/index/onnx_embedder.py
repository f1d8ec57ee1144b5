"""The ONNX backend: a sentence-transformers model run with onnxruntime and `tokenizers` alone.

Two precisions from the same local export (see `onnx_export.py`; no network):

- fp32, the default backend for the default model: the same vectors as PyTorch (cosine ≥ 0.9999,
  tested on every chunk of the seeds), without importing torch or sentence-transformers at run
  time. Texts are embedded in padded batches of similar length; with an attention mask a text's
  vector does not depend on its neighbours (tested).
- int8, chosen with a model name ending in `+onnx-int8`: weights quantised, 3-4x cheaper per
  question, slightly different vectors. One text at a time: with dynamic quantisation a padded
  batch would change each text's vector with its neighbours.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ModelError
from ..lazy import Lazy
from .onnx_export import ModelSettings, open_export

SUFFIX = "+onnx-int8"
FEED = ("input_ids", "attention_mask", "token_type_ids")  # the model inputs `padded` makes
# Word pieces per fp32 batch, padding included: a batch of 32 full chunks (8,192 pieces) holds
# 100 MB of attention weights and ran 14% slower here than batches of 4 chunks or 32 sentences.
BATCH_TOKENS = 1024


class OnnxEmbedder:
    """Unit vectors from an ONNX export of a model folder; loaded on the first `embed` (thread-safe).

    `OnnxEmbedder("all-MiniLM-L6-v2+onnx-int8")` is the int8 backend; `OnnxEmbedder(name,
    precision="fp32")` the full-precision one, recorded in the index under the plain model name
    because its vectors are the model's own.
    """

    def __init__(self, name: str, *, precision: str | None = None, batch_size: int = 32) -> None:
        if precision is None:
            if not name.endswith(SUFFIX):
                raise ModelError(f"{name!r} is not an ONNX model name: add {SUFFIX!r} to a model name")
            precision = "int8"
        self.name = name
        self.base = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
        self.precision = precision
        self.batch_size = batch_size
        self._state: Lazy[tuple[Any, Any, ModelSettings]] = Lazy(self._load)

    def load(self) -> None:
        """Export (first time only) and open the model now rather than on the first `embed`;
        raises ModelError saying why it cannot."""
        self._ready()

    def _ready(self) -> tuple[Any, Any, ModelSettings]:
        return self._state.get()

    def _load(self) -> tuple[Any, Any, ModelSettings]:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ModelError(f"the ONNX backend needs onnxruntime ({exc}): run `pip install -e .`") from None
        export = open_export(self.base, self.precision, "ONNX")
        options = ort.SessionOptions()
        # One thread for int8 (one short text per call; more would contend with FAISS's OpenMP
        # pool). fp32 embeds batches at index time, where both cores pay off.
        options.intra_op_num_threads = 1 if self.precision == "int8" else min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-wait between calls
        try:
            session = ort.InferenceSession(str(export.graph), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cache file; onnxruntime raises its own kinds
            raise ModelError(
                f"could not open {export.graph} ({type(exc).__name__}); delete it to export again"
            ) from exc
        return session, export.tokenizer, export.settings

    @property
    def dim(self) -> int:
        return self._ready()[2].dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text, in order."""
        session, tokenizer, settings = self._ready()
        out = np.zeros((len(texts), settings.dim), dtype=np.float32)
        if not texts:
            return out
        encoded = tokenizer.encode_batch(list(texts))
        wanted = {i.name for i in session.get_inputs()}
        # Shortest first, so each padded batch holds texts of about the same length.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        lengths = [len(encoded[i].ids) for i in order]
        size = 1 if self.precision == "int8" else self.batch_size
        for start, end in batches(lengths, size, BATCH_TOKENS):
            rows = order[start:end]
            feed = padded([encoded[i] for i in rows])
            hidden = session.run(None, {k: v for k, v in feed.items() if k in wanted})[0]
            out[rows] = pool(hidden, feed["attention_mask"], settings.pooling)
        return out


def batches(lengths: Sequence[int], size: int, tokens: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive batches of texts with these `lengths` (in word pieces, sorted
    shortest first): at most `size` texts each, and no more than `tokens` pieces once padded to the
    batch's longest, though always at least one text.

    >>> batches([10, 10, 10, 300, 300], size=32, tokens=1024)
    [(0, 3), (3, 5)]
    >>> batches([5] * 5, size=2, tokens=1024)
    [(0, 2), (2, 4), (4, 5)]
    """
    out = []
    start = 0
    while start < len(lengths):
        end = start + 1
        while end < len(lengths) and end - start < size and (end - start + 1) * lengths[end] <= tokens:
            end += 1
        out.append((start, end))
        start = end
    return out


def padded(encodings: list[Any]) -> dict[str, np.ndarray]:
    """Token ids, attention mask and token types of `encodings` (the model inputs `FEED` names),
    right-padded with zeros; texts of one length are not padded at all."""
    width = max(len(e.ids) for e in encodings)
    feed = {n: np.zeros((len(encodings), width), dtype=np.int64) for n in FEED}
    for row, e in enumerate(encodings):
        n = len(e.ids)
        feed["input_ids"][row, :n] = e.ids
        feed["attention_mask"][row, :n] = e.attention_mask
        feed["token_type_ids"][row, :n] = e.type_ids
    return feed


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str = "mean") -> np.ndarray:
    """Unit vectors from token states `hidden` (batch, tokens, dim): the mean over the tokens the
    mask keeps (padding ignored), or the first token's state for "cls".

    >>> hidden = np.array([[[3.0, 0.0], [0.0, 4.0], [9.0, 9.0]]])
    >>> [round(float(v), 2) for v in pool(hidden, np.array([[1, 1, 0]]))[0]]  # mean of the first two, unit length
    [0.6, 0.8]
    """
    if pooling == "cls":
        vectors = hidden[:, 0, :]
    else:
        weights = mask[:, :, None].astype(hidden.dtype)
        vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return (vectors / norms).astype(np.float32)
