"""What a linked-data page shows about one resource, gathered from three view queries.

Why a separate module from the routes: the page is mostly sorting one resource's statements
into the boxes a reader expects (names, definitions, cross-references, relations, evidence),
and that sorting is easier to read and test without HTTP around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DC, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from graph.namespaces import KKG, OBO, OBOINOWL
from server.entity_summary import SentenceGroup, Summary, group_by_sentence, load_summary
from server.store import get_store
from server.viewkit import (
    Row,
    certainty_key,
    curie,
    display_label,
    hedge_segments,
    href,
    is_blank,
    is_iri,
    run_view,
    value,
)
from server.xrefs import Xref, xref_link

LABELS = {str(RDFS.label), str(SKOS.prefLabel)}
CLAIM_TYPE = str(KKG.Claim)
USES_DRUG = str(KKG.usesDrug)
TITLES = {str(DCTERMS.title), str(DC.title)}  # a label for things that only have a title
SYNONYMS = {
    str(OBOINOWL.hasExactSynonym): "exact",
    str(OBOINOWL.hasRelatedSynonym): "related",
    str(OBOINOWL.hasBroadSynonym): "broad",
    str(OBOINOWL.hasNarrowSynonym): "narrow",
    str(SKOS.altLabel): "alternative",
}
DEFINITION = str(OBO["IAO_0000115"])
XREF = str(OBOINOWL.hasDbXref)
MATCHES = {str(SKOS.exactMatch): "exact match", str(SKOS.closeMatch): "close match",
           str(SKOS.broadMatch): "broad match", str(SKOS.narrowMatch): "narrow match",
           str(OWL.sameAs): "same as"}
HIDDEN_TYPES = {str(OWL.NamedIndividual)}
ANY_URI = str(XSD.anyURI)  # a claim names its predicate with such a literal
LONG_TEXT = 300  # attribute values longer than this are folded away on the page


@dataclass(frozen=True)
class Node:
    """A linkable (or plain) value: an IRI with its label, a literal, or a blank node."""

    text: str
    iri: str | None = None
    link: str | None = None
    curie: str = ""
    note: str = ""  # a claim's sentence: two claims with the same label differ by it

    @property
    def long(self) -> bool:
        """Whether the page should fold this value away behind a summary."""
        return len(self.text) > LONG_TEXT


@dataclass(frozen=True)
class Statement:
    """One outgoing or incoming edge: the property and the resource at the other end."""

    predicate: Node
    other: Node
    asserted: bool = True


@dataclass
class Evidence:
    """A claim with its evidence sentence, split into runs so the hedge words can be marked."""

    claim: Node
    subject: Node
    predicate: Node
    object: Node
    certainty: str | None
    certainty_label: str
    rank: int
    negated: bool
    cues: list[str] = field(default_factory=list)
    sentence: Node | None = None
    segments: list[tuple[str, bool]] = field(default_factory=list)
    section: str | None = None
    document: Node | None = None
    start: str | None = None
    end: str | None = None


@dataclass
class EntityPage:
    """Everything the entity template shows, in display order."""

    iri: str
    label: str
    curie: str
    types: list[Node] = field(default_factory=list)
    other_labels: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    xrefs: list[Xref] = field(default_factory=list)
    matches: list[tuple[str, Node]] = field(default_factory=list)
    attributes: list[Statement] = field(default_factory=list)
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    sentences: list[SentenceGroup] = field(default_factory=list)  # the evidence, folded
    graph_statements: int | None = None  # set when the IRI names a graph of the store
    graph_subjects: int | None = None


def node(term: object, label: object = None, note: object = None) -> Node:
    """Turn a result term (and its optional label) into something a template can print.

    An ``xsd:anyURI`` literal names a resource (a claim's predicate), so it is shown and
    linked as that resource, not as the raw IRI text.
    """
    if term is None:
        return Node("")
    if is_any_uri(term):
        term = ox.NamedNode(value(term) or "")
    if is_iri(term):
        iri = value(term) or ""
        return Node(display_label(value(label), iri), iri, href(iri), curie(iri),
                    value(note) or "")
    if is_blank(term):
        return Node("(anonymous node)")
    return Node(value(term) or "")


def is_any_uri(term: object) -> bool:
    """Whether a term is an ``xsd:anyURI`` literal holding a valid IRI."""
    if not isinstance(term, ox.Literal) or term.datatype.value != ANY_URI:
        return False
    try:
        ox.NamedNode(term.value)
    except ValueError:
        return False
    return True


def _truthy(term: object) -> bool:
    return (value(term) or "").lower() in ("true", "1")


def load_entity(iri: str) -> EntityPage | None:
    """The page data for a resource, or None when the graph says nothing about it at all."""
    outgoing = run_view("resource-outgoing", resource=iri)
    incoming = run_view("resource-incoming", resource=iri)
    summary = run_view("graph-summary", graph=iri) if is_named_graph(iri) else []
    if not outgoing and not incoming and not summary:
        return None
    page = EntityPage(iri=iri, label="", curie=curie(iri))
    if summary:
        page.graph_statements = int(value(summary[0]["statements"]) or 0)
        page.graph_subjects = int(value(summary[0]["subjects"]) or 0)
    labels: list[str] = []
    for row in outgoing:
        _sort_statement(page, row, labels)
    titles = [s.other.text for s in page.attributes if s.predicate.iri in TITLES]
    page.label = display_label(labels[0] if labels else (titles[0] if titles else None), iri)
    page.other_labels = labels[1:]
    page.incoming = [
        Statement(node(row["p"], row["pLabel"]), node(row["s"], row["sLabel"], row["sSentence"]),
                  _truthy(row["asserted"]))
        for row in incoming
    ]
    page.evidence = load_evidence(iri)
    page.sentences = group_by_sentence(page.evidence)
    shown = {e.claim.iri for e in page.evidence}  # a claim in the evidence is not listed again
    page.incoming = [s for s in page.incoming if s.other.iri not in shown]
    if any(s.predicate.iri == USES_DRUG for s in page.incoming) or any(
            e.subject.iri == iri for e in page.evidence):  # a drug, or what acts like one
        page.summary = load_summary(iri, page.evidence, node)
    if CLAIM_TYPE in {t.iri for t in page.types} and len(page.evidence) == 1:
        page.label = statement_text(page.evidence[0])  # the words its evidence line uses
    return page


def statement_text(evidence: Evidence) -> str:
    """"ketamine bears role anaesthetic": subject, the property's own label, object.

    A claim's page is titled with this rather than the claim's stored label, so that one
    relation reads the same in the title, the evidence line and the relation tables.
    """
    return " ".join(part for part in (evidence.subject.text, evidence.predicate.text,
                                      evidence.object.text) if part)


def is_named_graph(iri: str) -> bool:
    """Whether the store has a named graph with this IRI (kkgraph:ontology, a document's…)."""
    return iri in get_store().graphs()


def _sort_statement(page: EntityPage, row: Row, labels: list[str]) -> None:
    """Put one outgoing statement in the box where a reader looks for it."""
    predicate, obj = value(row["p"]) or "", row["o"]
    text = value(obj) or ""
    if predicate in LABELS and not is_iri(obj):
        labels.append(text)
    elif predicate == str(RDF.type):
        if text not in HIDDEN_TYPES and is_iri(obj):
            page.types.append(node(obj, row["oLabel"]))
    elif predicate in SYNONYMS and not is_iri(obj):
        page.synonyms.append((text, SYNONYMS[predicate]))
    elif predicate == DEFINITION and not is_iri(obj):
        page.definitions.append(text)
    elif predicate == XREF and not is_iri(obj):
        page.xrefs.append(xref_link(text))
    elif predicate in MATCHES and is_iri(obj):
        page.matches.append((MATCHES[predicate], node(obj, row["oLabel"])))
    else:
        label = row["oLabel"] or row["oText"]  # a sentence is named by its text
        statement = Statement(node(row["p"], row["pLabel"]),
                              node(obj, label, row["oSentence"]), _truthy(row["asserted"]))
        if is_iri(obj) or is_blank(obj):
            page.outgoing.append(statement)
        else:
            page.attributes.append(statement)


def load_evidence(iri: str) -> list[Evidence]:
    """The claims about a resource, one entry per claim with all its hedge cues."""
    claims: dict[str, Evidence] = {}
    for row in run_view("resource-claims", resource=iri):
        key = value(row["claim"]) or ""
        found = claims.get(key)
        if found is None:
            certainty = certainty_key(value(row["certainty"]))
            found = Evidence(
                claim=node(row["claim"], row["claimLabel"]),
                subject=node(row["subject"], row["subjectLabel"]),
                predicate=node(row["predicate"], row["predicateLabel"]),
                object=node(row["object"], row["objectLabel"]),
                certainty=certainty,
                certainty_label=value(row["certaintyLabel"]) or certainty or "unrated",
                rank=int(value(row["rank"]) or 0),
                negated=_truthy(row["negated"]),
                sentence=node(row["sentence"]) if row["sentence"] else None,
                section=value(row["section"]),
                document=node(row["document"], row["documentLabel"]) if row["document"] else None,
                start=value(row["start"]),
                end=value(row["end"]),
            )
            found.segments = [(value(row["sentenceText"]) or "", False)]
            claims[key] = found
        cue = value(row["cue"])
        if cue and cue not in found.cues:
            found.cues.append(cue)
    for evidence in claims.values():
        evidence.segments = hedge_segments(evidence.segments[0][0], evidence.cues)
    return sorted(claims.values(), key=lambda e: (-e.rank, e.negated, int(e.start or 0)))
