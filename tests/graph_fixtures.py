"""Shared, cached inputs of the pipeline tests (plain functions, so any test can call them).

The ontology is read through ``ontology.load_ontology_graph()`` when the ontology package
provides it, else from its Turtle sources (graph.extraction.pipeline.load_ontology does both).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef

from graph.extraction.lexicon import Lexicon, build_lexicon
from graph.extraction.load import load_document
from graph.extraction.model import Claim, Document
from graph.extraction.pipeline import Extraction, extract_document, load_ontology
from graph.namespaces import expand_curie

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
ARTICLE = ROOT / "corpus" / "ketamine-uses.txt"
PSILOCYBIN = DATA / "docs" / "psilocybin-uses.txt"
MINI_ONTOLOGY = DATA / "mini-vocabulary.ttl"
SLOTS = {"hasRoute": "route", "inSetting": "setting", "hasAdjunctTherapy": "adjunct",
         "mechanismInvolves": "mechanism", "onset": "onset"}


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    return load_ontology()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The build's lexicon: the ontology's names and the public vocabularies."""
    return Lexicon.from_graph(ontology_graph())


@lru_cache(maxsize=1)
def mini_lexicon() -> Lexicon:
    """A small, stable vocabulary (tests/data/mini-vocabulary.ttl) for linker unit tests."""
    graph = rdflib.Graph()
    graph.parse(MINI_ONTOLOGY, format="turtle")
    return build_lexicon(graph)


@lru_cache(maxsize=4)
def extraction(path: Path = ARTICLE) -> Extraction:
    return extract_document(load_document(path), lexicon())


def document_from_text(text: str, doc_id: str = "test-doc") -> Document:
    from hashlib import sha256

    from graph.namespaces import KKD

    return Document(doc_id, URIRef(f"{KKD}{doc_id}"), Path(f"{doc_id}.txt"), text,
                    sha256(text.encode()).hexdigest())


def extract_text(text: str, lex: Lexicon | None = None) -> Extraction:
    return extract_document(document_from_text(text), lex or lexicon())


@dataclass(frozen=True)
class GoldFact:
    subject: str
    predicate: str
    object: str
    certainty: str
    quote: str
    negated: bool

    def __str__(self) -> str:
        flag = " NEGATED" if self.negated else ""
        return (f"{self.subject} {self.predicate} {self.object} [{self.certainty}{flag}] "
                f"«{self.quote}»")


def read_gold(path: Path) -> list[GoldFact]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [GoldFact(r["subject"], r["predicate"], r["object"], r["certainty"], r["quote"],
                     r["negated"] == "true") for r in rows]


def _term(value: str) -> URIRef | Literal:
    if value.startswith('"') and value.endswith('"'):
        return Literal(value[1:-1])
    return URIRef(expand_curie(value))


def claim_matches(fact: GoldFact, claim: Claim) -> bool:
    """Whether ``claim`` (its sentence, triple or use qualifier, negation) states ``fact``."""
    if fact.quote not in claim.sentence.text or fact.negated != claim.negated:
        return False
    predicate = fact.predicate.split(":", 1)[1]
    if fact.subject.startswith("kku:"):
        drug, indication = fact.subject[4:].split("/", 1)
        if not claim.makes_use or str(claim.subject) != expand_curie(f"kke:{drug}") \
                or str(claim.object) != expand_curie(f"kke:{indication}"):
            return False
        values = getattr(claim.qualifiers, SLOTS[predicate])
        target = _term(fact.object)
        return any(str(v) == str(target) for v in values)
    return (str(claim.subject), str(claim.predicate), str(claim.object)) == (
        expand_curie(fact.subject), expand_curie(fact.predicate), expand_curie(fact.object))


def score(facts: list[GoldFact], claims: list[Claim]) -> tuple[list, list, list]:
    """(found, missed, certainty disagreements) of gold facts against claims."""
    found, missed, disagree = [], [], []
    for fact in facts:
        matching = [c for c in claims if claim_matches(fact, c)]
        if not matching:
            missed.append(fact)
            continue
        found.append(fact)
        levels = {str(c.certainty).rsplit("/", 1)[-1] for c in matching}
        if fact.certainty not in levels:
            disagree.append((fact, sorted(levels)))
    return found, missed, disagree
