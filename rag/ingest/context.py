"""The text a chunk is indexed by: the chunk, preceded by its article's title when the chunk
does not already hold it.

A passage deep in an article rarely repeats what the article is about ("the summit", "he said");
the title carries that into both BM25 and the embedding. Only the indexed text changes:
`Chunk.text` and its offsets stay an exact slice of the source, and citations are unaffected.
"""

from __future__ import annotations

from ..types import Chunk, Document
from .chunking import TOKEN, count_tokens

TITLE_TOKENS = 32  # at most this many approximate word pieces of title go in front of a chunk


def title_prefix(title: str, max_tokens: int = TITLE_TOKENS) -> str:
    """The title cut at a word boundary to about `max_tokens` word pieces, without an ellipsis.

    >>> title_prefix("Trump and Putin meet in Alaska…")
    'Trump and Putin meet in Alaska'
    >>> title_prefix("one two three four", max_tokens=2)
    'one two'
    """
    title = " ".join(title.rstrip("…").split())
    if count_tokens(title) <= max_tokens:
        return title
    words: list[str] = []
    for word in title.split():
        if count_tokens(" ".join([*words, word])) > max_tokens:
            break
        words.append(word)
    return " ".join(words)


def indexed_text(chunk: Chunk, doc: Document, with_title: bool = True) -> str:
    """What BM25 and the embedding see for `chunk`: "title\\n\\nchunk text", or the chunk text
    alone when the chunk already contains its title (the article's first passage).

    >>> from rag.types import Document, Chunk
    >>> text = "Summit in Alaska\\n\\nThey met. He left."
    >>> doc = Document("d", "d.txt", text, ((0, 16), (18, 36)), "Summit in Alaska")
    >>> indexed_text(Chunk("d#1", "d", 28, 36, "He left.", ((28, 36),)), doc)
    'Summit in Alaska\\n\\nHe left.'
    >>> indexed_text(Chunk("d#0", "d", 0, 27, doc.text[0:27], ((0, 16), (18, 27))), doc)
    'Summit in Alaska\\n\\nThey met.'
    """
    if not with_title:
        return chunk.text
    prefix = title_prefix(doc.title)
    if not TOKEN.search(prefix) or prefix in chunk.text:
        return chunk.text
    return f"{prefix}\n\n{chunk.text}"
