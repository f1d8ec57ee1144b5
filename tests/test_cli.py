"""The `rag` command: real runs on the seeds corpus, and every bad input ends in one clear line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.model
def test_index_search_docs_on_seeds(capsys, tmp_path, seeds_copy):
    index = str(tmp_path / "index")
    code, out, err = run(capsys, "index", str(seeds_copy), "--index-dir", index)
    assert code == 0, err
    assert "Indexed 5 documents" in out and "5 added" in out

    code, out, _ = run(capsys, "index", "--index-dir", index, "--json")  # re-sync the recorded folder
    report = json.loads(out)
    assert code == 0 and report["documents"] == 5 and report["texts_embedded"] == 0
    assert len(report["unchanged"]) == 5

    code, out, _ = run(capsys, "search", "What did Zelenskyy say Putin understands?", "--index-dir", index, "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 5
    assert "force and pressure" in hits[0]["text"]
    original = (seeds_copy / hits[0]["doc_id"]).read_text(encoding="utf-8")
    assert original[hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]

    code, out, err = run(capsys, "search", "What did Zelenskyy say Putin understands?", "--index-dir", index)
    assert code == 0 and "(hybrid, by best sentence)" in err
    code, out, err = run(capsys, "search", "Zelenskyy", "--first-stage", "--index-dir", index, "--json")
    assert code == 0 and len(json.loads(out)) == 5 and "by best sentence" not in err

    code, out, err = run(capsys, "search", "What did the Kremln want?", "--index-dir", index, "--json")
    assert code == 0 and json.loads(out) and "“Kremln” → “Kremlin”" in err  # stdout stays the list of hits

    code, out, _ = run(capsys, "search", "Lavrov", "-k", "2", "--mode", "bm25", "--index-dir", index)
    assert code == 0 and out.count("score ") == 2

    code, out, _ = run(capsys, "search", "Lavrov", "--doc", "003_8574100020051f75.txt", "--index-dir", index, "--json")
    assert {h["doc_id"] for h in json.loads(out)} == {"003_8574100020051f75.txt"}

    code, out, _ = run(capsys, "docs", "--index-dir", index, "--json")
    docs = json.loads(out)
    assert len(docs) == 5 and all(d["chunks"] > 0 for d in docs)

    code, out, _ = run(capsys, "ask", "What did Zelenskyy say Putin understands?", "--index-dir", index, "--json")
    answer = json.loads(out)
    assert code == 0 and not answer["abstained"] and answer["text"].endswith("[1]")
    quote = answer["citations"][0]
    assert original[quote["start"] : quote["end"]] == quote["quote"]

    code, out, _ = run(capsys, "ask", "What is the GDP of France?", "--index-dir", index)
    assert code == 0 and out.startswith("The articles don't say.") and "Closest passages" in out

    code, out, _ = run(capsys, "ask", "Who is Tom Graham?", "--index-dir", index)
    assert code == 0 and "Council on Foreign Relations" in out and "Sources:" in out and "[1]" in out

    code, _, err = run(capsys, "ask", "?!", "--index-dir", index)
    assert code == 1 and "no words" in err

    code, _, err = run(capsys, "search", "x" * 100_000, "--index-dir", index)
    assert code == 1 and "shorten it" in err

    code, _, err = run(capsys, "index", str(seeds_copy), "--index-dir", index, "--model", "some/other-model")
    assert code == 1 and "rebuild" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "hello"], "no index at"),
        (["search", "   "], "no index at"),
        (["docs"], "no index at"),
        (["index"], "give the folder"),
        (["index", "/definitely/not/here"], "does not exist"),
    ],
)
def test_errors_are_one_clear_line(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *argv, "--index-dir", str(tmp_path / "index"))
    assert code == 1
    assert message in err and err.startswith("error: ") and "Traceback" not in err


def test_empty_folder_and_junk_files(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "index", str(tmp_path / "empty"), "--index-dir", str(tmp_path / "index"))
    assert (
        code == 1 and "no .txt/.text/.md/.story/.html/.htm/.shtml/.xhtml/.json/.xml/.nitf/.jsonl/.ndjson files" in err
    )
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_bytes(b"\x00\x01")
    (junk / "b.txt").write_text("")
    code, _, err = run(capsys, "index", str(junk), "--index-dir", str(tmp_path / "index"))
    assert code == 1 and "every file was skipped" in err and "binary" in err
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.parametrize(
    "argv", [["search", "q", "-k", "0"], ["search", "q", "-k", "many"], ["search", "q", "--mode", "x"]]
)
def test_bad_arguments_are_usage_errors(argv, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--index-dir", str(tmp_path)])
    assert exit_.value.code == 2


def test_console_script_help_runs_without_loading_models():
    done = subprocess.run([sys.executable, "-m", "rag.cli", "--help"], capture_output=True, text=True, check=True)
    assert "index" in done.stdout and "search" in done.stdout
    code = "import sys, rag; print(sorted(m for m in ('torch', 'faiss', 'sentence_transformers') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_output_piped_into_a_reader_that_stops_early_ends_quietly():
    """`rag ask ... | head -1`: the reader closes the pipe; no traceback, exit status 0."""
    script = (
        "import argparse, sys\n"
        "import rag.cli as cli\n"
        "def spam(args):\n"
        "    for i in range(200000):\n"
        "        print('line', i)\n"
        "    return 0\n"
        "class Parser:\n"
        "    def parse_args(self, argv):\n"
        "        return argparse.Namespace(func=spam, verbose=False)\n"
        "cli.build_parser = Parser\n"
        "sys.exit(cli.main([]))\n"
    )
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    assert run.stdout.read(10) == b"line 0\nlin"
    run.stdout.close()
    assert run.wait(timeout=60) == 0
    assert b"Traceback" not in run.stderr.read()
