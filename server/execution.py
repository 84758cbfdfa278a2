"""The app's query executor: created on first use in each server process, closed at exit.

Lazily, because a pool of processes must not cross a fork: each server worker (and the
Flask test client) starts its own pool on its first query, and a pool found in a process
other than the one that made it is replaced.

The pool is given the home's ``current`` symlink rather than the folder it points at, so its
processes follow a rebuild (see ``graph.query_worker``), and the limits of ``server.config``:
the time limit, the memory one query may use and the size of an answer.
"""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from pathlib import Path

from flask import Flask, current_app

from graph.errors import StoreError
from graph.executor import QueryExecutor, QueryJob, StoreSource, WorkerLimits
from graph.results import Serialised
from graph.store import CURRENT_LINK
from server import quick_path
from server.store import get_store, own_runner

EXTENSION_KEY = "kkg_executor"
_LOCK = threading.Lock()
_LIVE: weakref.WeakSet[QueryExecutor] = weakref.WeakSet()


def store_source(app: Flask) -> StoreSource:
    """Where worker processes find the same store the app serves."""
    data_files = [p for p in str(app.config["KKG_DATA_FILES"]).split(os.pathsep) if p]
    if data_files:
        return StoreSource(data_files=tuple(Path(p).resolve() for p in data_files))
    path = app.extensions["kkg_store"].path
    if path is None:
        raise StoreError("the served store has no folder the query processes could open")
    link = Path(str(app.config["KKG_HOME"])).resolve() / CURRENT_LINK
    if link.is_symlink() and link.resolve() == Path(path).resolve():
        return StoreSource(store_dir=link)  # followed: a rebuild reaches the workers
    return StoreSource(store_dir=Path(path))


def get_executor() -> QueryExecutor:
    """This process's executor for the current app, started on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    executor = app.extensions.get(EXTENSION_KEY)
    if executor is not None and executor.pid == os.getpid():
        return executor
    with _LOCK:
        executor = app.extensions.get(EXTENSION_KEY)
        if executor is None or executor.pid != os.getpid():
            get_store()  # the app's store opened: the source below exists
            executor = QueryExecutor(
                store_source(app),
                processes=int(app.config["KKG_QUERY_WORKERS"]),
                max_pending=int(app.config["KKG_MAX_PENDING"]),
                timeout_s=float(app.config["KKG_QUERY_TIMEOUT_S"]),
                limits=WorkerLimits(memory_mb=int(app.config["KKG_QUERY_MEMORY_MB"])),
                max_result_bytes=int(app.config["KKG_MAX_RESULT_BYTES"]),
            )
            app.extensions[EXTENSION_KEY] = executor
            _LIVE.add(executor)
    return executor


def run_job(job: QueryJob) -> Serialised:
    """Run one query through the executor (or the remote engine), under the configured limits.

    A query already answered quickly on this store runs in this process instead
    (``graph.inline``: same rows, no trip to a query process). On the event loop only such a
    query may run (``server.quick_path``).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if quick_path.on_the_loop():
        return quick_path.run_here_or_give_way(job, quick_path.inline_lane(app),
                                                 get_store())
    remote = own_runner()
    if remote is not None:
        return remote.run(job)
    lane = quick_path.inline_lane(app)
    executor = get_executor()
    if lane is None:
        return executor.run(job)
    return lane.run(get_store(), job, executor.run)  # type: ignore[arg-type] - a GraphStore


def shutdown(app: Flask) -> None:
    """Stop the app's query processes (tests, a worker's exit)."""
    executor = app.extensions.pop(EXTENSION_KEY, None)
    if executor is not None and executor.pid == os.getpid():
        executor.close()


@atexit.register
def close_all() -> None:
    """Stop every executor this process started (at exit, or when a server worker ends)."""
    for executor in list(_LIVE):
        if executor.pid == os.getpid():
            executor.close()
