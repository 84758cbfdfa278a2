"""``ketamine-kg export``: the whole graph (ontology included) in one RDF file.

The RDF/XML export is what an ontology engineer opens in Protégé: one self-contained file
(the ontology's imports are already merged into the ontology graph), so it opens offline
without a catalog. RDF/XML and Turtle go through the ontology's own writers
(ontology.serialize): they are byte-stable, and rdflib's pretty-xml writer silently drops
triples on typed list nodes (owl:AllDisjointClasses members), which would lose axioms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rdflib

from graph.namespaces import INFERRED_GRAPH, PREFIXES
from graph.rdfio import sorted_ntriples, store_graph_to_rdflib
from graph.store import GraphStore
from ontology.serialize import canonical_graph, to_rdfxml, to_turtle

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
            for triple in _in_order(canonical_graph(store_graph_to_rdflib(store, iri))):
                target.add(triple)
        _bind(dataset)
        data = dataset.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")
        if fmt == "nq":  # rdflib writes quads in hash order: sort the lines for stable bytes
            data = b"\n".join(sorted(line for line in data.splitlines() if line.strip())) + b"\n"
        return data
    merged = rdflib.Graph()
    for iri in graphs:
        merged += store_graph_to_rdflib(store, iri)
    if fmt == "nt":  # blank-node ids from the store differ per build: name them by content
        return sorted_ntriples(canonical_graph(merged))
    banner = "ketamine-kg export: ontology and extracted claims" + (
        " with inferred triples" if include_inferred else "")
    if fmt == "owl":
        return to_rdfxml(merged, PREFIXES, banner).encode("utf-8")
    if fmt == "ttl":
        return to_turtle(merged, PREFIXES, banner).encode("utf-8")
    ordered = rdflib.Graph()
    for triple in _in_order(canonical_graph(merged)):
        ordered.add(triple)
    _bind(ordered)
    data = ordered.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")
    if fmt == "jsonld":
        return (json.dumps(_sorted_json(json.loads(data)), indent=2, ensure_ascii=False,
                           sort_keys=True) + "\n").encode("utf-8")
    return data


def _sorted_json(value: Any, *, in_list: bool = False) -> Any:
    """JSON-LD with every unordered array sorted (``@list`` arrays keep their order).

    Why: rdflib's JSON-LD writer groups nodes in set order, which changes between runs;
    arrays of nodes and values carry no order in JSON-LD, so sorting them is lossless.
    """
    if isinstance(value, dict):
        return {key: _sorted_json(item, in_list=key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        if in_list:
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _in_order(graph: rdflib.Graph) -> list[tuple]:
    """The triples sorted by their N-Triples form.

    Why: rdflib's memory store keeps insertion order, and its JSON-LD and TriG writers
    follow it; feeding them sorted, content-named triples makes those formats byte-stable.
    """
    return sorted(graph, key=lambda triple: tuple(term.n3() for term in triple))


def _bind(graph: rdflib.Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True)
