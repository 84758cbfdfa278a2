"""Stage 3: the ontology graph → the Lexicon the linker matches text against.

Why from the ontology and not from a word list: the ontology is the single place where a
name is given to a thing (``rdfs:label``, ``oboInOwl:hasExactSynonym``,
``oboInOwl:hasRelatedSynonym``). Adding a synonym there is all it takes for the pipeline to
find it; nothing about entities is written in Python. The two SPARQL queries live in
``queries/pipeline/`` (``lexicon.rq`` for individuals, ``class-terms.rq`` for the schema's
classes and their ancestors) and can be overridden by path.

Names are stored as token keys: lower case, a possessive ``'s`` dropped, except that tokens
written in capitals (``PTSD``, ``NMDA``, ``TRD``) keep their case and must match exactly, so
an abbreviation never fires on an ordinary word.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib import URIRef

from graph.extraction.model import Sense
from ketamine_kg_data import ResourceMissingError

if TYPE_CHECKING:
    from graph.extraction.vocab.index import VocabularyIndex

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# How well a name names its entity, best first. A public vocabulary's own label for a term
# outranks the ontology's *related* synonym (which by definition names a related thing, not
# the thing: "dextroamphetamine" is related to amphetamine, and DrugBank's label of itself).
KIND_ORDER = {"label": 0, "exact": 1, "vocabulary": 2, "related": 3, "vocabulary-synonym": 4,
              "abbreviation": 5, "class": 6}
PIPELINE_QUERIES = ("class-terms.rq", "lexicon.rq")  # under queries/pipeline/
TERMINAL = ""  # trie key under which a node keeps the senses of the forms ending there


def default_query_dir() -> Path:
    """``queries/pipeline`` of the project (or under ``$KKG_QUERIES_DIR``)."""
    from graph.queries import queries_dir

    return queries_dir() / "pipeline"


def strip_possessive(token: str) -> str:
    """``ketamine's`` / ``ketamine’s`` → ``ketamine``."""
    return _POSSESSIVE.sub("", token)


def is_capitals(token: str) -> bool:
    """A token written in capitals (two letters or more): matched case-sensitively."""
    letters = [char for char in token if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def token_key(token: str) -> str:
    """The trie key of one token of a lexicon form."""
    bare = strip_possessive(token)
    return "=" + bare if is_capitals(bare) else bare.lower()


def form_keys(form: str) -> tuple[str, ...]:
    """The token keys of a whole form (``post-traumatic`` and ``post traumatic`` agree)."""
    return tuple(token_key(match.group()) for match in TOKEN.finditer(form))


@dataclass(frozen=True)
class EntityInfo:
    """What the pipeline needs to know about one named individual."""

    iri: URIRef
    label: str
    types: frozenset[URIRef]


@dataclass
class Lexicon:
    """Names → senses, plus the class hierarchy used to type-check links and candidates."""

    entities: dict[URIRef, EntityInfo] = field(default_factory=dict)
    ancestors: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    class_labels: dict[URIRef, str] = field(default_factory=dict)
    trie: dict = field(default_factory=dict)
    size: int = 0
    vocabulary: VocabularyIndex | None = None  # public vocabularies (graph/vocab), if used

    @classmethod
    def from_graph(cls, graph: rdflib.Graph, query_dir: Path | None = None,
                   vocabularies: bool | None = None) -> Lexicon:
        """Build the lexicon of ``graph`` with the queries in ``query_dir``, with the public
        vocabularies (graph/vocab) unless ``vocabularies`` is False (default: on, unless
        ``KKG_VOCABULARIES=none``, the setting that measures what they add)."""
        lexicon = build_lexicon(graph, query_dir)
        if vocabularies is None:
            vocabularies = os.environ.get("KKG_VOCABULARIES", "").strip().lower() != "none"
        if vocabularies:
            from graph.extraction.vocab.index import load_index

            lexicon.vocabulary = load_index()
        return lexicon

    def __len__(self) -> int:
        return self.size

    @cached_property
    def single_words(self) -> frozenset[str]:
        """Lower-case one-word names (list reading keeps these as items of their own)."""
        return frozenset(key.lstrip("=").lower() for key, node in self.trie.items()
                         if key != TERMINAL and TERMINAL in node)

    def add(self, form: str, sense: Sense) -> None:
        """Index one name of one entity (or class)."""
        keys = form_keys(form)
        if not keys:
            return
        node = self.trie
        for key in keys:
            node = node.setdefault(key, {})
        senses: list[Sense] = node.setdefault(TERMINAL, [])
        same = [s for s in senses if s.entity == sense.entity]
        if same and KIND_ORDER.get(same[0].kind, 9) <= KIND_ORDER.get(sense.kind, 9):
            return
        if same:
            senses.remove(same[0])
        else:
            self.size += 1
        senses.append(sense)
        senses.sort(key=lambda s: (KIND_ORDER.get(s.kind, 9), str(s.entity)))

    def label(self, iri: URIRef) -> str:
        """The preferred label of an entity or class (its IRI's last segment if unknown)."""
        if iri in self.entities:
            return self.entities[iri].label
        if iri in self.class_labels:
            return self.class_labels[iri]
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def types_of(self, iri: URIRef) -> frozenset[URIRef]:
        """The kkg: classes of an entity, ancestors included."""
        info = self.entities.get(iri)
        return info.types if info else frozenset()

    def closure(self, classes: frozenset[URIRef] | set[URIRef]) -> frozenset[URIRef]:
        """``classes`` with all their kkg: ancestors."""
        found: set[URIRef] = set()
        for cls in classes:
            found |= self.ancestors.get(cls, frozenset({cls}))
        return frozenset(found)


def check_pipeline_queries(query_dir: Path | None = None) -> None:
    """Fail now, with ResourceMissingError, if a query the lexicon needs is missing.

    The build calls it before it creates anything in its home, so a broken install or a
    wrong ``KKG_QUERIES_DIR`` leaves no trace.
    """
    for name in PIPELINE_QUERIES:
        _query_path(query_dir or default_query_dir(), name)


def _query_path(query_dir: Path, name: str) -> Path:
    path = query_dir / name
    if not path.is_file():
        raise ResourceMissingError(f"{path}: the pipeline query is missing")
    return path


def _read_query(query_dir: Path, name: str) -> str:
    return _query_path(query_dir, name).read_text(encoding="utf-8")


def _rows(store: ox.Store, query: str) -> list[tuple[URIRef | str | None, ...]]:
    """Solutions as tuples of URIRef (IRIs), str (literals) or None (unbound)."""
    def value(term: object) -> URIRef | str | None:
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        return str(term.value)  # type: ignore[attr-defined]

    solutions = store.query(query)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [tuple(value(solution[name]) for name in names)  # type: ignore[index]
            for solution in solutions]


def build_lexicon(graph: rdflib.Graph, query_dir: Path | None = None) -> Lexicon:
    """Run ``lexicon.rq`` and ``class-terms.rq`` over ``graph`` and index what they return.

    The queries run on an in-memory Oxigraph copy of the graph: the same SPARQL, about a
    hundred times faster than rdflib's evaluator on a vocabulary of a few thousand names.
    """
    query_dir = query_dir or default_query_dir()
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"),
                    format=ox.RdfFormat.N_TRIPLES)
    lexicon = Lexicon()
    ancestors: dict[URIRef, set[URIRef]] = defaultdict(set)
    class_forms: dict[URIRef, set[tuple[str, str]]] = defaultdict(set)
    for row in _rows(store, _read_query(query_dir, "class-terms.rq")):
        cls, ancestor, form, kind = row  # type: ignore[misc]
        ancestors[cls].add(ancestor)
        if form is not None:
            class_forms[cls].add((str(form), str(kind)))
            if kind == "label":
                lexicon.class_labels.setdefault(cls, str(form))
    lexicon.ancestors = {cls: frozenset(found | {cls}) for cls, found in ancestors.items()}

    labels: dict[URIRef, str] = {}
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    forms: dict[URIRef, set[tuple[str, str]]] = defaultdict(set)
    for row in _rows(store, _read_query(query_dir, "lexicon.rq")):
        entity, label, form, kind, type_ = row  # type: ignore[misc]
        labels[entity] = min(labels.get(entity, str(label)), str(label))
        types[entity].add(type_)
        forms[entity].add((str(form), str(kind)))
    for entity in sorted(labels):
        info = EntityInfo(entity, labels[entity], lexicon.closure(types[entity]))
        lexicon.entities[entity] = info
        for form, kind in sorted(forms[entity]):
            lexicon.add(form, Sense(entity, info.types, kind))
    for cls in sorted(class_forms):
        for form, _kind in sorted(class_forms[cls]):
            lexicon.add(form, Sense(cls, frozenset(), "class"))
    return lexicon
