"""Run HermiT (through owlready2) over the ontology plus extracted data, and keep what is new.

The graph pipeline stores what the reasoner entails in its own named graph
(``kkgraph:inferred``), separate from what the text asserted, so this module returns only
*new* facts about individuals: their inferred types (e.g. ketamine is a MentalHealthDrug) and
their inferred object-property values (e.g. the chain drugUsedIn o forIndication gives
ketamine usedFor TRD). Schema-level results (class subsumptions) are not returned: they are
the ontology's business, checked by ``unsatisfiable_classes``.

HermiT's command line reports only the *direct* (most specific) instances of each property
and owlready2 then drops the values whose inverse is asserted, so the property values are
completed here under the property hierarchy, inverses, transitivity and chains, which is
exactly what those axioms entail for named individuals.

HermiT does not get the whole input: ``ontology.reasoner_input`` first drops what provably
cannot change its answer (annotations, evidence bookkeeping whose domain and range are already
known, individuals that are exact twins of another) and maps the answer back; the asserted
graph used for completing values and for leaving out what is asserted is always the whole one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import owlready2
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ontology.java import JavaMissingError, require_executable
from ontology.layout import KKG
from ontology.rbox import PropertyAxioms, complete_property_values, explain_clashes, short
from ontology.reasoner_input import UndecidedError, reduce_input

__all__ = [
    "JavaMissingError", "ReasonerError", "infer", "infer_triples", "unsatisfiable_classes",
]

_INFERRED_ONTOLOGY = "http://inferrences/"  # owlready2's name for where it puts results
_SKIPPED_TYPES = {OWL.Thing, OWL.NamedIndividual, OWL.Nothing}


class ReasonerError(RuntimeError):
    """The input is inconsistent, or HermiT failed; the message says what to look at."""

    def __init__(self, message: str, unsatisfiable: list[str] | None = None,
                 clashes: list[str] | None = None) -> None:
        super().__init__(message)
        self.unsatisfiable = unsatisfiable or []
        self.clashes = clashes or []


def _merge(graphs: Iterable[Graph]) -> Graph:
    """One graph of all inputs, without owl:imports (owlready2 would try to download them)."""
    merged = Graph(bind_namespaces="none")
    for graph in graphs:
        for triple in graph.triples((None, None, None)):
            if triple[1] != OWL.imports:
                merged.add(triple)
    return merged


class _HermitRun:
    """One owlready2 World loaded with a graph and reasoned over by HermiT."""

    def __init__(self, graph: Graph, infer_property_values: bool) -> None:
        owlready2.JAVA_EXE = require_executable("java", "default-jre-headless")
        self.world = owlready2.World()
        with tempfile.TemporaryDirectory(prefix="ketamine-kg-reason-") as tmp:
            path = Path(tmp) / "input.nt"
            graph.serialize(destination=str(path), format="nt", encoding="utf-8")
            with path.open("rb") as handle:
                self.world.get_ontology(path.as_uri()).load(fileobj=handle, format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(self.world, infer_property_values=infer_property_values,
                                           debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            self.world.close()
            raise
        except owlready2.OwlReadyJavaError as error:
            self.world.close()
            raise ReasonerError(f"HermiT failed: {str(error).strip()[:2000]}") from error

    def unsatisfiable(self) -> list[str]:
        return sorted(c.iri for c in self.world.inconsistent_classes()
                      if c.iri != str(OWL.Nothing))

    def new_triples(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """Triples owlready2 recorded as reasoning results, named resources only."""
        inferred = self.world.get_ontology(_INFERRED_ONTOLOGY)
        triples = []
        for s, p, o in inferred.get_triples():
            if not (isinstance(s, int) and isinstance(o, int) and s > 0 and o > 0):
                continue  # literals and anonymous nodes
            triples.append((URIRef(self.world._unabbreviate(s)),
                            URIRef(self.world._unabbreviate(p)),
                            URIRef(self.world._unabbreviate(o))))
        return triples

    def close(self) -> None:
        self.world.close()


def _tbox_only(graph: Graph) -> Graph:
    """The graph without class and property assertions on individuals (for diagnosis)."""
    properties = set(graph.subjects(RDF.type, OWL.ObjectProperty)) | set(
        graph.subjects(RDF.type, OWL.DatatypeProperty))
    tbox = Graph(bind_namespaces="none")
    for s, p, o in graph:
        if p in properties:
            continue
        if p == RDF.type and isinstance(o, URIRef) and not str(o).startswith(str(OWL)) \
                and o not in (RDFS.Class, RDF.List, RDF.Property):
            continue
        tbox.add((s, p, o))
    return tbox


def _inconsistency_error(graph: Graph) -> ReasonerError:
    """A ReasonerError naming unsatisfiable classes and the likely clashing individuals."""
    clashes = explain_clashes(graph)
    try:
        run = _HermitRun(_tbox_only(graph), infer_property_values=False)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasonerError("the ontology itself (without any data) is inconsistent",
                             clashes=clashes)
    unsatisfiable = run.unsatisfiable()
    run.close()
    lines = ["ontology plus data is inconsistent (HermiT)."]
    lines.append("unsatisfiable classes in the schema: "
                 + (", ".join(map(short, unsatisfiable)) or "none"))
    if clashes:
        lines.append("likely causes:")
        lines.extend(f"  {clash}" for clash in clashes)
    return ReasonerError("\n".join(lines), unsatisfiable=unsatisfiable, clashes=clashes)


def _individual_types(run_triples: list[tuple[URIRef, URIRef, URIRef]], asserted: Graph,
                      classes: set[URIRef]) -> set[tuple[URIRef, URIRef, URIRef]]:
    result = set()
    for s, p, o in run_triples:
        if p != RDF.type or o in _SKIPPED_TYPES or o not in classes or s in classes:
            continue
        if (s, p, o) not in asserted and not str(s).startswith(_INFERRED_ONTOLOGY.rstrip("/")):
            result.add((s, p, o))
    return result


def _hermit_values(graph: Graph, reduce: bool) -> list[tuple[URIRef, URIRef, URIRef]]:
    """HermiT's new triples about the individuals of ``graph`` (reasoning over less of it)."""
    twins = True
    while True:
        reduced = reduce_input(graph, twins=twins) if reduce else None
        try:
            run = _HermitRun(reduced.graph if reduced else graph, infer_property_values=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise _inconsistency_error(graph) from None
        try:
            run_triples = run.new_triples()
        finally:
            run.close()
        if reduced is None or reduced.whole:
            return run_triples
        try:
            return reduced.expand(run_triples)
        except UndecidedError as undecided:  # rare; see ontology.reasoner_input
            twins, reduce = False, not undecided.whole


def infer_triples(graphs: Iterable[Graph], *, reduce: bool = True
                  ) -> list[tuple[URIRef, URIRef, URIRef]]:
    """New facts about individuals that HermiT entails from ``graphs``, sorted.

    Inferred ``rdf:type`` triples (named classes only, no owl:Thing, only the most specific
    classes HermiT reports) and inferred object-property values between named individuals
    for the ontology's own (``kkg:``) properties; RO super-properties are not materialised
    because they would duplicate every edge. Nothing already asserted is returned.
    ``reduce=False`` gives HermiT the whole input (same answer, much slower: for checking).
    Raises ReasonerError if the input is inconsistent and JavaMissingError without Java.
    """
    graph = _merge(graphs)
    run_triples = _hermit_values(graph, reduce)
    axioms = PropertyAxioms.from_graph(graph)
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    new = _individual_types(run_triples, graph, classes)
    hermit_values = [(s, p, o) for s, p, o in run_triples if p in axioms.object_properties]
    for s, p, o in complete_property_values(graph, hermit_values, axioms):
        if str(p).startswith(KKG) and (s, p, o) not in graph:
            new.add((s, p, o))
    return sorted(new)


def infer(graphs: Iterable[Graph]) -> Graph:
    """``infer_triples`` as a graph (what the pipeline stores in ``kkgraph:inferred``).

    A graph has no order, so the triples are the same on every run but callers that need a
    stable order should sort them (or use ``infer_triples``).
    """
    result = Graph(bind_namespaces="none")
    for triple in infer_triples(graphs):
        result.add(triple)
    return result


def unsatisfiable_classes(graphs: Iterable[Graph] | None = None) -> list[str]:
    """IRIs of the named classes HermiT finds unsatisfiable (sorted); [] for a sound ontology.

    Defaults to the ontology with its imports. Raises ReasonerError if the input is
    inconsistent (then every class is unsatisfiable and the error says why).
    """
    if graphs is None:
        from ontology.build import load_ontology_graph

        graphs = [load_ontology_graph()]
    graph = _merge(graphs)
    try:
        run = _HermitRun(graph, infer_property_values=False)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise _inconsistency_error(graph) from None
    try:
        return run.unsatisfiable()
    finally:
        run.close()
