"""Feedback on answers, appended to a JSONL file in the index folder (`feedback.jsonl`).

Each verdict is one line, written with a single `write` on a file opened with O_APPEND and then
fsynced: concurrent sessions never interleave, and a crash loses at most the line being written,
never an earlier one. `rag eval --feedback` (eval/feedback.py) turns the file into questions.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .turns import VERDICTS, Turn

FEEDBACK_FILE = "feedback.jsonl"
_lock = threading.Lock()  # one writer at a time within this process; O_APPEND covers the rest


def feedback_row(turn: Turn, before: Sequence[Turn], verdict: str, when: datetime | None = None) -> dict[str, Any]:
    """The JSON object saved for `verdict` on `turn`, with the conversation that led to it."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    answer = turn.answer
    conversation = []
    for t in before:
        conversation += [{"role": "user", "content": t.question}, {"role": "assistant", "content": t.answer.text}]
    short = answer.short
    return {
        "time": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "verdict": verdict,
        "answer_id": turn.id,
        "question": turn.question,
        "history": [{"role": "user", "content": q} for q in turn.earlier],  # what the assistant was given
        "conversation": conversation,
        "answer": answer.text,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "short": None if short is None else {"n": short.n, "start": short.start, "end": short.end, "text": short.text},
        "citations": [
            {"n": c.n, "doc_id": c.doc_id, "title": c.title, "start": c.start, "end": c.end, "quote": c.quote}
            for c in answer.citations
        ],
        "mode": turn.mode,
        "k": turn.k,
    }


def append_row(path: Path, row: dict[str, Any]) -> None:
    """Append `row` as one line of `path`, durably: one write call on an O_APPEND file, then fsync."""
    line = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)
            if written != len(line):  # a full disk; the reader skips the torn line
                raise OSError(f"only {written} of {len(line)} bytes of feedback were written to {path}")
            os.fsync(fd)
        finally:
            os.close(fd)
