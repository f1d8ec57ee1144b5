"""Answer quality of the assistant on the eval questions, and the abstention trade-off.

    python -m eval.answers [--questions eval/questions.jsonl] [--corpus seeds] [--calibrate] [-v]

Prints accuracy on answerable questions (an acceptable short answer appears in the answer),
abstention on unanswerable ones, follow-up accuracy, groundedness and warm `ask` latency.
`--calibrate` sweeps the abstention threshold and prints both error rates at each value.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from rag import Retriever
from rag.assistant import Answer, Assistant
from rag.embedding import SentenceTransformerEmbedder

from .latency import percentile
from .retrieval import HERE, load_questions


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').lower().split())


def correct(answer: Answer, question: dict) -> bool:
    """An acceptable short answer appears in the answer text."""
    return not answer.abstained and any(_plain(a) in _plain(answer.text) for a in question["answers"])


def grounded(answer: Answer, retriever: Retriever) -> bool:
    """Every cited quote is the exact source span, and the answer is nothing but cited quotes."""
    rebuilt = []
    for c in answer.citations:
        if retriever.documents[c.doc_id].text[c.start : c.end] != c.quote:
            return False
        rebuilt.append(f"{' '.join(c.quote.split())} [{c.n}]")
    return answer.abstained or " ".join(rebuilt) == answer.text


def history_for(question: dict, assistant: Assistant) -> list[dict]:
    history = []
    for turn in question.get("history", []):
        history.append(turn)
        history.append({"role": "assistant", "content": assistant.ask(turn["content"], history[:-1]).text})
    return history


def run(assistant: Assistant, questions: list[dict]) -> list[tuple[dict, Answer]]:
    return [(q, assistant.ask(q["question"], history_for(q, assistant))) for q in questions]


def report(results: list[tuple[dict, Answer]], retriever: Retriever, verbose: bool) -> None:
    groups = {
        "answerable": [(q, a) for q, a in results if q["evidence"] and q["type"] != "follow-up"],
        "follow-up": [(q, a) for q, a in results if q["type"] == "follow-up"],
        "unanswerable": [(q, a) for q, a in results if not q["evidence"]],
    }
    for name, rows in groups.items():
        if name == "unanswerable":
            good = sum(a.abstained for _, a in rows)
            print(f"{name:<13} {good:>3}/{len(rows):<3} abstained")
        else:
            good = sum(correct(a, q) for q, a in rows)
            wrongly = sum(a.abstained for _, a in rows)
            print(f"{name:<13} {good:>3}/{len(rows):<3} correct ({good / len(rows):.1%}), {wrongly} wrongly abstained")
    ok = sum(grounded(a, retriever) for _, a in results)
    print(f"grounded      {ok:>3}/{len(results):<3} answers are exact cited source text")
    if verbose:
        print()
        for name, rows in groups.items():
            for q, a in rows:
                good = a.abstained if name == "unanswerable" else correct(a, q)
                if not good:
                    why = f" ({a.reason})" if a.abstained else ""
                    print(f"WRONG {q['id']} [{a.confidence:.2f}] {q['question']}\n      -> {a.text[:200]}{why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "seeds")
    parser.add_argument("--calibrate", action="store_true", help="sweep the abstention threshold")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the questions answered wrongly")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        retriever = Retriever.build(args.corpus, tmp, embedder=SentenceTransformerEmbedder())
        assistant = Assistant(retriever)
        results = run(assistant, questions)
        report(results, retriever, args.verbose)
        timings = []
        for q in questions:  # timed cold per question: no cached query vectors
            history = history_for(q, assistant)
            retriever.clear_query_cache()
            timings.append(assistant.ask(q["question"], history).seconds * 1000)
        print(
            f"warm ask      p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms "
            f"over {len(timings)} questions"
        )
        if args.calibrate:
            calibrate(retriever, questions)


def calibrate(retriever: Retriever, questions: list[dict]) -> None:
    print("\nthreshold  answerable wrongly abstained  unanswerable answered  accuracy")
    for threshold in [x / 20 for x in range(8, 31)]:
        results = run(Assistant(retriever, threshold=threshold), questions)
        answerable = [(q, a) for q, a in results if q["evidence"]]
        unanswerable = [a for q, a in results if not q["evidence"]]
        missed = sum(a.abstained for _, a in answerable)
        answered = sum(not a.abstained for a in unanswerable)
        accuracy = sum(correct(a, q) for q, a in answerable) / len(answerable)
        print(
            f"{threshold:9.2f}  {missed:>3}/{len(answerable):<26} {answered:>3}/{len(unanswerable):<19} {accuracy:.3f}"
        )


if __name__ == "__main__":
    main()
