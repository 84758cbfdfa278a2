"""Stage 8: Claims → RDF, exactly as docs/model.md "What the pipeline writes for one claim".

Why three layers for one statement: the *claim* node keeps the evidence (sentence, offsets,
rule, certainty, hedge words, negation) so SPARQL users can ask why an edge exists; the
*direct edge* (``kke:ketamine kkg:treats kke:…``) is what the reasoner and simple queries
use; the *owl:Axiom* annotation shows the evidence next to the edge in Protégé. Uses
(``kkg:DrugUse``) gather the claims about one drug × indication with their qualifiers, and
take the highest certainty among their non-negated claims.

A negated claim is written (it is evidence that something is *not* so) but asserts no edge,
supports no use and gets no axiom: an owl:Axiom reification would assert the very edge the
text denies.

Every node is declared ``owl:NamedIndividual`` (Protégé and the OWL API then need no guess)
and labelled uniquely, claims and sentences by where they were read (``graph.extraction.labels``).

Every node is named deterministically (claim IRIs hash subject|predicate|object|start|end,
axiom blank nodes are labelled by the same hash), so the same document always gives the same
triples and byte-identical sorted N-Triples.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef

from graph.extraction.labels import claim_label, sentence_label
from graph.extraction.model import CandidateTerm, Claim, Document, Qualifiers, Sentence, slugify
from graph.namespaces import KKC, KKG, KKU, OBO

ECO_AUTOMATIC_AUTHOR_STATEMENT = OBO["ECO_0007320"]
# Claims that put a thing under a broader one also file it there in the SKOS hierarchy
# (a drug under its category, a condition under the broader condition), as thesauri do.
HIERARCHY_PREDICATES = frozenset({KKG.hasRole, KKG.subtypeOf})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
Labeller = Callable[[URIRef], str]


def claim_hash(claim: Claim) -> str:
    """First 16 hex digits of sha256(subject|predicate|object|start|end)."""
    key = (f"{claim.subject}|{claim.predicate}|{claim.object}|"
           f"{claim.sentence.start}|{claim.sentence.end}")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def claim_iri(claim: Claim) -> URIRef:
    """``kkc:<doc-id>/<hash>``."""
    return URIRef(f"{KKC}{claim.sentence.doc_id}/{claim_hash(claim)}")


def _local(iri: URIRef) -> str:
    return slugify(str(iri).rstrip("/").rsplit("/", 1)[-1])


def use_iri(drug: URIRef, indication: URIRef) -> URIRef:
    """``kku:<drug>/<indication>`` (slugs of the entities' local names)."""
    return URIRef(f"{KKU}{_local(drug)}/{_local(indication)}")


def predicate_words(predicate: URIRef) -> str:
    """``relievesSymptom`` → ``relieves symptom`` (for labels)."""
    return _CAMEL.sub(" ", str(predicate).rsplit("/", 1)[-1]).lower()


def add_document(graph: Graph, document: Document, title: str | None) -> None:
    """The document node: type, title, checksum and full text (offsets point into it)."""
    graph.add((document.iri, RDF.type, OWL.NamedIndividual))
    graph.add((document.iri, RDF.type, KKG.Document))
    graph.add((document.iri, RDFS.label, Literal(title or document.doc_id)))
    graph.add((document.iri, KKG.sha256, Literal(document.sha256)))
    graph.add((document.iri, KKG.text, Literal(document.text)))


def add_sentence(graph: Graph, sentence: Sentence, document: Document) -> None:
    """A sentence node with its exact text and offsets."""
    node = sentence.iri
    graph.add((node, RDF.type, OWL.NamedIndividual))
    graph.add((node, RDF.type, KKG.Sentence))
    graph.add((node, RDFS.label, Literal(sentence_label(sentence))))
    graph.add((node, KKG.text, Literal(sentence.text)))
    graph.add((node, KKG.startOffset, Literal(sentence.start, datatype=XSD.integer)))
    graph.add((node, KKG.endOffset, Literal(sentence.end, datatype=XSD.integer)))
    graph.add((node, KKG.fromDocument, document.iri))
    if sentence.section:
        graph.add((node, KKG.section, Literal(sentence.section)))


def add_claim(graph: Graph, claim: Claim, document: Document, label: Labeller) -> URIRef:
    """The claim node, and unless negated its direct edge and owl:Axiom annotation."""
    node = claim_iri(claim)
    words = f"{label(claim.subject)} {predicate_words(claim.predicate)} {label(claim.object)}"
    add_claim_node(graph, node, claim.subject, claim.predicate, (KKG.claimObject, claim.object),
                   claim.sentence, document, words, certainty=claim.certainty,
                   negated=claim.negated, rule_id=claim.rule_id, hedge_cue=claim.hedge_cue)
    if claim.limitation:
        graph.add((node, KKG.limitation, Literal(claim.limitation)))
    if claim.negated:
        return node
    graph.add((claim.subject, claim.predicate, claim.object))
    if claim.predicate in HIERARCHY_PREDICATES:
        graph.add((claim.subject, SKOS.broader, claim.object))
    axiom = add_axiom(graph, BNode(f"axiom{claim_hash(claim)}"), claim.subject,
                      claim.predicate, claim.object, claim.sentence, claim.certainty)
    graph.add((axiom, RDFS.seeAlso, node))
    return node


def add_claim_node(graph: Graph, node: URIRef, subject: URIRef, predicate: URIRef,
                   target: tuple[URIRef, URIRef | Literal], sentence: Sentence,
                   document: Document, words: str, *, certainty: URIRef, negated: bool,
                   rule_id: str, hedge_cue: str | None) -> None:
    """What every claim node holds: its statement, evidence, certainty and label.

    ``target`` is ``(kkg:claimObject, thing)`` or ``(kkg:claimValue, literal)``.
    """
    for prop, value in (
        (RDF.type, OWL.NamedIndividual),
        (RDF.type, KKG.Claim),
        (KKG.claimSubject, subject),
        (KKG.claimPredicate, Literal(str(predicate), datatype=XSD.anyURI)),
        target,
        (KKG.hasCertainty, certainty),
        (KKG.negated, Literal(negated)),
        (KKG.rule, Literal(rule_id)),
        (KKG.evidenceType, ECO_AUTOMATIC_AUTHOR_STATEMENT),
        (KKG.fromDocument, document.iri),
        (KKG.inSentence, sentence.iri),
        (KKG.startOffset, Literal(sentence.start, datatype=XSD.integer)),
        (KKG.endOffset, Literal(sentence.end, datatype=XSD.integer)),
        (RDFS.label, Literal(claim_label(words, sentence, negated=negated))),
    ):
        graph.add((node, prop, value))
    if hedge_cue:
        graph.add((node, KKG.hedgeCue, Literal(hedge_cue)))


def add_axiom(graph: Graph, axiom: BNode, subject: URIRef, predicate: URIRef,
              target: URIRef | Literal, sentence: Sentence, certainty: URIRef) -> BNode:
    """The owl:Axiom annotation of an asserted triple: its evidence sentence and certainty."""
    for prop, value in ((RDF.type, OWL.Axiom), (OWL.annotatedSource, subject),
                        (OWL.annotatedProperty, predicate), (OWL.annotatedTarget, target),
                        (KKG.evidenceSentence, Literal(sentence.text)),
                        (KKG.certaintyLabel, Literal(str(certainty).rsplit("/", 1)[-1]))):
        graph.add((axiom, prop, value))
    return axiom


def add_uses(graph: Graph, claims: Iterable[Claim], rank: Callable[[URIRef], int],
             label: Labeller) -> int:
    """One kkg:DrugUse per (drug, indication) of the non-negated use claims; their count."""
    groups: dict[tuple[URIRef, URIRef], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.makes_use and not claim.negated:
            groups[(claim.subject, claim.object)].append(claim)
    for (drug, indication), supporting in sorted(groups.items()):
        node = use_iri(drug, indication)
        graph.add((node, RDF.type, OWL.NamedIndividual))
        graph.add((node, RDF.type, KKG.DrugUse))
        graph.add((node, RDFS.label, Literal(f"{label(drug)} for {label(indication)}")))
        graph.add((node, KKG.usesDrug, drug))
        graph.add((node, KKG.forIndication, indication))
        best = max((c.certainty for c in supporting), key=lambda level: (rank(level), level))
        graph.add((node, KKG.hasCertainty, best))
        qualifiers = Qualifiers()
        for claim in supporting:
            graph.add((node, KKG.supportedBy, claim_iri(claim)))
            qualifiers = qualifiers.merged(claim.qualifiers)
        for predicate, values in ((KKG.hasRoute, qualifiers.route),
                                  (KKG.inSetting, qualifiers.setting),
                                  (KKG.hasAdjunctTherapy, qualifiers.adjunct),
                                  (KKG.mechanismInvolves, qualifiers.mechanism)):
            for value in values:
                graph.add((node, predicate, value))
        for onset in qualifiers.onset:
            graph.add((node, KKG.onset, Literal(onset)))
    return len(groups)


def add_candidate(graph: Graph, term: CandidateTerm) -> None:
    """A candidate term: typed, labelled, counted, with the first sentence it was seen in."""
    graph.add((term.iri, RDF.type, OWL.NamedIndividual))
    for cls in sorted(term.types | {KKG.CandidateTerm}):
        graph.add((term.iri, RDF.type, cls))
    graph.add((term.iri, RDFS.label, Literal(term.label)))
    graph.add((term.iri, KKG.curationStatus, Literal("candidate")))
    graph.add((term.iri, KKG.mentionCount, Literal(term.mention_count, datatype=XSD.integer)))
    graph.add((term.iri, KKG.evidenceSentence, Literal(term.first_sentence.text)))
    graph.add((term.iri, RDFS.seeAlso, term.first_sentence.iri))


def build_graph(document: Document, title: str | None, sentences: Iterable[Sentence],
                claims: list[Claim], candidates: Iterable[CandidateTerm],
                rank: Callable[[URIRef], int], label: Labeller) -> tuple[Graph, int]:
    """The document's whole graph (document, sentences, claims, uses, candidates); uses."""
    graph = Graph()
    add_document(graph, document, title)
    for sentence in sentences:
        add_sentence(graph, sentence, document)
    for claim in claims:
        add_claim(graph, claim, document, label)
    uses = add_uses(graph, claims, rank, label)
    for term in candidates:
        add_candidate(graph, term)
    return graph, uses
