"""Chunking many documents at once in worker processes.

Sentence splitting (pysbd, pure Python) costs about as much as embedding on a large corpus and
holds the GIL, so threads cannot share it out; worker processes can. Small batches stay in this
process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from ..types import Chunk, Document
from .chunking import chunk_document

PARALLEL_FROM_CHARS = 200_000  # about a second of sentence splitting on one core


def workers_for(total_chars: int, cpus: int | None = None) -> int:
    """How many worker processes to chunk `total_chars` of text with; 0 means in this process.

    >>> workers_for(50_000, cpus=2), workers_for(2_000_000, cpus=2), workers_for(2_000_000, cpus=1)
    (0, 2, 0)
    """
    cpus = cpus or os.cpu_count() or 1
    return cpus if cpus > 1 and total_chars >= PARALLEL_FROM_CHARS else 0


def chunk_documents(docs: Sequence[Document], max_tokens: int = 96, overlap: int = 1) -> list[Chunk]:
    """`chunk_document` over every document, in order, in worker processes when there is enough
    text to repay starting them. Same chunks either way."""
    work = partial(chunk_document, max_tokens=max_tokens, overlap=overlap)
    workers = min(workers_for(sum(len(d.text) for d in docs)), len(docs))
    if workers < 2:
        return [c for d in docs for c in work(d)]
    # fork: workers start at once and need no importable __main__ (spawn and forkserver re-run
    # the main script, which fails under `python -c` or stdin). The workers run only the pure-Python
    # splitter, never the model's threads, so forking a process that has them is safe here.
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, context, initializer=_exit_with, initargs=(os.getpid(),))
    with warnings.catch_warnings(), pool:  # the warning about forking a threaded process comes at submit
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        per_doc = pool.map(work, docs, chunksize=max(1, len(docs) // (4 * workers)))
        return [c for chunks in per_doc for c in chunks]


def _exit_with(parent: int) -> None:
    """In a worker: end when the parent does (a killed `rag index` must not leave workers behind,
    blocked forever on a queue whose other end is gone)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
