"""The child side of ``graph.executor``: what a query worker process runs.

Kept apart from the pool so the module a worker imports (and the forkserver preloads) holds
only what a worker needs: open the store, answer jobs, report errors as (class, message)
pairs that the parent turns back into the project's errors.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import graph.errors as errors
from graph.errors import KGError, StoreError
from graph.results import serialise
from graph.store import GraphStore


@dataclass(frozen=True)
class StoreSource:
    """Where a worker gets its store: a store folder (opened read-only) or RDF files."""

    store_dir: Path | None = None
    data_files: tuple[Path, ...] = ()

    def open(self) -> GraphStore:
        """Open the store this source names (in the calling process)."""
        if self.data_files:
            from graph.loading import load_rdf_files

            return load_rdf_files(list(self.data_files))
        if self.store_dir is None:
            raise StoreError("no store to serve: give a store folder or RDF files")
        try:
            return GraphStore(ox.Store.read_only(str(self.store_dir)), self.store_dir)
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise StoreError(
                f"the graph store in {self.store_dir} cannot be opened: {exc}") from exc


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


def worker_main(conn: Connection, source: StoreSource) -> None:
    """A worker's life: open the store, say ready, answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        store = source.open()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        payload = error_payload(exc)
        if not isinstance(exc, KGError):
            payload = ("StoreError", f"the graph store cannot be opened: {payload[1]}")
        conn.send(("error", payload))
        conn.close()
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        conn.send(_answer(store, job))


def _answer(store: GraphStore, job: QueryJob) -> tuple[str, Any]:
    try:
        result = store.query(
            job.query,
            bindings=dict(job.bindings) or None,
            default_graph=list(job.default_graphs) if job.default_graphs is not None else None,
            named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
            union_default_graph=job.union_default_graph,
        )
        return ("ok", serialise(result, job.media_type, job.max_rows))
    except Exception as exc:  # noqa: BLE001 - every failure goes back as a project error
        return ("error", error_payload(exc))


def error_payload(exc: BaseException) -> tuple[str, str]:
    """A picklable (class name, one-line message) for an error raised in a worker."""
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if isinstance(exc, KGError):
        return (type(exc).__name__, message)
    if isinstance(exc, OSError):
        return ("StoreError", f"the graph store could not be read: {message}")
    if isinstance(exc, SyntaxError):
        return ("QuerySyntaxError", f"SPARQL syntax error: {message}")
    return ("QueryAbortedError", f"the query engine failed: {type(exc).__name__}: {message}")


def rebuild_error(payload: tuple[str, str]) -> KGError:
    """The project error a worker reported, rebuilt from its class name and message."""
    name, message = payload
    kind = getattr(errors, name, KGError)
    if not (isinstance(kind, type) and issubclass(kind, KGError)):
        kind = KGError
    return kind(message)
