"""Stage 8, claims → RDF: the contract's claim, sentence, use, edge and axiom layout."""

from __future__ import annotations

import hashlib

from graph_fixtures import ARTICLE, extract_text, extraction
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from graph.extraction.claims import add_uses, claim_hash, claim_iri, predicate_words, use_iri
from graph.extraction.model import Claim, Qualifiers, Sentence
from graph.namespaces import KKC, KKD, KKE, KKG, KKU, OBO

RANK = {KKG.established: 5, KKG.supported: 4, KKG.promising: 3, KKG.preliminary: 2,
        KKG.hypothesised: 1}


def _claim(certainty: URIRef, negated: bool = False, start: int = 0, **kw) -> Claim:
    sentence = Sentence("doc", start, start + 10, "0123456789")
    return Claim(KKE.ketamine, KKG.treats, KKE.depression, sentence, certainty, None, negated,
                 "rule", makes_use=True, **kw)


def test_iris_follow_the_contract() -> None:
    claim = _claim(KKG.supported, start=1520)
    expected = hashlib.sha256(
        f"{KKE.ketamine}|{KKG.treats}|{KKE.depression}|1520|1530".encode()).hexdigest()[:16]
    assert claim_hash(claim) == expected
    assert claim_iri(claim) == URIRef(f"{KKC}doc/{expected}")
    assert use_iri(KKE.ketamine, KKE["treatment-resistant-depression"]) == \
        KKU["ketamine/treatment-resistant-depression"]
    assert predicate_words(KKG.relievesSymptom) == "relieves symptom"


def test_use_certainty_is_the_best_non_negated_claim() -> None:
    graph = Graph()
    claims = [_claim(KKG.established, negated=True, start=0),
              _claim(KKG.preliminary, start=20, qualifiers=Qualifiers(onset=("within days",))),
              _claim(KKG.promising, start=40)]
    assert add_uses(graph, claims, RANK.__getitem__, lambda iri: str(iri)[-5:]) == 1
    use = use_iri(KKE.ketamine, KKE.depression)
    assert graph.value(use, KKG.hasCertainty) == KKG.promising
    assert set(graph.objects(use, KKG.supportedBy)) == {claim_iri(c) for c in claims[1:]}
    assert graph.value(use, KKG.onset) == Literal("within days")


def test_the_trd_claim_is_written_as_in_the_contract() -> None:
    result = extraction(ARTICLE)
    graph, doc = result.graph, KKD["ketamine-uses"]
    (claim,) = [c for c in result.claims if c.object == KKE["treatment-resistant-depression"]
                and c.hedge_cue == "remarkable success"]
    node, sentence = claim_iri(claim), claim.sentence.iri
    expected = {
        (RDF.type, OWL.NamedIndividual), (RDF.type, KKG.Claim), (KKG.claimSubject, KKE.ketamine),
        (KKG.claimPredicate, Literal(str(KKG.treats), datatype=XSD.anyURI)),
        (KKG.claimObject, KKE["treatment-resistant-depression"]),
        (KKG.hasCertainty, KKG.supported), (KKG.hedgeCue, Literal("remarkable success")),
        (KKG.negated, Literal(False)), (KKG.rule, Literal("drug-treats-section-condition")),
        (KKG.evidenceType, OBO.ECO_0007320), (KKG.fromDocument, doc),
        (KKG.inSentence, sentence),
        (KKG.startOffset, Literal(claim.sentence.start, datatype=XSD.integer)),
        (KKG.endOffset, Literal(claim.sentence.end, datatype=XSD.integer)),
        (RDFS.label,
         Literal("ketamine treats treatment-resistant depression, sentence 15 of ketamine-uses")),
    }
    assert set(graph.predicate_objects(node)) == expected
    assert graph.value(sentence, KKG.section) == Literal("3. Treatment-Resistant Depression")
    text = str(graph.value(doc, KKG.text))
    start = int(graph.value(sentence, KKG.startOffset))
    end = int(graph.value(sentence, KKG.endOffset))
    assert text[start:end] == str(graph.value(sentence, KKG.text))
    use = KKU["ketamine/treatment-resistant-depression"]
    assert (use, RDF.type, KKG.DrugUse) in graph
    assert graph.value(use, KKG.hasCertainty) == KKG.supported
    assert graph.value(use, KKG.hasRoute) == KKE["intravenous-infusion"]
    assert graph.value(use, KKG.onset) == Literal("within hours or days")
    assert (use, KKG.supportedBy, node) in graph
    assert (KKE.ketamine, KKG.treats, KKE["treatment-resistant-depression"]) in graph
    axiom = BNode(f"axiom{claim_hash(claim)}")
    assert set(graph.predicate_objects(axiom)) == {
        (RDF.type, OWL.Axiom), (OWL.annotatedSource, KKE.ketamine),
        (OWL.annotatedProperty, KKG.treats),
        (OWL.annotatedTarget, KKE["treatment-resistant-depression"]),
        (KKG.evidenceSentence, Literal(claim.sentence.text)),
        (KKG.certaintyLabel, Literal("supported")), (RDFS.seeAlso, node)}


def test_negated_claims_assert_nothing() -> None:
    result = extract_text("Ketamine Trials\n\nKetamine did not improve fibromyalgia or "
                          "migraine in the trial. Ketamine is used for anaesthesia.")
    negated = [c for c in result.claims if c.negated]
    assert len(negated) == 2
    graph = result.graph
    for claim in negated:
        node = claim_iri(claim)
        assert graph.value(node, KKG.negated) == Literal(True)
        assert (None, KKG.supportedBy, node) not in graph
        assert (None, RDFS.seeAlso, node) not in graph
        assert str(graph.value(node, RDFS.label)).endswith("(negated)")


def test_document_node() -> None:
    result = extraction(ARTICLE)
    doc = KKD["ketamine-uses"]
    title = Literal("Exploring the Multifaceted Uses of Ketamine")
    assert result.graph.value(doc, RDFS.label) == title
    assert str(result.graph.value(doc, KKG.sha256)) == result.document.sha256
    assert str(result.graph.value(doc, KKG.text)) == result.document.text
    assert len(set(result.graph.subjects(RDF.type, KKG.Sentence))) == 28
