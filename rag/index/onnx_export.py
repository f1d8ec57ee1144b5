"""Exporting a sentence-transformers model folder to ONNX, once, cached on disk.

The export runs locally from the model's own files (no network) with `torch.onnx`, which needs
torch and transformers; it happens on first use and is cached under `$RAG_CACHE_DIR` (default
`~/.cache/rag`), so later runs import neither. The graph maps token ids, attention mask and token
types to the last hidden state; pooling and normalisation are done by the embedder in numpy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelError

log = logging.getLogger(__name__)

PRECISIONS = ("fp32", "int8")
# The cached file of each precision. fp32 is exported with eager attention, whose matrix products,
# mask and softmax onnxruntime fuses into one attention kernel (with the layer norms and GELU):
# 25-35% less CPU per text here than the `scaled_dot_product_attention` export, whose graph it
# cannot fuse, for the same vectors (cosine ≥ 0.9999998 between the two). int8 is still quantised
# from that first export (`model_fp32.onnx`), so its vectors are unchanged.
GRAPHS = {"fp32": "model_fp32_eager.onnx", "int8": "model_int8.onnx"}
INT8_SOURCE = "model_fp32.onnx"


@dataclass(frozen=True)
class ModelSettings:
    """What the embedder needs to know about a model folder besides its graph."""

    pooling: str  # "mean" or "cls"
    max_length: int  # tokens kept per text (sentence-transformers' max_seq_length)
    dim: int


def cache_dir() -> Path:
    """`$RAG_CACHE_DIR`, else `~/.cache/rag`."""
    return Path(os.environ.get("RAG_CACHE_DIR") or Path.home() / ".cache" / "rag").expanduser()


def model_digest(source: Path) -> str:
    """A short key for the model files in `source`: names, sizes and the first megabyte of each.

    Cheap to compute on every start (the weights are not read whole) and different for any other
    model or version of it.
    """
    digest = hashlib.sha256()
    for name in [*sorted(p.name for p in source.glob("*.json")), "model.safetensors", "pytorch_model.bin"]:
        path = source / name
        if path.exists():
            digest.update(name.encode())
            digest.update(str(path.stat().st_size).encode())
            with path.open("rb") as f:
                digest.update(f.read(1_000_000))
    return digest.hexdigest()[:16]


def cached_path(source: Path, precision: str) -> Path:
    """Where the ONNX graph of `source` at `precision` is (or will be) cached."""
    if precision not in PRECISIONS:
        raise ModelError(f"unknown ONNX precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return cache_dir() / "onnx" / model_digest(source) / GRAPHS[precision]


def exported(source: Path, precision: str) -> Path:
    """The ONNX graph of the model folder `source` at `precision` ("fp32" or "int8"), exported on
    first use and written atomically (a temporary folder beside it, then `os.replace`), so two
    processes exporting at once, or a killed export, never leave a half-written file in place.

    Raises ModelError saying why when the export cannot be made (torch or onnx missing, an
    architecture `torch.onnx` cannot trace, a read-only cache folder).
    """
    target = cached_path(source, precision)
    if target.exists():
        return target
    fp32 = target if precision == "fp32" else target.with_name(INT8_SOURCE)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".export-"))
    except OSError as exc:
        raise ModelError(f"cannot write the ONNX cache at {target.parent} ({exc}): set RAG_CACHE_DIR") from None
    try:
        if not fp32.exists():
            log.info("exporting %s to ONNX (once; cached at %s)", source.name, fp32)
            _export_fp32(source, work / fp32.name, eager=precision == "fp32")
            _publish(work / fp32.name, fp32)
        if precision == "int8":
            _quantize(fp32, work / target.name)
            _publish(work / target.name, target)
    except ModelError:
        raise
    except Exception as exc:  # torch.onnx and onnxruntime raise many kinds; all mean "cannot export"
        message = " ".join(str(exc).split())[:300]
        raise ModelError(f"could not export {source} to ONNX ({type(exc).__name__}: {message})") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _publish(made: Path, target: Path) -> None:
    with made.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(made, target)


def _export_fp32(source: Path, out: Path, *, eager: bool = True) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar
    try:
        import onnx  # noqa: F401 (torch.onnx writes the graph with it)
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as exc:
        raise ModelError(
            f"exporting to ONNX needs torch, transformers and onnx ({exc}): run `pip install torch==2.13.0` "
            "and `pip install -e .`"
        ) from None
    attention = {"attn_implementation": "eager"} if eager else {}  # see GRAPHS
    model = AutoModel.from_pretrained(str(source), **attention).eval()
    tokens = AutoTokenizer.from_pretrained(str(source))(
        ["an example", "another, longer example"], padding=True, return_tensors="pt"
    )
    inputs = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokens]

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: Any) -> Any:
            return self.model(**dict(zip(inputs, args, strict=True))).last_hidden_state

    axes = {n: {0: "batch", 1: "tokens"} for n in [*inputs, "hidden"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's warnings concern graphs unlike this one
        torch.onnx.export(
            Encoder(),
            tuple(tokens[n] for n in inputs),
            str(out),
            input_names=inputs,
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _quantize(fp32: Path, out: Path) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelError(f"int8 quantisation needs onnx ({exc}): run `pip install -e .`") from None
    quiet = logging.getLogger()  # onnxruntime's quantiser warns on the root logger about pre-processing
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    finally:
        quiet.setLevel(level)


def model_settings(source: Path) -> ModelSettings:
    """Pooling, token limit and dimension from the sentence-transformers files of a model folder."""
    config = json.loads((source / "config.json").read_text())
    dim = int(config.get("hidden_size", 0))
    max_length = 256
    bert = source / "sentence_bert_config.json"
    if bert.exists():
        max_length = int(json.loads(bert.read_text()).get("max_seq_length", max_length))
    pooling = "mean"
    pool = source / "1_Pooling" / "config.json"
    if pool.exists():
        modes = json.loads(pool.read_text())
        if modes.get("pooling_mode_cls_token"):
            pooling = "cls"
        elif not modes.get("pooling_mode_mean_tokens", True):
            raise ModelError(f"the ONNX backend supports mean or CLS pooling; {source} uses another")
    return ModelSettings(pooling, max_length, dim)


@dataclass(frozen=True)
class Export:
    """What a backend running a model's export needs: the graph, the model's settings and its
    tokenizer (truncating to the model's length, no padding)."""

    graph: Path
    settings: ModelSettings
    tokenizer: Any


def open_export(base: str, precision: str, backend: str) -> Export:
    """The export of the model `base` (a name or local folder) at `precision`, made on first use,
    with its tokenizer; `backend` names the caller in errors ("ONNX", "OpenVINO")."""
    from .embedders import resolve_model

    source = Path(resolve_model(base))
    if not source.is_dir() or not (source / "tokenizer.json").exists():
        raise ModelError(f"the {backend} backend needs a local model folder with a tokenizer.json; {base!r} is not one")
    try:
        from tokenizers import Tokenizer  # the fast tokenizer alone: no transformers import per run
    except ImportError as exc:
        raise ModelError(f"the {backend} backend needs tokenizers ({exc}): run `pip install -e .`") from None
    settings = model_settings(source)
    graph = exported(source, precision)
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(settings.max_length)
    tokenizer.no_padding()
    return Export(graph, settings, tokenizer)
