"""The ontology sources and their release build: stable bytes, complete annotations, sound ids."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology import build_release, load_ontology_graph, release_paths
from ontology.build import (
    import_files,
    read_edit_graph,
    read_import_graphs,
    stale_release_files,
)
from ontology.layout import KKE, KKG, ONTOLOGY_IRI, import_iri

ROOT = Path(__file__).resolve().parents[1]
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
OIO = "http://www.geneontology.org/formats/oboInOwl#"
EXACT, RELATED, XREF = (URIRef(OIO + n) for n in
                        ("hasExactSynonym", "hasRelatedSynonym", "hasDbXref"))
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                     OWL.AnnotationProperty, OWL.NamedIndividual)

# CURIE prefixes the shared notes verify identifiers for, with their full-IRI forms
# (None: the CURIE may be an xref but no IRI form is verified, so no skos mapping).
ALLOWED_PREFIXES: dict[str, str | None] = {
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "MFOMD": "http://purl.obolibrary.org/obo/MFOMD_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "PUBCHEM.COMPOUND": None,
    "UNII": None,
    "WIKIDATA": None,
}
# Identifiers the shared notes (domain-modelling.md, sections 6-7) mark UNVERIFIED or
# conflicting; none of them may ship.
UNVERIFIED = {
    "WIKIDATA:Q42844", "WIKIDATA:Q131755", "WIKIDATA:Q202387", "WIKIDATA:Q4340209",
    "NCIT:C50566", "NCIT:C87497",  # fibromyalgia: DO 2015 and MONDO disagree
    "RXNORM:238082", "RXNORM:238083", "RXNORM:238084",  # product concepts, not ketamine
    "IUPHAR:455", "IUPHAR:456", "IUPHAR:457", "IUPHAR:458", "IUPHAR:459",
}


@pytest.fixture(scope="module")
def edit() -> Graph:
    return read_edit_graph()


@pytest.fixture(scope="module")
def full() -> Graph:
    return load_ontology_graph()


def _declared(graph: Graph, namespaces: tuple[str, ...]) -> list[URIRef]:
    return sorted({s for t in DECLARATION_TYPES for s in graph.subjects(RDF.type, t)
                   if isinstance(s, URIRef) and str(s).startswith(namespaces)})


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# -- the build --------------------------------------------------------------------------


def _build_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "ontology.build", "--out", str(out)], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_rebuild_is_byte_stable_across_processes(tmp_path: Path) -> None:
    # Different hash seeds change set and dict orders inside rdflib; bytes must not change.
    first = _build_in_subprocess(tmp_path / "a", "1")
    second = _build_in_subprocess(tmp_path / "b", "2")
    assert first == second
    assert len(first) == len(release_paths().all())


def test_rebuild_in_process_is_byte_stable(tmp_path: Path) -> None:
    paths = build_release(tmp_path)
    before = {p: p.read_bytes() for p in paths.all()}
    build_release(tmp_path)
    assert {p: p.read_bytes() for p in paths.all()} == before


def test_committed_release_is_up_to_date_with_sources() -> None:
    stale = stale_release_files()
    assert stale == [], "run `python -m ontology.build` and commit ontology/release/"


def test_release_files_say_they_are_generated() -> None:
    for path in release_paths().all():
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert "GENERATED FILE" in first_line, path


def test_release_files_parse_back_to_the_sources(tmp_path: Path, edit: Graph,
                                                  full: Graph) -> None:
    from rdflib.compare import isomorphic

    paths = build_release(tmp_path)
    assert isomorphic(Graph().parse(paths.owl, format="xml"), edit)
    assert isomorphic(Graph().parse(paths.ttl, format="turtle"), edit)
    assert isomorphic(Graph().parse(paths.full_owl, format="xml"), full)
    for name, graph in read_import_graphs().items():
        assert isomorphic(Graph().parse(paths.imports[name], format="xml"), graph)


def test_catalog_maps_every_import_to_an_existing_file(edit: Graph) -> None:
    paths = release_paths()
    root = ET.parse(paths.catalog).getroot()  # noqa: S314 - our own generated file
    mapped = {e.get("name"): e.get("uri") for e in root if e.tag.endswith("uri")}
    imported = {str(o) for o in edit.objects(URIRef(ONTOLOGY_IRI), OWL.imports)}
    assert set(mapped) == imported == {import_iri(name) for name in import_files()}
    for uri in mapped.values():
        assert (paths.directory / uri).is_file()


def test_full_graph_has_no_imports_and_one_ontology(full: Graph) -> None:
    assert not list(full.triples((None, OWL.imports, None)))
    assert list(full.subjects(RDF.type, OWL.Ontology)) == [URIRef(ONTOLOGY_IRI)]


# -- annotations ------------------------------------------------------------------------


def test_every_own_term_has_one_label_and_one_definition(edit: Graph) -> None:
    missing = []
    for term in _declared(edit, (KKG, KKE)):
        labels = list(edit.objects(term, RDFS.label))
        definitions = list(edit.objects(term, IAO_DEFINITION))
        if len(labels) != 1 or len(definitions) != 1:
            missing.append(f"{term}: {len(labels)} labels, {len(definitions)} definitions")
    assert missing == []


def test_every_imported_term_has_a_label(full: Graph) -> None:
    for graph in read_import_graphs().values():
        for term in _declared(graph, ("http",)):
            assert list(full.objects(term, RDFS.label)), term


def test_every_entity_iri_is_the_slug_of_its_label(edit: Graph) -> None:
    wrong = {str(term): str(edit.value(term, RDFS.label))
             for term in _declared(edit, (KKE,))
             if str(term) != KKE + _slug(str(edit.value(term, RDFS.label)))}
    assert wrong == {}


def test_no_iri_is_declared_with_two_kinds(full: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
             OWL.NamedIndividual)
    for subject in set(full.subjects(RDF.type, None)):
        declared = [k for k in kinds if (subject, RDF.type, k) in full]
        assert len(declared) <= 1, (subject, declared)


# -- cross-references -------------------------------------------------------------------


def test_every_xref_uses_an_allowed_prefix(full: Graph) -> None:
    pattern = re.compile(r"([A-Za-z.]+):[A-Za-z0-9_.]+\Z")
    for subject, value in full.subject_objects(XREF):
        assert isinstance(value, Literal), (subject, value)
        match = pattern.match(str(value))
        assert match and match.group(1) in ALLOWED_PREFIXES, (subject, value)


def test_no_unverified_identifier_ships(full: Graph) -> None:
    xrefs = {str(v) for v in full.objects(None, XREF)}
    assert xrefs & UNVERIFIED == set()
    for mapping in (SKOS.exactMatch, SKOS.closeMatch):
        for value in full.objects(None, mapping):
            assert "wikidata.org" not in str(value), value  # IRI form is unverified


def test_every_skos_mapping_matches_an_xref_on_the_same_term(full: Graph) -> None:
    to_curie = {iri: prefix for prefix, iri in ALLOWED_PREFIXES.items() if iri}
    for mapping in (SKOS.exactMatch, SKOS.closeMatch):
        for subject, target in full.subject_objects(mapping):
            if str(target).startswith("https://w3id.org/biolink/"):
                continue  # model alignments, not identifiers
            base = next((b for b in to_curie if str(target).startswith(b)), None)
            assert base is not None, (subject, target)
            curie = f"{to_curie[base]}:{str(target)[len(base):]}"
            assert (subject, XREF, Literal(curie)) in full, (subject, curie)


# -- the vocabulary the linker reads ----------------------------------------------------


def _surface_forms(graph: Graph) -> dict[str, set[URIRef]]:
    forms: dict[str, set[URIRef]] = {}
    for individual in graph.subjects(RDF.type, OWL.NamedIndividual):
        if str(individual).startswith(KKE):
            for predicate in (RDFS.label, EXACT, RELATED):
                for value in graph.objects(individual, predicate):
                    forms.setdefault(str(value).lower(), set()).add(individual)
    return forms


def test_no_surface_form_names_two_entities(full: Graph) -> None:
    shared = {form: sorted(map(str, who)) for form, who in _surface_forms(full).items()
              if len(who) > 1}
    assert shared == {}


def test_no_synonym_is_just_a_plural_of_another_form(full: Graph) -> None:
    forms = _surface_forms(full)
    plurals = [form for form in forms if form.endswith("s") and form[:-1] in forms
               and forms[form] == forms[form[:-1]]]
    assert plurals == []


@pytest.mark.parametrize(("surface", "entity"), [
    ("anesthetic", "anaesthetic"), ("anaesthesia", "anaesthesia"), ("anesthesia", "anaesthesia"),
    ("analgesic", "analgesic"), ("pain relief", "analgesia"), ("trance-like state", "dissociation"),
    ("surgical procedure", "surgery"), ("emergency situation", "emergency-medicine"),
    ("critical patient", "critical-care"), ("cardiovascular stability", "cardiovascular-stability"),
    ("respiratory function", "respiratory-function-preservation"),
    ("anesthetic induction", "anaesthetic-induction"), ("chronic pain", "chronic-pain"),
    ("fibromyalgia", "fibromyalgia"), ("neuropathy", "neuropathy"),
    ("complex regional pain syndrome", "complex-regional-pain-syndrome"),
    ("CRPS", "complex-regional-pain-syndrome"), ("infusion", "intravenous-infusion"),
    ("NMDA receptor", "nmda-receptor"), ("N-methyl-D-aspartate receptor", "nmda-receptor"),
    ("NMDAR", "nmda-receptor"),
    ("treatment-resistant depression", "treatment-resistant-depression"),
    ("TRD", "treatment-resistant-depression"),
    ("rapid-acting antidepressant", "rapid-acting-antidepressant"),
    ("antidepressant", "antidepressant"), ("infusion therapy", "intravenous-infusion"),
    ("depressive symptom", "depressive-symptom"), ("synaptic plasticity", "synaptic-plasticity"),
    ("glutamate signaling", "glutamate-signalling"), ("glutamate", "glutamate"),
    ("PTSD", "post-traumatic-stress-disorder"), ("anxiety", "anxiety-disorder"),
    ("anxiety symptom", "anxiety-symptom"), ("psychotherapy", "psychotherapy"),
    ("depression", "depression"), ("bipolar disorder", "bipolar-disorder"),
    ("OCD", "obsessive-compulsive-disorder"), ("BPD", "borderline-personality-disorder"),
    ("borderline personality disorder", "borderline-personality-disorder"),
    ("palliative care", "palliative-care"), ("end-of-life care", "end-of-life-care"),
    ("severe pain", "severe-pain"), ("delirium", "delirium"),
    ("existential distress", "existential-distress"), ("dissociative state", "dissociation"),
    ("suffering", "suffering"), ("pain management", "pain-management"), ("ketamine", "ketamine"),
])
def test_article_surface_form_finds_its_entity(full: Graph, surface: str, entity: str) -> None:
    assert _surface_forms(full).get(surface.lower()) == {URIRef(KKE + entity)}


def _types(graph: Graph, entity: str) -> set[str]:
    return {str(t)[len(KKG):] for t in graph.objects(URIRef(KKE + entity), RDF.type)
            if str(t).startswith(KKG)}


@pytest.mark.parametrize(("entity", "expected"), [
    ("ketamine", {"Drug"}), ("glutamate", {"SignallingMolecule"}),
    ("nmda-receptor", {"Receptor", "IonChannel"}),
    ("treatment-resistant-depression", {"DepressiveDisorder"}),
    ("post-traumatic-stress-disorder", {"TraumaRelatedDisorder"}),
    ("bipolar-disorder", {"BipolarDisorderCategory"}),
    ("obsessive-compulsive-disorder", {"ObsessiveCompulsiveCategory"}),
    ("borderline-personality-disorder", {"PersonalityDisorder"}),
    ("chronic-pain", {"ChronicPainCondition"}), ("severe-pain", {"Symptom", "PainCondition"}),
    ("delirium", {"Symptom"}), ("anaesthesia", {"ClinicalPurpose"}),
    ("psychotherapy", {"NonDrugTherapy"}), ("intravenous-infusion", {"RouteOfAdministration"}),
    ("palliative-care", {"ClinicalSetting"}), ("synaptic-plasticity", {"BiologicalProcess"}),
    ("dissociation", {"Effect"}), ("nmda-receptor-antagonist", {"DrugRole"}),
])
def test_entity_has_the_expected_classes(full: Graph, entity: str, expected: set[str]) -> None:
    assert _types(full, entity) == expected


def test_condition_links_follow_the_article(full: Graph) -> None:
    subtype, causes = URIRef(KKG + "subtypeOf"), URIRef(KKG + "causesCondition")
    trd, depression = URIRef(KKE + "treatment-resistant-depression"), URIRef(KKE + "depression")
    chronic = URIRef(KKE + "chronic-pain")
    assert (trd, subtype, depression) in full
    for cause in ("fibromyalgia", "neuropathy", "complex-regional-pain-syndrome"):
        assert (URIRef(KKE + cause), causes, chronic) in full
        assert (URIRef(KKE + cause), subtype, chronic) not in full


def test_certainty_levels_are_ranked_five_to_one(full: Graph) -> None:
    ranks = {str(s)[len(KKG):]: int(o) for s, o in full.subject_objects(URIRef(KKG + "rank"))}
    assert ranks == {"established": 5, "supported": 4, "promising": 3, "preliminary": 2,
                     "hypothesised": 1}


# -- the contract (docs/model.md) -------------------------------------------------------

CONTRACT = {  # property: (domain, range, inverse, super-properties)
    "usedFor": ("Drug", "Indication", "hasDrugUsedFor", set()),
    "treats": ("Drug", "Condition", "treatedBy", {"usedFor"}),
    "relievesSymptom": ("Drug", "Condition", None, {"usedFor", "obo:RO_0003307"}),
    "hasRole": ("ChemicalEntity", "Role", None, {"obo:RO_0000087"}),
    "modulates": ("ChemicalEntity", "MolecularTarget", "modulatedBy", {"obo:RO_0011002"}),
    "affectsProcess": ("ChemicalEntity", "BiologicalProcess", None, {"obo:RO_0002328"}),
    "hasEffect": ("ChemicalEntity", "Effect", None, set()),
    "causesCondition": ("Condition", "Condition", None, {"obo:RO_0003302"}),
    "usesDrug": ("DrugUse", "Drug", "drugUsedIn", {"obo:RO_0000057"}),
    "forIndication": ("DrugUse", "Indication", None, set()),
    "hasRoute": ("DrugUse", "RouteOfAdministration", None, set()),
    "inSetting": ("DrugUse", "ClinicalSetting", None, set()),
    "hasAdjunctTherapy": ("DrugUse", "Therapy", None, set()),
    "mechanismInvolves": ("DrugUse", None, None, {"obo:RO_0002328"}),
    "supportedBy": ("DrugUse", "Claim", "supports", {"obo:RO_0002558"}),
    "inSentence": ("Claim", "Sentence", None, set()),
    "evidenceType": ("Claim", "EvidenceType", None, set()),
    "subtypeOf": ("Condition", "Condition", None, set()),
}


def _short(node: object) -> str:
    text = str(node)
    if text.startswith(KKG):
        return text[len(KKG):]
    return text.replace("http://purl.obolibrary.org/obo/", "obo:")


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_object_property_matches_the_contract(edit: Graph, name: str) -> None:
    domain, range_, inverse, supers = CONTRACT[name]
    prop = URIRef(KKG + name)
    assert (prop, RDF.type, OWL.ObjectProperty) in edit
    if domain:
        assert _short(edit.value(prop, RDFS.domain)) == domain
    if range_:
        assert _short(edit.value(prop, RDFS.range)) == range_
    if inverse:
        assert _short(edit.value(prop, OWL.inverseOf)) == inverse
    assert {_short(o) for o in edit.objects(prop, RDFS.subPropertyOf)} == supers


def test_contract_characteristics(edit: Graph) -> None:
    assert (URIRef(KKG + "hasCertainty"), RDF.type, OWL.FunctionalProperty) in edit
    assert (URIRef(KKG + "subtypeOf"), RDF.type, OWL.TransitiveProperty) in edit
    chain = edit.value(URIRef(KKG + "usedFor"), OWL.propertyChainAxiom)
    from rdflib.collection import Collection

    assert [_short(p) for p in Collection(edit, chain)] == ["drugUsedIn", "forIndication"]


def test_owlready2_loads_the_full_release() -> None:
    import owlready2

    world = owlready2.World()
    try:
        loaded = world.get_ontology(str(release_paths().full_owl)).load()
        ketamine = world[KKE + "ketamine"]
        assert ketamine is not None and ketamine.label == ["ketamine"]
        assert len(list(loaded.individuals())) >= 60
    finally:
        world.close()
