"""Real text for the scale benchmark: the prose of the manual pages installed on this machine.

Debian ships tens of thousands of manual pages (`/usr/share/man/man1` to `man8`, about 120 MB of
roff), freely redistributable text about every kind of subject a system has. The prose paragraphs
are cut into passages of about the size of the index's chunks. Every 20th page is held out of the
index; real sentences from the held-out pages are the queries, so a query is never a copy of an
indexed passage. Embeddings are cached in shards under `$RAG_CACHE_DIR/bench` so that a second
run, or a larger one, only embeds what is new.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.index.onnx_export import cache_dir

MAN_ROOT = Path("/usr/share/man")
HOLD_OUT_EVERY = 20
PASSAGE_WORDS = 70  # about 96 word pieces, the index's chunk budget
SHARD = 5_000

_FONT = re.compile(r"\\f(\[[^\]]*\]|\([A-Za-z]{2}|[A-Za-z0-9])")
_STRING = re.compile(r"\\\*(\[[^\]]*\]|\(..|.)")
_SIZE = re.compile(r"\\s[+-]?\d+")
_SPECIAL = {"\\(em": "—", "\\(en": "–", "\\(aq": "'", "\\(dq": '"', "\\(lq": "“", "\\(rq": "”", "\\(bu": "•"}
_OTHER_SPECIAL = re.compile(r"\\\(..|\\\[[^\]]*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_BREAKS = {"PP", "P", "LP", "TP", "IP", "SH", "SS", "sp", "br", "HP", "RS", "RE", "nf", "fi", "EX", "EE", "TH"}
_TEXT_MACROS = {"B", "I", "BR", "BI", "IB", "IR", "RI", "RB", "SM", "SB"}


def roff_text(line: str) -> str:
    """One line of roff with its inline escapes removed.

    >>> roff_text(r"with \\fB\\-l\\fR, print the author\\(emand \\fIsize\\fP")
    'with -l, print the author—and size'
    """
    line = _FONT.sub("", line)
    for code, char in _SPECIAL.items():
        line = line.replace(code, char)
    line = _OTHER_SPECIAL.sub(" ", _SIZE.sub("", _STRING.sub("", line)))
    line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ").replace("\\~", " ")
    for code in ("\\&", "\\|", "\\^", "\\c", "\\%", "\\:"):
        line = line.replace(code, "")
    return line


def paragraphs(roff: str) -> list[str]:
    """The prose paragraphs of a manual page: lines of text joined, macros and option lists dropped.

    >>> paragraphs(".SH DESCRIPTION\\n.PP\\nList information about the files, sorting entries\\n"
    ...            "alphabetically when no other order is asked for.\\n.TP\\n\\\\fB-a\\\\fR\\nall")
    ['List information about the files, sorting entries alphabetically when no other order is asked for.']
    """
    out: list[str] = []
    current: list[str] = []
    verbatim = False

    def flush() -> None:
        text = " ".join(" ".join(current).split())
        current.clear()
        if is_prose(text):
            out.append(text)

    for raw in roff.splitlines():
        if raw.startswith(('.\\"', "'\\\"", '.\\"')):
            continue
        if raw.startswith((".", "'")):
            macro, _, rest = raw[1:].strip().partition(" ")
            if macro in ("nf", "EX"):
                verbatim = True
            elif macro in ("fi", "EE"):
                verbatim = False
            if macro in _BREAKS:
                flush()
            elif macro in _TEXT_MACROS and not verbatim:
                current.append(roff_text(rest.replace('"', "")))
            continue
        if not verbatim:
            current.append(roff_text(raw))
    flush()
    return out


def is_prose(text: str) -> bool:
    """At least 8 words, most of them plain words, ending like a sentence.

    >>> is_prose("do not list implied entries ending with ~"), is_prose("Sort entries by size, largest first.")
    (False, False)
    >>> is_prose("Print the author of each file, and sort the entries by their size, largest first.")
    True
    """
    words = text.split()
    plain = sum(1 for w in words if w.strip(".,;:()\"'").isalpha())
    return len(words) >= 8 and plain >= 0.75 * len(words) and text.endswith((".", "!", "?"))


def passages(paras: list[str], words: int = PASSAGE_WORDS) -> list[str]:
    """Paragraphs packed into passages of at most `words` words, cut at sentence ends (a sentence
    longer than that is a passage of its own).

    >>> passages(["One two three. Four five six.", "Seven eight."], words=4)
    ['One two three.', 'Four five six.', 'Seven eight.']
    """
    out: list[str] = []
    for para in paras:
        current: list[str] = []
        for sentence in _SENTENCE_END.split(para):
            n = len(sentence.split())
            if current and len(" ".join(current).split()) + n > words:
                out.append(" ".join(current))
                current = []
            current.append(sentence)
        if current:
            out.append(" ".join(current))
    return out


@dataclass(frozen=True)
class RealText:
    passages: list[str]  # indexed
    queries: list[str]  # sentences from pages held out of the index
    pages: int


def manual_pages(root: Path = MAN_ROOT) -> Iterator[tuple[str, list[str]]]:
    """(name, prose paragraphs) of every English manual page under `root`, in a fixed order."""
    for section in sorted(root.glob("man[1-8]")):
        for path in sorted(section.iterdir()):
            try:
                raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            except (OSError, EOFError, gzip.BadGzipFile):
                continue
            if raw.startswith(b".so "):  # a link to another page
                continue
            paras = paragraphs(raw.decode("utf-8", errors="replace"))
            if paras:
                yield path.name, paras


def real_text(wanted: int, queries: int = 200, root: Path = MAN_ROOT) -> RealText:
    """Up to `wanted` passages from the manual pages, and `queries` held-out sentences."""
    found: list[str] = []
    held: list[str] = []
    seen: set[str] = set()
    pages = 0
    for n, (_, paras) in enumerate(manual_pages(root)):
        if n % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1:
            sentences = [s for p in paras for s in _SENTENCE_END.split(p) if 8 <= len(s.split()) <= 30]
            if sentences:
                held.append(sentences[len(sentences) // 2])
            continue
        pages += 1
        for passage in passages(paras):
            if passage not in seen:  # pages share boilerplate paragraphs (licences, "see also")
                seen.add(passage)
                found.append(passage)
        if len(found) >= wanted and len(held) >= queries:
            break
    step = max(1, len(held) // queries)
    return RealText(found[:wanted], held[::step][:queries], pages)


def embed_cached(
    texts: list[str], embed: Callable[[list[str]], np.ndarray], progress: Callable[[str], None] = print
) -> np.ndarray:
    """Vectors of `texts`, embedded in shards of SHARD texts cached by their content, so a later
    run (or a larger one over the same texts) embeds only what it has not seen."""
    folder = cache_dir() / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    started = time.perf_counter()
    for start in range(0, len(texts), SHARD):
        shard = texts[start : start + SHARD]
        key = hashlib.sha256("\n".join(shard).encode()).hexdigest()[:20]
        path = folder / f"{key}.npy"
        if path.exists():
            parts.append(np.load(path, allow_pickle=False))
            continue
        vectors = embed(shard)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors, allow_pickle=False)
        tmp.replace(path)
        parts.append(vectors)
        done = start + len(shard)
        progress(f"embedded {done:,}/{len(texts):,} passages ({time.perf_counter() - started:.0f} s)")
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
