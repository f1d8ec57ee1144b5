"""A bounded load test of `rag serve` on loopback: concurrent clients, an upload midway, and every
answer checked for grounding against the article files.

    python -m eval.load --url http://127.0.0.1:7860/ --corpus seeds [--clients 20] [--questions 500]
                        [--pid SERVER_PID]
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from rag import Answer
from rag.answer.citations import grounded as check_grounded
from rag.ingest.readers import READERS, read_plain_text
from rag.metrics import percentile

from .harness import QUESTIONS, load_questions

UPLOAD_NAME = "load-test-article.txt"
UPLOAD_TEXT = (
    "Lighthouse keepers meet in Tromsø\n\n"
    "Forty-two lighthouse keepers met in Tromsø on Friday to compare notes on storms, organisers said.\n"
)


def resident_mb(pid: int | None) -> float | None:
    """Resident memory of a process from /proc, in MB (None where that cannot be read)."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def grounded(answer: dict[str, Any], corpus: Path, uploads: Path | None) -> bool:
    """The served answer keeps the promise (`rag.answer.citations.grounded`), each quote checked
    against its file's text where the file is plain text on disk."""
    if "error" in answer:
        return False

    def text_of(doc_id: str) -> str | None:
        for folder in (corpus, uploads):
            path = folder / doc_id if folder else None
            if path and path.exists() and READERS.get(path.suffix.lower()) is read_plain_text:
                return path.read_bytes().decode("utf-8-sig")
        return None  # a web page: its text is the extracted article, checked by the server

    return check_grounded(Answer.from_dict(answer), text_of)


def run(
    url: str,
    corpus: Path,
    clients: int,
    total: int,
    pid: int | None = None,
    uploads: Path | None = None,
    questions_path: Path = QUESTIONS,
) -> dict[str, Any]:
    """Send `total` questions from `clients` threads; upload one article when half are done."""
    from gradio_client import Client

    pool = [q["question"] for q in load_questions(questions_path)]
    lock = threading.Lock()
    state: dict[str, Any] = {"sent": 0, "latencies": [], "errors": [], "ungrounded": [], "memory": {}}
    upload_result: dict[str, Any] = {}

    def worker() -> None:
        client = Client(url, verbose=False)
        while True:
            with lock:
                n = state["sent"]
                if n >= total:
                    return
                state["sent"] += 1
            if n == total // 2:
                upload_result["message"] = client.predict(UPLOAD_NAME, UPLOAD_TEXT, api_name="/add_article")
            question = pool[n % len(pool)]
            started = time.perf_counter()
            try:
                answer = client.predict(question, "hybrid", 8, api_name="/ask")
            except Exception as exc:  # any failure of the server or the protocol counts as an error
                with lock:
                    state["errors"].append(f"{question}: {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            ok = grounded(answer, corpus, uploads)
            with lock:
                state["latencies"].append(elapsed)
                if not ok:
                    state["ungrounded"].append(question)
                done = len(state["latencies"])
                if done in (100, 1000):
                    state["memory"][done] = resident_mb(pid)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    final_check = Client(url, verbose=False).predict(
        "How many lighthouse keepers met in Tromsø?", "hybrid", 8, api_name="/ask"
    )
    latencies = state["latencies"]
    return {
        "clients": clients,
        "questions": total,
        "answered": len(latencies),
        "errors": state["errors"],
        "ungrounded": state["ungrounded"],
        "seconds": seconds,
        "throughput_qps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
        "resident_mb_after": state["memory"],
        "upload": upload_result.get("message", ""),
        "uploaded_article_answers": final_check.get("text", ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the running `rag serve` (loopback only)")
    parser.add_argument("--corpus", type=Path, required=True, help="the folder the server indexed")
    parser.add_argument("--uploads", type=Path, default=None, help="the server's upload folder")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--pid", type=int, default=None, help="server process id, to report its memory")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("the load test only targets servers on this machine's loopback")
    print(json.dumps(run(args.url, args.corpus, args.clients, args.questions, args.pid, args.uploads), indent=2))


if __name__ == "__main__":
    main()
