"""The text → triples pipeline, stage by stage (each stage is its own module and test).

load → sentences → linking (+ candidates, abbreviations) → anaphora → relations (+ certainty)
→ claims (RDF). ``extract_document`` is deterministic: the same document and ontology give
the same claims and byte-identical sorted N-Triples, so re-extracting changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib

import ketamine_kg_data
from graph.extraction import (
    abbreviation_pairs,
    anaphora,
    candidates,
    certainty,
    claims,
    grounding,
    linking,
    lists,
    markup,
    statements,
)
from graph.extraction.lexicon import Lexicon
from graph.extraction.load import load_documents
from graph.extraction.model import CandidateTerm, Claim, Document, Mention, Sentence
from graph.extraction.relations import Context, SectionContext, extract_claims
from graph.extraction.sentences import segment
from graph.namespaces import KKG


@dataclass
class Extraction:
    """Everything one document yields: its graph, claims, candidate terms and counts."""

    document: Document
    graph: rdflib.Graph
    sentences: list[Sentence]
    mentions: dict[int, list[Mention]]
    claims: list[Claim]
    candidates: list[CandidateTerm]
    counts: dict[str, int] = field(default_factory=dict)
    statements: list[statements.ValueStatement] = field(default_factory=list)

    @property
    def claim_count(self) -> int:
        """Every claim node of the document: statements about things and about values."""
        return len(self.claims) + len(self.statements)


def extract_document(document: Document, lexicon: Lexicon) -> Extraction:
    """Run every stage on one document."""
    text, parts = document.text, segment(document)
    title = text[parts.title[0]:parts.title[1]] if parts.title else None
    heads = {s.index: linking.link_text(s.heading, s.heading_start, lexicon)
             for s in parts.sections if s.heading}
    known = {s.index: linking.link_text(s.text, s.start, lexicon) for s in parts.sentences}
    found = {s.index: linking.resolve_overlaps(
                 candidates.find_candidates(s, known[s.index], lexicon)
                 + lists.find_list_items(s, lexicon))
             for s in parts.sentences}
    for lead, item in lists.bullets_with_leads(parts.sentences):
        found[item.index] = linking.resolve_overlaps(
            found[item.index] + lists.find_bullet_items(lead, item, lexicon))
    mentions = {i: candidates.merge(known[i], found[i]) for i in known}
    skipped = markup.markup_spans(text)
    if skipped:
        mentions = {i: [m for m in ms if not markup.inside(skipped, m.start, m.end)]
                    for i, ms in mentions.items()}
    title_mentions = linking.link_text(title, parts.title[0], lexicon) if parts.title else []
    if not any(KKG.Drug in m.types for m in title_mentions):
        title_drug, body_drug = candidates.title_drug_mentions(
            title, parts.title[0] if parts.title else 0, parts.sentences, mentions, lexicon)
        title_mentions += title_drug
        mentions = {i: sorted(ms + body_drug.get(i, []), key=lambda m: (m.start, m.end))
                    for i, ms in mentions.items()}
    abbreviations = abbreviation_pairs.learn(
        text, [m for ms in (*heads.values(), *mentions.values()) for m in ms], lexicon)
    mentions = {s.index: linking.link_abbreviations(s.text, s.start, mentions[s.index],
                                                    abbreviations) for s in parts.sentences}
    terms = candidates.collect_terms((s, mentions[s.index]) for s in parts.sentences)
    every = [m for ms in mentions.values() for m in ms]
    first = {s.section_index: s.text for s in reversed(parts.sentences)}
    sections = {s.index: SectionContext(heads.get(s.index, []),
                                        certainty.section_cue(s.heading, first.get(s.index)))
                for s in parts.sections}
    ctx = Context(text, anaphora.focus_drug(title_mentions, every, KKG.Drug), sections)
    found_claims = extract_claims(list(parts.sentences), mentions, ctx)
    labels = {term.iri: term.label for term in terms}
    graph, uses = claims.build_graph(
        document, title, parts.sentences, found_claims, terms,
        rank=lambda level: ctx.certainty_rules.rank(str(level).rsplit("/", 1)[-1]),
        label=lambda iri: labels.get(iri) or lexicon.label(iri))
    values = [statement for sentence in parts.sentences
              for statement in statements.find_statements(
                  sentence, mentions.get(sentence.index, []), text, ctx.focus, KKG.Drug)]
    for statement in values:
        statements.add_statement(graph, statement, document,
                                 labels.get(statement.subject) or lexicon.label(statement.subject))
    for entity in sorted({m.entity for m in every if m.types}):
        graph.add((entity, KKG.mentionedIn, document.iri))
    grounded = grounding.add_grounded_terms(
        graph, every, lexicon, frozenset(e for c in found_claims for e in (c.subject, c.object)))
    counts = {
        "sections": len(parts.sections), "sentences": len(parts.sentences),
        "mentions": sum(1 for m in every if m.types),
        "entities": len({m.entity for m in every if m.types}),
        "candidate_mentions": sum(1 for m in every if m.candidate),
        "candidates": len(terms), "grounded": grounded, "claims": len(found_claims),
        "value_claims": len(values),
        "negated_claims": sum(1 for c in found_claims if c.negated),
        "uses": uses, "triples": len(graph),
    }
    return Extraction(document, graph, list(parts.sentences), mentions, found_claims, terms,
                      counts, values)


def load_ontology(root: Path | None = None) -> rdflib.Graph:
    """The ontology graph: ``ontology.load_ontology_graph()``, else its Turtle sources."""
    try:
        from ontology import load_ontology_graph

        return load_ontology_graph()
    except (ImportError, AttributeError):
        root = root or ketamine_kg_data.ontology_dir()
        graph = rdflib.Graph()
        for path in sorted([*root.glob("src/*.ttl"), *root.glob("imports/*.ttl")]):
            graph.parse(path, format="turtle")
        return graph


def extract_path(path: Path | str, ontology_graph: rdflib.Graph | None = None
                 ) -> list[Extraction]:
    """Extract every document of a file or directory against the ontology's lexicon."""
    lexicon = Lexicon.from_graph(ontology_graph if ontology_graph is not None
                                 else load_ontology())
    return [extract_document(document, lexicon) for document in load_documents(path)]
