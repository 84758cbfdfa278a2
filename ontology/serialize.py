"""Deterministic, byte-stable serialisation of rdflib graphs as RDF/XML and Turtle.

Release files are committed to the repository, so building twice from the same sources must
give the same bytes: otherwise every build shows a diff and reviewers stop reading them.
rdflib's writers follow the store's internal order and random blank-node ids, so here:

* blank nodes are first relabelled canonically (rdflib's RGDA1 canonicaliser), so their
  ids depend only on the graph's content;
* the RDF/XML writer below sorts subjects, predicates and objects, and writes blank nodes
  nested where they are used (lists as ``rdf:parseType="Collection"``) so no id appears at
  all unless a blank node is shared;
* Turtle comes from rdflib's writer, which sorts, fed with the relabelled graph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")

# Element names preferred for a node, in order: the first of its types found here wins.
_ELEMENT_PREFERENCE = (
    OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.NamedIndividual, OWL.Restriction, OWL.AllDisjointClasses, OWL.AllDifferent, OWL.Axiom,
)
# Top-level order: the ontology header, then properties, classes, individuals, anything else.
_GROUP_ORDER = (
    OWL.Ontology, OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.Class,
    OWL.NamedIndividual,
)


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank-node ids depend only on the graph's content."""
    result = Graph(bind_namespaces="none")
    for triple in to_canonical_graph(graph):
        result.add(triple)
    return result


def to_turtle(graph: Graph, prefixes: Mapping[str, str], banner: str) -> str:
    """Turtle text of ``graph`` with a ``#`` banner line, identical for identical graphs."""
    canonical = canonical_graph(graph)
    out = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        out.bind(prefix, namespace)
    for triple in canonical:
        out.add(triple)
    body = out.serialize(format="turtle")
    return f"# {banner}\n{body}"


def to_rdfxml(graph: Graph, prefixes: Mapping[str, str], banner: str) -> str:
    """RDF/XML text of ``graph`` with an XML comment banner, identical for identical graphs."""
    return _RdfXmlWriter(canonical_graph(graph), prefixes).write(banner)


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}) + '"'


def _text(value: str) -> str:
    return escape(value, {"\r": "&#13;"})


class _RdfXmlWriter:
    """Writes one graph as sorted, nested RDF/XML (see the module docstring for why)."""

    def __init__(self, graph: Graph, prefixes: Mapping[str, str]) -> None:
        self.graph = graph
        self.prefixes: dict[str, str] = dict(prefixes)
        self.prefixes.setdefault("rdf", str(RDF))
        refs = Counter(o for o in graph.objects(unique=False) if isinstance(o, BNode))
        self.inline: set[BNode] = {b for b, n in refs.items() if n == 1}
        # Blank nodes that need an rdf:nodeID: used more than once, or inside a cycle.
        self.shared: set[BNode] = {b for b, n in refs.items() if n > 1}
        self._rendered: dict[BNode, str] = {}
        self._visiting: set[BNode] = set()

    # -- names ---------------------------------------------------------------------------

    def qname(self, iri: URIRef) -> str:
        """``prefix:local`` for an IRI used as an element name, adding a prefix if needed."""
        text = str(iri)
        best: tuple[int, str] | None = None
        for prefix, namespace in self.prefixes.items():
            local = text[len(namespace):]
            if text.startswith(namespace) and _NCNAME.match(local):
                if best is None or len(namespace) > best[0]:
                    best = (len(namespace), prefix)
        if best is not None:
            return f"{best[1]}:{text[best[0]:]}"
        cut = max(text.rfind("#"), text.rfind("/"))
        local = text[cut + 1:]
        if cut < 0 or not _NCNAME.match(local):
            raise ValueError(f"cannot write {text} as an RDF/XML element name")
        number = 1
        while f"ns{number}" in self.prefixes:
            number += 1
        self.prefixes[f"ns{number}"] = text[:cut + 1]
        return f"ns{number}:{local}"

    def element_type(self, node: Node) -> URIRef | None:
        types = sorted(t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef))
        for preferred in _ELEMENT_PREFERENCE:
            if preferred in types:
                return preferred
        return types[0] if types else None

    # -- nodes ---------------------------------------------------------------------------

    def node(self, node: Node, indent: int) -> list[str]:
        """The lines of one node element, its properties and nested blank nodes."""
        pad = "    " * indent
        element_type = self.element_type(node)
        tag = self.qname(element_type) if element_type is not None else "rdf:Description"
        if isinstance(node, URIRef):
            opening = f"{pad}<{tag} rdf:about={_attr(str(node))}"
        elif isinstance(node, BNode) and node in self.shared:
            opening = f"{pad}<{tag} rdf:nodeID={_attr(self.node_id(node))}"
        else:
            opening = f"{pad}<{tag}"
        body: list[str] = []
        for predicate, obj in self.properties(node, skip_type=element_type):
            body.extend(self.property(predicate, obj, indent + 1))
        if not body:
            return [opening + "/>"]
        return [opening + ">", *body, f"{pad}</{tag}>"]

    def node_id(self, node: BNode) -> str:
        return "b" + str(node)[-16:] if len(str(node)) > 16 else "b" + str(node)

    def properties(self, node: Node, skip_type: URIRef | None) -> list[tuple[URIRef, Node]]:
        pairs = [
            (p, o) for p, o in self.graph.predicate_objects(node)
            if isinstance(p, URIRef) and not (p == RDF.type and o == skip_type)
        ]
        return sorted(pairs, key=lambda pair: (pair[0] != RDF.type, str(pair[0]),
                                               self.sort_key(pair[1])))

    def sort_key(self, obj: Node) -> tuple[int, str, str, str]:
        if isinstance(obj, URIRef):
            return (0, str(obj), "", "")
        if isinstance(obj, Literal):
            return (1, str(obj), str(obj.datatype or ""), obj.language or "")
        if isinstance(obj, BNode) and obj in self.inline:
            return (2, self.rendered(obj), "", "")
        return (3, str(obj), "", "")

    def rendered(self, node: BNode) -> str:
        """Nested text of an inline blank node: its sort key and, in use, its content."""
        if node not in self._rendered:
            if node in self._visiting:  # a cycle of blank nodes; break it with an id
                return self.node_id(node)
            self._visiting.add(node)
            self._rendered[node] = "\n".join(self.node(node, 0))
            self._visiting.discard(node)
        return self._rendered[node]

    def property(self, predicate: URIRef, obj: Node, indent: int) -> list[str]:
        pad = "    " * indent
        tag = self.qname(predicate)
        if isinstance(obj, URIRef):
            return [f"{pad}<{tag} rdf:resource={_attr(str(obj))}/>"]
        if isinstance(obj, Literal):
            attrs = ""
            if obj.language:
                attrs = f" xml:lang={_attr(obj.language)}"
            elif obj.datatype is not None:
                attrs = f" rdf:datatype={_attr(str(obj.datatype))}"
            return [f"{pad}<{tag}{attrs}>{_text(str(obj))}</{tag}>"]
        assert isinstance(obj, BNode)
        if obj not in self.inline:
            return [f"{pad}<{tag} rdf:nodeID={_attr(self.node_id(obj))}/>"]
        items = self.collection(obj)
        if items is not None:
            lines = [f'{pad}<{tag} rdf:parseType="Collection">']
            for item in items:
                if isinstance(item, URIRef):
                    lines.append(f"{pad}    <rdf:Description rdf:about={_attr(str(item))}/>")
                else:
                    lines.extend(self.node(item, indent + 1))
            return [*lines, f"{pad}</{tag}>"]
        return [f"{pad}<{tag}>", *self.node(obj, indent + 1), f"{pad}</{tag}>"]

    def collection(self, head: BNode) -> list[Node] | None:
        """The items of a well-formed list of resources starting at ``head``, else None."""
        items: list[Node] = []
        node: Node = head
        seen: set[Node] = set()
        while node != RDF.nil:
            if not isinstance(node, BNode) or node not in self.inline or node in seen:
                return None
            seen.add(node)
            pairs = list(self.graph.predicate_objects(node))
            firsts = [o for p, o in pairs if p == RDF.first]
            rests = [o for p, o in pairs if p == RDF.rest]
            if len(pairs) != 2 or len(firsts) != 1 or len(rests) != 1:
                return None
            item = firsts[0]
            if isinstance(item, Literal) or (isinstance(item, BNode) and item not in self.inline):
                return None
            items.append(item)
            node = rests[0]
        return items

    # -- document ------------------------------------------------------------------------

    def roots(self) -> list[Node]:
        """Subjects written at the top level: IRIs, then blank nodes not nested anywhere."""
        subjects = set(self.graph.subjects(unique=True))
        iris = [s for s in subjects if isinstance(s, URIRef)]
        reached = self.reachable(iris + [s for s in subjects
                                         if isinstance(s, BNode) and s not in self.inline])
        for blank in subjects - reached:  # cycles made only of once-used blank nodes
            if isinstance(blank, BNode):
                self.inline.discard(blank)
                self.shared.add(blank)
        blanks = [s for s in subjects if isinstance(s, BNode) and s not in self.inline]

        def iri_key(node: Node) -> tuple[int, str]:
            types = set(self.graph.objects(node, RDF.type))
            group = next((i for i, t in enumerate(_GROUP_ORDER) if t in types),
                         len(_GROUP_ORDER))
            return (group, str(node))

        ordered: list[Node] = sorted(iris, key=iri_key)
        ordered += sorted(blanks, key=lambda b: "\n".join(self.node(b, 0)))
        return ordered

    def reachable(self, starts: Iterable[Node]) -> set[Node]:
        seen: set[Node] = set()
        stack = list(starts)
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(o for o in self.graph.objects(node)
                         if isinstance(o, BNode) and o in self.inline)
        return seen

    def write(self, banner: str) -> str:
        body: list[str] = []
        for root in self.roots():
            body.append("")
            body.extend(self.node(root, 1))
        namespaces = "\n".join(
            f"    xmlns:{prefix}={_attr(ns)}" for prefix, ns in sorted(self.prefixes.items()))
        safe_banner = banner.replace("--", "- -")
        return (f"<!-- {safe_banner} -->\n<rdf:RDF\n{namespaces}>\n"
                + "\n".join(body) + "\n\n</rdf:RDF>\n")
