"""The store the app serves: the built graph, RDF files given with ``--data``, or a SPARQL engine.

Opened once per process at start-up; a missing or corrupt store stops the start with a clear
StoreError instead of failing on the first request. With ``KKG_ENGINE`` (``serve --engine URL``)
the store is a ``graph.remote_store.RemoteStore``: it answers the same calls, so no page, API
or endpoint code asks which kind it has; only the choice of where jobs run
(``server.execution``) and the start-up check (``server.serving``) look at it. Creating it
sends nothing, so the app starts while the engine is down and answers 503 until it is back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from graph.errors import StoreError
from graph.loading import load_rdf_files
from graph.remote_store import EngineSettings, RemoteStore, ServedStore
from graph.store import CURRENT_LINK, GraphStore

EXTENSION_KEY = "kkg_store"


def init_app(app: Flask) -> None:
    """Open the store the configuration names and keep it on the app."""
    store: ServedStore
    remote = remote_store(app.config)
    data_files = [p for p in str(app.config["KKG_DATA_FILES"]).split(os.pathsep) if p]
    if remote is not None:
        store = remote
    elif data_files:
        store = load_rdf_files([Path(p) for p in data_files])
    else:
        home = Path(app.config["KKG_HOME"]).resolve()
        store = GraphStore.open_home(home)
        app.extensions[_FOLLOW_KEY] = (home / CURRENT_LINK, _link_target(home / CURRENT_LINK))
    app.extensions[EXTENSION_KEY] = store


def remote_store(config: Mapping[str, Any]) -> RemoteStore | None:
    """The engine the settings name (``KKG_ENGINE``), or None to serve a local store."""
    url = str(config.get("KKG_ENGINE") or "").strip()
    if not url:
        return None
    return RemoteStore(EngineSettings.from_env(
        url,
        timeout_s=float(config["KKG_QUERY_TIMEOUT_S"]),
        max_pending=int(config["KKG_MAX_PENDING"]),
        max_result_bytes=int(config["KKG_MAX_RESULT_BYTES"])
        if config.get("KKG_MAX_RESULT_BYTES") else None,
    ))


def get_store() -> ServedStore:
    """The current app's store; a built graph is reopened once a rebuild repoints ``current``.

    Why per call: pages and the guard read the store in this process, and a rebuild must
    reach them as it reaches the query processes (``graph.query_worker``), without a restart.
    One readlink per call; requests already holding the old store finish on it.
    """
    return store_for(current_app._get_current_object())  # type: ignore[attr-defined]


def store_for(app: Flask) -> ServedStore:
    """``get_store`` for a given app, outside a request (``server.quick_path``)."""
    followed = app.extensions.get(_FOLLOW_KEY)
    if followed is not None and _link_target(followed[0]) not in (None, followed[1]):
        _reopen(app, followed[0])
    return app.extensions[EXTENSION_KEY]


_FOLLOW_KEY = "kkg_store_link"  # (the home's ``current`` link, where it pointed when opened)
_REOPEN_LOCK = threading.Lock()


def _link_target(link: Path) -> str | None:
    try:
        return os.readlink(link)
    except OSError:
        return None


def _reopen(app: Flask, link: Path) -> None:
    """Open the store ``link`` names now; on failure keep serving the one that works."""
    with _REOPEN_LOCK:
        target = _link_target(link)
        if target is None or target == app.extensions[_FOLLOW_KEY][1]:
            return  # another thread has just done it
        try:
            store = GraphStore.open_home(link.parent)
        except StoreError:
            return
        app.extensions[EXTENSION_KEY] = store
        app.extensions[_FOLLOW_KEY] = (link, target)


def own_runner() -> RemoteStore | None:
    """The store itself when it runs query jobs (a remote engine), else None (use processes).

    Why: worker processes exist to stop a runaway query inside this server; an engine runs
    its queries in its own process, and the request's socket timeout bounds the wait.
    """
    store = current_app.extensions[EXTENSION_KEY]
    return store if isinstance(store, RemoteStore) else None


def check_engine(settings: Mapping[str, Any]) -> bool:
    """Start-up check of the configured engine; False when none is configured.

    StoreError (one line) when the engine is unreachable or holds no graph.
    """
    remote = remote_store(settings)
    if remote is None:
        return False
    remote.check()
    return True
