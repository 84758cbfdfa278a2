"""Run SPARQL queries in a small pool of worker processes that can be killed.

Why processes: pyoxigraph cannot cancel a running query, and a thread cannot be stopped, so a
runaway query (a cartesian product, a long property path) would hold a server thread and a
core until it finished. A process can be killed. Each worker holds its own read-only handle
on the store (reopened from the store folder, or loaded again from the ``--data`` files),
runs one query at a time and sends back the serialised body; the caller waits with a
deadline and, when it passes, kills that worker, starts a replacement and reports
QueryTimeoutError. A worker that crashes (the engine overflows its stack on some queries) is
replaced the same way.

Workers are started from a ``forkserver``: forking the caller itself is unsafe once it runs
threads or holds an open RocksDB store (server threads, the app's own store handle).

A worker has no network and a memory allowance (``graph.sandbox``, set up by the worker
itself), and every answer is cut at a byte budget as well as a row cap, so that neither a
worker nor the server process that receives its answer grows without bound. A query that
finds all ``max_pending`` places taken waits up to ``QUEUE_WAIT_S`` for one rather than
failing at once: a burst of short queries from more clients than places queues and is
answered, while a backlog behind long queries is still answered 503 quickly.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graph.errors import (
    KGError,
    QueryAbortedError,
    QueryLimitError,
    QueryTimeoutError,
    ServiceBusyError,
    StoreError,
)
from graph.query_worker import (
    QueryJob,
    StoreSource,
    WorkerLimits,
    rebuild_error,
    worker_main,
)
from graph.results import Serialised

__all__ = ["QueryExecutor", "QueryJob", "StoreSource", "WorkerLimits"]

START_TIMEOUT_S = 120.0
QUEUE_WAIT_S = 1.0  # longest wait for a place in the queue (never more than the time limit)
_MAIN_LOCK = threading.Lock()


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, source: StoreSource, limits: WorkerLimits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=worker_main, args=(child, source, limits), daemon=True,
            name="kkg-query-worker")
        with main_path_hidden():
            self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker's store to open; StoreError if it could not."""
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise StoreError(f"a query process did not open the store within {timeout:g} s")
            status, payload = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise StoreError("a query process exited while opening the store") from exc
        if status != "ready":
            raise rebuild_error(payload)
        self.ready = True

    def stop(self, *, kill: bool) -> None:
        """Ask the worker to leave (or kill it) and reap it."""
        if not kill:
            try:
                self.conn.send(None)
                self.process.join(0.5)
            except (OSError, ValueError):
                pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryExecutor:
    """A pool of pre-started query processes with a deadline per query and a bounded queue."""

    def __init__(
        self,
        source: StoreSource,
        *,
        processes: int = 2,
        max_pending: int = 8,
        timeout_s: float = 10.0,
        start_method: str | None = None,
        limits: WorkerLimits | None = None,
        max_result_bytes: int | None = None,
    ) -> None:
        method = start_method or ("forkserver" if os.name == "posix" else "spawn")
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            self._context.set_forkserver_preload(["graph.query_worker"])
        self.source = source
        self.limits = limits or WorkerLimits()
        self.max_result_bytes = max_result_bytes
        self.timeout_s = timeout_s
        self.max_pending = max(max_pending, processes)
        self.pid = os.getpid()
        self._slots = threading.BoundedSemaphore(self.max_pending)
        self._idle = _IdlePool()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        started = [self._spawn() for _ in range(max(processes, 1))]
        try:
            for worker in started:
                worker.wait_ready(START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise
        for worker in started:
            self._idle.put(worker)

    def run(self, job: QueryJob, *, timeout_s: float | None = None) -> Serialised:
        """Run one query; QueryTimeoutError past the deadline, ServiceBusyError when full."""
        if self._closed:
            raise StoreError("the query executor has been shut down")
        limit = self.timeout_s if timeout_s is None else timeout_s
        if job.max_bytes is None and self.max_result_bytes is not None:
            job = dataclasses.replace(job, max_bytes=self.max_result_bytes)
        if not self._slots.acquire(timeout=min(limit, QUEUE_WAIT_S)):
            raise ServiceBusyError(
                f"busy: {self.max_pending} queries are already running or waiting; retry shortly")
        try:
            worker = self._take(limit)
            return self._run_on(worker, job, limit)
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones by force)."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        idle = set(self._idle.drain())
        for worker in workers:
            worker.stop(kill=worker not in idle)

    def __enter__(self) -> QueryExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.source, self.limits)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that timed out or broke and put a fresh one in the pool."""
        with self._lock:
            self._workers.discard(worker)
            closed = self._closed
        worker.stop(kill=True)
        if not closed:
            self._idle.put(self._spawn())

    def _take(self, limit: float) -> _Worker:
        worker = self._idle.get(timeout=limit)
        if worker is None:
            raise ServiceBusyError(
                f"busy: no query process became free within {limit:g} s; retry shortly"
            ) from None
        try:
            worker.wait_ready(START_TIMEOUT_S)
        except KGError:
            self._replace(worker)
            raise
        return worker

    def _run_on(self, worker: _Worker, job: QueryJob, limit: float) -> Serialised:
        try:
            worker.conn.send(job)
            finished = worker.conn.poll(limit)
            reply = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            worker.process.join(1)
            code = worker.process.exitcode
            self._replace(worker)
            if code == -signal.SIGABRT and self.limits.memory_mb > 0:
                raise QueryLimitError(
                    f"the query needed more than the {self.limits.memory_mb} MB one query may"
                    " use (KKG_QUERY_MEMORY_MB) and was stopped") from None
            raise QueryAbortedError(_crash_message(code)) from None
        except BaseException:
            self._replace(worker)
            raise
        if reply is None:
            self._replace(worker)
            raise QueryTimeoutError(f"query stopped after {limit:g} s")
        self._idle.put(worker)
        status, payload = reply
        if status == "ok":
            return payload
        raise rebuild_error(payload)


class _Waiter:
    """A request waiting for a query process: its place in line and what it was given."""

    __slots__ = ("cancelled", "event", "worker")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: _Worker | None = None
        self.cancelled = False


class _IdlePool:
    """Idle query processes, handed to waiting requests first come, first served.

    Why not ``queue.Queue``: a process put back wakes one waiter, but a request arriving in
    that moment can take the process first, and the woken waiter finds the queue empty and
    waits again; under steady load some requests are overtaken again and again, which is
    what the long tail (p99) of a busy server is made of. Here a returned process goes
    straight to the longest waiter, and a new request queues behind the waiters.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[_Waiter] = deque()

    def put(self, worker: _Worker) -> None:
        """Give ``worker`` to the longest-waiting request, or keep it idle."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.cancelled:
                    waiter.worker = worker
                    waiter.event.set()
                    return
            self._idle.append(worker)

    def get(self, timeout: float) -> _Worker | None:
        """An idle worker, waiting in line up to ``timeout`` seconds (None: none came)."""
        with self._lock:
            if self._idle:  # an idle worker means nobody is waiting (put serves waiters first)
                return self._idle.popleft()
            waiter = _Waiter()
            self._waiters.append(waiter)
        waiter.event.wait(timeout)
        with self._lock:
            if waiter.worker is None:
                waiter.cancelled = True
            return waiter.worker

    def drain(self) -> list[_Worker]:
        """Take every idle worker out (for shutting down)."""
        with self._lock:
            workers = list(self._idle)
            self._idle.clear()
            return workers


def _crash_message(code: int | None) -> str:
    """Why a worker died under a query, as far as its exit tells (a signal is negative)."""
    if code == -signal.SIGABRT:
        cause = "the engine gave up (out of memory?)"
    elif code == -signal.SIGSEGV:
        cause = "the engine overflowed its stack: the query is too deeply structured"
    elif code == -signal.SIGKILL:
        cause = "it was killed from outside (out of memory?)"
    else:
        cause = f"exit code {code}"
    return (f"the query process stopped while running this query ({cause}); it has been"
            " replaced and the service goes on")


@contextmanager
def main_path_hidden() -> Iterator[None]:
    """Start a worker without re-running the caller's main script in it.

    multiprocessing re-imports ``__main__`` by path in every new process (a server or pytest
    script, or ``<stdin>`` which fails); the worker needs only this module.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not hasattr(main, "__file__"):
        yield
        return
    with _MAIN_LOCK:
        path = main.__dict__.pop("__file__")
        try:
            yield
        finally:
            main.__file__ = path


