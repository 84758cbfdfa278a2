"""Vocabulary names in a span of text → Mentions, with the linker's own matching rules.

A name matches the same way an ontology name does (``graph.extraction.linking``): word by word, case
folded except for words in capitals, a hyphen or a space between words alike, and the last
word in the plural or the possessive. Where a vocabulary term's slug is the IRI of an entity
the ontology already has, the mention is of that entity (the curated core wins); otherwise it
is of ``kke:<slug of the vocabulary's label>``, grounded by ``graph/extraction/grounding.py``.
"""

from __future__ import annotations

from rdflib import URIRef

from graph.extraction.lexicon import TOKEN, Lexicon, strip_possessive
from graph.extraction.linking import GAP, token_keys
from graph.extraction.model import Mention, Sense, slugify
from graph.extraction.vocab.index import VocabularyIndex
from graph.extraction.vocab.model import VocabularyTerm
from graph.namespaces import KKE, KKG

SOURCE = "vocabulary"
SYNONYM = "vocabulary-synonym"
def term_iri(term: VocabularyTerm) -> URIRef:
    return URIRef(f"{KKE}{slugify(term.label)}")


def vocabulary_mentions(text: str, offset: int, lexicon: Lexicon,
                        index: VocabularyIndex) -> list[Mention]:
    """Every vocabulary name in ``text`` (overlaps included; the caller resolves them)."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    found: list[Mention] = []
    for i in range(len(tokens)):
        prefixes = [""]
        for j in range(i, min(len(tokens), i + index.max_tokens)):
            start, end, token = tokens[j]
            if j > i and not GAP.fullmatch(text[tokens[j - 1][1]:start]):
                break
            for key in {p + (" " if p else "") + v for p in prefixes
                        for v in token_keys(token, terminal=True)}:
                hits = index.lookup(key)
                if hits:
                    stop = end - (len(token) - len(strip_possessive(token)))
                    found.append(_mention(text, offset, tokens[i][0], stop, hits, lexicon))
            prefixes = [p + (" " if p else "") + v for p in prefixes
                        for v in token_keys(token, terminal=False)]
    return found


def _mention(text: str, offset: int, start: int, end: int,
             hits: list[tuple[VocabularyTerm, bool]], lexicon: Lexicon) -> Mention:
    senses: list[Sense] = []
    for term, is_label in hits:
        iri = term_iri(term)
        if iri in lexicon.entities:
            sense = Sense(iri, lexicon.entities[iri].types, "label")
        else:
            sense = Sense(iri, lexicon.closure({KKG[term.kind]}), SOURCE if is_label else SYNONYM)
        if all(s.entity != sense.entity for s in senses):
            senses.append(sense)
    best = senses[0]
    return Mention(offset + start, offset + end, text[start:end], best.entity, best.types,
                   source=SOURCE, senses=tuple(senses))
