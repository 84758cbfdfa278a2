"""Load RDF files of any common format into an in-memory store (``serve --data``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.errors import StoreError
from graph.namespaces import KKGRAPH
from graph.store import GraphStore

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def load_rdf_files(paths: list[Path]) -> GraphStore:
    """Each triple file goes into a named graph of its own (``kkgraph:file/<name>``)."""
    store = GraphStore.in_memory()
    for path in paths:
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(f"{path}: unknown RDF file type (use {', '.join(sorted(_FORMATS))})")
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        graph = None if fmt.supports_datasets else ox.NamedNode(f"{KKGRAPH}file/{path.name}")
        try:
            store.raw.load(path=str(path), format=fmt, to_graph=graph)
        except (SyntaxError, OSError, ValueError) as exc:
            raise StoreError(f"{path}: cannot be read as RDF: {exc}") from exc
    return store
