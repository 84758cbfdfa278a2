"""The value types and the contract's slug rule."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph.extraction.model import Mention, Qualifiers, Sense, Sentence, slugify
from graph.namespaces import KKG


@pytest.mark.parametrize(("text", "slug"), [
    ("treatment-resistant depression", "treatment-resistant-depression"),
    ("NMDA receptor", "nmda-receptor"),
    ("Ketamine Uses", "ketamine-uses"),
    ("  5-HT2C  receptor ", "5-ht2c-receptor"),
    ("Alzheimer's disease", "alzheimer-s-disease"),
    ("café", "caf"),
    ("---", ""),
])
def test_slug_rule(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_sentence_iri_is_document_and_offsets() -> None:
    sentence = Sentence("ketamine-uses", 1520, 1706, "x")
    assert str(sentence.iri) == "https://w3id.org/ketamine-kg/document/ketamine-uses/sentence/1520-1706"


def test_qualifiers_merge_keeps_first_seen_order_without_duplicates() -> None:
    a = Qualifiers(route=(URIRef("r1"),), onset=("within days",))
    b = Qualifiers(route=(URIRef("r2"), URIRef("r1")), setting=(URIRef("s"),))
    merged = a.merged(b)
    assert merged.route == (URIRef("r1"), URIRef("r2"))
    assert merged.setting == (URIRef("s"),) and merged.onset == ("within days",)
    assert not Qualifiers() and merged


def test_mention_picks_the_sense_of_the_wanted_type() -> None:
    role = Sense(URIRef("e:anaesthetic"), frozenset({KKG.Role}), "label")
    purpose = Sense(URIRef("e:anaesthesia"), frozenset({KKG.ClinicalPurpose}), "related")
    mention = Mention(0, 10, "anesthetic", role.entity, role.types, senses=(role, purpose))
    assert mention.sense_of(frozenset({KKG.ClinicalPurpose})) == purpose
    assert mention.sense_of(frozenset({KKG.Drug})) is None
