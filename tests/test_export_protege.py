"""The ``export --format owl --inferred`` file as a Protégé user meets it: nothing ambiguous.

Protégé lists entities by label, so two entities with one label look like one; an individual
without a label shows as a bare IRI; one without an ``owl:NamedIndividual`` declaration is
only guessed to be one; a property without a domain or range says nothing about what it
relates. The export is read back from the file the command line writes, then checked by the
OWL API (OWL 2 DL) and HermiT (consistent, and still infers what the ontology defines).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from test_cli import kkg

from graph.namespaces import KKC, KKD
from ontology.owlapi import check_dl_profile

_BUILTIN = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty)
_ENTITY_KINDS = (OWL.Class, *_PROPERTY_KINDS, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def export_file(seed_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("protege") / "ketamine-kg.owl"
    result = kkg("export", "--format", "owl", "--inferred", "--out", str(out), home=seed_home)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def export(export_file: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(export_file, format="xml")


def _individuals(graph: rdflib.Graph) -> set[URIRef]:
    """Everything typed by a class or declared an individual, and every object-property value."""
    found = {s for s, t in graph.subject_objects(RDF.type) if isinstance(s, URIRef)
             and (t == OWL.NamedIndividual or not str(t).startswith(_BUILTIN))}
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        found.update(o for o in graph.objects(None, prop) if isinstance(o, URIRef))
    return found


def _entities(graph: rdflib.Graph) -> set[URIRef]:
    declared = {s for kind in _ENTITY_KINDS for s in graph.subjects(RDF.type, kind)
                if isinstance(s, URIRef)}
    return declared | _individuals(graph)


def test_no_two_entities_share_a_label(export: rdflib.Graph) -> None:
    holders: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for entity in _entities(export):
        for label in export.objects(entity, RDFS.label):
            assert isinstance(label, Literal)
            holders[(str(label), label.language)].add(str(entity))
    shared = {label: sorted(who) for label, who in holders.items() if len(who) > 1}
    assert shared == {}
    assert len(holders) > 800  # the vocabulary, claims, sentences, uses: not a vacuous check


def test_every_individual_is_labelled_and_declared(export: rdflib.Graph) -> None:
    individuals = _individuals(export)
    assert len(individuals) > 800
    unlabelled = sorted(str(i) for i in individuals if (i, RDFS.label, None) not in export)
    undeclared = sorted(str(i) for i in individuals
                        if (i, RDF.type, OWL.NamedIndividual) not in export)
    assert unlabelled == []
    assert undeclared == []


def test_every_object_and_data_property_has_a_domain_and_a_range(export: rdflib.Graph) -> None:
    properties = {p for kind in _PROPERTY_KINDS for p in export.subjects(RDF.type, kind)}
    assert len(properties) >= 48  # kkg: object and data properties and the RO relations used
    missing = sorted(f"{p} {what}" for p in properties
                     for what, axiom in (("domain", RDFS.domain), ("range", RDFS.range))
                     if (p, axiom, None) not in export)
    assert missing == []


@pytest.mark.java
def test_owl_api_reads_the_export_as_owl2_dl(export_file: Path) -> None:
    assert check_dl_profile(export_file) == []


@pytest.mark.java
def test_hermit_finds_the_inferred_export_consistent(export_file: Path) -> None:
    import owlready2

    world = owlready2.World()
    world.get_ontology(export_file.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []
    kke = "https://w3id.org/ketamine-kg/entity/"
    ketamine = world.search_one(iri=kke + "ketamine")
    assert {"MentalHealthDrug", "PainDrug"} <= {cls.name for cls in ketamine.is_a}
    # the domains and ranges type no evidence node as anything else (claim subjects and
    # objects range over a union, RO relations over owl:Thing: no named class follows)
    seen: dict[str, int] = defaultdict(int)
    for individual in world.individuals():
        kind = _evidence_kind(individual.iri)
        if kind:
            assert {cls.name for cls in individual.is_a} == {kind}, individual.iri
            seen[kind] += 1
    assert seen["Sentence"] == 28 and seen["Document"] == 1
    assert seen["Claim"] >= 40 and set(seen) == {"Claim", "Sentence", "Document"}


def _evidence_kind(iri: str) -> str | None:
    if "/sentence/" in iri:
        return "Sentence"
    if iri.startswith(str(KKC)):
        return "Claim"
    if iri.startswith(str(KKD)):
        return "Document"
    return None
