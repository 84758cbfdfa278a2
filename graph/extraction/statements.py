"""Stage 7b: statements whose object is a value — a regulatory status or a date — as claims.

Why: "In the United States it is classified as a schedule IV controlled substance", "It is on
the World Health Organization's List of Essential Medicines", "Modafinil was approved for
medical use in the United States in 1998" are facts a researcher asks for, and none has a
thing for its object. Each becomes a claim like any other (document, sentence, offsets,
certainty, rule) with a ``kkg:claimValue`` instead of a ``kkg:claimObject``, and the value is
asserted on the drug (``kkg:regulatoryStatus``, ``kkg:approvedIn`` …) unless the sentence denies
it. The patterns are data (``rules/statements.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from graph.extraction import certainty
from graph.extraction.claims import add_axiom, add_claim_node, predicate_words
from graph.extraction.model import Document, Mention, Sentence
from graph.extraction.relations import clause_subject
from graph.namespaces import KKC, KKG, expand_curie

RULES_FILE = Path(__file__).resolve().parent / "rules" / "statements.tsv"


@dataclass(frozen=True)
class StatementRule:
    """One row of statements.tsv."""

    rule_id: str
    prop: URIRef
    regex: re.Pattern[str]


@dataclass(frozen=True)
class ValueStatement:
    """A drug, a data property and the value the sentence gives it."""

    subject: URIRef
    prop: URIRef
    value: str
    sentence: Sentence
    rule_id: str
    certainty: URIRef
    hedge_cue: str | None
    negated: bool


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[StatementRule, ...]:
    """Read statements.tsv."""
    rules = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path}:{number}: expected 'id<TAB>property<TAB>pattern'")
        rule_id, prop, pattern = fields
        regex = re.compile(pattern, re.IGNORECASE)
        if "value" not in regex.groupindex:
            raise ValueError(f"{path}:{number}: the pattern has no (?P<value>…) group")
        rules.append(StatementRule(rule_id, URIRef(expand_curie(prop)), regex))
    return tuple(rules)


def find_statements(sentence: Sentence, mentions: list[Mention], text: str,
                    focus: Mention | None, drug_class: URIRef) -> list[ValueStatement]:
    """The value statements of one sentence, about its opening drug or the document's."""
    drugs = [m for m in mentions if drug_class in m.types]
    opener = clause_subject(drugs, text, sentence.start)
    subject = opener.entity if opener else (focus.entity if focus else None)
    if subject is None:
        return []
    verdict = certainty.assess(sentence.text)
    found = []
    for rule in load_rules():
        for match in rule.regex.finditer(sentence.text):
            value = " ".join(match.group("value").split())
            found.append(ValueStatement(subject, rule.prop, value, sentence, rule.rule_id,
                                        KKG[verdict.level], verdict.cue, verdict.negated))
    return found


def statement_iri(statement: ValueStatement) -> URIRef:
    """``kkc:<doc-id>/v-<hash>`` (subject|property|value|start|end)."""
    import hashlib

    key = (f"{statement.subject}|{statement.prop}|{statement.value}|"
           f"{statement.sentence.start}|{statement.sentence.end}")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{KKC}{statement.sentence.doc_id}/v-{digest}")


def add_statement(graph: Graph, statement: ValueStatement, document: Document,
                  label: str) -> URIRef:
    """The claim node of a value statement and, unless denied, the value on the drug.

    The value's owl:Axiom holds the evidence itself and no link to the claim node: it is the
    only evidence a literal can carry next to its assertion.
    """
    node = statement_iri(statement)
    value = Literal(statement.value)
    words = f"{label} {predicate_words(statement.prop)} {statement.value}"
    add_claim_node(graph, node, statement.subject, statement.prop, (KKG.claimValue, value),
                   statement.sentence, document, words, certainty=statement.certainty,
                   negated=statement.negated, rule_id=statement.rule_id,
                   hedge_cue=statement.hedge_cue)
    if not statement.negated:
        graph.add((statement.subject, statement.prop, value))
        add_axiom(graph, BNode(f"axiom{str(node).rsplit('/', 1)[-1]}"), statement.subject,
                  statement.prop, value, statement.sentence, statement.certainty)
    return node
