"""Load articles into `Document`s: decode, clean, extract metadata, hash.

Adding a format is one function: a reader `bytes -> str | Article` registered in `READERS` by
suffix. A reader that returns text (`.txt`, `.text`, `.md`, `.story`) gets the plain-text cleaning and metadata
rules, and offsets are into the decoded file exactly as stored (no newline translation), so a
citation's `start:end` can be checked against the file itself. A reader that returns an `Article`
(`.html`, `.htm`, `.shtml`, `.xhtml`, `.json` for an article saved as a JSON object, and `.xml` or
`.nitf` for an NITF story) has found the
article text and metadata itself; offsets are into that text, which the index stores (`Document.text`,
with `extracted=True`). A collection, many articles in one file (`.jsonl` and `.ndjson`, JSON Lines;
a `.json` array), becomes one document per record, "news.jsonl#a81f" or "news.jsonl#line-7"
(json_article.py says how records are keyed); a record that is no article is skipped with its
reason and the others are read.

Sources are folders, files, article URLs (`https://...`) and feeds (`feed:https://...`); the web
ones are fetched by `rag.web`.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..types import Document
from .cleaning import clean
from .html import Article, NotAnArticle
from .json_article import NotAnArticleObject, Records, read_json_file, read_json_lines
from .metadata import extract_metadata, shorten

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20_000_000
MAX_COLLECTION_BYTES = 200_000_000  # a JSON Lines export of thousands of articles, read a line at a time


class UnreadableFile(Exception):
    """Raised by a reader for a file it cannot turn into text; the message is the reason."""


def read_plain_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or else the legacy encoding (Windows-1252,
    Latin-1 ...) that charset-normalizer finds the bytes read best in; bytes that read as no
    encoding's text are refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = _legacy_text(data)
        if legacy is None:
            raise UnreadableFile(
                f"not UTF-8 text (bad byte at offset {exc.start}), nor text in another encoding; save it as UTF-8"
            ) from None
        return legacy


def _legacy_text(data: bytes) -> str | None:
    """`data` decoded in the encoding charset-normalizer judges it was written in (a library that
    weighs how each candidate encoding's decoding reads), or None when no encoding gives text.

    >>> _legacy_text("Café “owners” — 5 €".encode("cp1252"))
    'Café “owners” — 5 €'
    """
    from charset_normalizer import from_bytes  # only for the rare file that is not UTF-8

    best = from_bytes(data).best()
    if best is None:
        return None
    log.info("read a file as %s (not UTF-8)", best.encoding)
    return str(best)


def read_html(data: bytes) -> Article:
    """The article in a saved web page (any encoding the page declares)."""
    from .html import extract_article

    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return extract_article(data)
    except NotAnArticle as exc:
        raise UnreadableFile(str(exc)) from None


def read_xml(data: bytes) -> Article:
    """The story in an NITF file (nitf.py), the XML news agencies and newspaper archives keep stories in."""
    from .nitf import NotAnNitfArticle, read_nitf

    try:
        return read_nitf(data)
    except NotAnNitfArticle as exc:
        raise UnreadableFile(str(exc)) from None


def read_json(data: bytes) -> Article | Records:
    """The article in a JSON file holding one article object, or the records of an array of them
    (json_article.py)."""
    try:
        return read_json_file(data)
    except NotAnArticleObject as exc:
        raise UnreadableFile(str(exc)) from None


def read_jsonl(data: bytes) -> Records:
    """The records of a JSON Lines file, one article object a line (json_article.py)."""
    try:
        return read_json_lines(data)
    except NotAnArticleObject as exc:
        raise UnreadableFile(str(exc)) from None


READERS: dict[str, Callable[[bytes], str | Article | Records]] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_plain_text,
    ".story": read_plain_text,  # the CNN / Daily Mail story files news QA and summarisation sets ship
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".xhtml": read_html,
    ".json": read_json,  # one article object, as news-please, trafilatura or a news API saves it (or an array)
    ".xml": read_xml,  # an NITF story, as agencies deliver them and archives keep them
    ".nitf": read_xml,
}
# Files that hold many articles: each record is a document of its own ("news.jsonl#line-7").
COLLECTIONS: dict[str, Callable[[bytes], Records]] = {".jsonl": read_jsonl, ".ndjson": read_jsonl}
WEB_PREFIXES = ("http://", "https://", "feed:")


def describe_formats() -> str:
    """The registered file suffixes, for messages: ".txt/.text/.md/ ... /.json/.jsonl/.ndjson"."""
    return "/".join([*READERS, *COLLECTIONS])


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_document(doc_id: str, source: str, text: str) -> Document:
    """Clean `text` and read its metadata; the result may have no segments (all boilerplate)."""
    cleaned = clean(text)
    meta = extract_metadata(text, cleaned)
    return Document(
        doc_id=doc_id,
        source=source,
        text=text,
        segments=cleaned.segments,
        title=meta.title or doc_id,
        authors=meta.authors,
        outlet=meta.outlet,
        date=meta.date,
        content_hash=content_hash(text),
    )


def article_document(doc_id: str, source: str, article: Article, **fields: object) -> Document:
    """A Document whose text is an extracted article: every paragraph is kept (extraction has
    already left the page furniture out), or, for a `plain` one, what the plain-text cleaning
    keeps; `fields` are the web fields (`url`, `fetched`, ...)."""
    return Document(
        doc_id=doc_id,
        source=source,
        text=article.text,
        segments=clean(article.text).segments if article.plain else article.paragraphs(),
        title=shorten(article.title or article.text.split("\n", 1)[0]),
        authors=article.authors,
        outlet=article.outlet,
        date=article.date,
        content_hash=content_hash(article.text),
        extracted=True,
        **fields,  # type: ignore[arg-type]
    )


def to_document(doc_id: str, source: str, read: str | Article) -> Document:
    """What a reader returned, as a Document."""
    if isinstance(read, Article):
        return article_document(doc_id, source, read, url=read.url)
    return parse_document(doc_id, source, read)


def read_file(doc_id: str, path: Path, max_bytes: int = 0) -> Document:
    """One article file (`doc_id` ends in a registered suffix) as a Document, or UnreadableFile saying why not:
    too large, unreadable, no article text in it, or a collection (`read_articles` reads those).
    `max_bytes` defaults to `MAX_FILE_BYTES`."""
    docs, skipped = read_articles(doc_id, path, max_bytes)
    if len(docs) == 1 and not skipped and docs[0].doc_id == doc_id:
        return docs[0]
    if not docs:
        raise UnreadableFile(skipped[0].reason if skipped else "no articles in it")
    articles = f"{len(docs):,} article{'' if len(docs) == 1 else 's'}"
    raise UnreadableFile(f"a collection of {articles}: index it with `rag index` (one article a file here)")


def read_articles(doc_id: str, path: Path, max_bytes: int = 0) -> tuple[list[Document], list[Skipped]]:
    """Every article in one file: the one of an article file, or each record of a collection (as
    "{doc_id}#{key}") with the records skipped and why; UnreadableFile when the file itself cannot be
    read (too large, unreadable, no article text). `max_bytes` defaults to `MAX_FILE_BYTES`, or
    `MAX_COLLECTION_BYTES` for a collection's suffix."""
    suffix = Path(doc_id).suffix.lower()  # an upload's temporary file may lack the suffix
    limit = max_bytes or (MAX_COLLECTION_BYTES if suffix in COLLECTIONS else MAX_FILE_BYTES)
    source = str(path.resolve())
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableFile(f"larger than {limit / 1e6:g} MB ({size:,} bytes)")
        read = (COLLECTIONS.get(suffix) or READERS[suffix])(path.read_bytes())
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    if not isinstance(read, list):
        doc = to_document(doc_id, source, read)
        if not doc.segments:
            raise UnreadableFile("empty file" if not doc.text.strip() else "no article text (only boilerplate)")
        return [doc], []
    docs, skipped = [], []
    for key, record in read:
        name = f"{doc_id}#{key}"
        if isinstance(record, str):
            skipped.append(Skipped(f"{path}#{key}", record))
            continue
        doc = to_document(name, source, record)
        if doc.segments:
            docs.append(doc)
        else:
            skipped.append(Skipped(f"{path}#{key}", "no article text (only boilerplate)"))
    return docs, skipped


def is_web(source: str | os.PathLike[str]) -> bool:
    """Is `source` a URL or a feed rather than a path?

    >>> is_web("https://example.org/a"), is_web("feed:https://example.org/rss"), is_web("seeds/")
    (True, True, False)
    """
    return isinstance(source, str) and source.lower().startswith(WEB_PREFIXES)


def source_key(source: str | os.PathLike[str]) -> str:
    """How a source is recorded in the index: URLs as given, paths made absolute."""
    return str(source) if is_web(source) else str(Path(source).expanduser().resolve())


def find_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Path]]:
    """`(doc_id, path)` for every readable file under `paths`, in a stable order.

    A folder contributes its files recursively with ids relative to it; a single file is
    named by its file name. Symlinked folders are not followed (no loops).
    """
    for given in paths:
        root = Path(given).expanduser()
        if root.is_file():
            yield root.name, root
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        path = Path(dirpath) / name
                        yield path.relative_to(root).as_posix(), path
        else:
            raise CorpusError(
                f"{root} does not exist: give a folder of {describe_formats()} articles, article files, "
                "URLs (https://...) or feeds (--feed URL)"
            )


def load_documents(
    paths: Iterable[str | os.PathLike[str]], known: Mapping[str, Document] | None = None
) -> tuple[list[Document], list[Skipped]]:
    """Every article under `paths` (folders, files, URLs, feeds), plus what was skipped and why.

    `known` is what the index holds already: pages are re-fetched only if changed (ETag,
    Last-Modified), and a feed's articles stay even once the feed no longer lists them.
    """
    paths = list(paths)
    local = [p for p in paths if not is_web(p)]
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for doc_id, path in find_files(local):
        if path.suffix.lower() not in READERS and path.suffix.lower() not in COLLECTIONS:
            continue
        try:
            docs, passed = read_articles(doc_id, path)
        except UnreadableFile as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        skipped.extend(passed)
        for doc in docs:
            if doc.doc_id in documents:
                raise CorpusError(
                    f"two articles would both be called {doc.doc_id!r} ({documents[doc.doc_id].source} and {path}); "
                    "index their common parent folder instead"
                )
            documents[doc.doc_id] = doc
    web = [str(p) for p in paths if is_web(p)]
    if web:
        from .web import load_web

        fetched, web_skipped = load_web(web, known or {})
        skipped.extend(web_skipped)
        for doc in fetched:
            if doc.doc_id in documents and documents[doc.doc_id].source != doc.source:
                skipped.append(Skipped(doc.source, f"same id {doc.doc_id!r} as {documents[doc.doc_id].source}"))
                continue
            documents[doc.doc_id] = doc
    for skip in skipped:
        log.info("skipped %s: %s", skip.path, skip.reason)
    return list(documents.values()), skipped
