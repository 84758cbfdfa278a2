"""/sparql via the test client: methods, formats, description, CORS, graphs (errors: *_errors)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
import rdflib
from flask.testing import FlaskClient

from graph.store import GraphStore

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LABELS = f"SELECT ?label WHERE {{ ?x <{RDFS_LABEL}> ?label }}"
KETAMINE = "https://w3id.org/ketamine-kg/entity/ketamine"
DESCRIBE_KETAMINE = f"CONSTRUCT {{ <{KETAMINE}> ?p ?o }} WHERE {{ <{KETAMINE}> ?p ?o }}"
GRAPH = "https://w3id.org/ketamine-kg/graph/"
ONTOLOGY = "https://w3id.org/ketamine-kg/ontology/"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def expected_labels(sample_store: GraphStore) -> list[str]:
    return sorted(str(row["label"]) for row in sample_store.select(LABELS))


def _json_labels(body: bytes) -> list[str]:
    return sorted(b["label"]["value"] for b in json.loads(body)["results"]["bindings"])


# ------------------------------------------------------------------------------ methods


def test_get_with_query(client: FlaskClient, expected_labels: list[str]) -> None:
    response = client.get("/sparql", query_string={"query": LABELS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert _json_labels(response.data) == expected_labels
    assert response.headers["X-KKG-Truncated"] == "false"


def test_post_form(client: FlaskClient, expected_labels: list[str]) -> None:
    response = client.post("/sparql", data={"query": LABELS})
    assert response.status_code == 200
    assert _json_labels(response.data) == expected_labels


@pytest.mark.parametrize("content_type", [
    "application/sparql-query", "application/sparql-query; charset=utf-8",
    "Application/SPARQL-Query;charset=UTF-8"])
def test_post_sparql_query_body(client: FlaskClient, expected_labels: list[str],
                                content_type: str) -> None:
    response = client.post("/sparql", data=LABELS.encode(), content_type=content_type)
    assert response.status_code == 200
    assert _json_labels(response.data) == expected_labels


def test_post_body_in_another_declared_charset_is_refused(client: FlaskClient) -> None:
    """application/sparql-query is always UTF-8 (its registration): 415, not a re-reading."""
    query = f'ASK {{ ?x <{RDFS_LABEL}> ?l FILTER(?l != "caf\u00e9") }}'
    response = client.post("/sparql", data=query.encode("iso-8859-1"),
                           content_type="application/sparql-query; charset=iso-8859-1")
    assert response.status_code == 415 and b"UTF-8" in response.data


def test_non_ascii_query_in_the_url(client: FlaskClient) -> None:
    query = 'SELECT ?l WHERE { BIND("d\u00e9pression \u2014 \u7d27\u5f20" AS ?l) }'
    response = client.get("/sparql?query=" + quote(query))
    rows = json.loads(response.data)["results"]["bindings"]
    assert rows[0]["l"]["value"] == "d\u00e9pression \u2014 \u7d27\u5f20"


def test_head_is_answered_without_a_body(client: FlaskClient) -> None:
    response = client.head("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200 and response.data == b""


# ------------------------------------------------------------------------------ formats


def test_select_in_every_results_format(client: FlaskClient, expected_labels: list[str]) -> None:
    def get(accept: str) -> bytes:
        response = client.get("/sparql", query_string={"query": LABELS},
                              headers={"Accept": accept})
        assert response.status_code == 200, response.data
        assert response.mimetype == accept or accept in ("application/json", "application/xml")
        return response.data

    assert _json_labels(get("application/sparql-results+json")) == expected_labels
    assert _json_labels(get("application/json")) == expected_labels
    for accept in ("application/sparql-results+xml", "application/xml"):
        root = ET.fromstring(get(accept))
        values = sorted(e.text or "" for e in root.iter(f"{SRX}literal"))
        assert values == expected_labels
    rows = list(csv.reader(io.StringIO(get("text/csv").decode())))
    assert rows[0] == ["label"] and sorted(r[0] for r in rows[1:]) == expected_labels
    lines = get("text/tab-separated-values").decode().splitlines()
    assert lines[0] == "?label"
    assert sorted(json.loads(line) for line in lines[1:]) == expected_labels


def test_ask_in_json_xml_csv(client: FlaskClient) -> None:
    query = {"query": f"ASK {{ <{KETAMINE}> ?p ?o }}"}
    assert json.loads(client.get("/sparql", query_string=query).data)["boolean"] is True
    xml = client.get("/sparql", query_string=query,
                     headers={"Accept": "application/sparql-results+xml"}).data
    assert ET.fromstring(xml).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]
    assert client.get("/sparql", query_string=query,
                      headers={"Accept": "text/csv"}).data.strip() == b"true"


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
    ("application/n-quads", "nquads"), ("application/trig", "trig"),
])
def test_construct_in_every_rdf_format(client: FlaskClient, sample_store: GraphStore,
                                       accept: str, rdflib_format: str) -> None:
    response = client.get("/sparql", query_string={"query": DESCRIBE_KETAMINE},
                          headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    parsed = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    parsed.parse(data=response.data, format=rdflib_format)
    expected = {str(row["p"]) + " " + str(row["o"]) for row in sample_store.select(
        f"SELECT ?p ?o WHERE {{ <{KETAMINE}> ?p ?o }}")}
    got = {f"{p} {o}" for _s, p, o, *_ in (parsed.quads() if isinstance(
        parsed, rdflib.Dataset) else parsed)}
    assert got == expected


def test_describe_answers_turtle_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{KETAMINE}>"})
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (rdflib.URIRef(KETAMINE), rdflib.RDFS.label, rdflib.Literal("ketamine")) in graph


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv, */*", "text/csv"),
    ("text/*", "text/csv"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "application/sparql-results+xml"),
    ("text/tab-separated-values;q=0.9, text/csv;q=0.8", "text/tab-separated-values"),
])
def test_q_values_choose_the_format(client: FlaskClient, accept: str | None,
                                    expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/sparql", query_string={"query": LABELS}, headers=headers)
    assert response.status_code == 200 and response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_the_format_parameter_overrides_accept(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS, "format": "csv"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "text/csv"
    response = client.get("/sparql", query_string={"query": DESCRIBE_KETAMINE,
                                                   "format": ["rdf+xml", "application/rdf+xml"]})
    assert response.mimetype == "application/rdf+xml"
    unknown = client.get("/sparql", query_string={"query": LABELS, "format": "yaml"})
    assert unknown.mimetype == "application/sparql-results+json"  # ignored, Accept decides


def test_nothing_acceptable_is_406_listing_the_formats(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABELS},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data and b"text/csv" in response.data
    response = client.get("/sparql", query_string={"query": DESCRIBE_KETAMINE},
                          headers={"Accept": "text/csv"})
    assert response.status_code == 406 and b"text/turtle" in response.data


# ------------------------------------------------------------------ service description


def _description(client: FlaskClient, accept: str = "text/turtle",
                 headers: dict[str, str] | None = None) -> rdflib.Graph:
    response = client.get("/sparql", headers={"Accept": accept, **(headers or {})})
    assert response.status_code == 200 and response.mimetype == accept
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml",
           "application/ld+json": "json-ld", "application/n-triples": "nt"}[accept]
    return rdflib.Graph().parse(data=response.data, format=fmt)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json"])
def test_get_without_query_describes_the_service(client: FlaskClient, accept: str) -> None:
    graph = _description(client, accept)
    service = rdflib.URIRef("http://localhost/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats and len(formats) == 10
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert names == {GRAPH + "ontology", GRAPH + "inferred", GRAPH + "document/ketamine-uses"}


def test_a_browser_is_sent_to_the_query_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/editor")
    curl = client.get("/sparql", headers={"Accept": "*/*"})  # a client, not a browser
    assert curl.status_code == 200 and curl.mimetype == "text/turtle"


def test_the_endpoint_iri_follows_the_proxy_headers(app_factory) -> None:
    client = app_factory(KKG_TRUSTED_PROXIES=1).test_client()
    graph = _description(client, headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "kg.example.org",
        "X-Forwarded-Prefix": "/ketamine"})
    endpoint = rdflib.URIRef("https://kg.example.org/ketamine/sparql")
    assert (endpoint, SD.endpoint, endpoint) in graph


def test_the_public_base_setting_wins(app_factory) -> None:
    client = app_factory(KKG_PUBLIC_BASE="https://data.example.org/kg/").test_client()
    endpoint = rdflib.URIRef("https://data.example.org/kg/sparql")
    assert (endpoint, SD.endpoint, endpoint) in _description(client)


def test_untrusted_forwarded_headers_are_ignored(client: FlaskClient) -> None:
    graph = _description(client, headers={"X-Forwarded-Host": "evil.example"})
    assert not any("evil" in str(s) for s in graph.subjects())


# ------------------------------------------------------------------------------ CORS


def test_cors_headers_on_answers_and_errors(client: FlaskClient) -> None:
    ok = client.get("/sparql", query_string={"query": "ASK {}"},
                    headers={"Origin": "https://yasgui.example"})
    bad = client.get("/sparql", query_string={"query": "ASK {"})
    for response in (ok, bad):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-KKG-Truncated" in ok.headers["Access-Control-Expose-Headers"]


def test_cors_preflight_is_answered(client: FlaskClient) -> None:
    response = client.options("/sparql", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


# ------------------------------------------------------------------------------ graphs


def _ask(client: FlaskClient, query: str, **params: object) -> bool:
    response = client.get("/sparql", query_string={"query": query, **params})
    assert response.status_code == 200, response.data
    return bool(json.loads(response.data)["boolean"])


def test_the_default_graph_is_the_union_of_all_graphs(client: FlaskClient) -> None:
    assert _ask(client, f"ASK {{ <{KETAMINE}> a <{ONTOLOGY}Drug>, <{ONTOLOGY}MentalHealthDrug> }}")


def test_default_graph_uri_selects_graphs(client: FlaskClient) -> None:
    label = f"ASK {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }}"
    inferred_type = f"ASK {{ <{KETAMINE}> a <{ONTOLOGY}MentalHealthDrug> }}"
    assert not _ask(client, label, **{"default-graph-uri": GRAPH + "inferred"})
    assert _ask(client, inferred_type, **{"default-graph-uri": GRAPH + "inferred"})
    assert _ask(client, label, **{"default-graph-uri": [GRAPH + "inferred", "kkgraph:ontology"]})


def test_named_graph_uri_limits_graph_patterns(client: FlaskClient) -> None:
    query = f"ASK {{ GRAPH ?g {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }} }}"
    assert _ask(client, query, **{"named-graph-uri": GRAPH + "ontology"})
    assert not _ask(client, query, **{"named-graph-uri": GRAPH + "inferred"})
    # only default-graph-uri given: no named graphs at all (SPARQL 1.1 Protocol 2.1.4)
    assert not _ask(client, query, **{"default-graph-uri": GRAPH + "ontology"})


def test_from_in_the_query_is_honoured_and_replaced_by_protocol_graphs(
        client: FlaskClient) -> None:
    query = f"ASK FROM <{GRAPH}inferred> {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }}"
    assert not _ask(client, query)
    assert _ask(client, query, **{"default-graph-uri": GRAPH + "ontology"})


def test_graph_parameters_are_also_read_from_the_form_body(client: FlaskClient) -> None:
    response = client.post("/sparql", data={
        "query": f"ASK {{ <{KETAMINE}> <{RDFS_LABEL}> ?l }}",
        "default-graph-uri": GRAPH + "inferred"})
    assert json.loads(response.data)["boolean"] is False
