"""Where Milvus collections live: store URIs, one client per address, filter expressions.

A store URI names Milvus Lite (`milvus-lite:/path/to/index.db`, embedded in this process) or a
Milvus server (`milvus://host:port`, `http://host:port`, `https://...`), optionally followed by
`?name=NAME` to keep several indexes on one server apart. pymilvus is imported on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import RagError

LITE_SCHEME = "milvus-lite:"
TIMEOUT = 30.0  # seconds for one request
LITE_GRPC_OPTIONS = {"grpc.keepalive_time_ms": 2**31 - 1, "grpc.keepalive_permit_without_calls": 0}  # no pings


class StoreError(RagError):
    """The vector store named by `--store` cannot be used (client missing, server unreachable)."""


def quote(value: str) -> str:
    """`value` as a string literal of a Milvus filter expression.

    >>> print(quote('he said "hi"\\\\'))
    "he said \\"hi\\"\\\\"
    >>> print('doc in [' + ', '.join(quote(d) for d in ["a.txt", 'b"c.txt']) + ']')
    doc in ["a.txt", "b\\"c.txt"]
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def in_list(field: str, values: Sequence[str]) -> str:
    """A filter expression keeping rows whose `field` is one of `values`.

    >>> in_list("doc", ["x", "y"])
    'doc in ["x", "y"]'
    """
    return f"{field} in [{', '.join(quote(v) for v in values)}]"


@dataclass(frozen=True)
class Store:
    """Where the collections live: the URI as given, what pymilvus connects to, the index name."""

    uri: str
    address: str  # a Milvus Lite file path, or an http(s) URL
    name: str
    lite: bool


def parse_uri(uri: str) -> Store:
    """Read a store URI.

    >>> parse_uri("milvus://db.internal:19530?name=news")
    Store(uri='milvus://db.internal:19530?name=news', address='http://db.internal:19530', name='news', lite=False)
    >>> parse_uri("milvus-lite:/tmp/x/index.db").address
    '/tmp/x/index.db'
    """
    base, _, query = uri.partition("?")
    names = parse_qs(query).get("name", ["rag"])
    name = names[-1]
    if not name.isidentifier() or not name.isascii():
        raise StoreError(f"the index name {name!r} in {uri} must be letters, digits and underscores")
    if base.startswith(LITE_SCHEME):
        path = base[len(LITE_SCHEME) :].removeprefix("//")
        if not path.endswith(".db"):
            raise StoreError(f"a Milvus Lite store is a file ending in .db, not {path!r}: use milvus-lite:PATH.db")
        return Store(uri, str(Path(path).expanduser().absolute()), name, True)
    parts = urlsplit(base)
    if parts.scheme in ("milvus", "http", "https") and parts.netloc:
        scheme = "https" if parts.scheme == "https" else "http"
        return Store(uri, f"{scheme}://{parts.netloc}", name, False)
    raise StoreError(
        f"unknown vector store {uri!r}: use milvus-lite:PATH.db, milvus://HOST:PORT or http(s)://HOST:PORT"
    )


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def pymilvus_module() -> Any:
    # gRPC logs a line whenever this process forks (parallel chunking) while it holds connections;
    # errors only, unless the user asks for more.
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    try:
        import pymilvus
    except ImportError:
        raise StoreError("the Milvus client is not installed: install it with pip install 'rag[milvus]'") from None
    return pymilvus


def _check_lite_free(path: str) -> None:
    """Fail in one line when another process has the Milvus Lite file open (Milvus Lite would log
    a traceback and pymilvus raise a bare ConnectionConfigException)."""
    import fcntl

    lock = Path(path) / "LOCK"
    if not lock.exists():
        return
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        raise StoreError(
            f"the Milvus Lite file {path} is open in another process (`rag serve`?); stop it and try again, "
            "or run a Milvus server and use --store milvus://HOST:PORT"
        ) from None
    finally:
        os.close(fd)


def client(store: Store) -> Any:
    """One pymilvus client per address in this process, shared by the chunk and sentence indexes."""
    with _clients_lock:
        if store.address in _clients:
            return _clients[store.address]
        pymilvus = pymilvus_module()
        if store.lite:
            try:
                import milvus_lite  # noqa: F401  (pymilvus starts it for a .db path)
            except ImportError:
                raise StoreError("Milvus Lite is not installed: install it with pip install 'rag[milvus]'") from None
            Path(store.address).parent.mkdir(parents=True, exist_ok=True)
            _check_lite_free(store.address)
        token = os.environ.get("MILVUS_TOKEN", "")
        # pymilvus pings every 10 s; Milvus Lite's in-process server allows far fewer and answers
        # "too_many_pings" (logged by gRPC) after a long embedding pause. It needs no keepalive.
        options = {"grpc_options": LITE_GRPC_OPTIONS} if store.lite else {}
        try:
            made = pymilvus.MilvusClient(store.address, token=token, timeout=TIMEOUT, **options)
        except pymilvus.MilvusException as exc:
            where = f"the Milvus Lite file {store.address}" if store.lite else f"the Milvus server at {store.address}"
            raise StoreError(
                f"cannot reach {where} ({exc.message or type(exc).__name__}); "
                "start it or check --store (and $MILVUS_TOKEN if it needs one)"
            ) from None
        _clients[store.address] = made
        return made
