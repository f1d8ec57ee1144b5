"""Vector index in Milvus: one collection per index generation, an alias naming the live one.

The same code runs on Milvus Lite (`milvus-lite:/path/to/index.db`, embedded in this process, for
tests and one machine) and on a Milvus Standalone or Distributed server (`milvus://host:port`,
`http://host:port` or `https://...`; a token, if the server wants one, comes from
`$MILVUS_TOKEN`). A URI may end in `?name=NAME` to keep several indexes on one server apart (the
default name is "rag"). pymilvus is imported on first use, never when `rag` is imported.

Layout on the server, for an index named "rag" and the role "chunks" (sentences alike)::

    rag_chunks                  alias: the live generation, for other clients to read
    rag_chunks_<time><random>   one collection per saved generation: id (primary key, the chunk
                                or sentence id), doc (the document id), seq (order of adding),
                                vector (unit float32, FLAT index, inner product)

Writing. An index opened on a saved generation never changes that generation's collection: the
first `add` or `remove` after `open` or `save` copies it into a fresh collection (pages of rows
read and written back through this client) and changes the copy. `save(folder)` flushes the
working collection, writes `milvus-<role>.json` into the generation folder (the collection's name,
its size, the dimension, the next `seq`), points the alias at it, and then collects garbage. A
copy costs one pass over the stored rows for each generation that changes anything; a long
`rag index` saves every two minutes, so on a large archive those passes add up. (Copy-free
generations would stamp rows with the generations that added and removed them and filter on it.)

Why readers never see a half-written index. `rag` readers never go through the alias: they open
the generation that the index folder's `CURRENT` names, and that generation's collection is never
written to again. The alias is switched only after the new collection is complete, so a client
that reads the alias sees the old generation or the new one, never a mix.

When old collections are dropped. At each save, every collection of this name and role is
dropped except three: the new one, the one the alias named before (the generation readers are
most likely holding: `rag serve` loaded it, and `CURRENT` still names it if this save is killed
before the new generation is committed), and the one this index was opened from (which `CURRENT`
names if an earlier save was killed after switching the alias). Orphans of killed writers go at
the next save. A reader that still holds a generation two saves old finds its collection gone
and gets `IndexNotFoundError` asking it to reload (run the command again or restart `rag serve`);
there is no silent fallback to newer vectors, whose chunks its corpus would not know.

Milvus Lite lets one process at a time open a file: a second process on the same file gets a
one-line error (stop the other one, or run a Milvus server and use `milvus://`).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorruptError, IndexNotFoundError, RagError
from ..types import Scored
from .milvus_store import TIMEOUT, Store, StoreError, client, in_list, parse_uri, pymilvus_module

log = logging.getLogger(__name__)

BACKEND = "milvus"
ROLES = ("chunks", "sentences")
MANIFEST = "milvus-{role}.json"
MAX_ID_CHARS = 65_535  # the longest VARCHAR Milvus stores
MAX_TOPK = 16_384  # Milvus refuses a larger limit
WRITE_ROWS = 1_000  # rows per insert request
IDS_PER_QUERY = 1_000  # ids per `id in [...]` expression
PAGE_ROWS = 1_000  # rows per page when copying a collection
CACHE_ROWS = 20_000  # rows of a saved generation kept by `get` (30 MB at 384 dimensions)


def _new_collection_name(prefix: str) -> str:
    """A fresh name that sorts by creation time, e.g. "rag_chunks_18c9e2f0a1b2c3d4_5f3a"."""
    return f"{prefix}_{time.time_ns():016x}_{secrets.token_hex(2)}"


class MilvusIndex:
    """Unit vectors under stable string ids, grouped by document, in Milvus; see the module docstring."""

    backend = BACKEND

    def __init__(self, store: Store, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        self.store = store
        self.role = role
        self.alias = f"{store.name}_{role}"
        self._client = client(store)
        self._dim: int | None = None
        self._collection: str | None = None  # where rows are read (and written, unless frozen)
        self._frozen = False  # True while `_collection` belongs to a saved generation
        self._opened_from: str | None = None
        self._count: int | None = 0
        self._next_seq = 0
        # Rows read from a saved generation (readers ask for the same passages' sentences again).
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, uri: str, role: str, folder: Path | None = None) -> MilvusIndex:
        """The index of `role` in the store `uri`: the generation saved in `folder`, or a new empty
        index when `folder` is None. IndexNotFoundError if the generation's collection is gone."""
        index = cls(parse_uri(uri), role)
        if folder is None:
            return index
        path = Path(folder) / MANIFEST.format(role=role)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            collection, count, dim, next_seq = saved["collection"], saved["count"], saved["dim"], saved["next_seq"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorruptError(
                f"{path} cannot be read ({exc}); rebuild the index with `rag index --rebuild`"
            ) from exc
        if not index._call("has_collection", collection_name=collection):
            raise IndexNotFoundError(
                f"the Milvus collection {collection} of the index generation in {folder} is gone from "
                f"{uri} (a newer save dropped it, or the server was reset); run the command again, restart "
                "`rag serve`, or rebuild with `rag index --rebuild`"
            )
        index._collection, index._opened_from, index._frozen = collection, collection, True
        index._count, index._dim, index._next_seq = int(count), dim, int(next_seq)
        index._call("load_collection", collection_name=collection)
        return index

    # -- the VectorIndex verbs ----------------------------------------------------------------

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._rows_in(self._collection) if self._collection else 0
        return self._count

    @property
    def dim(self) -> int | None:
        """Vector width, known once the first vectors were added (or from the saved generation)."""
        return self._dim

    def add(self, ids: Sequence[str], groups: Sequence[str], vectors: np.ndarray) -> None:
        """Store one unit row per id (replacing a row stored under the same id)."""
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(ids) != len(groups) or len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids, {len(groups)} groups and {len(vectors)} vectors")
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise ValueError(f"vectors of width {vectors.shape[1]} added to a {self._dim}-dimensional index")
        too_long = [i for i in [*ids, *groups] if len(i) > MAX_ID_CHARS]
        if too_long:
            raise RagError(f"an id of {len(too_long[0]):,} characters is longer than Milvus stores ({MAX_ID_CHARS:,})")
        if self._dim is None:
            self._collection = None  # at most an empty placeholder of unknown width: start afresh
            self._dim = vectors.shape[1]
        collection = self._writable()
        seqs = range(self._next_seq, self._next_seq + len(ids))
        self._next_seq += len(ids)
        rows = [
            {"id": i, "doc": g, "seq": s, "vector": v}
            for i, g, s, v in zip(ids, groups, seqs, vectors.tolist(), strict=True)
        ]
        for start in range(0, len(rows), WRITE_ROWS):
            self._call("upsert", collection_name=collection, data=rows[start : start + WRITE_ROWS])
        if self.store.lite:
            # Milvus Lite scans unsealed rows in Python (25x slower: 185 against 7 ms a search over
            # 6,000 rows); a server indexes growing segments itself and limits how often to flush.
            self._call("flush", collection_name=collection)
        self._count = None

    def remove(self, groups: Sequence[str]) -> None:
        """Drop every row of the documents `groups`."""
        if not groups or self._collection is None:
            return
        collection = self._writable()
        groups = list(dict.fromkeys(groups))
        for start in range(0, len(groups), IDS_PER_QUERY):
            batch = groups[start : start + IDS_PER_QUERY]
            self._call("delete", collection_name=collection, filter=in_list("doc", batch))
        self._count = None

    def search(self, vector: np.ndarray, k: int, groups: Sequence[str] | None = None) -> list[Scored]:
        """The `k` stored rows of highest inner product with `vector`, best first (ties: the row
        added first), optionally only rows of the documents `groups`."""
        if self._collection is None or k < 1 or (groups is not None and not groups) or not len(self):
            return []
        found = self._call(
            "search",
            collection_name=self._collection,
            data=[np.asarray(vector, dtype=np.float32).tolist()],
            limit=min(k, len(self), MAX_TOPK),
            filter=in_list("doc", list(dict.fromkeys(groups))) if groups is not None else "",
            output_fields=["seq"],
            search_params={"metric_type": "IP"},
        )[0]
        ranked = sorted(found, key=lambda hit: (-hit["distance"], hit["entity"]["seq"]))
        return [Scored(hit["id"], float(hit["distance"])) for hit in ranked]

    def get(self, ids: Sequence[str]) -> np.ndarray:
        """Stored rows of `ids`, in order; a zero row for an id not stored. Rows of a saved
        generation are kept in a small cache: its collection never changes."""
        out = np.zeros((len(ids), self._dim or 0), dtype=np.float32)
        if self._collection is None or not len(ids):
            return out
        wanted = list(dict.fromkeys(ids))
        with self._cache_lock:
            found = {key: self._cache[key] for key in wanted if self._frozen and key in self._cache}
            for key in found:
                self._cache.move_to_end(key)
        missing = [key for key in wanted if key not in found]
        fetched: dict[str, np.ndarray] = {}
        for start in range(0, len(missing), IDS_PER_QUERY):
            rows = self._call(
                "query",
                collection_name=self._collection,
                filter=in_list("id", missing[start : start + IDS_PER_QUERY]),
                output_fields=["id", "vector"],
            )
            fetched.update((row["id"], np.asarray(row["vector"], dtype=np.float32)) for row in rows)
        if fetched and self._frozen:
            with self._cache_lock:
                self._cache.update(fetched)
                while len(self._cache) > CACHE_ROWS:
                    self._cache.popitem(last=False)
        found.update(fetched)
        for row, key in enumerate(ids):
            if key in found:
                out[row] = found[key]
        return out

    def save(self, folder: Path) -> None:
        """Seal the working collection as this generation's, record it in `folder`, switch the
        alias to it and drop collections no reader can need (see the module docstring)."""
        collection = self._collection
        if collection is None:  # an empty index still gets a collection, so `open` finds one
            collection = self._writable()
        self._call("flush", collection_name=collection)
        record = {
            "backend": BACKEND,
            "uri": self.store.uri,
            "role": self.role,
            "collection": collection,
            "alias": self.alias,
            "count": len(self),
            "dim": self._dim,
            "next_seq": self._next_seq,
        }
        (Path(folder) / MANIFEST.format(role=self.role)).write_text(json.dumps(record, indent=1), encoding="utf-8")
        previous = self._alias_target()
        if previous is None:
            self._call("create_alias", collection_name=collection, alias=self.alias)
        elif previous != collection:
            self._call("alter_alias", collection_name=collection, alias=self.alias)
        self._frozen = True
        self._collect({collection, previous, self._opened_from})

    # -- helpers ------------------------------------------------------------------------------

    def _call(self, method: str, **kwargs: Any) -> Any:
        """`client.method(**kwargs)` with the client's errors turned into one-line StoreErrors."""
        pymilvus = pymilvus_module()
        try:
            return getattr(self._client, method)(timeout=TIMEOUT, **kwargs)
        except pymilvus.MilvusException as exc:
            collection = kwargs.get("collection_name")
            if collection and method != "has_collection" and not self._exists(collection):
                raise IndexNotFoundError(
                    f"the Milvus collection {collection} is gone from {self.store.uri} (a newer save dropped "
                    "it); run the command again or restart `rag serve` to load the current index"
                ) from None
            where = self.store.address if self.store.lite else f"the Milvus server at {self.store.address}"
            raise StoreError(
                f"Milvus {method} failed on {where}: {exc.message or type(exc).__name__}; "
                "check that the server is up and --store is right"
            ) from None

    def _exists(self, collection: str) -> bool:
        try:
            return bool(self._client.has_collection(collection_name=collection, timeout=TIMEOUT))
        except Exception:  # the server is down: the caller reports that
            return True

    def _schema(self, dim: int) -> tuple[Any, Any]:
        pymilvus = pymilvus_module()
        schema = self._client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", pymilvus.DataType.VARCHAR, is_primary=True, max_length=MAX_ID_CHARS)
        schema.add_field("doc", pymilvus.DataType.VARCHAR, max_length=MAX_ID_CHARS)
        schema.add_field("seq", pymilvus.DataType.INT64)
        schema.add_field("vector", pymilvus.DataType.FLOAT_VECTOR, dim=dim)
        index_params = self._client.prepare_index_params()
        # Exact search, as FAISS's flat index: the same hits for the same vectors. A very large
        # collection would take HNSW or IVF here, with the recall that costs.
        index_params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
        return schema, index_params

    def _writable(self) -> str:
        """The collection to change: the working one, made (and filled from the saved generation)
        on the first change after `open` or `save`."""
        if self._collection is not None and not self._frozen:
            return self._collection
        dim = self._dim
        if dim is None:
            dim = 1  # an empty index saved before any vector: any width, nothing stored
        name = _new_collection_name(self.alias)
        schema, index_params = self._schema(dim)
        # Strong consistency: a read sees every write acknowledged before it.
        self._call("create_collection", collection_name=name, schema=schema, consistency_level="Strong")
        # sync=False: the index of an empty collection is ready at once, and waiting for it calls
        # AllocTimestamp, which Milvus Lite does not serve (it logs an error, then pymilvus sleeps).
        self._call("create_index", collection_name=name, index_params=index_params, sync=False)
        self._call("load_collection", collection_name=name)
        if self._collection is not None:
            copied = 0
            for page in self._pages(self._collection):
                self._call("insert", collection_name=name, data=page)
                copied += len(page)
            if copied != len(self):
                raise IndexCorruptError(
                    f"copying Milvus collection {self._collection} gave {copied} of {len(self)} rows; "
                    "rebuild the index with `rag index --rebuild`"
                )
        self._collection, self._frozen = name, False
        with self._cache_lock:
            self._cache.clear()
        return name

    def _pages(self, collection: str) -> Iterator[list[dict[str, Any]]]:
        """Every row of `collection`, in pages of at most `PAGE_ROWS` consecutive `seq` numbers
        (a query's limit does not page by id: neither Milvus Lite nor a cluster promises an order)."""
        for start in range(0, self._next_seq, PAGE_ROWS):
            page = self._call(
                "query",
                collection_name=collection,
                filter=f"seq >= {start} and seq < {start + PAGE_ROWS}",
                output_fields=["id", "doc", "seq", "vector"],
            )
            if page:
                yield [dict(row) for row in page]

    def _rows_in(self, collection: str) -> int:
        found = self._call("query", collection_name=collection, filter="", output_fields=["count(*)"])
        return int(found[0]["count(*)"])

    def _alias_target(self) -> str | None:
        aliases = self._call("list_aliases")["aliases"]
        if self.alias not in aliases:
            return None
        return str(self._call("describe_alias", alias=self.alias)["collection_name"])

    def _collect(self, keep: set[str | None]) -> None:
        prefix = f"{self.alias}_"
        for name in self._call("list_collections"):
            if name.startswith(prefix) and name not in keep:
                log.info("dropping Milvus collection %s (superseded)", name)
                self._call("drop_collection", collection_name=name)
