"""The SPARQL 1.1 Protocol over a real server (Granian) on 127.0.0.1, asked by real clients.

SPARQLWrapper sends what it sends (its Accept headers, its extra ``format``/``output``
parameters); each answer is parsed back and its values compared with what the store holds.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from graph.store import GraphStore

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABELS = f"SELECT ?x ?label WHERE {{ ?x <{RDFS_LABEL}> ?label }}"
KETAMINE = "https://w3id.org/ketamine-kg/entity/ketamine"
CONSTRUCT = f"CONSTRUCT {{ <{KETAMINE}> ?p ?o }} WHERE {{ <{KETAMINE}> ?p ?o }}"


@pytest.fixture(scope="module")
def expected_labels(sample_store: GraphStore) -> set[tuple[str, str]]:
    return {(str(r["x"]), str(r["label"])) for r in sample_store.select(LABELS)}


@pytest.fixture(scope="module")
def expected_graph(sample_store: GraphStore) -> rdflib.Graph:
    rows = sample_store.select(f"SELECT ?p ?o WHERE {{ <{KETAMINE}> ?p ?o }}")
    answer = sample_store.query(CONSTRUCT)
    graph = rdflib.Graph()
    for triple in answer:  # type: ignore[union-attr]
        graph.parse(data=f"{triple} .", format="nt")
    assert len(graph) == len(rows) > 5
    return graph


def _wrapper(live_server: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_select_json(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    result = _wrapper(live_server, LABELS, JSON).queryAndConvert()
    got = {(b["x"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]}
    assert got == expected_labels


def test_select_xml(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    document = _wrapper(live_server, LABELS, XML).queryAndConvert()
    got = set()
    for result in document.getElementsByTagName("result"):
        values = {}
        for binding in result.getElementsByTagName("binding"):
            node = binding.firstChild
            values[binding.getAttribute("name")] = node.firstChild.data if node.firstChild else ""
        got.add((values["x"], values["label"]))
    assert got == expected_labels


def test_select_csv(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    body = _wrapper(live_server, LABELS, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert {(r["x"], r["label"]) for r in rows} == expected_labels


def test_select_tsv(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    body = _wrapper(live_server, LABELS, TSV).queryAndConvert()
    lines = body.decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["?x", "?label"]
    got = {(x.strip("<>"), json.loads(label)) for x, label in
           (line.split("\t") for line in lines[1:])}
    assert got == expected_labels


def test_select_by_post(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    sparql = _wrapper(live_server, LABELS, JSON)
    sparql.setMethod(POST)
    result = sparql.queryAndConvert()
    assert {(b["x"]["value"], b["label"]["value"])
            for b in result["results"]["bindings"]} == expected_labels


def test_ask(live_server: str) -> None:
    assert _wrapper(live_server, f"ASK {{ <{KETAMINE}> ?p ?o }}", JSON).queryAndConvert()[
        "boolean"] is True
    xml = _wrapper(live_server, "ASK { <http://example.org/none> ?p ?o }", XML).queryAndConvert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct_turtle(live_server: str, expected_graph: rdflib.Graph) -> None:
    body = _wrapper(live_server, CONSTRUCT, TURTLE).queryAndConvert()
    assert isomorphic(rdflib.Graph().parse(data=body, format="turtle"), expected_graph)


def test_construct_rdfxml(live_server: str, expected_graph: rdflib.Graph) -> None:
    graph = _wrapper(live_server, CONSTRUCT, RDFXML).queryAndConvert()
    assert isinstance(graph, rdflib.Graph) and isomorphic(graph, expected_graph)


def test_construct_jsonld(live_server: str, expected_graph: rdflib.Graph) -> None:
    graph = _wrapper(live_server, CONSTRUCT, JSONLD).queryAndConvert()
    assert isinstance(graph, rdflib.Graph) and isomorphic(graph, expected_graph)


def _request(url: str, *, data: bytes | None = None, headers: dict[str, str]) -> tuple[
        int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers: Any) -> dict[str, str]:
    """Header names are case-insensitive (RFC 9110); HTTP/1.1 servers may send them lower-case."""
    return {name.lower(): value for name, value in headers.items()}


def test_construct_ntriples(live_server: str, expected_graph: rdflib.Graph) -> None:
    url = live_server + "/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT})
    status, headers, body = _request(url, headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert isomorphic(rdflib.Graph().parse(data=body, format="nt"), expected_graph)


def test_post_sparql_query_body(live_server: str, expected_labels: set[tuple[str, str]]) -> None:
    status, headers, body = _request(
        live_server + "/sparql", data=LABELS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8",
                 "Accept": "application/sparql-results+json"})
    assert status == 200 and headers["x-kkg-truncated"] == "false"
    got = {(b["x"]["value"], b["label"]["value"])
           for b in json.loads(body)["results"]["bindings"]}
    assert got == expected_labels


def test_post_form(live_server: str) -> None:
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    status, _headers, body = _request(
        live_server + "/sparql", data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_errors_over_the_wire(live_server: str) -> None:
    url = live_server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT {"})
    status, headers, body = _request(url, headers={"Accept": "application/json"})
    assert status == 400 and json.loads(body)["error"]["status"] == 400
    status, _headers, body = _request(
        live_server + "/sparql", data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
        headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body


def test_service_description_names_the_live_endpoint(live_server: str) -> None:
    status, _headers, body = _request(live_server + "/sparql",
                                      headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=body, format="turtle")
    endpoint = rdflib.URIRef(live_server + "/sparql")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert status == 200 and (endpoint, sd.endpoint, endpoint) in graph


def test_named_query_api_over_the_wire(live_server: str) -> None:
    status, _headers, body = _request(
        live_server + "/api/queries/conditions-for-drug?drug=kke:ketamine",
        headers={"Accept": "application/json"})
    rows = json.loads(body)["rows"]
    assert status == 200 and rows[0]["indicationLabel"] == "treatment-resistant depression"


# ----------------------------------------------------- the request's dataset (Protocol §2.1.4)

OTHER_GRAPH = "http://example.org/not-in-this-store"
GRAPHS = "https://w3id.org/ketamine-kg/graph/"
ANY_TRIPLE = "ASK { ?s ?p ?o }"
ANY_NAMED = "ASK { GRAPH ?g { ?s ?p ?o } }"


def _ask_over_the_wire(live_server: str, how: str, query: str,
                       params: list[tuple[str, str]]) -> bool:
    """ASK by GET, by POST form or by a direct POST (graphs in the URL), as the Protocol allows."""
    pairs = urllib.parse.urlencode(params)
    accept = {"Accept": "application/sparql-results+json"}
    if how == "get":
        url = f"{live_server}/sparql?{urllib.parse.urlencode([('query', query), *params])}"
        status, _h, body = _request(url, headers=accept)
    elif how == "form":
        status, _h, body = _request(
            live_server + "/sparql", headers={
                **accept, "Content-Type": "application/x-www-form-urlencoded"},
            data=urllib.parse.urlencode([("query", query), *params]).encode())
    else:
        status, _h, body = _request(f"{live_server}/sparql?{pairs}", data=query.encode(),
                                    headers={**accept,
                                             "Content-Type": "application/sparql-query"})
    assert status == 200, body
    return bool(json.loads(body)["boolean"])


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_a_graph_the_store_lacks_is_an_empty_graph(live_server: str, how: str) -> None:
    """Not refused, not fetched: the dataset the request names, where that graph is empty."""
    assert _ask_over_the_wire(live_server, how, ANY_TRIPLE, [])
    assert not _ask_over_the_wire(live_server, how, ANY_TRIPLE,
                                  [("default-graph-uri", OTHER_GRAPH)])
    assert not _ask_over_the_wire(live_server, how, ANY_NAMED,
                                  [("named-graph-uri", OTHER_GRAPH)])


def test_a_lacking_graph_beside_a_held_one_adds_nothing(live_server: str) -> None:
    label = f"ASK {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }}"
    assert _ask_over_the_wire(live_server, "get", label, [
        ("default-graph-uri", OTHER_GRAPH), ("default-graph-uri", GRAPHS + "ontology")])
    in_named = f"ASK {{ GRAPH ?g {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }} }}"
    assert _ask_over_the_wire(live_server, "get", in_named, [
        ("named-graph-uri", OTHER_GRAPH), ("named-graph-uri", GRAPHS + "ontology")])
    assert not _ask_over_the_wire(live_server, "get", in_named, [
        ("named-graph-uri", OTHER_GRAPH), ("default-graph-uri", GRAPHS + "ontology")])


def test_protocol_graphs_override_a_from_the_store_lacks(live_server: str,
                                                         backend: str) -> None:
    """§2.1.4: the protocol's dataset replaces FROM, so a foreign FROM reads nothing.

    On an engine (``--engine``) such a FROM is still refused: the text goes to the engine as
    written, and whether it fetches an IRI it lacks is its choice (graph.remote_store).
    """
    query = f"ASK FROM <{OTHER_GRAPH}> {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }}"
    url = f"{live_server}/sparql?" + urllib.parse.urlencode(
        [("query", query), ("default-graph-uri", GRAPHS + "ontology")])
    status, _h, body = _request(url, headers={"Accept": "application/sparql-results+json"})
    if backend == "embedded":
        assert status == 200 and json.loads(body)["boolean"] is True, body
    else:
        assert status == 403 and b"FROM" in body
