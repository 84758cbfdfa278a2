"""The values that flow between the pipeline's stages (docs/model.md fixes their IRIs).

Every stage takes and returns these frozen dataclasses, so a stage can be tested on its own
with hand-made inputs and no stage can change what an earlier one produced. All character
offsets are offsets into ``Document.text`` (end exclusive): ``text[start:end]`` is always the
surface the value stands for, which is what makes every claim traceable to its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from graph.namespaces import KKD

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """The contract's slug: lowercase ASCII, every run of anything else one ``-``.

    The ontology, candidate terms and document ids all use this one function's rule, so a
    candidate term added to the ontology later keeps the IRI it was first given.
    """
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


@dataclass(frozen=True)
class Document:
    """One input text, read verbatim (only a UTF-8 byte-order mark is dropped)."""

    doc_id: str
    iri: URIRef
    path: Path
    text: str
    sha256: str


@dataclass(frozen=True)
class Section:
    """A stretch of the document under one heading (the opening stretch has none)."""

    index: int
    heading: str | None
    heading_start: int
    heading_end: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence, by its exact span in the document and the section it belongs to."""

    doc_id: str
    start: int
    end: int
    text: str
    section: str | None = None
    section_index: int = 0
    index: int = 0

    @property
    def iri(self) -> URIRef:
        """``kkd:<doc-id>/sentence/<start>-<end>`` (stable while the text does not change)."""
        return URIRef(f"{KKD}{self.doc_id}/sentence/{self.start}-{self.end}")


@dataclass(frozen=True)
class Sense:
    """One entity a surface form can stand for, with how the form names it."""

    entity: URIRef
    types: frozenset[URIRef]
    kind: str  # "label", "exact", "related", "class", "candidate", "abbreviation"


@dataclass(frozen=True)
class Mention:
    """A span of text linked to an entity (or to a candidate term the ontology lacks).

    ``senses`` keeps every entity the surface could name, best first, so a relation rule can
    pick the one whose type it needs (``anaesthesia`` the purpose, not a role).
    """

    start: int
    end: int
    text: str
    entity: URIRef
    types: frozenset[URIRef]
    candidate: bool = False
    source: str = "lexicon"  # lexicon, abbreviation, candidate, pronoun, anaphora, heading
    senses: tuple[Sense, ...] = ()

    def sense_of(self, classes: frozenset[URIRef]) -> Sense | None:
        """The best sense whose types meet ``classes`` (None when no sense does).

        When ``classes`` is a PreferredClasses, its classes are tried in their order: an
        adverse-effect rule takes the symptom "anxiety" before the disorder of that name.
        """
        senses = self.senses or (Sense(self.entity, self.types, "label"),)
        for cls in getattr(classes, "order", ()):
            for sense in senses:
                if cls in sense.types:
                    return sense
        for sense in senses:
            if sense.types & classes:
                return sense
        return None


class PreferredClasses(frozenset):
    """A set of classes with an order of preference (the order a rule lists them in)."""

    order: tuple[URIRef, ...] = ()

    @classmethod
    def of(cls, classes: list[URIRef]) -> PreferredClasses:
        made = cls(classes)
        made.order = tuple(classes)
        return made


@dataclass(frozen=True)
class Qualifiers:
    """What a use claim says about how, where, how fast and with what the drug is used."""

    route: tuple[URIRef, ...] = ()
    setting: tuple[URIRef, ...] = ()
    adjunct: tuple[URIRef, ...] = ()
    mechanism: tuple[URIRef, ...] = ()
    onset: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.route or self.setting or self.adjunct or self.mechanism or self.onset)

    def merged(self, other: Qualifiers) -> Qualifiers:
        """Both sets of values, each kept once in first-seen order."""
        return Qualifiers(*(
            tuple(dict.fromkeys(getattr(self, name) + getattr(other, name)))
            for name in ("route", "setting", "adjunct", "mechanism", "onset")
        ))


@dataclass(frozen=True)
class Claim:
    """One extracted statement with its evidence: the unit a curator accepts or rejects."""

    subject: URIRef
    predicate: URIRef
    object: URIRef
    sentence: Sentence
    certainty: URIRef
    hedge_cue: str | None
    negated: bool
    rule_id: str
    qualifiers: Qualifiers = field(default_factory=Qualifiers)
    negation_cue: str | None = None
    certainty_source: str = "sentence"  # sentence, section or default
    makes_use: bool = False  # a drug → indication claim: it supports a kkg:DrugUse node
    limitation: str | None = None  # words that limit the use without denying it


@dataclass(frozen=True)
class CandidateTerm:
    """A term the ontology does not know yet, kept for a curator instead of being dropped."""

    iri: URIRef
    label: str
    types: frozenset[URIRef]  # the class its pattern names (not its ancestors)
    mention_count: int
    first_sentence: Sentence
    pattern_id: str
