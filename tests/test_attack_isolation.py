"""Attack suite, no network, no disk, no writes: a query reaches nothing but the store.

A canary HTTP server on 127.0.0.1 must receive nothing while SERVICE, FROM, FROM NAMED, LOAD
and the protocol's graph parameters point at it, including spellings that slipped past the
first guard (``SERVICE:x``, ``true.SERVICE:x``, a ``<`` read as less-than, ``\\'`` in a
name); a canary file, watched with inotify, is never opened; and every update sent every
way is refused while a count of the triples proves nothing changed.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from attack_support import (
    RESULTS_JSON,
    Canary,
    FileWatch,
    Reply,
    ServerProcess,
    assert_clean,
)

from graph.executor import QueryExecutor, QueryJob, StoreSource

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
FORM = "application/x-www-form-urlencoded"


def _federated(canary: str, file_iri: str) -> list[str]:
    """Queries that would call out, each spelt the way some parser reading would miss."""
    return [
        f"SELECT * WHERE {{ SERVICE <{canary}/service> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{canary}/silent> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service<{canary}/lower>{{}} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{canary}/var> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX : <{canary}/> SELECT * WHERE {{ SERVICE:glued {{ ?s ?p ?o }} }}",
        f"PREFIX k: <{canary}/> SELECT * WHERE {{ SERVICEk:glued {{ }} }}",
        f"PREFIX k: <{canary}/> SELECT * WHERE {{ SERVICESILENTk:glued {{ }} }}",
        f"PREFIX : <{canary}/> SELECT * WHERE {{ ?s ?p true.SERVICE:dot {{}} }}",
        f"PREFIX : <{canary}/> SELECT * WHERE {{ ?s ?p 1e1SERVICE:num {{}} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{canary}/bool>{{}} }}",
        f"PREFIX : <{canary}/> SELECT * WHERE {{ FILTER(1<2)SERVICE:lt#>\n{{}} }}",
        f"PREFIX k: <p:> SELECT * WHERE {{ k:a\\' <p:p> ?o . SERVICE <{canary}/esc> {{}}"
        " ?s <p:p> <p:'> }",
        f"SELECT * WHERE {{ ?s <p:p> <p:\\u0041'> . SERVICE <{canary}/uchar> {{}}"
        " ?s <p:p> <p:'> }",
        f"SELECT * WHERE {{ ?s ?p ?o. SERVICE#c\r<{canary}/cr> {{}} }}",
        f"SELECT * FROM <{canary}/from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{canary}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"BASE <{canary}/> SELECT * FROM <relative> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{canary}/load>",
        f"LOAD SILENT <{canary}/load> INTO GRAPH <p:g>",
        f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{canary}/after>",
        f"SELECT * WHERE {{ SERVICE <{file_iri}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{file_iri}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{file_iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"LOAD <{file_iri}>",
    ]


@pytest.fixture
def canary_file(tmp_path: Path) -> Path:
    secret = tmp_path / "canary.ttl"
    secret.write_text("<urn:canary> <urn:is> 'CANARY-FILE-WAS-READ' .\n", encoding="utf-8")
    return secret


def test_no_query_reaches_the_network_or_a_file(attack_server: ServerProcess,
                                                canary_file: Path) -> None:
    watch = FileWatch(canary_file)
    try:
        with Canary() as canary:
            file_iri = canary_file.as_uri()
            for query in _federated(canary.url, file_iri):
                for reply in (
                    attack_server.query(query),
                    attack_server.request("POST", "/sparql", body=query.encode(), headers={
                        "Content-Type": "application/sparql-query", "Accept": RESULTS_JSON}),
                ):
                    assert reply.status in (200, 400, 403), (query, reply.status, reply.text)
                    assert_clean(reply)
                    assert b"CANARY-FILE" not in reply.body and b"root:x:0" not in reply.body
            for name in ("default-graph-uri", "named-graph-uri"):
                for target in (canary.url + "/param", file_iri, "file:///etc/passwd"):
                    reply = attack_server.get("/sparql?" + urlencode(  # an empty graph, unread
                        {"query": "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                         name: target}), headers={"Accept": RESULTS_JSON})
                    assert reply.status == 200, reply.text
                    assert_clean(reply)
                    assert json.loads(reply.body)["results"]["bindings"] == []
            assert canary.hits == []
            urllib.request.urlopen(canary.url + "/control", timeout=5).close()  # noqa: S310
            assert canary.hits == ["GET /control"]  # the canary does hear a call
        assert watch.poll() == 0, "a query opened the canary file"
        canary_file.read_bytes()
        assert watch.poll() > 0  # and the watch does see a read
    finally:
        watch.close()


def test_the_query_processes_themselves_cannot_open_a_socket() -> None:
    """Below the guard: a SERVICE job given straight to the executor still calls nobody."""
    with Canary() as canary, QueryExecutor(StoreSource(data_files=(SAMPLE,)),
                                           processes=1) as pool:
        job = QueryJob(f"SELECT * WHERE {{ SERVICE <{canary.url}/raw> {{ ?s ?p ?o }} }}",
                       RESULTS_JSON)
        with pytest.raises(Exception):  # noqa: B017 - any project error; no call is the point
            pool.run(job)
        assert canary.hits == []
        assert json.loads(pool.run(QueryJob("ASK { ?s ?p ?o }", RESULTS_JSON)).body)["boolean"]


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "INSERT DATA { GRAPH <https://w3id.org/ketamine-kg/graph/ontology> { <urn:a> <urn:b> 1 } }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL", "DROP SILENT DEFAULT", "CLEAR ALL", "CLEAR GRAPH <urn:g>",
    "LOAD <http://127.0.0.1:9/data.ttl>", "CREATE GRAPH <urn:g>", "ADD DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>", "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/>\n# a comment\ninsert data { ex:a ex:b ex:c }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "ASK {} ; CLEAR ALL",
]


def _every_way(server: ServerProcess, update: str) -> list[tuple[str, Reply]]:
    """The update sent as a query and as an update, by GET, form and direct POST."""
    encoded = update.encode()
    return [
        ("GET query=", server.get("/sparql?" + urlencode({"query": update}))),
        ("GET update=", server.get("/sparql?" + urlencode({"update": update}))),
        ("form query=", server.request("POST", "/sparql", body=urlencode(
            {"query": update}).encode(), headers={"Content-Type": FORM})),
        ("form update=", server.request("POST", "/sparql", body=urlencode(
            {"update": update}).encode(), headers={"Content-Type": FORM})),
        ("sparql-query body", server.request("POST", "/sparql", body=encoded, headers={
            "Content-Type": "application/sparql-query"})),
        ("sparql-update body", server.request("POST", "/sparql", body=encoded, headers={
            "Content-Type": "application/sparql-update"})),
        ("sparql-update, charset", server.request("POST", "/sparql?x=1", body=encoded, headers={
            "Content-Type": "Application/SPARQL-Update; charset=utf-8"})),
        ("PUT", server.request("PUT", "/sparql", body=encoded, headers={
            "Content-Type": "application/sparql-update"})),
        ("POST /api", server.request("POST", "/api/queries/conditions-for-drug", body=encoded,
                                     headers={"Content-Type": "application/sparql-update"})),
    ]


def test_no_update_is_accepted_any_way_and_nothing_changes(
        attack_server: ServerProcess) -> None:
    with Canary() as canary:
        before = attack_server.triple_count()
        assert before > 100
        for update in UPDATES + [f"LOAD <{canary.url}/load.ttl> INTO GRAPH <urn:g>"]:
            for way, reply in _every_way(attack_server, update):
                assert 400 <= reply.status < 500, (update, way, reply.status)
                assert_clean(reply)
                if reply.status == 403:
                    assert "read-only" in reply.text, (update, way)
        assert attack_server.triple_count() == before
        assert canary.hits == []
