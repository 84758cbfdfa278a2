"""The project's namespaces (docs/model.md) as rdflib Namespace objects and CURIE helpers.

These are the only IRIs written in code: everything else (entities, rules, synonyms) lives in
data files. Keeping them here means a query parameter such as ``kke:ketamine`` expands the
same way in the command line, the HTTP API and the tests.
"""

from __future__ import annotations

from rdflib import Namespace

BASE = "https://w3id.org/ketamine-kg/"
KKG = Namespace(BASE + "ontology/")
KKE = Namespace(BASE + "entity/")
KKD = Namespace(BASE + "document/")
KKC = Namespace(BASE + "claim/")
KKU = Namespace(BASE + "use/")
KKGRAPH = Namespace(BASE + "graph/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")

# W3C vocabularies the server describes itself with (SPARQL 1.1 Service Description).
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT_SIMPLE = "http://www.w3.org/ns/entailment/Simple"

ONTOLOGY_GRAPH = KKGRAPH["ontology"]
INFERRED_GRAPH = KKGRAPH["inferred"]
MERGED_GRAPH = KKGRAPH["merged"]  # facts about the whole graph (graph/merge.py)

PREFIXES: dict[str, str] = {
    "kkg": str(KKG),
    "kke": str(KKE),
    "kkd": str(KKD),
    "kkc": str(KKC),
    "kku": str(KKU),
    "kkgraph": str(KKGRAPH),
    "obo": str(OBO),
    "oboInOwl": str(OBOINOWL),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


def document_graph(doc_id: str) -> str:
    """The named graph that holds everything extracted from one document."""
    return f"{KKGRAPH}document/{doc_id}"


def expand_curie(value: str) -> str:
    """Expand ``prefix:local`` with a known prefix; return anything else unchanged."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def shorten_iri(iri: str) -> str:
    """The CURIE of an IRI in a known namespace (the longest match), else the IRI itself."""
    best = ""
    best_prefix = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if best and "/" not in iri[len(best):]:
        return f"{best_prefix}:{iri[len(best):]}"
    return iri
