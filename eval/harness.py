"""Run the evaluation: every configuration on the same questions and corpus, in one run.

Configurations: a naive baseline (fixed 800-character windows of the raw files, dense search), BM25
only, dense only, hybrid, hybrid with its passages reordered by their best sentence (the default
search, `SENTENCES`), and the answer composer on top of each retrieval mode. Retrieval is judged
by whether a retrieved passage contains the evidence quote; answers by the metrics in `rag.metrics`.
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag import Assistant, Chunk, Config, RagError, Retriever
from rag.answer.citations import grounded
from rag.config import MODES as CONFIG_MODES
from rag.index.embedders import Embedder
from rag.index.faiss_index import FaissIndex
from rag.metrics import (
    abstention_scores,
    answer_contains,
    citation_precision,
    contains,
    exact_match,
    first_hit,
    interval,
    mrr,
    ndcg_at,
    overlaps,
    recall_at,
    spread,
    squad_f1,
    token_f1,
)

from .splits import group_of, split_of

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.jsonl"
MORE_QUESTIONS = HERE / "questions_more.jsonl"  # written later, in the manner of outsiders
CORPUS = HERE.parent / "seeds"
MODES = CONFIG_MODES[::-1]  # hybrid last, below the single modes it fuses
# The default search, printed last: the hybrid passages reordered by the sentence model, each by its
# best sentence (`Assistant.search`, `Evidence.passages`): what `rag search` prints, and the order
# of an answer's related passages.
SENTENCES = "hybrid + sentences"
SIDES = ("train", "test")
NAIVE_WINDOW = 800
DEPTH = 10
REQUIRED = ("id", "question", "answers", "evidence")


def load_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    """The questions of a JSONL file, checked: a clear RagError names the first bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RagError(f"cannot read questions from {path}: {exc.strerror}") from None
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise RagError(f"{path}, line {number}: not JSON ({exc})") from None
        missing = [f for f in REQUIRED if f not in row]
        if missing:
            raise RagError(f"{path}, line {number}: missing {', '.join(missing)}; each line needs {REQUIRED}")
        questions.append(normalise_question(row))
    if not questions:
        raise RagError(f"{path} holds no questions")
    return questions


def normalise_question(row: dict[str, Any]) -> dict[str, Any]:
    """One question in the project's shape. The SQuAD-derived set names the evidence's file `doc`
    and marks `answerable` instead of giving a `type`; both shapes are accepted.

    >>> normalise_question({"id": "s1", "question": "Q?", "answers": [], "evidence": [], "answerable": False})["type"]
    'unanswerable'
    """
    row = dict(row)
    row["evidence"] = [{**ev, "doc_id": ev.get("doc_id", ev.get("doc"))} for ev in row["evidence"]]
    if "type" not in row:
        row["type"] = "factoid" if row.get("answerable", bool(row["evidence"])) else "unanswerable"
    return row


# Characters a question writer's copy may render differently from the article: any run of
# whitespace, straight or curly quotes, hyphens and dashes.
_LOOSE = {"'": "['’‘]", "’": "['’‘]", "‘": "['’‘]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}
_LOOSE.update(dict.fromkeys("-‐‑–—", "[-‐‑–—]"))


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text`: exactly, else with whitespace, quotes and dashes loosened
    (a quote copied from a web page or typed by hand); None when it does not occur.

    >>> find_quote("He said:  “No deal” — not yet.", 'said: "No deal" - not')
    (3, 25)
    """
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join("".join(_LOOSE.get(c, re.escape(c)) for c in word) for word in words)
    match = re.search(pattern, text)
    return match.span() if match else None


def resolve_doc(name: str, documents: dict) -> str | None:
    """The indexed document an evidence's file name means: the same id, else the only one with the
    same file name or the same name without its extension (a question file written elsewhere may
    name "cnn/abc.story" or "abc" for "abc.story")."""
    if name in documents:
        return name
    for key in (lambda d: Path(d).name, lambda d: Path(d).stem):
        matches = [d for d in documents if key(d) == key(name)]
        if len(matches) == 1:
            return matches[0]
    return None


def align_evidence(questions: list[dict], documents: dict) -> tuple[list[dict], int]:
    """The questions with each evidence's `doc_id` resolved to an indexed document, and how many
    evidence quotes were found in no document (their questions can only count as misses)."""
    aligned, lost = [], 0
    for q in questions:
        evidence = []
        for ev in q["evidence"]:
            doc_id = resolve_doc(str(ev.get("doc_id")), documents)
            ev = {**ev, "doc_id": doc_id or ev.get("doc_id")}
            lost += doc_id is None or find_quote(documents[doc_id].text, ev["quote"]) is None
            evidence.append(ev)
        doc = resolve_doc(q["doc"], documents) if isinstance(q.get("doc"), str) else None
        aligned.append({**q, "evidence": evidence, **({"doc": doc} if doc else {})})
    return aligned, lost


def evidence_spans(question: dict, documents: dict) -> list[tuple[str, tuple[int, int]]]:
    """(doc_id, span) of each evidence quote in the indexed text; unknown quotes are skipped."""
    spans = []
    for ev in question["evidence"]:
        doc = documents.get(ev["doc_id"])
        span = find_quote(doc.text, ev["quote"]) if doc else None
        if span:
            spans.append((ev["doc_id"], span))
    return spans


def judge(passages: Sequence[tuple[str, int, int]], spans: Sequence[tuple[str, tuple[int, int]]]) -> list[bool]:
    """One boolean per retrieved passage (doc_id, start, end): does it contain an evidence span?"""
    return [any(d == doc and contains((s, e), span) for d, span in spans) for doc, s, e in passages]


@dataclass
class Run:
    """One configuration's results over the questions."""

    name: str
    judged: list[list[bool]] = field(default_factory=list)  # retrieval, per answerable question
    sides: list[str] = field(default_factory=list)  # "train" or "test", per judged question
    groups: list[str] = field(default_factory=list)  # `group_of`, per judged question
    ids: list[str] = field(default_factory=list)  # the judged questions' ids
    misses: list[str] = field(default_factory=list)  # ids with no evidence in the top 5
    answers: list[dict[str, Any]] = field(default_factory=list)  # per question, for composer runs
    latencies_ms: list[float] = field(default_factory=list)

    def retrieval(self, side: str = "all") -> dict[str, float]:
        judged = [j for j, s in zip(self.judged, self.sides, strict=True) if side in ("all", s)]
        return {
            **{f"recall@{k}": recall_at(judged, k) for k in (1, 3, 5, 10)},
            "mrr": mrr(judged),
            "ndcg@10": ndcg_at(judged, 10),
            "n": len(judged),
        }


def answerable(questions: list[dict]) -> list[dict]:
    """Questions with evidence that stand alone (follow-ups need their conversation)."""
    return [q for q in questions if q["evidence"] and q["type"] != "follow-up"]


def retrieval_run(
    name: str,
    search: Callable[[str], list[tuple[str, int, int]]],
    questions: list[dict],
    documents: dict,
    clear: Callable[[], None],
) -> Run:
    run = Run(name)
    for q in answerable(questions):
        clear()
        started = time.perf_counter()
        passages = search(q["question"])
        run.latencies_ms.append((time.perf_counter() - started) * 1000)
        judged = judge(passages, evidence_spans(q, documents))
        run.judged.append(judged)
        run.sides.append(split_of(q))
        run.groups.append(group_of(q))
        run.ids.append(q["id"])
        if not any(judged[:5]):
            run.misses.append(q["id"])
    return run


def naive_index(retriever: Retriever, embedder: Embedder) -> tuple[FaissIndex, dict[str, Chunk]]:
    """The baseline: the raw files (no cleaning) cut into fixed 800-character windows."""
    index = FaissIndex()
    windows = []
    for doc in retriever.documents.values():
        for n, start in enumerate(range(0, len(doc.text), NAIVE_WINDOW)):
            end = min(len(doc.text), start + NAIVE_WINDOW)
            windows.append(Chunk(f"{doc.doc_id}@{n}", doc.doc_id, start, end, doc.text[start:end], ()))
    index.add([w.chunk_id for w in windows], [w.doc_id for w in windows], embedder.embed([w.text for w in windows]))
    return index, {w.chunk_id: w for w in windows}


def history_for(question: dict) -> list[dict]:
    """The user turns before a follow-up (the assistant resolves follow-ups from those alone)."""
    return [{"role": "user", "content": turn["content"]} for turn in question.get("history", [])]


def right_articles(question: dict, documents: dict) -> list[str] | None:
    """The articles a question was written about: its evidence's, else its own `doc` (SQuAD's
    unanswerable questions name theirs); None when it names none."""
    docs = [ev["doc_id"] for ev in question["evidence"]] + ([question["doc"]] if question.get("doc") else [])
    known = [d for d in dict.fromkeys(docs) if d in documents]
    return known or None


def answer_run(name: str, assistant: Assistant, questions: list[dict], *, restrict: bool = False) -> Run:
    """Ask every question (with its conversation); `restrict` searches only the right articles."""
    run = Run(name)
    documents = assistant.retriever.documents
    for q in questions:
        history = history_for(q)
        assistant.retriever.clear_query_cache()
        doc_ids = right_articles(q, documents) if restrict else None
        answer = assistant.ask(q["question"], history, doc_ids=doc_ids)
        run.latencies_ms.append(answer.seconds * 1000)
        spans = evidence_spans(q, documents)
        cited = [
            any(d == c.doc_id and overlaps((c.start, c.end), s) for d, s in spans)
            or answer_contains(c.quote, q["answers"])
            for c in answer.citations
        ]
        covered = [any(d == c.doc_id and overlaps((c.start, c.end), s) for c in answer.citations) for d, s in spans]
        short = answer.short.text if answer.short else ""
        run.answers.append(
            {
                "id": q["id"],
                "split": split_of(q),
                "group": group_of(q),
                "type": q["type"],
                "question": q["question"],
                "text": answer.text,
                "abstained": answer.abstained,
                "reason": answer.reason,
                "confidence": answer.confidence,
                "unanswerable": not q["evidence"],
                "correct": bool(q["evidence"]) and not answer.abstained and answer_contains(answer.text, q["answers"]),
                "f1": token_f1(" ".join(text for text, _ in answer.parts), q["answers"])
                if q["answers"] and not answer.abstained
                else 0.0,
                "short": short,
                "short_em": exact_match(short, q["answers"]) if q["answers"] else 0.0,
                "short_f1": squad_f1(short, q["answers"]) if q["answers"] else 0.0,
                "cited": cited,
                "covered": covered,
                "grounded": grounded(answer, assistant.retriever.corpus.source_text),
            }
        )
    return run


def answer_metrics(rows: list[dict], side: str = "all") -> dict[str, float]:
    rows = [r for r in rows if side in ("all", r["split"])]
    answerable_rows = [r for r in rows if not r["unanswerable"] and r["type"] != "follow-up"]
    follow_ups = [r for r in rows if r["type"] == "follow-up" and not r["unanswerable"]]
    answered = [r for r in rows if not r["abstained"] and not r["unanswerable"]]
    good = [r for r in rows if not r["unanswerable"]]
    bad = [r for r in rows if r["unanswerable"]]
    precision, recall = abstention_scores([r["abstained"] for r in rows], [r["unanswerable"] for r in rows])
    return {
        "n": len(rows),
        "accuracy": sum(r["correct"] for r in answerable_rows) / max(1, len(answerable_rows)),
        "short_em": statistics.fmean(r["short_em"] for r in answerable_rows) if answerable_rows else 0.0,
        "short_f1": statistics.fmean(r["short_f1"] for r in answerable_rows) if answerable_rows else 0.0,
        "answerable_abstained": sum(r["abstained"] for r in good) / max(1, len(good)),
        "unanswerable_abstained": sum(r["abstained"] for r in bad) / max(1, len(bad)),
        "token_f1": statistics.fmean(r["f1"] for r in answerable_rows) if answerable_rows else 0.0,
        "citation_precision": citation_precision([c for r in answered for c in r["cited"]]),
        "citation_recall": citation_precision([c for r in answered for c in r["covered"]]),
        "grounded": sum(r["grounded"] for r in rows) / max(1, len(rows)),
        "abstention_precision": precision,
        "abstention_recall": recall,
        "follow_up_accuracy": sum(r["correct"] for r in follow_ups) / max(1, len(follow_ups)),
    }


def held_out_intervals(retrieval: Sequence[Run], answers: Sequence[Run]) -> dict[str, dict[str, float]]:
    """95% bootstrap intervals (`metrics.interval`) of the main held-out figures: the default
    search's R@1 and MRR (`SENTENCES`, else hybrid), their differences from each other mode, question
    by question, and the hybrid answers' accuracy
    and abstentions. A figure whose interval is wide is a handful of questions: a change inside it is
    not yet shown to be one. The questions are drawn from the held-out articles only, so the
    intervals say how much those figures rest on which of their questions were asked, not how the
    figures would vary over other articles."""
    out: dict[str, dict[str, float]] = {}

    def add(name: str, values: list[float], groups: list[str]) -> None:
        if values:
            low, high = interval(values, groups)
            out[name] = {"value": statistics.fmean(values), "low": low, "high": high, "n": len(values)}
            out[name]["groups"] = len(set(groups))

    def per_question(run: Run) -> tuple[list[str], list[float], list[float], list[str]]:
        held = [(i, j, g) for i, j, g, s in zip(run.ids, run.judged, run.groups, run.sides, strict=True) if s == "test"]
        first = [first_hit(j) for _, j, _ in held]
        ids, groups = [i for i, _, _ in held], [g for _, _, g in held]
        return ids, [float(r == 1) for r in first], [1.0 / r if r else 0.0 for r in first], groups

    modes = {run.name: per_question(run) for run in retrieval if run.name in (*MODES, SENTENCES)}
    head = SENTENCES if SENTENCES in modes else "hybrid"
    if head in modes:
        ids, at_1, reciprocal, groups = modes[head]
        add(f"{head} R@1", at_1, groups)
        add(f"{head} MRR", reciprocal, groups)
        for mode, (other_ids, other_1, other_rr, _) in modes.items():
            if mode == head:
                continue
            if other_ids != ids:
                raise RagError(f"the {mode} run judged other questions than the {head} run: cannot compare them")
            add(f"{head} - {mode}, R@1", [a - b for a, b in zip(at_1, other_1, strict=True)], groups)
            add(f"{head} - {mode}, MRR", [a - b for a, b in zip(reciprocal, other_rr, strict=True)], groups)
    for run in answers:
        if not run.name.startswith("hybrid"):
            continue
        rows = [r for r in run.answers if r["split"] == "test"]
        alone = [r for r in rows if not r["unanswerable"] and r["type"] != "follow-up"]
        add(f"{run.name}: accuracy", [float(r["correct"]) for r in alone], [r["group"] for r in alone])
        if run.name != "hybrid + composer":
            continue
        for kind, unanswerable in (("answerable", False), ("unanswerable", True)):
            these = [r for r in rows if r["unanswerable"] == unanswerable]
            abstained = [float(r["abstained"]) for r in these]
            add(f"{run.name}: {kind} abstained", abstained, [r["group"] for r in these])
    return out


THRESHOLDS = [x / 40 for x in range(1, 41)]


def threshold_sweep(rows: list[dict], side: str = "all") -> list[dict[str, float]]:
    """Abstention trade-off from one never-abstaining run: each row's P(unanswerable) (1 - its
    confidence) against each threshold; answerable questions wrongly abstained against
    unanswerable ones answered, and accuracy.

    >>> rows = [{"split": "test", "unanswerable": False, "confidence": 0.9, "correct": True, "type": "factoid"},
    ...         {"split": "test", "unanswerable": True, "confidence": 0.3, "correct": False, "type": "unanswerable"}]
    >>> sweep = {r["threshold"]: (r["answerable_abstained"], r["unanswerable_answered"]) for r in threshold_sweep(rows)}
    >>> sweep[0.05], sweep[0.5], sweep[0.75]
    ((1.0, 0.0), (0.0, 0.0), (0.0, 1.0))
    """
    rows = [r for r in rows if side in ("all", r["split"])]
    good = [r for r in rows if not r["unanswerable"]]
    bad = [r for r in rows if r["unanswerable"]]
    sweep = []
    for threshold in THRESHOLDS:
        abstains = [1 - r["confidence"] >= threshold for r in good]
        sweep.append(
            {
                "threshold": threshold,
                "answerable_abstained": sum(abstains) / max(1, len(good)),
                "unanswerable_answered": sum(1 - r["confidence"] < threshold for r in bad) / max(1, len(bad)),
                "accuracy": sum(r["correct"] and not a for r, a in zip(good, abstains, strict=True))
                / max(1, len(good)),
            }
        )
    return sweep


def evaluate(questions: list[dict], corpus: Path, embedder: Embedder, *, sweep: bool = True) -> dict[str, Any]:
    """Every configuration on `questions` over a fresh index of `corpus`; plain data for the report."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        embedder.embed(["warm up"])
        model_seconds = time.perf_counter() - started
        started = time.perf_counter()
        retriever = Retriever.build(corpus, tmp, config=Config(model=embedder.name), embedder=embedder)
        build_seconds = time.perf_counter() - started
        index_bytes = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    docs = retriever.documents
    questions, lost = align_evidence(questions, docs)
    if lost:
        print(
            f"warning: {lost} evidence quote(s) occur in no document of {corpus}; their questions count as misses",
            file=sys.stderr,
        )
    clear = retriever.clear_query_cache
    naive, windows = naive_index(retriever, embedder)

    def naive_search(q: str) -> list[tuple[str, int, int]]:
        return [
            (windows[s.chunk_id].doc_id, windows[s.chunk_id].start, windows[s.chunk_id].end)
            for s in naive.search(embedder.embed([q])[0], DEPTH)
        ]

    runs = [retrieval_run("naive 800-char windows, dense", naive_search, questions, docs, lambda: None)]
    for mode in MODES:

        def search(q: str, mode: str = mode) -> list[tuple[str, int, int]]:
            return [(h.doc_id, h.start, h.end) for h in retriever.search(q, k=DEPTH, mode=mode)]

        runs.append(retrieval_run(mode, search, questions, docs, clear))
    searcher = Assistant(retriever)

    def by_sentences(q: str) -> list[tuple[str, int, int]]:
        return [(h.doc_id, h.start, h.end) for h in searcher.search(q, k=DEPTH)]

    runs.append(retrieval_run(SENTENCES, by_sentences, questions, docs, clear))
    composers = [answer_run(f"{mode} + composer", Assistant(retriever, mode=mode), questions) for mode in MODES]
    composers.append(answer_run("hybrid + composer, right article", Assistant(retriever), questions, restrict=True))
    # One more hybrid run whose threshold never abstains (the rules still do: `Evidence.abstains`):
    # its confidences give the abstention model's whole trade-off.
    sweep_rows = answer_run("sweep", Assistant(retriever, threshold=2.0), questions).answers if sweep else []
    encode = []
    for q in answerable(questions):
        started = time.perf_counter()
        embedder.embed([q["question"]])
        encode.append((time.perf_counter() - started) * 1000)
    return {
        "questions": len(questions),
        "answerable": len(answerable(questions)),
        "corpus": {"documents": len(docs), "chunks": len(retriever.chunks), "path": str(corpus)},
        "retrieval": {
            r.name: {**r.retrieval(), "splits": {s: r.retrieval(s) for s in SIDES}, "misses": r.misses} for r in runs
        },
        "answers": {
            r.name: {
                **answer_metrics(r.answers),
                "splits": {s: answer_metrics(r.answers, s) for s in SIDES},
                "rows": r.answers,
            }
            for r in composers
        },
        "latency_ms": {
            "encode query": spread(encode),
            **{f"search {r.name}": spread(r.latencies_ms) for r in runs[1:]},
            **{f"ask ({r.name})": spread(r.latencies_ms) for r in composers},
        },
        "latency_samples_ms": {
            "search hybrid": next(r for r in runs if r.name == "hybrid").latencies_ms,
            "ask (hybrid + composer)": composers[2].latencies_ms,
        },
        "cost": {
            "model_load_s": model_seconds,
            "index_build_s": build_seconds,
            "index_bytes": index_bytes,
            "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        },
        "recall_curves": {r.name: [recall_at(r.judged, k) for k in range(1, DEPTH + 1)] for r in runs},
        "threshold_sweep": {s: threshold_sweep(sweep_rows, s) for s in SIDES} if sweep_rows else {},
        "threshold": Assistant(retriever).threshold,
        "intervals": held_out_intervals(runs, composers),
    }
