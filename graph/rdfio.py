"""Conversions between rdflib graphs (the pipeline's API) and pyoxigraph quads (the store's).

Going through N-Triples text keeps the two libraries' term models apart and is exact for
every literal; blank nodes keep their labels, so deterministic labels stay deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import rdflib

from graph.store import GraphStore


def graph_to_quads(graph: rdflib.Graph, graph_iri: str) -> Iterator[ox.Quad]:
    """Every triple of ``graph`` as a quad in the named graph ``graph_iri``."""
    data = graph.serialize(format="nt", encoding="utf-8")
    target = ox.NamedNode(graph_iri)
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        yield ox.Quad(triple.subject, triple.predicate, triple.object, target)


def store_graph_to_rdflib(store: GraphStore, graph_iri: str) -> rdflib.Graph:
    """One named graph of the store as an rdflib graph."""
    data = store.dump(ox.RdfFormat.N_TRIPLES, graphs=[graph_iri])
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def sorted_ntriples(graph: rdflib.Graph) -> bytes:
    """Byte-stable N-Triples: one line per triple, sorted (for golden files and diffs)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted(set(line for line in data.splitlines() if line.strip()))
    return b"\n".join(lines) + b"\n"
