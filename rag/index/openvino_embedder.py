"""The OpenVINO bf16 backend: the default model's ONNX export run by OpenVINO in bfloat16, for
building large indexes faster on processors with bfloat16 instructions (AVX512-BF16, AMX).

Chosen with a model name ending in `+openvino-bf16` (`rag index --model
all-MiniLM-L6-v2+openvino-bf16`), recorded in the index under that name, so its questions are
embedded the same way. It needs the optional `openvino` package (`pip install -e ".[openvino]"`).

Its vectors are the fp32 model's to a cosine of at least 0.9999 (0.99994 at worst over the chunks
and sentences of `seeds/` x 10; a test checks 0.9999 on the seeds). In bfloat16 a padded batch would
change a text's vector with its neighbours, so texts are embedded in batches of exactly one length:
no padding, and a text's vector is the same alone or in its batch (tested). OpenVINO decides the
precision by the processor: bfloat16 in hardware with AVX512-BF16 or AMX, emulated (slower, and not
measured here) on other AVX-512 processors, fp32 below that; the precision it chose is logged.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ModelError
from ..lazy import Lazy
from .onnx_embedder import BATCH_TOKENS, FEED, padded, pool
from .onnx_export import ModelSettings, open_export

SUFFIX = "+openvino-bf16"

log = logging.getLogger(__name__)


class OpenVinoEmbedder:
    """Unit vectors from the model's fp32 ONNX export compiled by OpenVINO for bfloat16; loaded on
    the first `embed` (thread-safe: each call makes its own inference request)."""

    def __init__(self, name: str, *, batch_size: int = 32) -> None:
        if not name.endswith(SUFFIX):
            raise ModelError(f"{name!r} is not an OpenVINO model name: add {SUFFIX!r} to a model name")
        self.name = name
        self.base = name[: -len(SUFFIX)]
        self.batch_size = batch_size
        self._state: Lazy[tuple[Any, Any, ModelSettings]] = Lazy(self._load)

    def load(self) -> None:
        """Export (first time only) and compile the model now; raises ModelError saying why it cannot."""
        self._state.get()

    def _load(self) -> tuple[Any, Any, ModelSettings]:
        try:
            import openvino
        except ImportError as exc:
            raise ModelError(
                f'the OpenVINO backend needs the openvino package ({exc}): run `pip install -e ".[openvino]"`'
            ) from None
        export = open_export(self.base, "fp32", "OpenVINO")
        config = {
            "INFERENCE_PRECISION_HINT": "bf16",
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_NUM_THREADS": str(min(2, os.cpu_count() or 1)),
        }
        try:
            compiled = openvino.Core().compile_model(str(export.graph), "CPU", config)
        except Exception as exc:  # OpenVINO raises its own kinds, over several lines
            raise ModelError(
                f"OpenVINO could not compile {export.graph} ({_one_line(exc)}): delete it to export again, "
                f"or drop {SUFFIX!r} from the model name to use the default backend"
            ) from exc
        missing = {port.get_any_name() for port in compiled.inputs} - set(FEED)
        if missing:
            raise ModelError(f"the OpenVINO backend cannot feed the model's inputs {', '.join(sorted(missing))}")
        log.info("OpenVINO runs %s in %s", self.base, compiled.get_property("INFERENCE_PRECISION_HINT"))
        return compiled, export.tokenizer, export.settings

    @property
    def dim(self) -> int:
        return self._state.get()[2].dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text, in order."""
        compiled, tokenizer, settings = self._state.get()
        out = np.zeros((len(texts), settings.dim), dtype=np.float32)
        if not texts:
            return out
        encoded = tokenizer.encode_batch(list(texts))
        request = compiled.create_infer_request()  # one per call: calls may come from several threads
        inputs = [port.get_any_name() for port in compiled.inputs]
        for rows in same_length_batches([len(e.ids) for e in encoded], self.batch_size, BATCH_TOKENS):
            feed = padded([encoded[i] for i in rows])  # one length: nothing padded
            try:
                hidden = request.infer({name: feed[name] for name in inputs})[compiled.outputs[0]]
            except Exception as exc:  # OpenVINO raises its own kinds
                raise ModelError(f"OpenVINO could not embed a batch ({_one_line(exc)})") from exc
            out[rows] = pool(np.asarray(hidden, dtype=np.float32), feed["attention_mask"], settings.pooling)
        return out


def _one_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def same_length_batches(lengths: Sequence[int], size: int, tokens: int) -> list[list[int]]:
    """The positions of texts with these `lengths` (in word pieces) in batches of one length each:
    at most `size` texts and `tokens` pieces a batch, though always at least one text; shortest first.

    >>> same_length_batches([3, 5, 3, 3, 5], size=2, tokens=1024)
    [[0, 2], [3], [1, 4]]
    >>> same_length_batches([300, 300, 300, 300], size=32, tokens=1024)
    [[0, 1, 2], [3]]
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, n in enumerate(lengths):
        by_length[n].append(i)
    out = []
    for n in sorted(by_length):
        rows, step = by_length[n], max(1, min(size, tokens // max(n, 1)))
        out += [rows[start : start + step] for start in range(0, len(rows), step)]
    return out
