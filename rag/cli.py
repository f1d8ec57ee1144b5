"""The `rag` command: index articles, search them, list what is indexed.

Every `RagError` becomes a one-line message and exit status 1; Ctrl-C exits 130 and, because
saves are atomic, leaves the previous index as it was.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .config import DEFAULT_MODEL, INDEX_DIR_ENV, MODES, Config, default_index_dir
from .errors import CorpusError, IndexNotFoundError, RagError
from .index.files import read_corpus, read_manifest
from .index.store import IndexStore
from .ingest.readers import describe_formats, is_web
from .ingest.web import FEED_PREFIX
from .search.retriever import Retriever, check_query
from .search.spelling import as_written, describe
from .sync import SyncReport


def _progress_wanted(args: argparse.Namespace) -> bool:
    return not getattr(args, "json", False) and sys.stderr.isatty()


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


LOCAL_RAY = "local"  # `--ray` without an address


def cmd_index(args: argparse.Namespace) -> int:
    paths = given_sources(args)
    if not paths:
        paths = recorded_sources(args.index_dir)
    elif all(is_web(p) for p in paths):
        # URLs and feeds add to what the index follows; folders and files say exactly what it holds.
        paths = list(dict.fromkeys([*recorded_sources(args.index_dir, required=False), *paths]))
    before = set(recorded_sources(args.index_dir, required=False))
    started = time.perf_counter()
    given = (("chunk_tokens", args.chunk_tokens), ("overlap_sentences", args.overlap), ("store", args.store))
    settings = {k: v for k, v in given if v is not None}
    prepare = None
    if args.ray:
        from .ingest.ray import ray_prepare

        prepare = ray_prepare(None if args.ray == LOCAL_RAY else args.ray, args.ray_workers)
    try:
        retriever = Retriever.build(
            paths,
            args.index_dir,
            model=args.model,
            rebuild=args.rebuild,
            progress=_progress_wanted(args),
            prepare=prepare,
            **settings,
        )
    finally:
        if args.ray:
            from .ingest.ray import shutdown

            shutdown()
    report = retriever.last_sync
    # A URL or feed that fails the first time it is given is not followed (a later one that
    # fails once is: it keeps what it brought in and is tried again next time).
    failed = {s.path for s in report.skipped} & {p for p in retriever.sources if is_web(p) and p not in before}
    if failed:
        retriever.sources = tuple(p for p in retriever.sources if p not in failed)
        with IndexStore(retriever.index_dir).lock():
            retriever.save()
    seconds = time.perf_counter() - started
    if args.json:
        _print_json(
            {
                "index_dir": str(retriever.index_dir),
                "documents": len(retriever.documents),
                "chunks": len(retriever.chunks),
                "seconds": round(seconds, 3),
                **asdict(report),
            }
        )
        return 0
    print(
        f"Indexed {len(retriever.documents)} documents ({len(retriever.chunks)} chunks) "
        f"in {seconds:.1f} s into {retriever.index_dir}"
    )
    print(f"  {_summary(report)}")
    for skip in report.skipped:
        print(f"  skipped {skip.path}: {skip.reason}")
    return 0


def given_sources(args: argparse.Namespace) -> list[str]:
    """Paths and URLs from the command line, the URLs listed in `--urls` files, and `--feed`s
    (recorded as `feed:URL`)."""
    sources = [str(p) for p in args.paths]
    for listing in args.urls or ():
        try:
            lines = Path(listing).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(
                f"cannot read the URL list {listing} ({exc}); give a text file with one URL a line"
            ) from None
        listed = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        bad = [u for u in listed if not u.startswith(("http://", "https://"))]
        if bad:
            raise CorpusError(f"{listing}: {bad[0]!r} is not an http(s) URL; list one URL a line (# for comments)")
        sources += listed
    for feed in args.feed or ():
        if not feed.startswith(("http://", "https://")):
            raise CorpusError(f"--feed {feed!r} is not an http(s) URL of an RSS or Atom feed")
        sources.append(FEED_PREFIX + feed)
    return sources


def recorded_sources(index_dir: Path, required: bool = True) -> list[str]:
    """The folders, URLs and feeds an index was built from, read from its manifest alone (so
    that `rag index --rebuild` works even when other files of the index are damaged)."""
    try:
        folder = IndexStore(index_dir).current()
        sources = list(read_manifest(folder).get("sources", [])) if folder else []
    except RagError:
        sources = []
    if not sources and required:
        raise CorpusError("give the folder of articles to index, e.g. `rag index seeds/` (no usable index records one)")
    return sources


def _summary(report: SyncReport) -> str:
    return (
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged; {report.texts_embedded} texts (chunks and sentences) embedded"
    )


def _open(args: argparse.Namespace) -> Retriever:
    retriever = Retriever.load(args.index_dir, model=args.model, store=args.store)
    if args.reranker:
        retriever.use_reranker(args.reranker)
    return retriever


def cmd_search(args: argparse.Namespace) -> int:
    retriever = _open(args)
    started = time.perf_counter()
    respelt = retriever.respell(check_query(args.query))
    if args.first_stage or args.reranker:  # a cross-encoder's order stands (Assistant.search)
        hits = retriever.search(respelt.query, k=args.k, mode=args.mode, doc_ids=args.doc, spelling=False)
    else:  # the passages reordered by the sentence each holds that best answers (Assistant.search)
        from .answer.assistant import Assistant

        hits = Assistant(retriever, mode=args.mode).search(args.query, k=args.k, doc_ids=args.doc)
    seconds = time.perf_counter() - started
    respelling = describe(as_written(respelt.changes, [hit.text for hit in hits])) if respelt.changes else ""
    if args.json:  # the list of hits; a respelling is said beside it, on stderr
        _print_json([{"rank": i, **asdict(h)} for i, h in enumerate(hits, start=1)])
        if respelling:
            print(respelling, file=sys.stderr)
        return 0
    if not hits:
        print("No passage matches.")
    for rank, hit in enumerate(hits, start=1):
        meta = ", ".join(x for x in (hit.outlet, hit.date) if x)
        print(f"[{rank}] {hit.title}" + (f" ({meta})" if meta else ""))
        judged = "" if hit.best_sentence is None else f"  best sentence {hit.best_sentence:.3g}"
        print(f"    {hit.chunk_id}  chars {hit.start}-{hit.end}  score {hit.score:.3f}{judged}")
        body = textwrap.fill(" ".join(hit.text.split()), width=96, initial_indent="    ", subsequent_indent="    ")
        print(body + "\n")
    if respelling:
        print(respelling)
    how = args.mode if args.first_stage or args.reranker else f"{args.mode}, by best sentence"
    print(f"{len(hits)} passages in {seconds * 1000:.0f} ms ({how})", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .answer.assistant import Assistant

    assistant = Assistant(_open(args), k=args.k, mode=args.mode, answerer=args.answerer)
    answer = assistant.ask(args.question, doc_ids=args.doc)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    if answer.short is not None:
        bold = sys.stdout.isatty()
        print(("\033[1m" if bold else "") + answer.short.text + ("\033[0m" if bold else "") + f" [{answer.short.n}]\n")
    print(textwrap.fill(answer.text, width=96))
    if answer.abstained:
        print(f"({answer.reason})")
        if answer.related:
            print("\nClosest passages:")
        for hit in answer.related:
            print(f"  - {hit.title} ({hit.chunk_id})")
            print(textwrap.fill(" ".join(hit.text.split()), 96, initial_indent="      ", subsequent_indent="      "))
    else:
        print("\nSources:")
    for c in answer.citations:
        meta = ", ".join(x for x in (c.outlet, c.date) if x)
        print(f"  [{c.n}] {c.title}" + (f" ({meta})" if meta else ""))
        print(f"      {c.doc_id}, characters {c.start}-{c.end}")
        print(textwrap.fill(" ".join(c.quote.split()), 96, initial_indent="    │ ", subsequent_indent="    │ "))
    if answer.respelling:
        print(f"\n{answer.respelling}")
    print(f"({answer.seconds * 1000:.0f} ms)", file=sys.stderr)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    retriever = Retriever.load(args.index_dir)
    counts = retriever.corpus.chunk_counts()
    rows = [
        {
            "doc_id": d.doc_id,
            "title": d.title,
            "authors": list(d.authors),
            "outlet": d.outlet,
            "date": d.date,
            "chunks": counts.get(d.doc_id, 0),
            "source": d.source,
            "url": d.url,
            "fetched": d.fetched,
            "feed": d.feed,
        }
        for d in retriever.documents.values()
    ]
    if args.json:
        _print_json(rows)
        return 0
    for doc in retriever.documents.values():
        meta = " · ".join(x for x in (doc.outlet, doc.date, ", ".join(doc.authors)) if x)
        print(f"{doc.doc_id}  ({counts.get(doc.doc_id, 0)} chunks)\n    {doc.title}")
        if meta:
            print(f"    {meta}")
    print(f"{len(rows)} documents, {len(retriever.chunks)} chunks in {retriever.index_dir}", file=sys.stderr)
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    store = IndexStore(args.index_dir)
    folder = store.current()
    if folder is None:
        raise IndexNotFoundError(f"no index at {store.root}: build one with `rag index --feed URL`")
    feeds = [s.removeprefix(FEED_PREFIX) for s in read_manifest(folder).get("sources", []) if s.startswith(FEED_PREFIX)]
    documents, _ = read_corpus(folder)
    rows = []
    for feed in feeds:
        articles = [d for d in documents.values() if d.feed == feed]
        fetched = max((d.fetched for d in articles if d.fetched), default=None)
        rows.append({"feed": feed, "articles": len(articles), "last_article_fetched": fetched})
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        when = f", newest fetched {row['last_article_fetched']}" if row["last_article_fetched"] else ""
        print(f"{row['feed']}  ({row['articles']} articles{when})")
    if not rows:
        print("No feeds followed; add one with `rag index --feed URL`.")
    print(f"{len(rows)} feeds in {store.root}", file=sys.stderr)
    return 0


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, not {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def common(p: argparse.ArgumentParser, model: bool = True, json: bool = True) -> None:
    """The options every command shares: where the index is, which model and store, JSON output."""
    p.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        help=f"index folder (default: ${INDEX_DIR_ENV} or {default_index_dir()})",
    )
    if model:
        p.add_argument(
            "--model",
            default=None,
            help=f"sentence-transformers model name or path, or {DEFAULT_MODEL}+onnx-int8 or "
            f"{DEFAULT_MODEL}+openvino-bf16 (default: the index's own, or {DEFAULT_MODEL} for a new index)",
        )
        p.add_argument(
            "--store",
            default=None,
            metavar="URI",
            help="where the vectors live: faiss (in the index folder), milvus-lite:PATH.db (Milvus Lite, "
            "embedded) or milvus://HOST:PORT (a Milvus server); default: the index's own, or faiss",
        )
    if json:
        p.add_argument("--json", action="store_true", help="print JSON for machines")


def add_index_command(sub: Any) -> None:
    p = sub.add_parser(
        "index",
        help="build or update the index from folders, files, article URLs and feeds",
        description="Build the index, or bring it in step with the given folders: new files are "
        "added, changed files re-embedded, deleted files removed. Web pages (.html files and URLs) "
        "are reduced to their article text. Given only URLs or feeds, the index keeps what it "
        "follows and adds them; pages are re-fetched only when the server says they changed, and "
        "a feed adds only the articles it has not added before.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        help=f"folders (searched recursively), {describe_formats()} files, or article URLs (https://...); "
        "default: what the index was built from",
    )
    p.add_argument("--urls", action="append", metavar="FILE", help="a text file of article URLs, one a line")
    p.add_argument("--feed", action="append", metavar="URL", help="an RSS or Atom feed to follow (repeat for several)")
    p.add_argument("--rebuild", action="store_true", help="start from scratch (needed to change the model or chunking)")
    p.add_argument(
        "--chunk-tokens",
        type=_positive_int,
        metavar="N",
        help=f"word pieces per chunk (default {Config.chunk_tokens} for a new index; changing it needs --rebuild)",
    )
    p.add_argument(
        "--overlap",
        type=_non_negative_int,
        metavar="N",
        help=f"sentences neighbouring chunks share (default {Config.overlap_sentences}; changing it needs --rebuild)",
    )
    p.add_argument(
        "--ray",
        nargs="?",
        const=LOCAL_RAY,
        metavar="ADDRESS",
        help="chunk and embed with Ray Data: on a local Ray (at most 2 CPUs), or on the cluster at ADDRESS "
        "(ray://HOST:10001, or auto on a cluster node)",
    )
    p.add_argument(
        "--ray-workers",
        type=_positive_int,
        default=2,
        metavar="N",
        help="with --ray: chunking tasks and embedding actors at a time (default 2)",
    )
    common(p)
    p.set_defaults(func=cmd_index)


def retrieval_options(p: argparse.ArgumentParser, k: int, k_help: str) -> None:
    p.add_argument("-k", type=_positive_int, default=k, help=f"{k_help} (default {k})")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="retrieval mode (default hybrid)")
    p.add_argument(
        "--doc", action="append", default=None, metavar="DOC_ID", help="only use this document (repeat for several)"
    )
    p.add_argument(
        "--reranker",
        metavar="NAME",
        help="rerank hybrid results with a sentence-transformers cross-encoder (cross-encoder:MODEL); default off",
    )
    common(p)


def add_query_commands(sub: Any) -> None:
    p = sub.add_parser("search", help="find the passages that best match a question")
    p.add_argument("query", help="the question or keywords")
    retrieval_options(p, 5, "number of passages")
    p.add_argument(
        "--first-stage",
        action="store_true",
        help="the retrieval mode's own order, without reordering the passages by their best sentence "
        "(the sentence model); faster",
    )
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with quotes from the articles, or say they don't say")
    p.add_argument("question", help="the question")
    retrieval_options(p, 8, "passages to draw sentences from")
    p.add_argument(
        "--answerer", default="extractive", metavar="NAME", help="what chooses the quotes (default extractive)"
    )
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("docs", help="list the indexed articles")
    common(p, model=False)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("feeds", help="list the feeds the index follows")
    common(p, model=False)
    p.set_defaults(func=cmd_feeds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Grounded answers from a folder of news articles.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_index_command(sub)
    add_query_commands(sub)
    # Commands from other packages (the chat page, the eval harness) plug in through entry points,
    # in the manner of simonw/llm's plugins, so the library itself never imports them.
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group="rag.commands"), key=lambda e: e.name):
        try:
            entry.load()(sub, common)
        except ImportError as exc:  # an optional part that is not installed
            logging.getLogger(__name__).debug("rag %s unavailable: %s", entry.name, exc)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Libraries may set their own loggers to DEBUG when imported (bm25s did); filter at the handler.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    if getattr(args, "index_dir", None) is None and hasattr(args, "index_dir"):
        args.index_dir = default_index_dir()
    try:
        return args.func(args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; the index on disk is unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output was piped into a reader that stopped early (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
