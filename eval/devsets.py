"""The development sets the retrieval study and the ranker fit run on, each as (questions, corpus).

- "seeds": the project's questions on the five seed articles (`eval/questions.jsonl` and
  `eval/questions_more.jsonl`);
- "squad": the shared SQuAD 2.0 part, one Wikipedia paragraph per file;
- "squad-long": the same questions against each Wikipedia article's paragraphs joined into one file
  under its title (8 long documents), a stand-in for long multi-paragraph news articles;
- "outside-seeds", "cnn", "nyt", "wire", "features": news questions written by people who never saw
  the code (`eval/outside/`), split like the seeds' by a hash of each question's id.

Only answerable questions that stand alone are kept; `split_of` still splits them by the original
paragraph's article, so the long variant has the same train and test sides as "squad".
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.atomic import write_atomic

from .harness import CORPUS, HERE, MORE_QUESTIONS, QUESTIONS, answerable, load_questions
from .splits import article_of, split_of, squad_dir

# The question sets written without the code (eval/outside/SOURCE.md): each folder's
# questions.jsonl over its corpus/, the seeds' over the seed articles.
OUTSIDE_DIR = HERE / "outside"
OUTSIDE = {"outside-seeds": "seeds", "cnn": "cnn", "nyt": "nyt", "wire": "wire", "features": "features"}
SETS = ("seeds", "squad", "squad-long", *OUTSIDE)
# The kind of text of each set. A transfer (`eval.fit_ranker --transfer`, `eval.fit_answers --transfer`)
# fits on one kind and scores the other: the nearest these sets come to articles and question writers
# a model never saw (the long files hold SQuAD's questions, so they are never split from it).
FAMILIES = {"seeds": "news", "squad": "wikipedia", "squad-long": "wikipedia", **dict.fromkeys(OUTSIDE, "news")}
TWO_KINDS = "a transfer needs sets of both kinds of text: seeds, and squad or squad-long"


def both_kinds(names: Iterable[str]) -> bool:
    """Whether the sets named hold news and Wikipedia both, as a transfer needs.

    >>> both_kinds(["seeds", "squad-long"]), both_kinds(["squad", "squad-long"])
    (True, False)
    """
    return len({FAMILIES[name] for name in names}) == len(set(FAMILIES.values()))


LONG_DIR = Path(tempfile.gettempdir()) / "rag-retrieval-squad-long"
CACHE_DIR = Path(tempfile.gettempdir()) / "rag-retrieval-embeddings"


@dataclass(frozen=True)
class DevSet:
    name: str
    questions: list[dict[str, Any]]
    corpus: Path

    def side(self, side: str) -> list[dict[str, Any]]:
        return [q for q in self.questions if side == "all" or split_of(q) == side]


def squad_long(corpus: Path, folder: Path | None = None) -> Path:
    """Write each article's paragraphs ("Warsaw-p000.txt", ...), in order, as one file
    "Warsaw.txt" under a title line, into `folder` (by default one per corpus, under the system's
    temporary folder); files of articles no longer in `corpus` are removed, and each file is
    written whole (a temporary file renamed into place), so a run never reads half of one."""
    if folder is None:
        digest = hashlib.sha256(str(corpus.resolve()).encode("utf-8")).hexdigest()[:12]
        folder = LONG_DIR.with_name(f"{LONG_DIR.name}-{digest}")
    paragraphs: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(corpus.glob("*-p*.txt")):
        article = article_of(path.name)
        if article:
            paragraphs[article].append(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in set(folder.glob("*.txt")) - {folder / _long_file(a) for a in paragraphs}:
        stale.unlink()
    for article, paths in paragraphs.items():
        body = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in paths)
        text = f"{article.replace('_', ' ')}\n\n{body}\n"
        target = folder / _long_file(article)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_atomic(target, text)
    return folder


def to_long(question: dict[str, Any]) -> dict[str, Any]:
    """A SQuAD question about a paragraph ("Warsaw-p003.txt") as one about its article's long file
    ("Warsaw.txt"), keeping its side of the split (`article`) and its paragraph (`paragraph`, for
    `eval.splits.group_of`). Names that are not a paragraph's are left as they are.

    >>> q = to_long({"id": "x", "doc": "Warsaw-p003.txt", "evidence": [{"doc": "Warsaw-p003.txt", "quote": "q"}]})
    >>> q["doc"], q["article"], q["evidence"]
    ('Warsaw.txt', 'Warsaw', [{'quote': 'q', 'doc_id': 'Warsaw.txt'}])
    >>> to_long(q) == q
    True
    """
    evidence = []
    for ev in question["evidence"]:
        named = {k: v for k, v in ev.items() if k != "doc"}
        evidence.append({**named, "doc_id": _long_name(ev.get("doc_id", ev.get("doc")))})
    article = article_of(question.get("doc"))
    if article:
        long = {"article": article, "doc": _long_file(article), "paragraph": question["doc"]}
        return {**question, "evidence": evidence, **long}
    return {**question, "evidence": evidence}


def long_variant(questions: list[dict[str, Any]], corpus: Path) -> tuple[list[dict[str, Any]], Path]:
    """The questions about a folder of SQuAD paragraphs, and the folder, as questions about and a
    folder of each article's long file (`to_long`, `squad_long`)."""
    return [to_long(q) for q in questions], squad_long(corpus)


def _long_file(article: str) -> str:
    """The long file of a SQuAD article: "Warsaw.txt"."""
    return f"{article}.txt"


def _long_name(name: Any) -> Any:
    article = article_of(name)
    return _long_file(article) if article else name


def development_set(name: str) -> tuple[list[dict[str, Any]], Path]:
    """Every question of one development set (see `SETS`), answerable or not, and its corpus."""
    if name == "seeds":
        return load_questions(QUESTIONS) + (load_questions(MORE_QUESTIONS) if MORE_QUESTIONS.exists() else []), CORPUS
    if name in OUTSIDE:
        folder = OUTSIDE_DIR / OUTSIDE[name]
        return load_questions(folder / "questions.jsonl"), CORPUS if name == "outside-seeds" else folder / "corpus"
    squad = squad_dir()
    questions = load_questions(squad / "questions.jsonl")
    if name == "squad":
        return questions, squad / "corpus"
    if name == "squad-long":
        return long_variant(questions, squad / "corpus")
    raise ValueError(f"unknown development set {name!r}: use one of {', '.join(SETS)}")


def load(name: str) -> DevSet:
    """One development set by name (see `SETS`): its answerable questions that stand alone."""
    questions, corpus = development_set(name)
    return DevSet(name, answerable(questions), corpus)


class CachingEmbedder:
    """Wraps an embedder and remembers every text's vector, so repeated builds embed once; `save()`
    keeps them in `folder` for the next run (plain .npy and JSON)."""

    def __init__(self, inner: Any, folder: Path | None = CACHE_DIR) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, np.ndarray] = {}
        self._folder = folder
        stem = hashlib.sha1(self.name.encode("utf-8")).hexdigest()[:12]
        self._files = (folder / f"{stem}.npy", folder / f"{stem}.json") if folder else None
        if self._files and self._files[0].exists() and self._files[1].exists():
            keys = json.loads(self._files[1].read_text(encoding="utf-8"))
            matrix = np.load(self._files[0], allow_pickle=False)
            if len(keys) == len(matrix):
                self._cache = dict(zip(keys, matrix, strict=True))

    def save(self) -> None:
        if not self._files or not self._cache:
            return
        self._files[0].parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._cache)
        np.save(self._files[0], np.stack([self._cache[k] for k in keys]), allow_pickle=False)
        self._files[1].write_text(json.dumps(keys), encoding="utf-8")

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed(self, texts: Any) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if todo:
            text_of = dict(zip(keys, texts, strict=True))
            vectors = self.inner.embed([text_of[k] for k in todo])
            self._cache.update(zip(todo, vectors, strict=True))
        return np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, self.dim), dtype=np.float32)
