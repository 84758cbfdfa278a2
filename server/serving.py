"""``ketamine-kg serve``: the app under gunicorn, never Flask's development server.

Why gunicorn with threads (``gthread``): a query waits on a worker process of
``graph.executor`` for up to the time limit, and the other requests of the same server
process (pages, other queries) must go on meanwhile. The worker class is gthread with one
change (``server.http_worker``): a thread is given a connection only once its request head
has arrived, so slow or half-sent requests (slow-loris) cannot hold the threads.

The store is checked before anything binds, in a separate process, so a missing or corrupt
store stops the start with one line (StoreError) and the gunicorn master never opens the
store itself (a RocksDB handle must not cross the fork into the workers).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from graph.errors import StoreError
from graph.executor import QueryExecutor, QueryJob, StoreSource
from graph.queries import read_query_text
from graph.store import CURRENT_LINK
from server.config import load_config

STORE_CHECK = "server/store-has-data.rq"
WORKER_CLASS = "server.http_worker.ReadAheadThreadWorker"  # gthread, slow-loris proof
EXTRA_THREADS = 2  # threads beyond the query queue, so pages answer while queries wait


class KGApplication(BaseApplication):  # type: ignore[misc] - gunicorn has no type hints
    """A gunicorn application serving ``create_app(config)`` with the given settings."""

    def __init__(self, options: Mapping[str, Any], config: Mapping[str, Any]) -> None:
        self.options = dict(options)
        self.app_config = dict(config)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from server import create_app

        return create_app(self.app_config)


def gunicorn_options(host: str, port: int, workers: int, config: Mapping[str, Any]) -> dict:
    """The gunicorn settings for a server with these limits."""
    timeout = float(config["KKG_QUERY_TIMEOUT_S"])
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "bind": f"{bind_host}:{port}",
        "workers": max(int(workers), 1),
        "worker_class": WORKER_CLASS,
        "threads": int(config["KKG_MAX_PENDING"]) + EXTRA_THREADS,
        "timeout": int(timeout) + 30,          # heartbeat: well above the query limit
        "graceful_timeout": int(timeout) + 5,  # let running queries finish on reload
        "keepalive": 5,
        "limit_request_line": 8190,            # GET queries up to ~8 KB; POST for more
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "preload_app": False,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "ketamine-kg",
        "control_socket_disable": True,        # gunicorn >= 25: no shared ~/.gunicorn socket
        "when_ready": _print_urls(host, port, config),
        "worker_exit": _close_query_processes,
    }


def serve(host: str, port: int, *, workers: int, config: Mapping[str, Any]) -> None:
    """Check the store, then run the server until interrupted."""
    settings = load_config(config)
    check_store(settings)
    KGApplication(gunicorn_options(host, port, workers, settings), settings).run()


def check_store(settings: Mapping[str, Any]) -> None:
    """Open the configured store in a throw-away process and ask it one question.

    StoreError (one line) when it is missing, unreadable or empty.
    """
    from server.store import check_engine

    if check_engine(settings):  # KKG_ENGINE: the engine is asked instead (graph.remote_store)
        return
    data_files = [p for p in str(settings["KKG_DATA_FILES"]).split(os.pathsep) if p]
    if data_files:
        source = StoreSource(data_files=tuple(Path(p).resolve() for p in data_files))
    else:
        home = Path(str(settings["KKG_HOME"])).resolve()
        link = home / CURRENT_LINK
        if not link.exists():
            raise StoreError(f"no graph built in {home}: run 'ketamine-kg build' first")
        source = StoreSource(store_dir=link.resolve())
    with QueryExecutor(source, processes=1, max_pending=1, timeout_s=60,
                       start_method="spawn") as probe:
        answer = probe.run(QueryJob(read_query_text(STORE_CHECK),
                                    "application/sparql-results+json"))
    if b"true" not in answer.body:
        where = ", ".join(data_files) if data_files else str(source.store_dir)
        raise StoreError(f"the graph store in {where} is empty or corrupt: rebuild it")


def _print_urls(host: str, port: int, config: Mapping[str, Any]) -> Any:
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a name only
    shown = f"[{shown}]" if ":" in shown else shown
    base = str(config.get("KKG_PUBLIC_BASE") or f"http://{shown}:{port}").rstrip("/")

    def when_ready(_server: object) -> None:
        lines = [
            f"ketamine-kg is serving at {base}/",
            f"  query editor      {base}/editor",
            f"  SPARQL endpoint   {base}/sparql",
            f"  named queries     {base}/api/queries",
            f"  API description   {base}/openapi.json",
            "Stop it with Ctrl-C.",
        ]
        print("\n".join(lines), file=sys.stdout, flush=True)

    return when_ready


def _close_query_processes(_server: object, _worker: object) -> None:
    from server.execution import close_all

    close_all()
