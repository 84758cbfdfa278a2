"""The store the app serves: the built graph (read-only), or RDF files given with ``--data``.

Opened once per process at start-up; a missing or corrupt store stops the start with a clear
StoreError instead of failing on the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from graph.loading import load_rdf_files
from graph.store import GraphStore

EXTENSION_KEY = "kkg_store"


def init_app(app: Flask) -> None:
    """Open the store the configuration names and keep it on the app."""
    data_files = [p for p in str(app.config["KKG_DATA_FILES"]).split(os.pathsep) if p]
    if data_files:
        store = load_rdf_files([Path(p) for p in data_files])
    else:
        store = GraphStore.open_home(Path(app.config["KKG_HOME"]).resolve())
    app.extensions[EXTENSION_KEY] = store


def get_store() -> GraphStore:
    """The current app's store."""
    return current_app.extensions[EXTENSION_KEY]
