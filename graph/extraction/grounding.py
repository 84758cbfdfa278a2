"""Stage 8b: the public-vocabulary terms an article mentions → individuals in its graph.

Why only what is mentioned: the vocabularies hold tens of thousands of terms; the graph is of
what the articles say, so a term enters a document's graph when, and only when, that document
names it. Each one carries what a user needs to trust and reuse it: its vocabulary's label and
exact synonyms, its identifiers (``oboInOwl:hasDbXref`` as CURIEs, ``skos:exactMatch`` as
IRIs), the vocabulary it came from (``dcterms:source``), and the words this article used for
it (``skos:altLabel``, when they differ from the label), so that "teeth grinding" finds
bruxism. Terms the ontology already has are left to the ontology.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from graph.extraction.lexicon import Lexicon
from graph.extraction.model import Mention
from graph.extraction.vocab.match import SOURCE
from graph.extraction.vocab.model import VocabularyTerm
from graph.namespaces import KKG, OBOINOWL

MAX_SYNONYMS = 12
# CURIE prefix → IRI prefix of a term's own identifier (skos:exactMatch).
IRI_PREFIXES = {
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "DRUGBANK": "http://identifiers.org/drugbank/",
}
SOURCE_NAMES = {"HPO": "Human Phenotype Ontology", "MeSH": "Medical Subject Headings (MeSH)",
                "DrugBank": "DrugBank open vocabulary"}


def grounded_mentions(mentions: Iterable[Mention], lexicon: Lexicon,
                      used: frozenset[URIRef] = frozenset()) -> dict[URIRef, list[Mention]]:
    """Vocabulary terms the ontology does not have, by entity, with the mentions naming them:
    each mention's best sense, and any other sense of it that a claim chose (``used``)."""
    found: dict[URIRef, list[Mention]] = {}
    for mention in mentions:
        if mention.source != SOURCE:
            continue
        entities = {mention.entity} | {s.entity for s in mention.senses if s.entity in used}
        for entity in entities - set(lexicon.entities):
            found.setdefault(entity, []).append(mention)
    return found


def add_grounded_terms(graph: Graph, mentions: Iterable[Mention], lexicon: Lexicon,
                       used: frozenset[URIRef] = frozenset()) -> int:
    """Write every grounded term ``mentions`` name; return how many.

    A vocabulary name that leads to an entity the ontology already has ("sweating", an HPO
    synonym of the ontology's hyperhidrosis) is recorded on that entity as the article's word
    for it (``skos:altLabel``), since the ontology does not list it.
    """
    if lexicon.vocabulary is None:
        return 0
    mentions = list(mentions)
    for mention in mentions:
        if mention.source == SOURCE and mention.entity in lexicon.entities and \
                mention.text.lower() != lexicon.label(mention.entity).lower():
            graph.add((mention.entity, SKOS.altLabel, Literal(mention.text.lower()
                                                              if mention.text[1:].islower()
                                                              else mention.text)))
    count = 0
    for iri, named in sorted(grounded_mentions(mentions, lexicon, used).items()):
        slug = str(iri).rsplit("/", 1)[-1]
        terms = lexicon.vocabulary.terms_named(slug)
        if terms:
            add_term(graph, iri, terms, {m.text for m in named})
            count += 1
    return count


def add_term(graph: Graph, iri: URIRef, terms: list[VocabularyTerm], surfaces: set[str]) -> None:
    """One grounded individual: the first term's kind and label, every term's identifiers."""
    first = terms[0]
    graph.add((iri, RDF.type, OWL.NamedIndividual))
    graph.add((iri, RDF.type, KKG[first.kind]))
    graph.add((iri, RDFS.label, Literal(first.label)))
    names = {first.label.lower()}
    synonyms = [s for term in terms for s in term.synonyms]
    for synonym in list(dict.fromkeys(synonyms))[:MAX_SYNONYMS]:
        if synonym.lower() not in names:
            names.add(synonym.lower())
            graph.add((iri, OBOINOWL.hasExactSynonym, Literal(synonym)))
    for surface in sorted(surfaces):
        if surface.lower() not in names:
            names.add(surface.lower())
            graph.add((iri, SKOS.altLabel, Literal(surface)))
    for term in terms:
        graph.add((iri, DCTERMS.source, Literal(SOURCE_NAMES.get(term.source, term.source))))
        for xref in term.xrefs:
            graph.add((iri, OBOINOWL.hasDbXref, Literal(xref)))
        prefix, _, local = term.xrefs[0].partition(":")
        if prefix in IRI_PREFIXES:
            graph.add((iri, SKOS.exactMatch, URIRef(IRI_PREFIXES[prefix] + local)))
