"""The ontology page's content: class tree, class and property details, release files.

Why from the store and not from the release files: the page then shows exactly the schema the
server answers queries with, and a term's label links to the same linked-data page as
everywhere else. The release files are only offered for download.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.namespace import OWL

from server.viewkit import curie, display_label, href, run_view, value
from server.xrefs import Xref, xref_link

RELEASE_FILES = (
    ("ketamine-kg.owl", "OWL (RDF/XML), imports by IRI", "application/rdf+xml"),
    ("ketamine-kg.ttl", "Turtle, imports by IRI", "text/turtle"),
    ("ketamine-kg-full.owl", "OWL (RDF/XML) with the imports merged in", "application/rdf+xml"),
    ("catalog-v001.xml", "Protégé catalog: resolves the imports to local files", "application/xml"),
)
KINDS = {
    str(OWL.Class): "class",
    str(OWL.ObjectProperty): "object property",
    str(OWL.DatatypeProperty): "data property",
    str(OWL.AnnotationProperty): "annotation property",
}
CHARACTERISTICS = {
    str(OWL[name]): name.replace("Property", "").lower()
    for name in ("FunctionalProperty", "InverseFunctionalProperty", "TransitiveProperty",
                 "SymmetricProperty", "AsymmetricProperty", "ReflexiveProperty",
                 "IrreflexiveProperty")
}


@dataclass(frozen=True)
class Ref:
    """A linked term: label, CURIE and where its page is."""

    iri: str
    label: str
    curie: str
    link: str | None


@dataclass
class Term:
    """One class or property, with every aspect the page shows."""

    iri: str
    label: str
    curie: str
    anchor: str
    kind: str = "class"
    definitions: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[Xref] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    defined: bool = False
    related: dict[str, list[Ref]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class TreeNode:
    """A class in the subclass tree with its children (a class with two parents shows twice)."""

    term: Term
    children: list[TreeNode]


def load_terms() -> dict[str, Term]:
    """Every kkg: class and property by IRI, from the ontology-terms view."""
    terms: dict[str, Term] = {}
    for row in run_view("ontology-terms"):
        iri, what = value(row["term"]) or "", value(row["what"]) or ""
        text = value(row["value"]) or ""
        term = terms.get(iri)
        if term is None:
            term = terms[iri] = Term(iri, display_label(None, iri), curie(iri),
                                     anchor=curie(iri).split(":")[-1])
        _add(term, what, text, value(row["valueLabel"]))
    return terms


def _add(term: Term, what: str, text: str, label: str | None) -> None:
    if what == "type":
        if text in KINDS and (term.kind == "class" or text != str(OWL.Class)):
            term.kind = KINDS[text]
        elif text in CHARACTERISTICS:
            term.characteristics.append(CHARACTERISTICS[text])
    elif what == "label":
        term.label = text
    elif what in ("definition", "comment", "synonym", "match"):
        getattr(term, {"definition": "definitions", "comment": "comments",
                       "synonym": "synonyms", "match": "matches"}[what]).append(text)
    elif what == "xref":
        term.xrefs.append(xref_link(text))
    elif what == "defined":
        term.defined = True
    else:  # parent, super, inverse, domain, range: links to other terms
        term.related[what].append(Ref(text, display_label(label, text), curie(text), href(text)))


def class_tree(terms: dict[str, Term]) -> list[TreeNode]:
    """The kkg: classes as a forest under rdfs:subClassOf, each level sorted by label."""
    classes = {iri: t for iri, t in terms.items() if t.kind == "class"}
    children: dict[str, list[str]] = defaultdict(list)
    roots = []
    for iri, term in classes.items():
        parents = [ref.iri for ref in term.related.get("parent", []) if ref.iri in classes]
        if not parents:
            roots.append(iri)
        for parent in parents:
            children[parent].append(iri)

    def build(iri: str, path: frozenset[str]) -> TreeNode:
        kids = sorted((c for c in children.get(iri, []) if c not in path),
                      key=lambda c: classes[c].label.lower())
        return TreeNode(classes[iri], [build(c, path | {c}) for c in kids])

    return [build(r, frozenset({r})) for r in sorted(roots, key=lambda r: classes[r].label.lower())]


def sorted_terms(terms: dict[str, Term], kinds: tuple[str, ...]) -> list[Term]:
    """The terms of some kinds, sorted by label."""
    return sorted((t for t in terms.values() if t.kind in kinds), key=lambda t: t.label.lower())


@dataclass(frozen=True)
class ReleaseFile:
    """A release file that exists on disk, with its size."""

    name: str
    description: str
    size: int


def release_files(folder: Path) -> list[ReleaseFile]:
    """The release files present in ``folder`` (the ontology build writes them) and imports."""
    found = [ReleaseFile(name, description, (folder / name).stat().st_size)
             for name, description, _ in RELEASE_FILES if (folder / name).is_file()]
    imports = folder / "imports"
    if imports.is_dir():
        found += [ReleaseFile(f"imports/{p.name}", "imported module", p.stat().st_size)
                  for p in sorted(imports.iterdir()) if p.is_file() and not p.name.startswith(".")]
    return found
