"""Claims and sentences are labelled uniquely and readably; every minted node is declared.

Protégé shows entities by label: two claims of one statement from two sentences must not look
alike, a sentence must not show as a bare IRI, and every individual is an owl:NamedIndividual.
"""

from __future__ import annotations

from collections import defaultdict

from graph_fixtures import ARTICLE, extraction
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from graph.extraction.claims import claim_iri
from graph.extraction.labels import MAX_QUOTE_CHARS, claim_label, quote, sentence_label
from graph.extraction.model import Sentence
from graph.namespaces import KKE, KKG


def test_claims_of_one_statement_are_told_apart_by_their_sentence() -> None:
    result = extraction(ARTICLE)
    statements: dict[tuple, list] = defaultdict(list)
    for claim in result.claims:
        statements[(claim.subject, claim.predicate, claim.object)].append(claim)
    role = statements[(KKE.ketamine, KKG.hasRole, KKE.anaesthetic)]
    assert len(role) == 2  # the article says it twice
    labels = {str(result.graph.value(claim_iri(c), RDFS.label)) for c in role}
    assert labels == {f"ketamine has role anaesthetic, sentence {c.sentence.index + 1} of "
                      "ketamine-uses" for c in role}
    every = [str(result.graph.value(claim_iri(c), RDFS.label)) for c in result.claims]
    assert len(set(every)) == len(every)


def test_every_sentence_is_labelled_by_its_number_and_first_words() -> None:
    result = extraction(ARTICLE)
    for sentence in result.sentences:
        (label,) = result.graph.objects(sentence.iri, RDFS.label)
        head = f"sentence {sentence.index + 1} of ketamine-uses: “"
        assert str(label).startswith(head) and str(label).endswith("”")
        quoted = str(label)[len(head):-1].removesuffix(" …")
        assert " ".join(sentence.text.split()).startswith(quoted)
        assert len(quoted) <= MAX_QUOTE_CHARS
    first = result.sentences[0]
    assert result.graph.value(first.iri, RDFS.label) == Literal(
        "sentence 1 of ketamine-uses: “In the realm of medicine and healthcare, certain "
        "substances …”")


def test_every_node_the_pipeline_mints_is_a_named_individual() -> None:
    graph = extraction(ARTICLE).graph
    typed = {s for s, t in graph.subject_objects(RDF.type)
             if isinstance(s, URIRef) and str(t).startswith(str(KKG))}
    assert typed  # documents, sentences, claims, uses
    assert {s for s in typed if (s, RDF.type, OWL.NamedIndividual) not in graph} == set()


def test_labels_are_built_from_the_sentence_alone() -> None:
    sentence = Sentence("doc", 10, 90, "Ketamine  has\nshown remarkable success in "
                        "treatment-resistant depression, says the review.", index=4)
    assert claim_label("ketamine treats depression", sentence, negated=False) == \
        "ketamine treats depression, sentence 5 of doc"
    assert claim_label("ketamine treats depression", sentence, negated=True) == \
        "ketamine treats depression, sentence 5 of doc (negated)"
    assert sentence_label(sentence) == \
        "sentence 5 of doc: “Ketamine has shown remarkable success in treatment-resistant …”"
    assert quote("short  one") == "short one"
    assert quote("x" * 80) == "x" * MAX_QUOTE_CHARS + " …"  # one long word: cut inside it
