"""Facts that belong to the whole graph rather than to one document: a use's certainty.

Why a separate step: a use (``kku:ketamine/treatment-resistant-depression``) is one node
however many documents support it, and ``kkg:hasCertainty`` is functional. If each document
graph asserted its own certainty for the shared node, two articles that rate the same use
differently would make the ontology inconsistent. So the build strips the use certainty from
the document graphs and writes one value per use, the firmest certainty of any non-negated
claim that supports it in any document, to the ``kkgraph:merged`` named graph. Each claim
keeps its own certainty in its own document graph, so nothing about the evidence is lost,
and a document re-ingested or dropped later changes the merged value accordingly, because it
is always recomputed from the claims.
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF

from graph.namespaces import KKG


def merge_use_certainty(doc_graphs: Iterable[rdflib.Graph],
                        ontology: rdflib.Graph) -> rdflib.Graph:
    """Remove every use's ``kkg:hasCertainty`` from ``doc_graphs`` (in place) and return a
    graph with one, the firmest supported, per use."""
    graphs = list(doc_graphs)
    ranks = {level: int(rank) for level, rank in ontology.subject_objects(KKG.rank)}
    claim_levels: dict[URIRef, URIRef] = {}
    for graph in graphs:
        for claim, level in graph.subject_objects(KKG.hasCertainty):
            if (claim, RDF.type, KKG.Claim) in graph:
                claim_levels[claim] = level  # type: ignore[index]
    best: dict[URIRef, URIRef] = {}
    for graph in graphs:
        for use in set(graph.subjects(RDF.type, KKG.DrugUse)):
            for stale in list(graph.objects(use, KKG.hasCertainty)):
                graph.remove((use, KKG.hasCertainty, stale))
            for claim in graph.objects(use, KKG.supportedBy):
                level = claim_levels.get(claim)  # type: ignore[arg-type]
                if level is None:
                    continue
                current = best.get(use)  # type: ignore[arg-type]
                if current is None or _key(level, ranks) > _key(current, ranks):
                    best[use] = level  # type: ignore[index]
    merged = rdflib.Graph()
    for use in sorted(best):
        merged.add((use, KKG.hasCertainty, best[use]))
    return merged


def _key(level: URIRef, ranks: dict) -> tuple[int, str]:
    return ranks.get(level, 0), str(level)
