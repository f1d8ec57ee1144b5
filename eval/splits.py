"""Train and held-out splits: every fitted number is fitted on "train" and reported on "test".

The development sets (`eval/devsets.py`):
- the project's own questions on the seed articles (`eval/questions.jsonl`), and the news question
  sets written without the code (`eval/outside/`): each question goes to a side by a hash of its id
  (about 30% held out; five articles are too few to split by article); the turns of one
  conversation (rows sharing a `conversation` field) go to the same side;
- `shared/data/squad2-dev-part` (Wikipedia, 1,385 questions, half unanswerable): split by article,
  so no paragraph of a held-out article was seen in fitting. Held out: Normans, Scottish_Parliament,
  Warsaw (3 of 8 articles).

The corpus is always whole: a held-out question searches every article, only its label is unseen.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

HELD_OUT_ARTICLES = ("Normans", "Scottish_Parliament", "Warsaw")
HELD_OUT_SHARE = 30  # percent of the project's own questions held out
SQUAD_ENV = "RAG_SQUAD_DIR"
PARAGRAPH = re.compile(r"-p\d+\.txt$")  # a SQuAD paragraph's file: "Warsaw-p003.txt"


def squad_dir() -> Path:
    """`$RAG_SQUAD_DIR`, else `shared/data/squad2-dev-part` beside the project folder."""
    if os.environ.get(SQUAD_ENV):
        return Path(os.environ[SQUAD_ENV]).expanduser()
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "squad2-dev-part"


def article_of(name: Any) -> str | None:
    """The article a SQuAD paragraph's file belongs to, or None for any other name.

    >>> article_of("Warsaw-p003.txt"), article_of("Warsaw.txt"), article_of(None)
    ('Warsaw', None, None)
    """
    return PARAGRAPH.sub("", name) if isinstance(name, str) and PARAGRAPH.search(name) else None


def split_of(question: dict[str, Any]) -> str:
    """ "train" or "test" for one question of either set.

    >>> split_of({"id": "squad2-x", "doc": "Warsaw-p003.txt"}), split_of({"id": "squad2-y", "doc": "Huguenot-p001.txt"})
    ('test', 'train')
    >>> split_of({"id": "squad2-x", "doc": "Warsaw.txt", "article": "Warsaw"})  # the long-file variant
    'test'
    >>> split_of({"id": "q01"})
    'train'
    """
    article = question.get("article") or article_of(question.get("doc"))
    if article:
        return "test" if article in HELD_OUT_ARTICLES else "train"
    key = question.get("conversation") or question["id"]  # the turns of a conversation stay together
    digest = hashlib.sha256(str(key).encode("utf-8")).digest()
    return "test" if digest[0] * 100 // 256 < HELD_OUT_SHARE else "train"


def split(questions: list[dict[str, Any]], side: str) -> list[dict[str, Any]]:
    """The questions on one side ("train" or "test"); "all" keeps every one."""
    if side == "all":
        return list(questions)
    return [q for q in questions if split_of(q) == side]


def group_of(question: dict[str, Any]) -> str:
    """What keeps questions together, in a cross-validation fold or a bootstrap draw: a
    conversation's turns, and a SQuAD paragraph's questions (the paragraph file, kept as `paragraph`
    in the long-file variant); otherwise each question is its own group.

    >>> group_of({"id": "c1-t02", "conversation": "c1"}), group_of({"id": "q9", "doc": "Warsaw-p003.txt"})
    ('c1', 'Warsaw-p003.txt')
    >>> group_of({"id": "q9", "doc": "Warsaw.txt", "paragraph": "Warsaw-p003.txt"}), group_of({"id": "q01"})
    ('Warsaw-p003.txt', 'q01')
    """
    if question.get("conversation"):
        return str(question["conversation"])
    paragraph = question.get("paragraph") or question.get("doc")
    return str(paragraph) if article_of(paragraph) else str(question["id"])
