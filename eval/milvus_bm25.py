"""BM25 inside Milvus (its full-text search) against the project's own BM25 index, on the seeds.

    python -m eval.milvus_bm25 [--questions eval/questions.jsonl] [--repeat 5] [--json]

Chunks the seed articles as `rag index` does (the default `Config`, each chunk indexed with its
title), indexes the same texts in `rag/index/bm25.py` (bm25s's tokens and Lucene formula, kept up
to date incrementally) and in a Milvus Lite collection whose VARCHAR field feeds a BM25 Function
(k1=1.5, b=0.75, as rag's), and searches each question's top 10 both ways. Milvus is tried with its
text as it is (the "standard" analyzer: lower-cased words, with and without English stop words; a
Milvus cluster also has an "english" analyzer with a stemmer, Milvus Lite does not) and with the
text pre-tokenised by the project's own tokenizer (stemmed, stop words out), so both engines score
the same terms. Prints R@1/R@5/MRR against the evidence quotes (as `rag eval` judges them), how
far each Milvus top 10 agrees with rag's, the largest difference between a Milvus score (divided
by k1 + 1) and rag's score of the same chunk, and the query latency (Milvus Lite runs in this
process, behind a gRPC round trip). The decision it supports is in the README, "Beyond one
machine".
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.index.bm25 import BM25Index
from rag.index.words import tokenize
from rag.ingest.readers import load_documents
from rag.metrics import mrr, recall_at
from rag.sync import chunked
from rag.types import Chunk, Document

from .harness import evidence_spans, judge

ROOT = Path(__file__).resolve().parent.parent
DEPTH = 10
K1, B = 1.5, 0.75  # bm25s's defaults, which rag/index/bm25.py uses


def seed_chunks(corpus: Path, config: Config) -> tuple[dict[str, Document], list[Chunk], list[str]]:
    """The documents, chunks and indexed texts `rag index` makes of `corpus`."""
    docs, _ = load_documents([str(corpus)], {})
    chunks, indexed = chunked(docs, config)
    return {d.doc_id: d for d in docs}, chunks, indexed


def english_stop_words() -> list[str]:
    from rag.index.words import STOPWORDS_EN

    return sorted(STOPWORDS_EN)


def milvus_collection(client: Any, name: str, chunks: list[Chunk], texts: list[str], analyzer: dict) -> None:
    """A collection of the chunks whose `text` field feeds Milvus's BM25 Function."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=65_535)
    schema.add_field("text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params=analyzer)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]
        )
    )
    client.create_collection(name, schema=schema, consistency_level="Strong")
    params = client.prepare_index_params()
    params.add_index(
        field_name="sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": K1, "bm25_b": B},
    )
    client.create_index(name, params, sync=False)
    client.load_collection(name)
    rows = [{"id": c.chunk_id, "text": t} for c, t in zip(chunks, texts, strict=True)]
    for start in range(0, len(rows), 500):
        client.insert(name, rows[start : start + 500])
    client.flush(name)


def timed(call: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = call()
    return out, (time.perf_counter() - start) * 1000


def study(questions_file: Path, repeat: int) -> dict[str, Any]:
    from pymilvus import MilvusClient

    config = Config()
    documents, chunks, texts = seed_chunks(ROOT / "seeds", config)
    chunk_of = {c.chunk_id: c for c in chunks}
    questions = [json.loads(line) for line in questions_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for q in questions if evidence_spans(q, documents)]

    bm25 = BM25Index()
    bm25.add([c.chunk_id for c in chunks], [c.doc_id for c in chunks], texts)
    stemmed = [" ".join(tokens) for tokens in tokenize(texts)]
    variants: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        client = MilvusClient(f"{tmp}/bm25.db")
        setups = {
            "milvus, raw text, standard analyzer": ("raw", texts, {"tokenizer": "standard"}),
            "milvus, raw text, standard + English stop words": (
                "raw_stop",
                texts,
                {"tokenizer": "standard", "filter": [{"type": "stop", "stop_words": english_stop_words()}]},
            ),
            "milvus, text pre-tokenised by rag (stemmed)": ("stemmed", stemmed, {"tokenizer": "standard"}),
        }
        for label, (name, column, analyzer) in setups.items():
            _, ms = timed(lambda n=name, c=column, a=analyzer: milvus_collection(client, n, chunks, c, a))
            variants[label] = {"collection": name, "index_ms": ms}

        def search_rag(q: str) -> list[tuple[str, float]]:
            return [(s.chunk_id, s.score) for s in bm25.search(q, DEPTH)]

        def search_milvus(collection: str, q: str) -> list[tuple[str, float]]:
            if collection == "stemmed":
                q = " ".join(tokenize([q])[0])
                if not q:
                    return []
            found = client.search(
                collection, data=[q], anns_field="sparse", limit=DEPTH, search_params={"metric_type": "BM25"}
            )[0]
            # Milvus keeps BM25's (k1 + 1) factor, which the Lucene variant drops (the ranking is
            # the same), and Milvus Lite reports the score negated, as a distance.
            return [(hit["id"], abs(float(hit["distance"])) / (K1 + 1)) for hit in found]

        engines: dict[str, Callable[[str], list[tuple[str, float]]]] = {"rag (rag/index/bm25.py)": search_rag}
        for label, v in variants.items():
            engines[label] = partial(search_milvus, v["collection"])
        results: dict[str, Any] = {}
        reference: list[list[str]] = []
        for label, search in engines.items():
            judged, lists, times, gaps = [], [], [], []
            for q in questions:
                scored = search(q["question"])  # warm-up, and the list judged
                ranked = [cid for cid, _ in scored]
                rag_scores = bm25.scores_of(q["question"], ranked)
                gaps += [abs(score - float(ref)) for (_, score), ref in zip(scored, rag_scores, strict=True)]
                for _ in range(repeat):
                    _, ms = timed(lambda s=search, text=q["question"]: s(text))
                    times.append(ms)
                lists.append(ranked)
                passages = [(chunk_of[c].doc_id, chunk_of[c].start, chunk_of[c].end) for c in ranked]
                judged.append(judge(passages, evidence_spans(q, documents)))
            if not reference:
                reference = lists
            overlap = [len(set(a) & set(b)) / max(len(a), 1) for a, b in zip(lists, reference, strict=True) if a]
            times.sort()
            results[label] = {
                "recall@1": recall_at(judged, 1),
                "recall@5": recall_at(judged, 5),
                "recall@10": recall_at(judged, 10),
                "mrr": mrr(judged),
                "top10_overlap_with_rag": statistics.mean(overlap) if overlap else 0.0,
                "same_top1_as_rag": statistics.mean(
                    [bool(a) and bool(b) and a[0] == b[0] for a, b in zip(lists, reference, strict=True)]
                ),
                "max_score_gap_to_rag": max(gaps, default=0.0),
                "p50_ms": statistics.median(times),
                "p95_ms": times[int(0.95 * (len(times) - 1))],
                "index_ms": variants.get(label, {}).get("index_ms"),
            }
        client.close()
    return {"chunks": len(chunks), "questions": len(questions), "results": results}


def show(report: dict[str, Any]) -> str:
    lines = [
        f"{report['questions']} questions with evidence, {report['chunks']} chunks of the seeds, top {DEPTH}",
        "",
        f"{'engine':50} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'top10 ∩':>8} {'top1 =':>7} "
        f"{'score gap':>9} {'p50 ms':>7} {'p95 ms':>7}",
    ]
    for label, r in report["results"].items():
        lines.append(
            f"{label:50} {r['recall@1']:6.3f} {r['recall@5']:6.3f} {r['recall@10']:6.3f} {r['mrr']:6.3f} "
            f"{r['top10_overlap_with_rag']:8.2f} {r['same_top1_as_rag']:7.2f} {r['max_score_gap_to_rag']:9.2g} "
            f"{r['p50_ms']:7.2f} {r['p95_ms']:7.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--repeat", type=int, default=5, help="timed searches per question and engine")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = study(args.questions, args.repeat)
    print(json.dumps(report, indent=1) if args.json else show(report))


if __name__ == "__main__":
    main()
