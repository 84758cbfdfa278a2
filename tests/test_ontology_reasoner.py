"""HermiT over the ontology and a tiny hand-made data graph: consistency and the inferences."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ontology import load_ontology_graph
from ontology.java import JavaMissingError
from ontology.layout import KKE, KKG
from ontology.reasoner import ReasonerError, infer, infer_triples, unsatisfiable_classes

DATA = Path(__file__).parent / "data" / "reasoner-sample.ttl"
KKU = "https://w3id.org/ketamine-kg/use/"
java = pytest.mark.java


def kkg(name: str) -> URIRef:
    return URIRef(KKG + name)


def kke(name: str) -> URIRef:
    return URIRef(KKE + name)


def kku(name: str) -> URIRef:
    return URIRef(KKU + name)


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return load_ontology_graph()


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(DATA, format="turtle")


@pytest.fixture(scope="module")
def inferred(ontology_graph: Graph, sample: Graph) -> Graph:
    return infer([ontology_graph, sample])


@java
def test_ontology_is_consistent_with_no_unsatisfiable_class() -> None:
    assert unsatisfiable_classes() == []


@java
@pytest.mark.parametrize(("individual", "cls"), [
    (kke("ketamine"), kkg("MentalHealthDrug")),          # a use for PTSD
    (kke("ketamine"), kkg("PainDrug")),                  # a use for severe pain
    (kku("ketamine/severe-pain"), kkg("SymptomaticUse")),
    (kku("ketamine/severe-pain"), kkg("EstablishedUse")),
    (kku("ketamine/post-traumatic-stress-disorder"), kkg("AdjunctUse")),
    (kku("ketamine/post-traumatic-stress-disorder"), kkg("InvestigationalUse")),
    (kke("nmda-receptor"), kkg("TargetedReceptor")),
])
def test_defined_class_membership_is_inferred(inferred: Graph, individual: URIRef,
                                              cls: URIRef) -> None:
    assert (individual, RDF.type, cls) in inferred


@java
def test_disease_use_is_not_symptomatic(inferred: Graph) -> None:
    use = kku("ketamine/treatment-resistant-depression")
    assert (use, RDF.type, kkg("SymptomaticUse")) not in inferred
    assert (use, RDF.type, kkg("InvestigationalUse")) not in inferred


@java
@pytest.mark.parametrize(("s", "p", "o"), [
    # property chain drugUsedIn o forIndication -> usedFor
    (kke("ketamine"), kkg("usedFor"), kke("post-traumatic-stress-disorder")),
    (kke("ketamine"), kkg("usedFor"), kke("severe-pain")),
    # treats is a sub-property of usedFor
    (kke("ketamine"), kkg("usedFor"), kke("treatment-resistant-depression")),
    # inverses
    (kke("post-traumatic-stress-disorder"), kkg("hasDrugUsedFor"), kke("ketamine")),
    (kke("treatment-resistant-depression"), kkg("treatedBy"), kke("ketamine")),
    (kke("nmda-receptor"), kkg("modulatedBy"), kke("ketamine")),
    (kke("ketamine"), kkg("drugUsedIn"), kku("ketamine/severe-pain")),
    (URIRef("https://w3id.org/ketamine-kg/claim/sample/0000000000000001"), kkg("supports"),
     kku("ketamine/post-traumatic-stress-disorder")),
])
def test_property_values_are_inferred(inferred: Graph, s: URIRef, p: URIRef,
                                      o: URIRef) -> None:
    assert (s, p, o) in inferred


@java
def test_only_new_named_facts_about_individuals(inferred: Graph, ontology_graph: Graph,
                                                sample: Graph) -> None:
    asserted = ontology_graph + sample
    classes = set(ontology_graph.subjects(RDF.type, OWL.Class))
    for s, p, o in inferred:
        assert not isinstance(s, BNode) and not isinstance(o, BNode)
        assert (s, p, o) not in asserted
        assert o not in (OWL.Thing, OWL.NamedIndividual)
        assert s not in classes
        assert p == RDF.type or str(p).startswith(KKG)
        assert p not in (RDFS.subClassOf, OWL.equivalentClass)


@java
def test_results_are_sorted_and_repeatable(ontology_graph: Graph, sample: Graph) -> None:
    first = infer_triples([ontology_graph, sample])
    assert first == sorted(first)
    assert infer_triples([ontology_graph, sample]) == first


@java
def test_data_clashing_with_disjointness_raises_a_clear_error(ontology_graph: Graph) -> None:
    bad = Graph()
    bad.add((kke("ketamine"), kkg("forIndication"), kke("depression")))  # domain: DrugUse
    with pytest.raises(ReasonerError) as caught:
        infer([ontology_graph, bad])
    message = str(caught.value)
    assert "inconsistent" in message
    assert "ketamine" in message and "disjoint" in message


@java
def test_two_certainties_on_one_use_raise(ontology_graph: Graph) -> None:
    bad = Graph()
    use = kku("ketamine/depression")
    bad.add((use, kkg("hasCertainty"), kkg("established")))
    bad.add((use, kkg("hasCertainty"), kkg("preliminary")))
    with pytest.raises(ReasonerError, match="functional"):
        infer([ontology_graph, bad])


@java
def test_unsatisfiable_class_is_named(ontology_graph: Graph) -> None:
    broken = Graph()
    impossible = URIRef("https://example.org/DrugThatIsACondition")
    broken.add((impossible, RDF.type, OWL.Class))
    broken.add((impossible, RDFS.subClassOf, kkg("Drug")))
    broken.add((impossible, RDFS.subClassOf, kkg("Condition")))
    assert unsatisfiable_classes([ontology_graph, broken]) == [str(impossible)]


def test_missing_java_is_one_clear_line(monkeypatch: pytest.MonkeyPatch,
                                        ontology_graph: Graph) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(JavaMissingError) as caught:
        infer([ontology_graph])
    assert "default-jre-headless" in str(caught.value)
    assert "\n" not in str(caught.value)
