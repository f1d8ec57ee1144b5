"""`rag eval`: registered with the `rag` command through the "rag.commands" entry point."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.config import DEFAULT_MODEL
from rag.index.embedders import make_embedder

from .devsets import long_variant
from .harness import CORPUS, HERE, MORE_QUESTIONS, QUESTIONS, evaluate, load_questions
from .report import table, write
from .splits import squad_dir


def cmd_eval(args: argparse.Namespace) -> int:
    if args.feedback is not None:
        from .feedback import cmd_feedback

        return cmd_feedback(args)
    if args.squad or args.squad_long:
        folder = squad_dir()
        args.questions, args.corpus = [folder / "questions.jsonl"], folder / "corpus"
    paths = args.questions or [QUESTIONS, *([MORE_QUESTIONS] if MORE_QUESTIONS.exists() else [])]
    questions = [q for path in paths for q in load_questions(path)]
    if args.squad_long:
        questions, args.corpus = long_variant(questions, args.corpus)
    if not args.json:
        print(f"Evaluating {len(questions)} questions on {args.corpus} ...", file=sys.stderr)
    results = evaluate(questions, args.corpus, make_embedder(args.model or DEFAULT_MODEL), sweep=not args.no_sweep)
    report = write(results, args.report)
    if args.json:
        print(json.dumps({k: v for k, v in results.items() if k != "latency_samples_ms"}, indent=2, ensure_ascii=False))
    else:
        print(table(results))
        print(f"\nReport: {report}")
    return 0


def register(sub: argparse._SubParsersAction, common) -> None:
    p = sub.add_parser(
        "eval",
        help="evaluate retrieval and answers on a question set, with baselines",
        description="Run BM25, dense, hybrid, hybrid reordered by each passage's best sentence (the default "
        "search), the answer composer and a naive baseline on the same "
        "questions and corpus; print a table and write a report with plots.",
    )
    p.add_argument(
        "--questions",
        type=Path,
        action="append",
        default=None,
        help="JSONL question set, repeatable (default: eval/questions.jsonl and eval/questions_more.jsonl)",
    )
    shared = p.add_mutually_exclusive_group()
    shared.add_argument(
        "--squad",
        action="store_true",
        help="use the shared SQuAD 2.0 development part ($RAG_SQUAD_DIR or ../shared/data/squad2-dev-part)",
    )
    shared.add_argument(
        "--squad-long",
        action="store_true",
        help="the same SQuAD questions over each Wikipedia article's paragraphs joined into one long file "
        "(8 long documents, a stand-in for long news articles)",
    )
    p.add_argument("--corpus", type=Path, default=CORPUS, help="folder of articles (default: seeds/)")
    p.add_argument("--report", type=Path, default=HERE / "report", help="folder for report.md, plots, results.json")
    p.add_argument("--model", default=None, help=f"embedding model (default {DEFAULT_MODEL})")
    p.add_argument("--no-sweep", action="store_true", help="skip the abstention threshold sweep (faster)")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.add_argument(
        "--feedback",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="instead of evaluating, turn the chat page's feedback (default INDEX_DIR/feedback.jsonl) into questions",
    )
    p.add_argument("--out", type=Path, default=None, help="questions file for --feedback (default: beside it)")
    p.set_defaults(func=cmd_eval, index_dir=None)
