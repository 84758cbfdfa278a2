"""Stage 3, lexicon: names and types come from the ontology through queries/pipeline/*.rq."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from graph_fixtures import MINI_ONTOLOGY, extract_text, lexicon, mini_lexicon, ontology_graph

from graph.extraction.lexicon import build_lexicon, default_query_dir, form_keys
from graph.extraction.linking import link_text
from graph.namespaces import KKE, KKG


def test_queries_live_in_the_queries_folder() -> None:
    for name in ("lexicon.rq", "class-terms.rq"):
        text = (default_query_dir() / name).read_text(encoding="utf-8")
        assert text.startswith("#+ title:") and "#+ description:" in text


def test_individuals_with_their_types_and_ancestors() -> None:
    lex = lexicon()
    ketamine = lex.entities[KKE.ketamine]
    assert ketamine.label == "ketamine"
    assert {KKG.Drug, KKG.ChemicalEntity} <= ketamine.types
    trd = lex.types_of(KKE["treatment-resistant-depression"])
    assert {KKG.DepressiveDisorder, KKG.MentalHealthCondition, KKG.Disease, KKG.Condition} <= trd
    assert lex.closure({KKG.NeuropathicPainCondition}) >= {KKG.PainCondition, KKG.Condition}


def test_evidence_individuals_and_deprecated_terms_are_not_names() -> None:
    assert KKG.supported not in lexicon().entities
    mini = mini_lexicon()
    assert KKE["old-name"] not in mini.entities and KKE.supported not in mini.entities
    assert link_text("obsoletamine was supported", 0, mini) == []


def test_capitals_are_kept_in_keys() -> None:
    assert form_keys("PTSD") == ("=PTSD",)
    assert form_keys("post-traumatic stress disorder") == ("post", "traumatic", "stress",
                                                            "disorder")
    assert form_keys("Alzheimer's disease") == ("alzheimer", "disease")


def test_a_synonym_added_to_the_ontology_is_found() -> None:
    """Adding a synonym to the ontology (a small extra graph here) is all the linker needs."""
    text = "Ketamine is sometimes called blue trance."
    assert all(m.entity != KKE.ketamine or m.text != "blue trance"
               for m in link_text(text, 0, lexicon()))
    extra = rdflib.Graph()
    extra.parse(data="""
        @prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
        <https://w3id.org/ketamine-kg/entity/ketamine> oboInOwl:hasRelatedSynonym "blue trance" .
    """, format="turtle")
    merged = rdflib.Graph()
    for triple in ontology_graph():
        merged.add(triple)
    merged += extra
    extended = build_lexicon(merged)
    mentions = link_text(text, 0, extended)
    assert [(m.text, m.entity) for m in mentions if m.entity == KKE.ketamine] == [
        ("Ketamine", KKE.ketamine), ("blue trance", KKE.ketamine)]
    result = extract_text("Street Names\n\nBlue trance is a preferred choice for anaesthesia.",
                          extended)
    assert [(c.subject, c.object) for c in result.claims] == [(KKE.ketamine, KKE.anaesthesia)]
    assert extract_text("Street Names\n\nBlue trance is a preferred choice for anaesthesia.",
                        lexicon()).claims == []


def test_query_folder_can_be_overridden(tmp_path: Path) -> None:
    for name in ("lexicon.rq", "class-terms.rq"):
        shutil.copy(default_query_dir() / name, tmp_path / name)
    graph = rdflib.Graph().parse(MINI_ONTOLOGY, format="turtle")
    assert len(build_lexicon(graph, tmp_path)) == len(mini_lexicon())
    (tmp_path / "lexicon.rq").unlink()
    with pytest.raises(FileNotFoundError, match="lexicon.rq"):
        build_lexicon(graph, tmp_path)


def test_class_names_are_known_but_untyped() -> None:
    mentions = link_text("other mental health disorders", 0, mini_lexicon())
    assert [(m.text, m.entity, m.types) for m in mentions] == [
        ("mental health disorders", KKG.MentalHealthCondition, frozenset())]
