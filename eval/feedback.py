"""`rag eval --feedback [PATH] [--out FILE]`: the chat page's feedback file made into questions.

The page appends one JSON line per verdict to `INDEX_DIR/feedback.jsonl` (ui/feedback.py). Here:

- the latest verdict on each question (same question after the same earlier questions) counts;
- "right" on an answer gives a ready question in the `eval/questions.jsonl` format: its citations
  become the evidence, the short answer (or else the answer's own words) the gold answer, to be
  shortened by hand; "right" on an abstention gives an unanswerable question;
- "wrong" and "unsupported" give questions that need a gold answer from a person: they go to a
  second file, `OUT.todo.jsonl`, with empty `answers` and `evidence` and a note on what was said.

Question ids are a hash of the conversation, so running it again only adds what is new: lines
already in either file (by id) are kept exactly as they are, edits included.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from rag import RagError
from rag.atomic import write_atomic

FEEDBACK_FILE = "feedback.jsonl"  # the page's name for it, in the index folder
OUT_FILE = "feedback-questions.jsonl"


def read_feedback(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The feedback rows of `path` in the order written, and how many lines were unreadable (a line
    torn by a crash or a full disk is skipped, never fatal)."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise RagError(
            f"cannot read feedback from {path}: {exc.strerror}; give the page's index folder file, "
            "e.g. `rag eval --feedback INDEX_DIR/feedback.jsonl`"
        ) from None
    rows, bad = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(row, dict) and isinstance(row.get("question"), str) and row.get("verdict"):
            rows.append(row)
        else:
            bad += 1
    return rows, bad


def earlier_questions(row: dict[str, Any]) -> list[str]:
    return [m["content"] for m in row.get("history") or [] if isinstance(m, dict) and m.get("role") == "user"]


def question_id(row: dict[str, Any]) -> str:
    """A stable id for a question in its conversation.

    >>> question_id({"question": "Who is Tom Graham?", "history": []})
    'fb-50acc48b6a'
    """
    key = json.dumps([*earlier_questions(row), row["question"].strip()], ensure_ascii=False)
    return "fb-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def latest(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last verdict given on each question, by question id (in order of first appearance)."""
    last: dict[str, dict[str, Any]] = {}
    for row in rows:
        last[question_id(row)] = row
    return last


def _plain(answer_text: str) -> str:
    """An answer without its citation markers.

    >>> _plain("Tom Graham, a fellow. [1] He said so. [2]")
    'Tom Graham, a fellow. He said so.'
    """
    return " ".join(re.sub(r"\s*\[\d+\]", "", answer_text).split())


def to_question(qid: str, row: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The question for one verdict and whether it is ready to evaluate (else it needs a gold answer)."""
    history = [{"role": "user", "content": q} for q in earlier_questions(row)]
    verdict = row["verdict"]
    question: dict[str, Any] = {
        "id": qid,
        "type": "follow-up" if history else "factoid",
        "question": row["question"],
        "answers": [],
        "evidence": [],
    }
    if history:
        question["history"] = history
    question["feedback"] = {"verdict": verdict, "time": row.get("time"), "answer": row.get("answer", "")}
    if verdict == "right" and row.get("abstained"):
        question["type"] = "unanswerable"
        return question, True
    if verdict == "right":
        short = row.get("short") or {}
        question["answers"] = [short.get("text") or _plain(row.get("answer", ""))]
        question["evidence"] = [{"doc_id": c["doc_id"], "quote": c["quote"]} for c in row.get("citations", [])]
        if not short.get("text"):
            question["note"] = "the gold answer is the whole answer; cut it to the words that answer"
        return question, True
    said = "abstained" if row.get("abstained") else f"answered “{_plain(row.get('answer', ''))}”"
    why = "the quote does not support the answer" if verdict == "unsupported" else "the answer is wrong"
    question["note"] = (
        f"a reader said {why} (the assistant {said}): write the right answers and evidence quotes "
        "(or set type to unanswerable), then move this line into the questions file"
    )
    return question, False


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise RagError(f"{path}, line {number}: not JSON ({exc}); fix it before adding feedback") from None
    return rows


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def todo_path(out: Path) -> Path:
    return out.with_name(out.name.removesuffix(".jsonl") + ".todo.jsonl")


def feedback_to_questions(feedback: Path, out: Path) -> dict[str, Any]:
    """Add the feedback in `feedback` to the questions file `out` and its to-do file; returns counts."""
    rows, unreadable = read_feedback(feedback)
    ready_rows, todo_rows = _read_rows(out), _read_rows(todo_path(out))
    kept = {r.get("id") for r in ready_rows}
    todo_kept = {r.get("id") for r in todo_rows}
    added, needs_gold = 0, 0
    for qid, row in latest(rows).items():
        if qid in kept or qid in todo_kept:
            continue
        question, ready = to_question(qid, row)
        if ready:
            ready_rows.append(question)
            added += 1
        else:
            todo_rows.append(question)
            needs_gold += 1
    todo_rows = [r for r in todo_rows if r.get("id") not in kept]  # completed by hand and moved
    _write_rows(out, ready_rows)
    _write_rows(todo_path(out), todo_rows)
    return {
        "feedback_rows": len(rows),
        "unreadable_lines": unreadable,
        "questions": len(ready_rows),
        "added": added,
        "needs_gold": len(todo_rows),
        "needs_gold_added": needs_gold,
        "out": str(out),
        "todo": str(todo_path(out)),
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cmd_feedback(args: argparse.Namespace) -> int:
    """`rag eval --feedback`: print what was added and where."""
    feedback = Path(args.feedback) if args.feedback else Path(args.index_dir) / FEEDBACK_FILE
    out = Path(args.out) if args.out else feedback.with_name(OUT_FILE)
    summary = feedback_to_questions(feedback, out)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{summary['feedback_rows']} verdicts read from {feedback}"
        + (f" ({summary['unreadable_lines']} unreadable lines skipped)" if summary["unreadable_lines"] else "")
    )
    print(f"{_count(summary['added'], 'question')} added; {summary['questions']} ready in {out}")
    print(f"{summary['needs_gold']} need a gold answer in {summary['todo']} (edit, then move them into {out.name})")
    print(f"Evaluate with: rag eval --questions {out}")
    return 0
