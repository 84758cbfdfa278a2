"""A seeded generator of a synthetic drug-uses graph in the project's own schema.

Why synthetic and not the pipeline's output: extracting and reasoning over enough text for a
million triples would take longer than the benchmark itself, and the point here is the
query engines, not the extractor. The generator writes what ``ketamine-kg build`` writes
(docs/model.md), partitioned into the same named graphs:

* ``kkgraph:ontology``: the released ontology (schema + vocabulary) plus a synthetic
  vocabulary: condition categories as OWL subclasses of the ontology's condition classes (a
  hierarchy several levels deep), conditions linked by ``kkg:subtypeOf``, drugs, molecular
  targets, each with a label, synonyms, cross-references and a definition;
* ``kkgraph:document/<id>``: one graph per synthetic article: the document, its sentences,
  claims with evidence (offsets, hedge cue, certainty, rule), drug uses, the direct edges and
  the axiom annotations Protégé reads;
* ``kkgraph:inferred``: what HermiT would add (``kkg:usedFor``, inverses, defined classes).

Deterministic: the same ``--seed`` and size give byte-identical output (blank nodes are
numbered, sets are iterated sorted). Sizes are quad counts; the generator adds documents
until the target is reached, so the file holds the target plus at most one document.

    .venv/bin/python -m bench.generate --size 100k        # bench/data/synth-100k.nq
    .venv/bin/python -m bench.generate --size 1M --format trig
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from graph.namespaces import KKC, KKD, KKE, KKG, KKGRAPH, KKU, OBO, OBOINOWL, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "bench" / "data"
RELEASE = ROOT / "ontology" / "release"
DEFAULT_SEED = 20240605

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
RDFS_SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
RDFS_SEE_ALSO = PREFIXES["rdfs"] + "seeAlso"
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
DEFINITION = str(OBO) + "IAO_0000115"
EXACT_SYNONYM = str(OBOINOWL) + "hasExactSynonym"
RELATED_SYNONYM = str(OBOINOWL) + "hasRelatedSynonym"
DB_XREF = str(OBOINOWL) + "hasDbXref"
TEXT_MINED = str(OBO) + "ECO_0007320"

Emit = Callable[[str, str, str, str], None]  # add(subject, predicate, object, graph)

# Certainty levels with the hedge cues the seed article uses for them (docs/model.md).
CERTAINTY: dict[str, tuple[str, ...]] = {
    "established": ("remained a valuable tool", "preferred choice", "standard practice"),
    "supported": ("has shown remarkable success", "can play a role", "has demonstrated"),
    "promising": ("promising results", "shows promise", "has gained attention"),
    "preliminary": ("preliminary research", "studies suggest", "clinical trials are ongoing",
                    "may help"),
    "hypothesised": ("is believed to", "still under study", "not yet fully understood"),
}
LEVELS = tuple(CERTAINTY)
ONSETS = ("within hours or days", "within minutes", "after several weeks", "within a day")

# Syllables for pronounceable names; suffixes make drugs look like drugs.
_SYLLABLES = ("ba", "cor", "da", "el", "fen", "ga", "hal", "ix", "ka", "lo", "mir", "nal",
              "or", "pra", "qui", "ros", "sal", "ter", "ul", "vel", "wen", "xa", "yor", "zan")
_DRUG_SUFFIXES = ("azine", "olol", "pril", "mab", "oxetine", "afil", "tidine", "amide",
                  "azepam", "profen", "dronate", "setron")
_CONDITION_QUALIFIERS = ("acute", "chronic", "refractory", "juvenile", "late-onset", "atypical",
                         "recurrent", "severe", "episodic", "familial", "post-infectious")
_CONDITION_NOUNS = ("syndrome", "disorder", "neuropathy", "pain", "dystonia", "encephalopathy",
                    "anxiety", "depression", "insomnia", "migraine", "myalgia", "psychosis")
_TARGET_NOUNS = (("receptor", "Receptor"), ("kinase", "Enzyme"), ("channel", "IonChannel"),
                 ("transporter", "Transporter"), ("oxidase", "Enzyme"))


def parse_size(text: str) -> int:
    """``100k`` → 100 000, ``1M`` → 1 000 000, ``250000`` → 250 000."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 100k, 1M)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[unit])


def size_name(quads: int) -> str:
    """The short name of a size: 100000 → ``100k``, 1000000 → ``1m``."""
    if quads % 1_000_000 == 0:
        return f"{quads // 1_000_000}m"
    if quads % 1_000 == 0:
        return f"{quads // 1_000}k"
    return str(quads)


def slug(text: str) -> str:
    """The project's entity slug (docs/model.md): lowercase ASCII, other runs become ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def iri(value: str) -> str:
    return f"<{value}>"


def literal(text: str, datatype: str | None = None) -> str:
    """An N-Quads literal, escaped as N-Triples requires."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"' if datatype is None else f'"{escaped}"^^<{datatype}>'


def integer(value: int) -> str:
    return literal(str(value), XSD + "integer")


@dataclass
class Term:
    """A vocabulary entry the documents can talk about."""

    iri: str
    label: str
    kind: str  # drug, condition, symptom, purpose, target, effect, role, process, route...


@dataclass
class Vocabulary:
    """Real (ontology) and synthetic terms, by kind."""

    by_kind: dict[str, list[Term]] = field(default_factory=dict)

    def add(self, term: Term) -> None:
        self.by_kind.setdefault(term.kind, []).append(term)

    def of(self, kind: str) -> list[Term]:
        return self.by_kind.get(kind, [])


class QuadWriter:
    """Writes N-Quads lines to a file and counts them; the inferred graph is de-duplicated."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def add(self, s: str, p: str, o: str, g: str) -> None:
        self.out.write(f"{s} {p} {o} {g} .\n")
        self.count += 1


# --------------------------------------------------------------------------- ontology


def ontology_lines() -> Iterator[tuple[str, str, str]]:
    """The released ontology and its imports as N-Triples terms, blank nodes renumbered."""
    files = [(RELEASE / "ketamine-kg.ttl", ox.RdfFormat.TURTLE)]
    files += [(p, ox.RdfFormat.RDF_XML) for p in sorted((RELEASE / "imports").glob("*.owl"))]
    blanks: dict[str, str] = {}

    def term(node: object) -> str:
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, f"_:onto{len(blanks)}")
        return str(node)

    seen: set[tuple[str, str, str]] = set()
    for path, fmt in files:
        for triple in ox.parse(path=str(path), format=fmt):
            key = (term(triple.subject), str(triple.predicate), term(triple.object))
            if key not in seen:
                seen.add(key)
                yield key


def real_vocabulary(triples: list[tuple[str, str, str]]) -> tuple[Vocabulary, list[str]]:
    """The ontology's own individuals by kind, and its condition classes."""
    labels = {s[1:-1]: o for s, p, o in triples if p == iri(RDFS_LABEL) and o.startswith('"')}
    parents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p == iri(RDFS_SUBCLASS) and o.startswith("<"):
            parents.setdefault(s[1:-1], set()).add(o[1:-1])
        elif p == iri(RDF_TYPE) and s.startswith("<") and o.startswith(f"<{KKG}"):
            types.setdefault(s[1:-1], set()).add(o[1:-1][len(str(KKG)):])

    def under(cls: str, root: str) -> bool:
        todo, seen = [cls], set()
        while todo:
            current = todo.pop()
            if current == root:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(parents.get(current, ()))
        return False

    condition_classes = sorted(c for c in parents if c.startswith(str(KKG))
                               and under(c, str(KKG) + "Condition"))
    kinds = {"Drug": "drug", "ClinicalPurpose": "purpose", "Symptom": "symptom",
             "Effect": "effect", "DrugRole": "role", "BiologicalProcess": "process",
             "RouteOfAdministration": "route", "ClinicalSetting": "setting",
             "NonDrugTherapy": "therapy", "Receptor": "target", "Enzyme": "target",
             "IonChannel": "target", "Transporter": "target"}
    vocabulary = Vocabulary()
    for individual in sorted(types):
        if not individual.startswith(str(KKE)) or individual not in labels:
            continue
        label = labels[individual].split('"')[1]
        names = sorted(types[individual])
        kind = next((kinds[n] for n in names if n in kinds), None)
        if kind is None and any(str(KKG) + n in condition_classes for n in names):
            kind = "condition"
        if kind:
            vocabulary.add(Term(individual, label, kind))
    return vocabulary, condition_classes


# --------------------------------------------------------------------------- synthetic vocabulary


class NameMaker:
    """Unique pronounceable names from a seeded random source."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken

    def word(self, syllables: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(syllables))

    def unique(self, make: object) -> str:
        for _ in range(1000):
            name = make()
            if slug(name) not in self.taken:
                self.taken.add(slug(name))
                return name
        raise RuntimeError("ran out of unique names")


def synthetic_vocabulary(rng: random.Random, quads: int, vocabulary: Vocabulary,
                         condition_classes: list[str], emit: Emit) -> dict[str, object]:
    """Add drugs, conditions, categories and targets scaled to the size; emit their triples."""
    graph = iri(str(KKGRAPH) + "ontology")
    add = emit  # add(s, p, o, g)
    taken = {slug(t.label) for terms in vocabulary.by_kind.values() for t in terms}
    names = NameMaker(rng, taken)
    classes = list(condition_classes)
    new_classes: list[str] = []
    for number in range(max(5, quads // 10_000)):
        eponym = names.unique(lambda: names.word(2).capitalize())
        cls = f"{KKG}SyntheticCategory{number:04d}"
        parent = rng.choice(classes)
        add(iri(cls), iri(RDF_TYPE), iri(OWL + "Class"), graph)
        add(iri(cls), iri(RDFS_SUBCLASS), iri(parent), graph)
        add(iri(cls), iri(RDFS_LABEL), literal(f"{eponym} disorder category"), graph)
        add(iri(cls), iri(DEFINITION), literal(
            f"A synthetic category of conditions named after {eponym}, for benchmarks."), graph)
        classes.append(cls)
        new_classes.append(cls)
    conditions = vocabulary.of("condition")
    for number in range(max(20, quads // 400)):
        label = names.unique(lambda: f"{rng.choice(_CONDITION_QUALIFIERS)} "
                                     f"{names.word(2)} {rng.choice(_CONDITION_NOUNS)}")
        term = Term(str(KKE) + slug(label), label, "condition")
        node = iri(term.iri)
        add(node, iri(RDF_TYPE), iri(OWL + "NamedIndividual"), graph)
        add(node, iri(RDF_TYPE), iri(rng.choice(new_classes if rng.random() < 0.6
                                                else condition_classes)), graph)
        add(node, iri(RDFS_LABEL), literal(label), graph)
        acronym = "".join(w[0] for w in re.split(r"[ -]", label)).upper()
        add(node, iri(EXACT_SYNONYM), literal(f"{acronym}{number}"), graph)
        add(node, iri(RELATED_SYNONYM), literal(label.replace(" ", "-", 1)), graph)
        add(node, iri(DB_XREF), literal(f"MONDO:9{number:06d}"), graph)
        add(node, iri(DEFINITION), literal(f"A synthetic condition: {label}."), graph)
        if conditions and rng.random() < 0.7:
            add(node, iri(str(KKG) + "subtypeOf"), iri(rng.choice(conditions).iri), graph)
        conditions.append(term)
    for number in range(max(10, quads // 1_000)):
        label = names.unique(lambda: names.word(rng.choice((1, 2))) + rng.choice(_DRUG_SUFFIXES))
        term = Term(str(KKE) + slug(label), label, "drug")
        node = iri(term.iri)
        add(node, iri(RDF_TYPE), iri(OWL + "NamedIndividual"), graph)
        add(node, iri(RDF_TYPE), iri(str(KKG) + "Drug"), graph)
        add(node, iri(RDFS_LABEL), literal(label), graph)
        add(node, iri(EXACT_SYNONYM), literal(label.capitalize() + "x"), graph)
        add(node, iri(RELATED_SYNONYM), literal(f"{label} hydrochloride"), graph)
        add(node, iri(DB_XREF), literal(f"CHEBI:9{number:05d}"), graph)
        add(node, iri(DEFINITION), literal(f"A synthetic drug, {label}, for benchmarks."), graph)
        vocabulary.add(term)
    for number in range(max(5, quads // 2_000)):
        noun, cls = rng.choice(_TARGET_NOUNS)
        symbol = names.unique(lambda: names.word(rng.choice((1, 2))).upper()
                              + str(rng.randint(1, 99)))
        label = f"{symbol} {noun}"
        term = Term(str(KKE) + slug(label), label, "target")
        node = iri(term.iri)
        add(node, iri(RDF_TYPE), iri(OWL + "NamedIndividual"), graph)
        add(node, iri(RDF_TYPE), iri(str(KKG) + cls), graph)
        add(node, iri(RDFS_LABEL), literal(label), graph)
        add(node, iri(EXACT_SYNONYM), literal(symbol), graph)
        add(node, iri(DB_XREF), literal(f"HGNC:9{number:04d}"), graph)
        vocabulary.add(term)
    return {"categories": len(new_classes), "conditions": len(conditions)}


# --------------------------------------------------------------------------- documents


@dataclass
class UseState:
    """One drug use of a document: its claims, best certainty rank and mechanisms."""

    drug: Term
    indication: Term
    kind: str
    claims: list[str] = field(default_factory=list)
    rank: int = 0
    mechanisms: list[str] = field(default_factory=list)


@dataclass
class DocState:
    """What one generated document accumulates before its triples are written."""

    doc_id: str
    text: list[str] = field(default_factory=list)
    offset: int = 0
    axioms: int = 0
    uses: dict[tuple[str, str], UseState] = field(default_factory=dict)


def _claim_iri(doc_id: str, subject: str, predicate: str, obj: str, start: int, end: int) -> str:
    key = f"{subject}|{predicate}|{obj}|{start}|{end}".encode()
    return f"{KKC}{doc_id}/{hashlib.sha256(key).hexdigest()[:16]}"


def _sentence_text(rng: random.Random, drug: Term, predicate: str, obj: Term, cue: str,
                   negated: bool) -> str:
    if negated:
        return (f"It is important to note that {drug.label} is not a standalone cure for "
                f"{obj.label}, and {cue} only with other therapies.")
    templates = {
        "treats": "In recent years, {d} {c} in treating {o} for many patients.",
        "relievesSymptom": "Clinicians report that {d} {c} in relieving {o}.",
        "usedFor": "In emergency situations, {d} {c} for {o}.",
        "modulates": "The mechanism of {d} {c} to involve modulation of the {o}.",
        "hasEffect": "Patients given {d} describe {o}; the effect {c}.",
        "hasRole": "{D} was introduced as an {o} and {c} in that role.",
        "affectsProcess": "The action of {d} on {o} {c}.",
    }
    text = templates[predicate].format(d=drug.label, D=drug.label.capitalize(), c=cue, o=obj.label)
    return text if rng.random() < 0.8 else text + " Further studies are needed."


def generate_document(rng: random.Random, number: int, drug: Term, vocabulary: Vocabulary,
                      add: Emit) -> dict[str, object]:
    """One article's graph (and its share of the inferred graph); returns query anchors."""
    doc_id = f"synth-{number:05d}"
    graph = iri(KKGRAPH + f"document/{doc_id}")
    inferred = iri(str(KKGRAPH) + "inferred")
    doc = iri(f"{KKD}{doc_id}")
    state = DocState(doc_id)
    title = f"Exploring the uses of {drug.label} ({number})"
    state.text.append(title + "\n\n")
    state.offset = len(title) + 2
    emit = add  # add(s, p, o, g)
    kinds = {"treats": "condition", "relievesSymptom": "symptom", "usedFor": "purpose",
             "modulates": "target", "hasEffect": "effect", "hasRole": "role",
             "affectsProcess": "process"}
    weights = (30, 15, 10, 15, 10, 10, 10)
    anchors: dict[str, object] = {"document": f"{KKD}{doc_id}", "drug": drug.iri}
    for section in range(rng.randint(6, 10)):
        heading = f"{section + 1}. Section on {drug.label}"
        state.text.append(heading + "\n\n")
        state.offset += len(heading) + 2
        for _ in range(rng.randint(2, 4)):
            predicate = rng.choices(list(kinds), weights)[0]
            pool = vocabulary.of(kinds[predicate])
            if not pool:
                continue
            obj = rng.choice(pool)
            level = rng.choice(LEVELS)
            cue = rng.choice(CERTAINTY[level])
            negated = rng.random() < 0.05
            text = _sentence_text(rng, drug, predicate, obj, cue, negated)
            start, end = state.offset, state.offset + len(text)
            state.text.append(text + " ")
            state.offset = end + 1
            sentence = iri(f"{KKD}{doc_id}/sentence/{start}-{end}")
            emit(sentence, iri(RDF_TYPE), iri(str(KKG) + "Sentence"), graph)
            emit(sentence, iri(str(KKG) + "text"), literal(text), graph)
            emit(sentence, iri(str(KKG) + "startOffset"), integer(start), graph)
            emit(sentence, iri(str(KKG) + "endOffset"), integer(end), graph)
            emit(sentence, iri(str(KKG) + "section"), literal(heading), graph)
            emit(sentence, iri(str(KKG) + "fromDocument"), doc, graph)
            claim_iri = _claim_iri(doc_id, drug.iri, predicate, obj.iri, start, end)
            claim = iri(claim_iri)
            anchors.setdefault("claim", claim_iri)
            anchors.setdefault("object", obj.iri)
            prop = f"{KKG}{predicate}"
            for p, o in ((RDF_TYPE, iri(str(KKG) + "Claim")),
                         (str(KKG) + "claimSubject", iri(drug.iri)),
                         (str(KKG) + "claimPredicate", literal(prop, XSD + "anyURI")),
                         (str(KKG) + "claimObject", iri(obj.iri)),
                         (str(KKG) + "hasCertainty", iri(str(KKG) + level)),
                         (str(KKG) + "hedgeCue", literal(cue)),
                         (str(KKG) + "negated", literal(str(negated).lower(), XSD + "boolean")),
                         (str(KKG) + "rule", literal(f"drug-{slug(predicate)}-{obj.kind}")),
                         (str(KKG) + "evidenceType", iri(TEXT_MINED)),
                         (str(KKG) + "fromDocument", doc),
                         (str(KKG) + "inSentence", sentence),
                         (str(KKG) + "startOffset", integer(start)),
                         (str(KKG) + "endOffset", integer(end)),
                         (RDFS_LABEL, literal(f"{drug.label} {predicate} {obj.label}"))):
                emit(claim, iri(p), o, graph)
            if negated:
                continue
            emit(iri(drug.iri), iri(prop), iri(obj.iri), graph)
            state.axioms += 1
            axiom = f"_:ax-{doc_id}-{state.axioms}"
            for p, o in ((RDF_TYPE, iri(OWL + "Axiom")),
                         (OWL + "annotatedSource", iri(drug.iri)),
                         (OWL + "annotatedProperty", iri(prop)),
                         (OWL + "annotatedTarget", iri(obj.iri)),
                         (str(KKG) + "evidenceSentence", literal(text)),
                         (str(KKG) + "certaintyLabel", literal(level)),
                         (RDFS_SEE_ALSO, claim)):
                emit(axiom, iri(p), o, graph)
            _inferred_edges(drug, predicate, obj, emit, inferred)
            if predicate in ("treats", "relievesSymptom", "usedFor"):
                use = state.uses.setdefault((drug.iri, obj.iri),
                                            UseState(drug, obj, kinds[predicate]))
                use.claims.append(claim_iri)
                use.rank = max(use.rank, 5 - LEVELS.index(level))
            elif predicate == "modulates" and state.uses:
                list(state.uses.values())[-1].mechanisms.append(obj.iri)
    _write_uses(rng, state, vocabulary, emit, graph, inferred)
    text = "".join(state.text)
    for p, o in ((RDF_TYPE, iri(str(KKG) + "Document")), (RDFS_LABEL, literal(title)),
                 (str(KKG) + "sha256", literal(hashlib.sha256(text.encode()).hexdigest())),
                 (str(KKG) + "text", literal(text))):
        emit(doc, iri(p), o, graph)
    anchors["uses"] = len(state.uses)
    return anchors


def _inferred_edges(drug: Term, predicate: str, obj: Term, emit: Emit, inferred: str) -> None:
    d, o = iri(drug.iri), iri(obj.iri)
    if predicate in ("treats", "relievesSymptom", "usedFor"):
        emit(d, iri(f"{KKG}usedFor"), o, inferred)
        emit(o, iri(f"{KKG}hasDrugUsedFor"), d, inferred)
    if predicate == "treats":
        emit(o, iri(f"{KKG}treatedBy"), d, inferred)
    if predicate == "modulates":
        emit(o, iri(f"{KKG}modulatedBy"), d, inferred)
        emit(o, iri(RDF_TYPE), iri(f"{KKG}TargetedReceptor"), inferred)
    if predicate == "treats" and obj.kind == "condition":
        emit(d, iri(RDF_TYPE), iri(f"{KKG}MentalHealthDrug"), inferred)
    if predicate == "relievesSymptom":
        emit(d, iri(RDF_TYPE), iri(f"{KKG}PainDrug"), inferred)


def _write_uses(rng: random.Random, state: DocState, vocabulary: Vocabulary, emit: Emit,
                graph: str, inferred: str) -> None:
    """One DrugUse per (drug, indication) of the document, with route, setting, onset."""
    for key in sorted(state.uses):
        use = state.uses[key]
        drug_iri, indication_iri = key
        drug, indication = use.drug, use.indication
        node = iri(f"{KKU}{slug(drug.label)}/{indication_iri.rsplit('/', 1)[-1]}")
        level = LEVELS[5 - use.rank]
        triples = [(RDF_TYPE, iri(f"{KKG}DrugUse")), (f"{KKG}usesDrug", iri(drug_iri)),
                   (f"{KKG}forIndication", iri(indication_iri)),
                   (f"{KKG}hasCertainty", iri(f"{KKG}{level}")),
                   (RDFS_LABEL, literal(f"{drug.label} for {indication.label}"))]
        for kind, prop in (("route", "hasRoute"), ("setting", "inSetting")):
            if vocabulary.of(kind) and rng.random() < 0.6:
                triples.append((f"{KKG}{prop}", iri(rng.choice(vocabulary.of(kind)).iri)))
        if rng.random() < 0.4:
            triples.append((f"{KKG}onset", literal(rng.choice(ONSETS))))
        therapies = vocabulary.of("therapy")
        adjunct = bool(therapies) and rng.random() < 0.2
        if adjunct:
            triples.append((f"{KKG}hasAdjunctTherapy", iri(rng.choice(therapies).iri)))
        for mechanism in use.mechanisms:
            triples.append((f"{KKG}mechanismInvolves", iri(mechanism)))
        for claim in use.claims:
            triples.append((f"{KKG}supportedBy", iri(claim)))
            emit(iri(claim), iri(f"{KKG}supports"), node, inferred)
        for p, o in triples:
            emit(node, iri(p), o, graph)
        emit(iri(drug_iri), iri(f"{KKG}drugUsedIn"), node, inferred)
        if use.kind == "symptom" or "pain" in indication.label:
            emit(node, iri(RDF_TYPE), iri(f"{KKG}SymptomaticUse"), inferred)
        classes = {"established": "EstablishedUse", "preliminary": "InvestigationalUse",
                   "hypothesised": "InvestigationalUse"}
        if level in classes:
            emit(node, iri(RDF_TYPE), iri(f"{KKG}{classes[level]}"), inferred)
        if adjunct:
            emit(node, iri(RDF_TYPE), iri(f"{KKG}AdjunctUse"), inferred)


# --------------------------------------------------------------------------- driver


def generate(quads: int, out_path: Path, *, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Write about ``quads`` quads as N-Quads to ``out_path``; return the manifest."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    out_path.parent.mkdir(parents=True, exist_ok=True)
    ontology = list(ontology_lines())
    vocabulary, condition_classes = real_vocabulary(ontology)
    ontology_graph = iri(str(KKGRAPH) + "ontology")
    inferred_seen: set[tuple[str, str, str]] = set()
    with out_path.open("w", encoding="utf-8", newline="\n") as out:
        writer = QuadWriter(out)
        inferred_graph = iri(str(KKGRAPH) + "inferred")

        document_seen: set[tuple[str, str, str]] = set()

        def add(s: str, p: str, o: str, g: str) -> None:
            seen = inferred_seen if g == inferred_graph else document_seen
            if (s, p, o) in seen:
                return
            seen.add((s, p, o))
            writer.add(s, p, o, g)

        for s, p, o in ontology:
            add(s, p, o, ontology_graph)
        document_seen.clear()
        shape = synthetic_vocabulary(rng, quads, vocabulary, condition_classes, add)
        drugs = vocabulary.of("drug")
        ketamine = next(t for t in drugs if t.iri == f"{KKE}ketamine")
        anchors: list[dict[str, object]] = []
        number = 0
        while writer.count < quads:
            drug = ketamine if number % 50 == 0 else rng.choice(drugs)
            document_seen.clear()  # a set per graph: a quad is written once in its graph
            anchors.append(generate_document(rng, number, drug, vocabulary, add))
            number += 1
    manifest = {
        "file": out_path.name, "seed": seed, "target_quads": quads, "quads": writer.count,
        "documents": number, "drugs": len(drugs), "categories": shape["categories"],
        "conditions": shape["conditions"], "targets": len(vocabulary.of("target")),
        "anchors": anchors[0],
    }
    out_path.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n",
                                             encoding="utf-8")
    return manifest


def to_trig(nquads: Path) -> Path:
    """The same dataset as TriG, beside the N-Quads file (pyoxigraph writes it)."""
    target = nquads.with_suffix(".trig")
    quads = ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    with target.open("wb") as out:
        ox.serialize(quads, out, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return target


def data_path(quads: int, fmt: str = "nq") -> Path:
    """Where the benchmark keeps the dataset of a size (``bench/data/synth-100k.nq``)."""
    return DATA_DIR / f"synth-{size_name(quads)}.{fmt}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("100k"),
                        help="quads to generate: 100k, 1M, or a number (default 100k)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None, help="output .nq file")
    parser.add_argument("--format", choices=("nq", "trig"), default="nq",
                        help="also write TriG beside the N-Quads (trig)")
    args = parser.parse_args(argv)
    out = args.out or data_path(args.size)
    started = time.perf_counter()
    manifest = generate(args.size, out, seed=args.seed)
    if args.format == "trig":
        to_trig(out)
    print(f"{out}: {manifest['quads']} quads, {manifest['documents']} documents, "
          f"{manifest['drugs']} drugs, {manifest['conditions']} conditions "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
