"""The SPARQL 1.1 Service Description of the endpoint (what a GET without a query answers).

Built as RDF terms from the negotiation table and the store's graph list, so it cannot
disagree with what the endpoint really does: the formats it writes, the graphs it holds, and
that its default graph is the union of them all.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import ENTAILMENT_SIMPLE, PREFIXES, SD
from server.negotiation import FORMATS, Format

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(SD[name]))


def describe_service(endpoint: str, graphs: list[str]) -> list[ox.Triple]:
    """The triples describing the endpoint at ``endpoint`` serving ``graphs``."""
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#dataset")
    default_graph = ox.NamedNode(endpoint + "#default-graph")
    named = [(ox.BlankNode(), ox.NamedNode(iri)) for iri in graphs]
    triples = [
        ox.Triple(service, _RDF_TYPE, _sd("Service")),
        ox.Triple(service, _TITLE, ox.Literal("ketamine-kg SPARQL endpoint (read-only)")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode(ENTAILMENT_SIMPLE)),
        *(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.iri)) for f in FORMATS),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        *(ox.Triple(dataset, _sd("namedGraph"), node) for node, _name in named),
        ox.Triple(default_graph, _RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, _TITLE, ox.Literal("the union of all named graphs")),
    ]
    for node, name in named:
        triples += [ox.Triple(node, _RDF_TYPE, _sd("NamedGraph")),
                    ox.Triple(node, _sd("name"), name)]
    return triples


def serialise_description(triples: list[ox.Triple], fmt: Format) -> bytes:
    """The description in an RDF format of the table (datasets formats get the default graph)."""
    rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
    if rdf_format is None:  # pragma: no cover - the table only lists formats pyoxigraph writes
        raise ValueError(fmt.media_type)
    prefixes = {"sd": str(SD), "dcterms": PREFIXES["dcterms"], "kkgraph": PREFIXES["kkgraph"]}
    items: list[ox.Triple] | list[ox.Quad] = triples
    if rdf_format.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
