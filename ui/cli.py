"""`rag serve`: registered with the `rag` command through the "rag.commands" entry point, so the
library never imports the UI."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rag import RagError, Retriever
from rag.cli import recorded_sources
from rag.index.store import IndexStore
from rag.ingest.readers import is_web

from .auth import AUTH_ENV, check_exposure, credentials

DEFAULT_CORPUS = "seeds"


def wait_for_page(url: str, proc: subprocess.Popen, seconds: float, poll: float = 0.1) -> bool:
    """Whether the page at `url` answered 200 before `proc` exited or `seconds` passed (for
    scripts and tests that start `rag serve`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(poll)


def upload_dir_for(index_dir: Path) -> Path:
    return Path(index_dir) / "uploads"


def cmd_serve(args: argparse.Namespace) -> int:
    creds = credentials(args.auth, args.auth_file)
    check_exposure(args.host, args.share, creds, args.open)  # before any indexing: fail fast
    uploads = upload_dir_for(args.index_dir)
    paths = list(args.paths)
    if IndexStore(args.index_dir).current() is None and not paths:
        paths = [DEFAULT_CORPUS]
    if paths:
        if uploads.is_dir() and any(uploads.iterdir()):
            paths.append(str(uploads))  # keep uploaded articles when re-syncing the folders
        paths += [s for s in recorded_sources(args.index_dir, required=False) if is_web(s) and s not in paths]
        print(f"Indexing {', '.join(paths)} ...", file=sys.stderr)
        settings = {"store": args.store} if args.store else {}
        retriever = Retriever.build(paths, args.index_dir, model=args.model, progress=sys.stderr.isatty(), **settings)
    else:
        retriever = Retriever.load(args.index_dir, model=args.model, store=args.store)
    retriever.query_vector("warm up")  # load the model now, not on the first question
    print(
        f"{len(retriever.documents)} articles, {len(retriever.chunks)} passages. "
        f"Open http://{args.host}:{args.port}/ in a browser (Ctrl-C stops)."
        + (" Sign in with the credentials given." if creds else "")
        + (" Read-only: adding and removing articles is off." if args.read_only else ""),
        file=sys.stderr,
    )
    try:
        from .app import launch  # Gradio is imported only when serving
    except ImportError as exc:
        raise RagError(f"the chat page needs Gradio ({exc}): run `pip install -e '.[ui]'`") from None

    launch(retriever, uploads, host=args.host, port=args.port, share=args.share, auth=creds, read_only=args.read_only)
    return 0


def register(sub: argparse._SubParsersAction, common) -> None:
    p = sub.add_parser(
        "serve",
        help="open the chat page in a browser",
        description="Serve the chat page. Builds the index from the given folders (default: seeds/) "
        "if there is none, or brings it in step with them.",
    )
    p.add_argument("paths", nargs="*", help="folders of articles to index first (default: seeds/ for a new index)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--share", action="store_true", help="also open a public Gradio share link (off by default)")
    p.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        default=None,
        help=f"ask for this user name and password (needed to serve beyond 127.0.0.1; or set ${AUTH_ENV})",
    )
    p.add_argument("--auth-file", type=Path, default=None, help="a file of USER:PASSWORD lines, instead of --auth")
    p.add_argument(
        "--open",
        action="store_true",
        help="serve beyond this machine without a password (anyone who can reach it can use it)",
    )
    p.add_argument("--read-only", action="store_true", help="turn off adding and removing articles on the page")
    common(p, json=False)
    p.set_defaults(func=cmd_serve)
