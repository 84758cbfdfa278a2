"""``ketamine-kg serve``: the app under Granian, never Flask's development server.

Why Granian (a Rust HTTP server): reading requests, keeping connections alive and writing
answers happen in Rust, off the GIL. Measured on a point lookup under 8 concurrent clients,
the same Flask app answered 1.7× as many requests as under gunicorn's threaded worker, whose
event loop and thread hand-offs ran in Python (docs/benchmarks.md). The app is reached
through ``server.rsgi_bridge``, which gives a thread only to a request that has arrived
whole, so slow clients (slow-loris) cost no thread; a request head must arrive within
``KKG_READ_TIMEOUT_S`` (Granian) and its body within the same time (the bridge).

Settings reach the worker processes through the environment (``server.config`` reads
``KKG_*``): Granian starts its workers as processes that call the bridge's factory.

A port another server holds stops the start with one line (``server.ports``: Granian's
SO_REUSEPORT would otherwise share it). The store is checked before anything listens, in a
separate process, so a missing or corrupt store stops the start with one line (StoreError)
and the server never starts half-working.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph.errors import StoreError
from graph.executor import QueryExecutor, QueryJob, StoreSource
from graph.queries import read_query_text
from graph.store import CURRENT_LINK
from server.config import DEFAULTS, load_config
from server.ports import claim_port

STORE_CHECK = "server/store-has-data.rq"
APP_FACTORY = "server.rsgi_bridge:create_bridge"
MAX_HEADER_WAIT_MS = 60_000  # Granian's upper bound for the request-head timeout
# Granian answers a head past its buffer with a bare 431 (no body) before Python runs; a
# buffer well above the bridge's MAX_HEADER_BYTES lets the bridge refuse with a reason.
HEAD_BUFFER_BYTES = 512 * 1024


def granian_options(host: str, port: int, workers: int, config: Mapping[str, Any]) -> dict:
    """The Granian settings for a server with these limits."""
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings

    head_ms = int(float(config["KKG_READ_TIMEOUT_S"]) * 1000)
    return {
        "target": APP_FACTORY,
        "factory": True,
        "address": host.strip("[]"),
        "port": port,
        "interface": Interfaces.RSGI,
        "loop": Loops.uvloop,               # ~7 % more quick requests than asyncio's own loop
        "http": HTTPModes.http1,
        "websockets": False,
        "workers": max(int(workers), 1),
        "http1_settings": HTTP1Settings(header_read_timeout=min(max(head_ms, 1),
                                                                MAX_HEADER_WAIT_MS),
                                        max_buffer_size=HEAD_BUFFER_BYTES),
        "log_access": bool(int(config["KKG_ACCESS_LOG"])),  # costs ~15 % of a quick request
        "respawn_failed_workers": True,
        "workers_kill_timeout": int(float(config["KKG_QUERY_TIMEOUT_S"])) + 5,
    }


def serve(host: str, port: int, *, workers: int, config: Mapping[str, Any]) -> None:
    """Check the port and the store, then run the server until interrupted.

    The port is held from the check on (``server.ports``): Granian binds with SO_REUSEPORT,
    which alone would let a second server share the port and split its requests.
    """
    from granian import Granian

    settings = load_config(config)
    claim = claim_port(host, port)  # another server there: one line, before anything starts
    try:
        check_store(settings)
        for key in DEFAULTS:  # the workers read their settings from the environment
            os.environ[key] = str(settings[key])
        print_urls(host, port, settings)
        Granian(**granian_options(host, port, workers, settings)).serve()
    finally:
        if claim is not None:
            claim.close()


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


def print_urls(host: str, port: int, config: Mapping[str, Any]) -> None:
    """Tell a newcomer where to go (printed as the server starts)."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a name only
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    base = str(config.get("KKG_PUBLIC_BASE") or f"http://{shown}:{port}").rstrip("/")
    lines = [
        f"ketamine-kg is serving at {base}/",
        f"  query editor      {base}/editor",
        f"  SPARQL endpoint   {base}/sparql",
        f"  named queries     {base}/api/queries",
        f"  API description   {base}/openapi.json",
        "Stop it with Ctrl-C.",
    ]
    print("\n".join(lines), file=sys.stdout, flush=True)
