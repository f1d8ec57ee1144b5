"""Faults: SIGKILL in the middle of `rag index`, damaged index files seen from the command line,
and hostile corpus folders. Nothing is lost, nothing half-written is ever loaded."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import FakeEmbedder, deny_reading

from rag import Retriever
from rag.cli import main
from rag.index.store import IndexStore

TESTS = Path(__file__).resolve().parent
VOCABULARY = [
    "ministers",
    "envoys",
    "tariffs",
    "drones",
    "harvests",
    "pumpkins",
    "turbines",
    "bridges",
    "senators",
    "ballots",
    "rivers",
    "vaccines",
    "budgets",
    "railways",
    "ports",
    "glaciers",
    "museums",
    "orchestras",
    "satellites",
    "reactors",
]
QUESTIONS = ["volcano eruption", "harvest festival", "interest rates", "article twelve", "election results"]

BUILD = """
import sys
sys.path.insert(0, {tests!r})
from fakes import FakeEmbedder
from rag import Retriever
Retriever.build({corpus!r}, {index!r}, embedder=FakeEmbedder())
print("done", flush=True)
"""


def write_corpus(folder: Path, n: int, edition: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    topics = ["volcano eruption", "harvest festival", "interest rates", "election results", "river flood"]
    for i in range(n):
        topic = topics[i % len(topics)]
        words = random.Random(i).sample(VOCABULARY, 12)
        body = " ".join(
            f"Sentence {j} of article {i} is about the {topic} and {words[j % 12]}{edition}." for j in range(30)
        )
        (folder / f"article{i:04d}.txt").write_text(f"Article {i}: the {topic}\n\n{body}\n\n{body}\n", encoding="utf-8")
    return folder


def answers(index: Path) -> list[list[tuple[float, str]]]:
    """Top passages per question as (score, chunk) sorted; equal scores tie-break by insertion order,
    which differs between an incremental and a fresh build, so the tied last place is left out."""
    retriever = Retriever.load(index, embedder=FakeEmbedder())
    out = []
    for q in QUESTIONS:
        hits = sorted((-round(h.score, 5), h.chunk_id) for h in retriever.search(q, k=8))
        out.append([h for h in hits if h[0] != hits[-1][0]])
    return out


def test_sigkill_during_index_never_leaves_a_broken_index(tmp_path):
    index = tmp_path / "index"
    corpus = write_corpus(tmp_path / "corpus", 40)
    Retriever.build(corpus, index, embedder=FakeEmbedder())
    before = answers(index)
    write_corpus(corpus, 160, edition=" (second edition)")  # 40 changed, 120 new
    script = BUILD.format(tests=str(TESTS), corpus=str(corpus), index=str(index))

    started = time.monotonic()
    reference = tmp_path / "reference"
    subprocess.run(
        [sys.executable, "-c", BUILD.format(tests=str(TESTS), corpus=str(corpus), index=str(reference))],
        check=True,
        capture_output=True,
    )
    duration = time.monotonic() - started
    after = answers(reference)

    rng = random.Random(7)
    outcomes = []
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, duration))
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        got = answers(index)  # always loads...
        assert got in (before, after)  # ...and answers exactly as before, or as the finished run would
        outcomes.append("before" if got == before else "after")
        if got == after:
            break
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "done" in finished.stdout
    assert answers(index) == after  # the next run completes the work
    leftovers = [
        p.name for p in index.iterdir() if p.name not in ("CURRENT", ".lock") and not p.name.startswith("gen-")
    ]
    assert leftovers == []
    assert len([p for p in index.iterdir() if p.name.startswith("gen-")]) == 1
    assert "before" in outcomes


@pytest.mark.parametrize(
    ("victim", "damage"),
    [("chunks.faiss", "truncate"), ("chunks.jsonl", "garbage"), ("manifest.json", "delete"), ("CURRENT", "dangling")],
)
def test_damaged_index_gives_one_line_and_rebuild_fixes_it(tmp_path, capsys, victim, damage):
    corpus = write_corpus(tmp_path / "corpus", 5)
    index = tmp_path / "index"
    Retriever.build(corpus, index, embedder=FakeEmbedder())
    folder = IndexStore(index).current()
    path = index / "CURRENT" if victim == "CURRENT" else folder / victim
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xffnot json at all\n")
    elif damage == "delete":
        path.unlink()
    else:
        path.write_text("gen-999999\n")
    code = main(["search", "volcano", "--index-dir", str(index)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "rebuild" in err and "Traceback" not in err
    rebuilt = Retriever.build(corpus, index, embedder=FakeEmbedder(), rebuild=True)
    assert len(rebuilt.documents) == 5
    assert len(Retriever.load(index, embedder=FakeEmbedder()).documents) == 5


def test_hostile_corpus_is_indexed_with_reasons_for_what_was_skipped(tmp_path, monkeypatch):
    import codecs

    root = tmp_path / "hostile"
    (root / "many").mkdir(parents=True)
    for i in range(5000):  # 5,000 small files
        (root / "many" / f"note{i:04d}.txt").write_text(f"Note {i}\n\nA short note, number {i}, about the harvest.\n")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (root / "latin1.txt").write_bytes("Caf\xe9 au lait is a drink people order.".encode("latin-1"))  # read as such
    utf16 = "Ukraine talks\r\n\r\nThe talks resumed in Geneva on Monday, officials said.\r\n"
    (root / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + utf16.encode("utf-16-le"))
    (root / "crlf.txt").write_bytes(b"CRLF story\r\n\r\nLines end with CR LF here. They still split.\r\n")
    (root / "rtl.txt").write_text(
        "عنوان الخبر\n\nهذا نص عربي من اليمين إلى اليسار 🇺🇦 مع رموز تعبيرية 🎉. "
        "And an English sentence too. שלום עולם.\n",
        encoding="utf-8",
    )
    (root / "one-line.txt").write_text("word " * 200_000, encoding="utf-8")  # 1 MB, no sentence breaks
    with open(root / "huge.txt", "w", encoding="utf-8") as out:  # 50 MB
        line = "This is a very long article that goes on and on for a long time indeed. " * 20 + "\n"
        for _ in range(50_000_000 // len(line) + 1):
            out.write(line)
    (root / "locked.txt").write_text("A file nobody may read.\n\nIt has a sentence.\n")
    (root / "loop").symlink_to(root, target_is_directory=True)
    deny_reading(monkeypatch, "locked.txt")
    retriever = Retriever.build(root, tmp_path / "index", embedder=FakeEmbedder())
    skipped = {Path(s.path).name: s.reason for s in retriever.last_sync.skipped}
    assert skipped == {
        "empty.txt": "empty file",
        "binary.txt": "binary file (contains NUL bytes)",
        "huge.txt": "larger than 20 MB (50,001,259 bytes)",
        "locked.txt": "Permission denied",
    }
    assert len(retriever.documents) == 5000 + 5  # many/, latin1, utf16, crlf, rtl, one-line
    for chunk in retriever.chunks.values():
        assert retriever.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    assert retriever.search("Geneva talks resumed", k=1)[0].doc_id == "utf16.txt"


def test_a_failed_atomic_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    import os

    from rag.atomic import write_atomic

    target = tmp_path / "model.json"
    write_atomic(target, '{"version": 1}\n')

    def broken_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_rename)
    with pytest.raises(OSError):
        write_atomic(target, '{"version": 2}\n')
    assert target.read_text(encoding="utf-8") == '{"version": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left behind
