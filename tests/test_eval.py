"""The evaluation harness: question-file checks, and a full run on the real corpus that guards
against regressions (floors a little under the figures in the README)."""

import importlib.util
import json

import pytest

from eval.harness import (
    QUESTIONS,
    SENTENCES,
    Run,
    align_evidence,
    evaluate,
    evidence_spans,
    held_out_intervals,
    judge,
    load_questions,
)
from eval.report import table, write
from rag import RagError
from rag.metrics import interval


def test_judge_needs_the_whole_evidence_span_inside_the_passage():
    spans = [("a.txt", (100, 150))]
    assert judge([("a.txt", 90, 200), ("a.txt", 120, 300), ("b.txt", 0, 999)], spans) == [True, False, False]


def test_evidence_written_elsewhere_is_found_in_the_indexed_articles():
    """A question file from another tool may name an article by path or stem and copy a quote with
    other whitespace, quotes or dashes: the evidence still points at the right span."""

    class Doc:
        def __init__(self, text):
            self.text = text

    documents = {"cnn/a.story": Doc("Intro.\nHe said: “No deal” — not\n yet."), "b.txt": Doc("Other.")}
    questions = [
        {
            "id": "1",
            "question": "?",
            "answers": [],
            "evidence": [{"doc_id": "a", "quote": 'said: "No deal" - not yet.'}],
        },
        {"id": "2", "question": "?", "answers": [], "evidence": [{"doc_id": "b.txt", "quote": "Missing."}]},
    ]
    aligned, lost = align_evidence(questions, documents)
    assert lost == 1
    text = documents["cnn/a.story"].text
    assert evidence_spans(aligned[0], documents) == [("cnn/a.story", (text.index("said"), len(text)))]
    assert evidence_spans(aligned[1], documents) == []


def test_squad_long_joins_each_articles_paragraphs_and_keeps_the_split(tmp_path):
    """`rag eval --squad-long`: a paragraph's question is asked of its article's long file, its
    evidence still found there, and it stays on its side of the split."""
    from eval.devsets import squad_long, to_long
    from eval.splits import split_of

    paragraphs = tmp_path / "corpus"
    paragraphs.mkdir()
    (paragraphs / "Warsaw-p000.txt").write_text("Warsaw is the capital of Poland.\n", encoding="utf-8")
    (paragraphs / "Warsaw-p001.txt").write_text("The Vistula flows through it.\n", encoding="utf-8")
    question = {
        "id": "squad2-1",
        "question": "What river flows through Warsaw?",
        "answers": ["Vistula"],
        "doc": "Warsaw-p001.txt",
        "evidence": [{"doc_id": "Warsaw-p001.txt", "quote": "The Vistula flows through it."}],
    }
    folder = squad_long(paragraphs, tmp_path / "long")
    assert [p.name for p in folder.iterdir()] == ["Warsaw.txt"]

    class Doc:
        def __init__(self, text):
            self.text = text

    long = to_long(question)
    documents = {"Warsaw.txt": Doc((folder / "Warsaw.txt").read_text(encoding="utf-8"))}
    aligned, lost = align_evidence([long], documents)
    assert lost == 0 and aligned[0]["doc"] == "Warsaw.txt"
    assert evidence_spans(aligned[0], documents)[0][0] == "Warsaw.txt"
    assert split_of(long) == split_of(question) == "test"


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "no questions"), ("{not json\n", "line 1: not JSON"), ('{"id": "x", "question": "q"}\n', "missing answers")],
)
def test_bad_question_files_get_clear_errors(tmp_path, content, message):
    path = tmp_path / "q.jsonl"
    path.write_text(content)
    with pytest.raises(RagError, match=message):
        load_questions(path)


def test_the_bootstrap_draws_a_group_whole():
    # Twenty questions in two groups that go all one way: drawing questions one by one would
    # give a narrow interval around 0.5; drawing the groups whole, it spans both outcomes.
    values, groups = [1.0] * 10 + [0.0] * 10, ["a"] * 10 + ["b"] * 10
    assert interval(values, groups) == (0.0, 1.0)
    low, high = interval(values, [str(i) for i in range(20)])
    assert 0.2 < low < 0.5 < high < 0.8
    alone = [str(i) for i in range(20)]
    assert interval(values, alone, seed=3) == interval(values, alone, seed=3)
    assert {interval(values, alone, draws=50, seed=s) for s in range(5)} != {interval(values, alone, draws=50, seed=0)}
    with pytest.raises(ValueError, match="20 values but 2 groups"):
        interval(values, ["a", "b"])


def test_held_out_intervals_compare_the_modes_question_by_question():
    def run(name, firsts):  # the rank of each question's first hit (None: not found); all held out
        judged = [[r == k for k in range(1, 6)] if r else [False] * 5 for r in firsts]
        ids = [f"q{i}" for i in range(len(firsts))]
        return Run(name, judged=judged, sides=["test"] * len(firsts), groups=list(ids), ids=ids)

    hybrid, bm25 = run("hybrid", [1, 1, 1, 2]), run("bm25", [1, 2, None, 2])
    rows = [
        {"split": "test", "group": "q0", "unanswerable": False, "type": "factoid", "correct": True, "abstained": False},
        {
            "split": "test",
            "group": "q1",
            "unanswerable": True,
            "type": "unanswerable",
            "correct": False,
            "abstained": True,
        },
        {
            "split": "train",
            "group": "q2",
            "unanswerable": False,
            "type": "factoid",
            "correct": False,
            "abstained": True,
        },
    ]
    out = held_out_intervals([bm25, hybrid], [Run("hybrid + composer", answers=rows)])
    assert out["hybrid R@1"]["value"] == 0.75 and out["hybrid MRR"]["value"] == 0.875
    assert out["hybrid - bm25, R@1"]["value"] == 0.5 and out["hybrid - bm25, R@1"]["n"] == 4
    assert out["hybrid + composer: accuracy"]["value"] == 1.0 and out["hybrid + composer: accuracy"]["n"] == 1
    assert out["hybrid + composer: unanswerable abstained"]["value"] == 1.0
    assert out["hybrid + composer: answerable abstained"]["n"] == 1  # the training row is not counted
    assert all(row["low"] <= row["value"] <= row["high"] for row in out.values())
    # Two questions of one conversation are drawn together: four questions, three groups.
    hybrid.groups, bm25.groups = ["c1", "c1", "q2", "q3"], ["c1", "c1", "q2", "q3"]
    out = held_out_intervals([bm25, hybrid], [])
    assert out["hybrid - bm25, R@1"]["groups"] == 3 and out["hybrid R@1"]["n"] == 4
    assert "(n 4, 3 groups)" in table_of_intervals(out) and "+0.500" in table_of_intervals(out)
    # The default search, when it was run, is the figure compared with every other mode.
    sentences = run(SENTENCES, [1, 1, 1, 1])
    out = held_out_intervals([bm25, hybrid, sentences], [])
    assert out[f"{SENTENCES} R@1"]["value"] == 1.0 and out[f"{SENTENCES} - hybrid, R@1"]["value"] == 0.25
    assert f"{SENTENCES} - bm25, MRR" in out and "hybrid R@1" not in out
    bm25.ids = ["q9", *bm25.ids[1:]]
    with pytest.raises(RagError, match="other questions"):
        held_out_intervals([bm25, hybrid], [])


def table_of_intervals(intervals):
    """Only the interval block of `table`, from results that hold nothing else."""
    empty = {"questions": 0, "answerable": 0, "corpus": {"documents": 0, "chunks": 0}, "retrieval": {}, "answers": {}}
    cost = {"model_load_s": 0, "index_build_s": 0, "index_bytes": 0, "peak_memory_mb": 0}
    return table({**empty, "intervals": intervals, "latency_ms": {}, "cost": cost})


def test_the_question_set_covers_what_it_should():
    questions = load_questions(QUESTIONS)
    types = [q["type"] for q in questions]
    assert len(questions) >= 60
    assert types.count("unanswerable") >= 10 and types.count("follow-up") >= 5
    assert {"factoid", "paraphrase", "multi-doc", "multi-sentence"} <= set(types)
    assert len({q["id"] for q in questions}) == len(questions)


@pytest.mark.model
def test_full_eval_holds_its_floors_and_writes_the_report(real_embedder, tmp_path):
    results = evaluate(load_questions(QUESTIONS), QUESTIONS.parent.parent / "seeds", real_embedder, sweep=False)
    hybrid = results["retrieval"]["hybrid"]
    answers = results["answers"]["hybrid + composer"]
    # Measured (README): hybrid recall@5 1.000, MRR 0.918; accuracy 0.908, groundedness 1.0.
    assert hybrid["recall@5"] >= 0.95 and hybrid["mrr"] >= 0.88
    assert answers["accuracy"] >= 0.85
    assert answers["grounded"] == 1.0
    assert answers["abstention_recall"] >= 0.8 and answers["follow_up_accuracy"] >= 0.66
    # The baselines are there and the pipeline beats the naive one.
    naive = results["retrieval"]["naive 800-char windows, dense"]
    assert hybrid["recall@5"] > naive["recall@5"] and hybrid["mrr"] > naive["mrr"]
    assert {"bm25", "dense"} <= set(results["retrieval"])
    report = write(results, tmp_path / "report")
    text = report.read_text()
    assert "| hybrid |" in text and "![recall@k per configuration](recall_at_k.png)" in text
    assert (tmp_path / "report" / "recall_at_k.png").stat().st_size > 1000
    assert json.loads((tmp_path / "report" / "results.json").read_text())["questions"] == results["questions"]
    assert "hybrid + composer" in table(results)
    # The default search (hybrid reordered by each passage's best sentence) ranks as well at 1.
    default = results["retrieval"][SENTENCES]
    assert default["recall@1"] >= hybrid["recall@1"] and default["mrr"] >= hybrid["mrr"] - 0.01
    held_out = results["intervals"][f"{SENTENCES} R@1"]
    assert held_out["low"] <= held_out["value"] <= held_out["high"] and "held-out 95% intervals" in table(results)


@pytest.mark.model
def test_rag_eval_command_with_a_small_question_file(tmp_path, capsys):
    from rag.cli import main

    small = tmp_path / "small.jsonl"
    rows = [q for q in load_questions(QUESTIONS) if q["id"] in ("q16", "q27", "u01", "f01")]
    small.write_text("\n".join(json.dumps(q) for q in rows))
    code = main(["eval", "--questions", str(small), "--report", str(tmp_path / "r"), "--json"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["questions"] == 4
    assert (tmp_path / "r" / "abstention.png").exists() and (tmp_path / "r" / "report.md").exists()


@pytest.mark.model
def test_bench_runs_and_reports_every_part(tmp_path, capsys):
    from rag.cli import main

    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(json.dumps(q) for q in load_questions(QUESTIONS)[:3]))
    out = tmp_path / "bench.json"
    args = ["--copies", "1", "--sizes", "3000", "--ask-passages", "300", "--no-serve"]
    assert main(["bench", *args, "--questions", str(small), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["cold_start"]["heavy_modules_after_import"] == []
    assert results["cold_start"]["torch_modules_after_answer"] == []
    assert {"encode query", "search hybrid", "ask"} <= set(results["warm_ms"])
    assert {"seeds", "seeds x 1"} <= set(results["build"])
    if importlib.util.find_spec("openvino"):  # the optional bf16 backend's build row
        from eval.bench import BF16_ROW

        assert results["build"][f"seeds x 1, {BF16_ROW}"]["texts_per_s"] > 0
        assert "bf16 option:" in next(figure for target, figure, _ in results["targets"] if "build" in target)
    rows = results["scale"]["sizes"][0]["rows"]
    assert results["scale"]["sizes"][0]["passages"] == 3000 and rows[0]["index"] == "flat (exact)"
    assert max(r["recall@10"] for r in rows if r["index"].startswith("IVF")) >= 0.9
    assert all(len(t) == 3 for t in results["targets"])
    big = results["ask_at_scale"]
    assert 290 <= big["documents"] <= 300  # a passage the reader skips (too short to be an article) is left out
    assert big["sentences"] >= big["chunks"] >= big["documents"]
    assert big["new_article_found"] and big["warm_ms"]["ask"]["p50"] > 0
    assert "cold `rag ask` from a shell" in capsys.readouterr().out
