"""The child side of ``graph.executor``: what a query worker process runs.

Kept apart from the pool so the module a worker imports (and the forkserver preloads) holds
only what a worker needs: open the store, answer jobs, report errors as (class, message)
pairs that the parent turns back into the project's errors.

Before it reads a query a worker takes away its own network and caps its memory
(``graph.sandbox``), and it answers on a thread with a large stack: Oxigraph's parser and
optimiser recurse once per nesting level or chained operator (``!!!…``, ``1+1+…``, a long
``UNION`` chain), and on the main thread's 8 MB stack a query of a few kilobytes overflows it
and kills the process. With ``STACK_MB`` every query up to the default ``KKG_MAX_QUERY_BYTES``
parses; one that still crashes kills only this disposable process.

A store served from a home folder is named by its ``current`` symlink, which a rebuild
repoints atomically (``graph.store.write_home``). Before each job the worker reads the link
(one system call) and, when it names a new store, opens that one and drops the old, so a
rebuild reaches every query process without a restart and without a dropped request.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import graph.errors as errors
from graph.errors import KGError, StoreError, one_line
from graph.results import Serialised, serialise_query
from graph.sandbox import deny_network, limit_memory
from graph.store import GraphStore

STACK_MB = 512  # virtual: only the pages a deep query touches are ever used


@dataclass(frozen=True)
class StoreSource:
    """Where a worker gets its store: a store folder (opened read-only) or RDF files.

    ``store_dir`` may be a symlink (a home's ``current``): it is resolved when opened, since
    RocksDB opens files by path long after the store is, and ``version`` tells when it moved.
    """

    store_dir: Path | None = None
    data_files: tuple[Path, ...] = ()

    def open(self) -> GraphStore:
        """Open the store this source names (in the calling process)."""
        if self.data_files:
            from graph.loading import load_rdf_files

            return load_rdf_files(list(self.data_files))
        if self.store_dir is None:
            raise StoreError("no store to serve: give a store folder or RDF files")
        target = self.store_dir.resolve()
        try:
            return GraphStore(ox.Store.read_only(str(target)), target, read_only=True)
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise StoreError(
                f"the graph store in {target} cannot be opened: {exc}") from exc

    def version(self) -> str | None:
        """Where the store folder points now, if it is a symlink (else None: it never moves)."""
        if self.store_dir is None or self.data_files:
            return None
        try:
            return os.readlink(self.store_dir)
        except OSError:  # not a symlink, or gone for a moment
            return None


@dataclass(frozen=True)
class WorkerLimits:
    """What a worker takes away from itself: memory beyond ``memory_mb``, the network."""

    memory_mb: int = 0
    deny_network: bool = True


@dataclass(frozen=True)
class QueryJob:
    """One query to run: text, bound values, dataset, wanted media type and row cap."""

    query: str
    media_type: str
    max_rows: int = 10_000
    bindings: Mapping[str, ox.NamedNode | ox.Literal] = field(default_factory=dict)
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True
    max_bytes: int | None = None  # cut the answer past about this many bytes (None: no cut)


def worker_main(conn: Connection, source: StoreSource,
                limits: WorkerLimits | None = None) -> None:
    """A worker's life: sandbox itself, open the store, say ready, answer jobs until told."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limits = limits or WorkerLimits()
    network_denied = deny_network() if limits.deny_network else False
    try:
        threading.stack_size(STACK_MB * 1024 * 1024)
        thread = threading.Thread(target=_serve, args=(conn, source, limits, network_denied),
                                  name="kkg-query", daemon=True)
        thread.start()
    except (ValueError, RuntimeError, MemoryError):  # no room for the stack: main thread
        _serve(conn, source, limits, network_denied)
        return
    thread.join()


def _serve(conn: Connection, source: StoreSource, limits: WorkerLimits,
           network_denied: bool) -> None:
    try:
        store = source.open()
        version = source.version()
        store.query(_WARM_UP)  # the engine's own allocations count as the base, not a query's
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        payload = error_payload(exc)
        if not isinstance(exc, KGError):
            payload = ("StoreError", f"the graph store cannot be opened: {payload[1]}")
        conn.send(("error", payload))
        conn.close()
        return
    memory_limited = limit_memory(limits.memory_mb)
    conn.send(("ready", {"network_denied": network_denied, "memory_limited": memory_limited}))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        store, version = _follow(source, store, version)
        conn.send(_answer(store, job))


_WARM_UP = "ASK { ?s ?p ?o }"


def _follow(source: StoreSource, store: GraphStore, version: str | None
            ) -> tuple[GraphStore, str | None]:
    """The store to answer from: the new one when a rebuild has repointed the source."""
    now = source.version()
    if now is None or now == version:
        return store, version
    try:
        return source.open(), now
    except KGError:  # the new store cannot be opened (yet): keep the one that works
        return store, version


def _answer(store: GraphStore, job: QueryJob) -> tuple[str, Any]:
    try:
        return ("ok", _evaluate(store, job))
    except Exception as exc:  # noqa: BLE001 - every failure goes back as a project error
        return ("error", error_payload(exc))


def answer_job(store: GraphStore, job: QueryJob) -> Serialised:
    """Run ``job`` in the calling process, failing with the same errors a worker reports.

    For queries known to be quick (``graph.inline``); anything else belongs in a worker.
    """
    try:
        return _evaluate(store, job)
    except KGError:
        raise
    except Exception as exc:  # noqa: BLE001 - the same project error a worker would send
        raise rebuild_error(error_payload(exc)) from None


def _evaluate(store: GraphStore, job: QueryJob) -> Serialised:
    started = time.perf_counter()

    def run() -> Any:
        return store.query(
            job.query,
            bindings=dict(job.bindings) or None,
            default_graph=list(job.default_graphs) if job.default_graphs is not None else None,
            named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
            union_default_graph=job.union_default_graph,
        )

    answer = serialise_query(run, job.media_type, job.max_rows, job.max_bytes)
    return dataclasses.replace(answer, seconds=time.perf_counter() - started)


def error_payload(exc: BaseException) -> tuple[str, str]:
    """A picklable (class name, one-line message) for an error raised in a worker."""
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if isinstance(exc, KGError):
        return (type(exc).__name__, message)
    if isinstance(exc, MemoryError):
        return ("QueryLimitError", "the query needed more memory than one query may use"
                                   " (KKG_QUERY_MEMORY_MB) and was stopped")
    if isinstance(exc, OSError):
        return ("StoreError", f"the graph store could not be read: {message}")
    if isinstance(exc, SyntaxError):  # the whole list of expected tokens, cut with "…"
        return ("QuerySyntaxError", f"SPARQL syntax error: {one_line(str(exc))}")
    return ("QueryAbortedError", f"the query engine failed: {type(exc).__name__}: {message}")


def rebuild_error(payload: tuple[str, str]) -> KGError:
    """The project error a worker reported, rebuilt from its class name and message."""
    name, message = payload
    kind = getattr(errors, name, KGError)
    if not (isinstance(kind, type) and issubclass(kind, KGError)):
        kind = KGError
    return kind(message)
