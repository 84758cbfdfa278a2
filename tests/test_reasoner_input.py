"""What HermiT is given (ontology.reasoner_input): less input, the very same inferences."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from graph.extraction.pipeline import extract_path
from graph.merge import merge_use_certainty
from ontology import load_ontology_graph
from ontology.layout import KKE, KKG
from ontology.reasoner import ReasonerError, _merge, infer_triples
from ontology.reasoner_input import FRESH_INDIVIDUAL, ReducedInput, UndecidedError, reduce_input

SEED = Path(__file__).resolve().parents[1] / "corpus" / "ketamine-uses.txt"
java = pytest.mark.java
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


def kkg(name: str) -> URIRef:
    return URIRef(KKG + name)


def kke(name: str) -> URIRef:
    return URIRef(KKE + name)


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def seed_input(ontology_graph: Graph) -> Graph:
    """What a build of the seed article hands the reasoner, as one graph."""
    graphs = [extraction.graph for extraction in extract_path(SEED, ontology_graph)]
    return _merge([ontology_graph, *graphs, merge_use_certainty(graphs, ontology_graph)])


@pytest.fixture(scope="module")
def seed_reduced(seed_input: Graph) -> ReducedInput:
    return reduce_input(seed_input)


def individuals_of(graph: Graph, cls: URIRef) -> set[object]:
    return set(graph.subjects(RDF.type, cls))


@java
def test_seed_inferences_are_the_same_with_and_without_the_reduction(seed_input: Graph) -> None:
    reduced = infer_triples([seed_input])
    assert reduced == infer_triples([seed_input], reduce=False)
    assert (kke("ketamine"), RDF.type, kkg("MentalHealthDrug")) in reduced
    assert any(p == kkg("supports") for _s, p, _o in reduced)  # from dropped supportedBy


def test_evidence_bookkeeping_is_dropped(seed_input: Graph, seed_reduced: ReducedInput) -> None:
    graph = seed_reduced.graph
    assert len(graph) < len(seed_input) / 8
    for predicate in (RDFS.label, OWL.annotatedSource, kkg("text"), kkg("startOffset"),
                      kkg("hedgeCue"), kkg("claimSubject"), kkg("inSentence"),
                      kkg("supportedBy"), kkg("fromDocument"), kkg("evidenceSentence")):
        assert (None, predicate, None) not in graph, predicate
    # what is left of claims is "a claim with certainty X": one per level, at most
    assert len(individuals_of(graph, kkg("Claim"))) <= 5
    assert len(individuals_of(graph, kkg("Sentence"))) == 1
    claims = individuals_of(seed_input, kkg("Claim"))
    assert all(seed_reduced.twins[c] in graph.subjects() for c in claims
               if c not in graph.subjects())


def test_what_inferences_rest_on_is_kept(seed_input: Graph, seed_reduced: ReducedInput) -> None:
    graph = seed_reduced.graph
    uses = individuals_of(seed_input, kkg("DrugUse"))
    assert uses and uses == individuals_of(graph, kkg("DrugUse"))
    for predicate in (kkg("usesDrug"), kkg("forIndication"), kkg("hasCertainty"),
                      kkg("hasAdjunctTherapy"), kkg("treats")):
        for triple in seed_input.triples((None, predicate, None)):
            if triple[0] in uses or predicate == kkg("treats"):
                assert triple in graph, triple
    # the schema is whole: every axiom on a class or property is still there
    for p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.domain, RDFS.range,
              OWL.propertyChainAxiom, OWL.inverseOf, OWL.members, OWL.distinctMembers):
        assert len(set(graph.triples((None, p, None)))) == len(
            set(seed_input.triples((None, p, None)))), p


def test_a_domain_or_range_that_types_an_individual_is_kept(ontology_graph: Graph) -> None:
    data = Graph()
    claim, untyped = URIRef("https://example.org/c"), URIRef("https://example.org/s")
    data.add((claim, RDF.type, kkg("Claim")))
    data.add((claim, kkg("inSentence"), untyped))  # range Sentence: untyped is a Sentence
    data.add((claim, kkg("startOffset"), Literal("x", datatype=XSD_INTEGER)))  # ill-typed
    data.add((claim, kkg("endOffset"), Literal(3)))
    reduced = reduce_input(_merge([ontology_graph, data])).graph
    assert (claim, kkg("inSentence"), untyped) in reduced
    assert (claim, kkg("startOffset"), Literal("x", datatype=XSD_INTEGER)) in reduced
    assert (claim, kkg("endOffset"), Literal(3)) not in reduced


def test_individuals_nothing_is_left_about_are_twins_of_one_fresh_individual(
        ontology_graph: Graph) -> None:
    data = Graph()
    claim = URIRef("https://example.org/c")
    data.add((claim, RDF.type, kkg("Claim")))
    data.add((claim, kkg("claimObject"), kke("ketamine")))
    # RO "has evidence" ranges over owl:Thing: the value says nothing about only-here
    # (kkg:claimSubject would: its range types it as a vocabulary term or candidate)
    has_evidence = URIRef("http://purl.obolibrary.org/obo/RO_0002558")
    data.add((claim, has_evidence, URIRef("https://example.org/only-here")))
    reduced = reduce_input(_merge([ontology_graph, data]))
    assert reduced.twins[URIRef("https://example.org/only-here")] == FRESH_INDIVIDUAL
    assert (FRESH_INDIVIDUAL, RDF.type, OWL.NamedIndividual) in reduced.graph
    assert reduced.expand([(FRESH_INDIVIDUAL, RDF.type, kkg("Thing"))]) == [
        (URIRef("https://example.org/only-here"), RDF.type, kkg("Thing"))]


def test_expand_copies_facts_to_twins_and_refuses_undecided_cases() -> None:
    a, b, c, d = (URIRef(f"https://example.org/{n}") for n in "abcd")
    reduced = ReducedInput(graph=Graph(), twins={b: a, d: c}, nominals={kkg("established")},
                           nominal_classes={kkg("CertaintyLevel")},
                           class_parents={kkg("Odd"): {kkg("CertaintyLevel")}})
    assert sorted(reduced.expand([(a, RDF.type, kkg("X")), (a, kkg("p"), c)])) == sorted([
        (a, RDF.type, kkg("X")), (b, RDF.type, kkg("X")),
        (a, kkg("p"), c), (a, kkg("p"), d), (b, kkg("p"), c), (b, kkg("p"), d)])
    with pytest.raises(UndecidedError) as loop:  # are a's twins related to each other?
        reduced.expand([(a, kkg("p"), a)])
    assert not loop.value.whole
    assert reduced.expand([(kkg("established"), RDF.type, kkg("Odd"))])
    with pytest.raises(UndecidedError) as nominal:  # c may be another name of a level
        reduced.expand([(c, RDF.type, kkg("Odd"))])
    assert nominal.value.whole
    reduced.typed_classes = {kkg("Told")}  # c is told a Told, which HermiT puts below one
    with pytest.raises(UndecidedError, match="below a class of nominals"):
        reduced.expand([(kkg("Told"), RDFS.subClassOf, kkg("Odd"))])


def test_axioms_that_can_equate_names_keep_the_whole_input(ontology_graph: Graph) -> None:
    data = Graph()
    x = URIRef("https://example.org/x")
    data.add((x, RDF.type, kkg("CertaintyLevel")))  # so x is one of the five levels
    assert "nominals" in reduce_input(_merge([ontology_graph, data])).whole
    restriction = BNode()
    for triple in ((kkg("Claim"), RDFS.subClassOf, restriction),
                   (restriction, RDF.type, OWL.Restriction),
                   (restriction, OWL.onProperty, kkg("inSentence")),
                   (restriction, OWL.maxCardinality, Literal(1))):
        data.add(triple)
    data.remove((x, None, None))
    reduced = reduce_input(_merge([ontology_graph, data]))
    assert "maxCardinality" in reduced.whole and len(reduced.graph) == len(ontology_graph) + 4
    assert not reduce_input(ontology_graph).whole


@java
def test_hand_made_corner_cases_infer_the_same(ontology_graph: Graph) -> None:
    """A range that types an untyped value, twins in a cycle of a transitive property."""
    data = Graph()
    ex = "https://example.org/"
    claim, untyped = URIRef(ex + "c"), URIRef(ex + "s")
    data.add((claim, RDF.type, kkg("Claim")))
    data.add((claim, kkg("inSentence"), untyped))
    hub, one, two = (URIRef(ex + n) for n in ("hub", "one", "two"))
    for twin in (one, two):  # identical profiles: one and two are twins
        data.add((twin, RDF.type, kkg("Condition")))
        data.add((twin, kkg("subtypeOf"), hub))
        data.add((hub, kkg("subtypeOf"), twin))
    annotated = BNode()  # an annotated assertion: the reification goes, the triple stays
    data.add((annotated, RDF.type, OWL.Axiom))
    data.add((annotated, OWL.annotatedSource, claim))
    data.add((annotated, OWL.annotatedProperty, kkg("inSentence")))
    data.add((annotated, OWL.annotatedTarget, untyped))
    data.add((annotated, RDFS.comment, Literal("seen in the text")))
    assert reduce_input(_merge([ontology_graph, data])).twins.get(two) == one
    # HermiT finds one subtypeOf one, which the twins do not decide: reasoned again without
    # them (the whole input gives the same triples, checked when this was written)
    inferred = set(infer_triples([ontology_graph, data]))
    assert (untyped, RDF.type, kkg("Sentence")) in inferred
    assert (hub, RDF.type, kkg("Condition")) in inferred
    closure = {(a, kkg("subtypeOf"), b) for a in (one, two, hub) for b in (one, two, hub)}
    assert {t for t in inferred if t[1] == kkg("subtypeOf")} == closure - set(data)


@java
def test_a_clash_through_an_inert_property_is_still_found(ontology_graph: Graph) -> None:
    bad = Graph()
    bad.add((kke("ketamine"), kkg("claimSubject"), kke("depression")))  # domain: Claim
    with pytest.raises(ReasonerError, match="inconsistent"):
        infer_triples([ontology_graph, bad])
