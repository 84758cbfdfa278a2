"""Property-axiom bookkeeping in plain Python: completing property values and explaining clashes.

Two jobs that HermiT's command line does not do for us:

* it reports only the most specific property values, so the values implied for
  super-properties, inverses, transitive properties and property chains are added here
  (``complete_property_values``), from the same axioms HermiT used;
* when the data makes the ontology inconsistent, HermiT only says "inconsistent", so
  ``explain_clashes`` points at likely culprits: individuals that end up in two disjoint
  classes through their asserted types and the domains and ranges of the properties they
  use, and functional properties with several values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ontology.layout import PREFIXES

Node = TypeVar("Node")

Triple = tuple[URIRef, URIRef, URIRef]
MAX_CLASH_LINES = 20
_MESSAGE_PREFIXES = {**PREFIXES, "kku": "https://w3id.org/ketamine-kg/use/",
                     "kkc": "https://w3id.org/ketamine-kg/claim/",
                     "kkd": "https://w3id.org/ketamine-kg/document/"}


def short(node: object) -> str:
    """A CURIE for a known namespace (longest match) so error messages stay readable."""
    text = str(node)
    best = max((ns for ns in _MESSAGE_PREFIXES.values() if text.startswith(ns)), key=len,
               default="")
    if not best:
        return text
    prefix = next(p for p, ns in _MESSAGE_PREFIXES.items() if ns == best)
    return f"{prefix}:{text[len(best):]}"


def reachable(start: Node, parents: Mapping[Node, Iterable[Node]]) -> set[Node]:
    """``start`` and everything reachable from it through ``parents`` (any hashable nodes)."""
    seen = {start}
    stack = [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _list(graph: Graph, head: object) -> list[URIRef]:
    return [item for item in Collection(graph, head) if isinstance(item, URIRef)]


@dataclass
class PropertyAxioms:
    """The object-property axioms of an ontology that matter for named individuals."""

    object_properties: set[URIRef] = field(default_factory=set)
    supers: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[URIRef] = field(default_factory=set)
    symmetric: set[URIRef] = field(default_factory=set)
    functional: set[URIRef] = field(default_factory=set)
    chains: list[tuple[list[URIRef], URIRef]] = field(default_factory=list)
    domains: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_graph(cls, graph: Graph) -> PropertyAxioms:
        """Read the axioms from RDF; anonymous property expressions are ignored."""
        axioms = cls()
        axioms.object_properties = {p for p in graph.subjects(RDF.type, OWL.ObjectProperty)
                                    if isinstance(p, URIRef)}
        for p, q in graph.subject_objects(RDFS.subPropertyOf):
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                axioms.supers[p].add(q)
        for p, q in graph.subject_objects(OWL.equivalentProperty):
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                axioms.supers[p].add(q)
                axioms.supers[q].add(p)
        for p, q in graph.subject_objects(OWL.inverseOf):
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                axioms.inverses[p].add(q)
                axioms.inverses[q].add(p)
        axioms.transitive = {p for p in graph.subjects(RDF.type, OWL.TransitiveProperty)
                             if isinstance(p, URIRef)}
        axioms.symmetric = {p for p in graph.subjects(RDF.type, OWL.SymmetricProperty)
                            if isinstance(p, URIRef)}
        axioms.functional = {p for p in graph.subjects(RDF.type, OWL.FunctionalProperty)
                             if isinstance(p, URIRef)}
        for q, head in graph.subject_objects(OWL.propertyChainAxiom):
            chain = _list(graph, head)
            if isinstance(q, URIRef) and len(chain) >= 2:
                axioms.chains.append((chain, q))
        for predicate, target in ((RDFS.domain, axioms.domains), (RDFS.range, axioms.ranges)):
            for p, c in graph.subject_objects(predicate):
                if isinstance(p, URIRef) and isinstance(c, URIRef):
                    target[p].add(c)
        return axioms

    def super_closure(self, prop: URIRef) -> set[URIRef]:
        """The property and all its super-properties."""
        return reachable(prop, self.supers)


class _Facts:
    """A growing set of property values, indexed both ways for joins."""

    def __init__(self) -> None:
        self.all: set[Triple] = set()
        self.by_property: dict[URIRef, dict[URIRef, set[URIRef]]] = defaultdict(
            lambda: defaultdict(set))
        self.by_object: dict[URIRef, dict[URIRef, set[URIRef]]] = defaultdict(
            lambda: defaultdict(set))
        self.todo: list[Triple] = []

    def add(self, triple: Triple) -> None:
        if triple not in self.all:
            self.all.add(triple)
            self.by_property[triple[1]][triple[0]].add(triple[2])
            self.by_object[triple[1]][triple[2]].add(triple[0])
            self.todo.append(triple)


def _chain_ends(facts: _Facts, chain: list[URIRef], start: URIRef) -> set[URIRef]:
    frontier = {start}
    for prop in chain:
        frontier = {o for s in frontier for o in facts.by_property[prop].get(s, ())}
    return frontier


def _chain_starts(facts: _Facts, chain: list[URIRef], end: URIRef) -> set[URIRef]:
    frontier = {end}
    for prop in reversed(chain):
        frontier = {s for o in frontier for s in facts.by_object[prop].get(o, ())}
    return frontier


def _consequences(triple: Triple, facts: _Facts, axioms: PropertyAxioms) -> Iterable[Triple]:
    """What one fact gives together with the facts known so far (semi-naive: every rule
    instance is found when the last of its facts is taken from the to-do list)."""
    s, p, o = triple
    for q in axioms.super_closure(p):
        yield (s, q, o)
    for q in axioms.inverses.get(p, ()):
        yield (o, q, s)
    if p in axioms.symmetric:
        yield (o, p, s)
    if p in axioms.transitive:
        for further in list(facts.by_property[p].get(o, ())):
            yield (s, p, further)
        for earlier in list(facts.by_object[p].get(s, ())):
            yield (earlier, p, o)
    for chain, q in axioms.chains:
        for position, prop in enumerate(chain):
            if prop != p:
                continue  # the fact can only take part where its property stands
            starts = _chain_starts(facts, chain[:position], s)
            ends = _chain_ends(facts, chain[position + 1:], o)
            for start in starts:
                for end in ends:
                    yield (start, q, end)


def complete_property_values(graph: Graph, extra: Iterable[Triple],
                             axioms: PropertyAxioms) -> set[Triple]:
    """All object-property values between named individuals that the axioms give.

    Starts from the values asserted in ``graph`` plus ``extra`` (the reasoner's) and adds
    values for super-properties, inverses, symmetric and transitive properties and chains
    until nothing changes.
    """
    facts = _Facts()
    for s, p, o in graph:
        if p in axioms.object_properties and isinstance(s, URIRef) and isinstance(o, URIRef):
            facts.add((s, p, o))
    for triple in extra:
        facts.add(triple)
    while facts.todo:
        triple = facts.todo.pop()
        for consequence in list(_consequences(triple, facts, axioms)):
            facts.add(consequence)
    return facts.all


def _class_parents(graph: Graph) -> dict[URIRef, set[URIRef]]:
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for c, d in graph.subject_objects(RDFS.subClassOf):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            parents[c].add(d)
    for c, d in graph.subject_objects(OWL.equivalentClass):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            parents[c].add(d)
            parents[d].add(c)
    return parents


def _disjoint_pairs(graph: Graph) -> set[frozenset[URIRef]]:
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(OWL.disjointWith)
             if isinstance(a, URIRef) and isinstance(b, URIRef)}
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in graph.objects(node, OWL.members):
            members = _list(graph, head)
            pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs


def _reasons_for_types(graph: Graph, axioms: PropertyAxioms) -> dict[URIRef, dict[URIRef, str]]:
    """For each individual, each named class it is put in directly, with the reason why."""
    reasons: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in classes and s not in classes:
            reasons[s].setdefault(o, "asserted")
    for s, p, o in graph:
        if p not in axioms.object_properties and p not in axioms.domains:
            continue
        for q in axioms.super_closure(p):
            for c in axioms.domains.get(q, ()):
                if isinstance(s, URIRef):
                    reasons[s].setdefault(c, f"domain of {short(q)} (used with {short(o)})")
            if isinstance(o, URIRef) and p in axioms.object_properties:
                for c in axioms.ranges.get(q, ()):
                    reasons[o].setdefault(c, f"range of {short(q)} (value of {short(s)})")
    return reasons


def explain_clashes(graph: Graph) -> list[str]:
    """Likely reasons an ontology plus data is inconsistent, one line each (may be empty)."""
    axioms = PropertyAxioms.from_graph(graph)
    parents = _class_parents(graph)
    disjoint = _disjoint_pairs(graph)
    lines: list[str] = []
    for individual, direct in sorted(_reasons_for_types(graph, axioms).items()):
        types: dict[URIRef, str] = {}
        for cls, why in sorted(direct.items()):
            for ancestor in reachable(cls, parents):
                types.setdefault(ancestor, f"{short(cls)}: {why}")
        for pair in sorted(disjoint, key=sorted):
            a, b = sorted(pair)
            if a in types and b in types:
                lines.append(f"{short(individual)} is in disjoint classes {short(a)} "
                             f"[{types[a]}] and {short(b)} [{types[b]}]")
    for prop in sorted(axioms.functional):
        values: dict[object, set[object]] = defaultdict(set)
        for s, o in graph.subject_objects(prop):
            values[s].add(o)
        for s, objects in sorted(values.items()):
            if len(objects) > 1:
                shown = ", ".join(sorted(map(short, objects)))
                lines.append(f"{short(s)} has {len(objects)} values for functional "
                             f"{short(prop)}: {shown}")
    return lines[:MAX_CLASH_LINES]
