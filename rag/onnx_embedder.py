"""A faster CPU backend: the sentence-transformers model exported to ONNX and quantised to int8.

Chosen with a model name ending in `+onnx-int8` (e.g. `--model all-MiniLM-L6-v2+onnx-int8`). The
export happens locally, once, from the same model files (no network), and is cached under
`$RAG_CACHE_DIR` (default `~/.cache/rag`). Needs the `onnx` extra: `pip install -e '.[onnx]'`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

SUFFIX = "+onnx-int8"


def cache_dir() -> Path:
    return Path(os.environ.get("RAG_CACHE_DIR") or Path.home() / ".cache" / "rag").expanduser()


class OnnxEmbedder:
    """Same vectors (to within int8 rounding) as the model it comes from, at a lower CPU cost."""

    def __init__(self, name: str) -> None:
        if not name.endswith(SUFFIX):
            raise ModelError(f"{name!r} is not an ONNX model name: add {SUFFIX!r} to a model name")
        self.name = name
        self.base = name[: -len(SUFFIX)]
        self._state: tuple[Any, Any, str, int] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> tuple[Any, Any, str, int]:
        with self._lock:
            if self._state is None:
                self._state = self._load()
        return self._state

    def _load(self) -> tuple[Any, Any, str, int]:
        from .embedding import resolve_model

        source = Path(resolve_model(self.base))
        if not source.is_dir():
            raise ModelError(f"the ONNX backend needs a local model folder; {self.base!r} is not one")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer  # the fast tokenizer alone: no transformers import per run
        except ImportError as exc:
            raise ModelError(f"the ONNX backend needs onnxruntime ({exc}): run `pip install -e '.[onnx]'`") from None
        pooling, max_length, dim = _settings(source)
        model = self._exported(source)
        # One thread: more would contend with FAISS's OpenMP pool and cost more than they save
        # on inputs of one sentence.
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        tokenizer.enable_truncation(max_length)
        tokenizer.no_padding()
        return session, tokenizer, pooling, dim

    def _exported(self, source: Path) -> Path:
        """The int8 model for `source`, exported and quantised on first use, written atomically."""
        digest = hashlib.sha256()
        for name in [*sorted(p.name for p in source.glob("*.json")), "model.safetensors", "pytorch_model.bin"]:
            path = source / name
            if path.exists():
                digest.update(name.encode())
                digest.update(str(path.stat().st_size).encode())
                digest.update(path.read_bytes()[:1_000_000])
        target = cache_dir() / "onnx" / digest.hexdigest()[:16] / "model_int8.onnx"
        if target.exists():
            return target
        try:
            import torch
            from onnxruntime.quantization import QuantType, quantize_dynamic
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:
            raise ModelError(
                f"exporting to ONNX needs torch and onnx ({exc}): run `pip install -e '.[onnx]'`"
            ) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent))
        try:
            model = AutoModel.from_pretrained(str(source)).eval()
            tokens = AutoTokenizer.from_pretrained(str(source))(
                ["an example", "another one"], padding=True, return_tensors="pt"
            )
            inputs = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tokens]

            class Encoder(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.model = model

                def forward(self, *args: Any) -> Any:
                    return self.model(**dict(zip(inputs, args, strict=True))).last_hidden_state

            axes = {n: {0: "batch", 1: "tokens"} for n in [*inputs, "hidden"]}
            torch.onnx.export(
                Encoder(),
                tuple(tokens[n] for n in inputs),
                str(work / "model.onnx"),
                input_names=inputs,
                output_names=["hidden"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
            quantize_dynamic(str(work / "model.onnx"), str(work / "model_int8.onnx"), weight_type=QuantType.QInt8)
            os.replace(work / "model_int8.onnx", target)
        except Exception as exc:  # torch.onnx raises many kinds; all mean "cannot export"
            raise ModelError(f"could not export {self.base} to ONNX ({type(exc).__name__}: {exc})") from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return target

    @property
    def dim(self) -> int:
        return self._ready()[3]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one text at a time: with dynamic int8 quantisation, padding a batch would
        change a text's vector with its neighbours, and unpadded single texts are fast anyway."""
        session, tokenizer, pooling, dim = self._ready()
        out = np.zeros((len(texts), dim), dtype=np.float32)
        wanted = {i.name for i in session.get_inputs()}
        for row, encoded in enumerate(tokenizer.encode_batch(list(texts))):
            feed = {
                "input_ids": np.array([encoded.ids], dtype=np.int64),
                "attention_mask": np.array([encoded.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoded.type_ids], dtype=np.int64),
            }
            hidden = session.run(None, {k: v for k, v in feed.items() if k in wanted})[0][0]
            vector = hidden[0] if pooling == "cls" else hidden.mean(axis=0)
            out[row] = vector / np.linalg.norm(vector)
        return out


def _settings(source: Path) -> tuple[str, int, int]:
    """(pooling, max tokens, dimension) from the sentence-transformers files of a model folder."""
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
    return pooling, max_length, dim
