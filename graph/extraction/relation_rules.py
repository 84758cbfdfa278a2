"""The relation rules as data: reading ``rules/relations.tsv`` and matching one rule.

Why data: which words signal a use, a role, a mechanism or a setting is what a curator
tunes, and it should be readable and reviewable without reading Python. This module turns
each row into a RelationRule and answers one question: does this rule's cue hold in this
sentence for this subject/object pair?

Matching works on a *marked* copy of the sentence in which the subject's and object's spans
are replaced by placeholder words, so ``{object}`` in a cue always means exactly that
mention (never another occurrence of the same words), and a multi-word name counts as one
word in the cue's word windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.extraction.model import Mention, PreferredClasses
from graph.namespaces import expand_curie

RULES_FILE = Path(__file__).resolve().parent / "rules" / "relations.tsv"
SUBJECT_MARK = "\ue000SUBJECT\ue001"
OBJECT_MARK = "\ue000OBJECT\ue001"
QUALIFIER_SLOTS = ("route", "setting", "adjunct", "mechanism", "onset")
OWN_NEGATION = "own-negation"  # the cue's negative words are the relation, not a denial
SHARED = "shared"  # the edge leaves its mentions free for later rows
_MACRO = re.compile(r"\{([A-Z]+)\}")


@dataclass(frozen=True)
class RelationRule:
    """One row of relations.tsv."""

    rule_id: str
    scope: str
    cue: re.Pattern[str] | None  # None: "any"
    subject_classes: frozenset[URIRef]
    object_classes: frozenset[URIRef]
    predicate: URIRef | None
    slot: str
    line: int

    @property
    def needs_subject(self) -> bool:
        return self.cue is not None and SUBJECT_MARK in self.cue.pattern

    @property
    def needs_object(self) -> bool:
        return self.cue is not None and OBJECT_MARK in self.cue.pattern

    @property
    def is_qualifier(self) -> bool:
        return self.slot in QUALIFIER_SLOTS

    @property
    def makes_use(self) -> bool:
        return self.slot == "use"

    @property
    def shares_mentions(self) -> bool:
        """Whether the names this rule relates stay free for later rows: "allergic
        reactions such as anaphylaxis" files anaphylaxis under allergic reactions, and the
        side-effect row still makes both adverse effects of the drug."""
        return self.slot == SHARED

    @property
    def owns_negation(self) -> bool:
        """Whether the cue itself is negative ("not recommended in"): no claim it makes is
        denied by the sentence's negation."""
        return self.slot == OWN_NEGATION

    def holds(self, text: str, offset: int, subject: Mention | None = None,
              obj: Mention | None = None) -> re.Match[str] | None:
        """The cue's match in the sentence ``text`` (starting at ``offset``), if it holds."""
        if self.cue is None:
            return _ANY.match("")
        marked = mark(text, offset, subject if self.needs_subject else None,
                      obj if self.needs_object else None)
        if marked is None:
            return None
        return self.cue.search(marked)


_ANY = re.compile("")


def mark(text: str, offset: int, subject: Mention | None, obj: Mention | None) -> str | None:
    """``text`` with the subject and object spans replaced by placeholder words."""
    spans = sorted(
        ((m.start - offset, m.end - offset, label) for m, label in
         ((subject, SUBJECT_MARK), (obj, OBJECT_MARK)) if m is not None),
        reverse=True,
    )
    if len(spans) == 2 and spans[1][1] > spans[0][0]:
        return None  # overlapping subject and object: never a relation
    for start, end, label in spans:
        if start < 0 or end > len(text):
            return None
        text = text[:start] + label + text[end:]
    return text


def _classes(value: str) -> frozenset[URIRef]:
    """The classes of a subject or object column, in the order of preference written."""
    if value.strip() == "-":
        return frozenset()
    return PreferredClasses.of([URIRef(expand_curie(part.strip())) for part in value.split("|")])


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[RelationRule, ...]:
    """Read relations.tsv into rules, in file order."""
    macros: dict[str, str] = {}
    rules: list[RelationRule] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0] == "macro" and len(fields) == 3:
            macros[fields[1]] = fields[2]
            continue
        if len(fields) != 7:
            raise ValueError(f"{path}:{number}: expected 7 tab-separated fields")
        rule_id, scope, cue, subject, obj, predicate, slot = fields
        if scope not in ("sentence", "section", "heading"):
            raise ValueError(f"{path}:{number}: scope must be sentence, section or heading")
        if slot not in (*QUALIFIER_SLOTS, "use", "-", OWN_NEGATION, SHARED):
            raise ValueError(f"{path}:{number}: unknown slot {slot!r}")
        if (predicate == "-") != (slot in QUALIFIER_SLOTS):
            raise ValueError(f"{path}:{number}: a qualifier row has no predicate, others do")
        pattern = None
        if cue != "any":
            body = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), cue)
            body = body.replace("{subject}", re.escape(SUBJECT_MARK))
            body = body.replace("{object}", re.escape(OBJECT_MARK))
            try:
                pattern = re.compile(body, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"{path}:{number}: bad cue regex: {exc}") from exc
        rules.append(RelationRule(
            rule_id=rule_id,
            scope=scope,
            cue=pattern,
            subject_classes=_classes(subject),
            object_classes=_classes(obj),
            predicate=None if predicate == "-" else URIRef(expand_curie(predicate)),
            slot=slot,
            line=number,
        ))
    return tuple(rules)
