"""``ketamine-kg export``: the whole graph (ontology included) in one RDF file.

The RDF/XML export is what an ontology engineer opens in Protégé: one self-contained file
(the ontology's imports are already merged into the ontology graph), so it opens offline
without a catalog. rdflib serialises, because its output is ordered and so stable between runs.
"""

from __future__ import annotations

from pathlib import Path

import rdflib

from graph.namespaces import INFERRED_GRAPH, PREFIXES
from graph.rdfio import sorted_ntriples, store_graph_to_rdflib
from graph.store import GraphStore

_RDFLIB_FORMATS = {"ttl": "turtle", "owl": "pretty-xml", "jsonld": "json-ld",
                   "nq": "nquads", "trig": "trig"}


def export_graph(home: Path, fmt: str, *, include_inferred: bool = False) -> bytes:
    """Serialise the asserted graphs (and the inferred one when asked) in ``fmt``."""
    store = GraphStore.open_home(home)
    graphs = [g for g in store.graphs() if include_inferred or g != str(INFERRED_GRAPH)]
    if fmt in ("nq", "trig"):
        dataset = rdflib.Dataset()
        for iri in graphs:
            target = dataset.graph(rdflib.URIRef(iri))
            for triple in store_graph_to_rdflib(store, iri):
                target.add(triple)
        _bind(dataset)
        return dataset.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")
    merged = rdflib.Graph()
    for iri in graphs:
        merged += store_graph_to_rdflib(store, iri)
    if fmt == "nt":
        return sorted_ntriples(merged)
    _bind(merged)
    return merged.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")


def _bind(graph: rdflib.Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True)
