"""graph.remote_store against a scripted fake endpoint: what is sent, and what each failure says.

The fake records every request, so these tests can show what the real-engine tests cannot:
that a refused query never leaves the server, that values travel as escaped RDF terms, which
dataset parameters each engine profile sends, and that every failure is one project error.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pyoxigraph as ox
import pytest

from graph.errors import (
    QueryAbortedError,
    QueryLimitError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreError,
)
from graph.queries import queries_dir
from graph.remote_store import (
    NO_GRAPH,
    EngineSettings,
    RemoteStore,
    load_profiles,
    profile_for_server,
)

GRAPHS = ["https://w3id.org/ketamine-kg/graph/ontology",
          "https://w3id.org/ketamine-kg/graph/inferred"]
EMPTY_SELECT = {"head": {"vars": ["x"]}, "results": {"bindings": []}}


@dataclass
class Sent:
    """One request the fake received: its form fields and headers."""

    form: list[tuple[str, str]]
    headers: dict[str, str]

    @property
    def query(self) -> str:
        return next((v for k, v in self.form if k == "query"), "")

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.form if k == name]


@dataclass
class FakeEngine:
    """A SPARQL endpoint that records requests; ``answer`` decides each reply."""

    url: str = ""
    server: str = "FakeEngine/1.0"
    requests: list[Sent] = field(default_factory=list)
    answer: Callable[[Sent], tuple[int, str, bytes]] | None = None
    basic_auth: str | None = None

    def reply(self, sent: Sent) -> tuple[int, str, bytes]:
        if self.basic_auth and sent.headers.get("Authorization") != "Basic " + base64.b64encode(
                self.basic_auth.encode()).decode():
            return 401, "text/plain", b"who are you?"
        if self.answer is not None:
            return self.answer(sent)
        if "?g" in sent.query and "DISTINCT" in sent.query:  # the graph list
            rows = [{"g": {"type": "uri", "value": g}} for g in GRAPHS]
            body = {"head": {"vars": ["g"]}, "results": {"bindings": rows}}
        elif sent.query.rstrip().endswith("}") and "ASK" in sent.query:
            body = {"head": {}, "boolean": True}
        else:
            body = EMPTY_SELECT
        return 200, "application/sparql-results+json", json.dumps(body).encode()

    def user_queries(self) -> list[str]:
        """The query texts sent, less the store's own graph-list and probe queries."""
        return [s.query for s in self.requests
                if "SELECT DISTINCT ?g" not in s.query and "GRAPH ?g { ?s ?p ?o }" not in s.query]


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    engine = FakeEngine()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
            sent = Sent(form, dict(self.headers.items()))
            engine.requests.append(sent)
            status, media_type, body = engine.reply(sent)
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="SPARQL"')
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def version_string(self) -> str:  # the Server header, by which profiles are chosen
            return engine.server

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = False  # a reply still sleeping (the timeout test) is not awaited
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    engine.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        yield engine
    finally:
        server.shutdown()
        server.server_close()


def store_for(fake: FakeEngine, **settings: object) -> RemoteStore:
    return RemoteStore(EngineSettings(fake.url, **settings))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- the guard


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }",
])
def test_a_refused_query_is_never_sent(fake: FakeEngine, query: str) -> None:
    with pytest.raises(QueryRefusedError):
        store_for(fake).query(query)
    assert fake.user_queries() == []


def test_from_one_of_the_engines_graphs_is_allowed(fake: FakeEngine) -> None:
    store_for(fake).query(f"SELECT * FROM <{GRAPHS[0]}> WHERE {{ ?s ?p ?o }}",
                          union_default_graph=False)
    assert len(fake.user_queries()) == 1


def test_a_comment_word_does_not_turn_a_query_into_an_update(fake: FakeEngine) -> None:
    """SPARQLWrapper guesses the operation with a regex; the guard's form decides instead."""
    store_for(fake).query(
        "PREFIX ex: <http://ex.org/> # insert or delete here\nSELECT * { ?s ?p ?o }")
    last = fake.requests[-1]
    assert last.values("update") == [] and "insert or delete" in last.query


# ------------------------------------------------------------------------- what is sent


def test_values_are_bound_as_escaped_terms(fake: FakeEngine) -> None:
    hostile = '"} } ; DROP ALL #\n'
    store_for(fake).query("SELECT ?s WHERE { ?s ?p ?o }",
                          bindings={"o": ox.Literal(hostile), "p": ox.NamedNode("http://ex.org/p")})
    sent = fake.user_queries()[0]
    assert 'VALUES (?o ?p) { ("\\"} } ; DROP ALL #\\n" <http://ex.org/p>) }' in sent
    assert hostile not in sent


def test_the_projects_prefixes_are_declared(fake: FakeEngine) -> None:
    store_for(fake).query("ASK { kke:ketamine a kkg:Drug }")
    sent = fake.user_queries()[0]
    assert "PREFIX kke: <https://w3id.org/ketamine-kg/entity/>" in sent
    assert sent.endswith("ASK { kke:ketamine a kkg:Drug }")


def test_generic_engines_get_the_union_as_protocol_graphs(fake: FakeEngine) -> None:
    store_for(fake).query("SELECT * { ?s ?p ?o }")
    last = fake.requests[-1]
    assert last.values("default-graph-uri") == sorted(GRAPHS)
    assert last.values("named-graph-uri") == sorted(GRAPHS)
    assert last.headers["Accept"] == "application/sparql-results+json"


def test_oxigraph_gets_its_union_parameter(fake: FakeEngine) -> None:
    fake.server = "Oxigraph/0.5.13"
    store_for(fake).query("SELECT * { ?s ?p ?o }")
    last = fake.requests[-1]
    assert last.values("union-default-graph") == ["true"]
    assert last.values("default-graph-uri") == []


def test_protocol_graphs_are_passed_and_the_virtuoso_empty_side_is_named(
        fake: FakeEngine) -> None:
    fake.server = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"
    store = store_for(fake)
    store.query("SELECT * { ?s ?p ?o }", default_graph=[GRAPHS[0]], named_graphs=[],
                union_default_graph=False)
    last = fake.requests[-1]
    assert last.values("default-graph-uri") == [GRAPHS[0]]
    assert last.values("named-graph-uri") == [load_profiles()["virtuoso"].empty_graph_set]



def test_protocol_graphs_the_engine_lacks_are_empty_and_never_sent(fake: FakeEngine) -> None:
    """An engine may fetch a graph IRI it lacks: it is named by NO_GRAPH, which none can."""
    fake.server = "Oxigraph/0.5.13"
    store = store_for(fake)
    store.query("SELECT * { ?s ?p ?o }", default_graph=["http://ex.org/other", GRAPHS[0]],
                named_graphs=["file:///etc/passwd"], union_default_graph=False)
    last = fake.requests[-1]
    assert last.values("default-graph-uri") == [GRAPHS[0]]
    assert last.values("named-graph-uri") == [NO_GRAPH]
    store.query("SELECT * { ?s ?p ?o }", default_graph=["http://ex.org/other"],
                union_default_graph=False)
    last = fake.requests[-1]
    assert last.values("default-graph-uri") == [NO_GRAPH]
    assert last.values("named-graph-uri") == []


VIRTUOSO_JSON = b"""{ "head": { "link": [], "vars": ["s", "flag", "other", "text"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "s": { "type": "bnode", "value": "nodeID://b10007" }\t, "flag": { "type": "typed-literal",
      "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "0" }\t, "other": {
      "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
      "value": "1" }\t, "text": { "type": "literal", "value": "  caf\\u00E9\\n" }} ] } }"""


def test_virtuosos_json_results_are_read_exactly(fake: FakeEngine) -> None:
    """Its blank node ids and 0/1 booleans are put right; whitespace in literals is kept."""
    fake.server = "Virtuoso/07.20"
    fake.answer = lambda sent: (200, "application/sparql-results+json", VIRTUOSO_JSON)
    result = store_for(fake, profile="virtuoso").query("SELECT * { ?s ?p ?o }",
                                                       union_default_graph=False)
    row = next(iter(result))
    assert row["s"] == ox.BlankNode("b10007")
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    assert row["flag"] == ox.Literal("false", datatype=boolean)
    assert row["other"] == ox.Literal("true", datatype=boolean)
    assert row["text"] == ox.Literal("  caf\u00e9\n")


def test_credentials_from_the_environment_answer_basic_auth(fake: FakeEngine) -> None:
    fake.basic_auth = "reader:s3cret"
    with pytest.raises(StoreError, match=r"refused access \(401\).*KKG_ENGINE_USER"):
        store_for(fake).query("ASK {}")
    settings = EngineSettings.from_env(fake.url, environ={
        "KKG_ENGINE_USER": "reader", "KKG_ENGINE_PASSWORD": "s3cret"})
    assert "s3cret" not in repr(settings)
    assert bool(RemoteStore(settings).query("ASK {}"))


# ------------------------------------------------------------------------------- failures


@pytest.mark.parametrize(("status", "body", "error", "fragment"), [
    (400, b"Parser error at 1:7\nmore detail", QuerySyntaxError, "syntax error"),
    (500, b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1", QuerySyntaxError, "SP030"),
    (500, b"thread panicked", QueryAbortedError, "thread panicked"),
    (503, b"overloaded", StoreError, "unavailable (503)"),
    (404, b"nothing here", StoreError, "no SPARQL endpoint"),
    (200, b"<html>not results</html>", QueryAbortedError, "text/html"),
])
def test_each_failure_is_one_project_error(fake: FakeEngine, status: int, body: bytes,
                                           error: type, fragment: str) -> None:
    fake.server = "Virtuoso/07.20"  # its profile says which 500s are the query's fault

    def answer(sent: Sent) -> tuple[int, str, bytes]:
        if "DISTINCT ?g" in sent.query:
            return fake.reply(Sent([], {}))
        return status, "text/html" if status == 200 else "text/plain", body

    fake.answer = answer
    with pytest.raises(error) as caught:
        store_for(fake, profile="virtuoso").query("SELECT * { ?s ?p ?o }",
                                                  union_default_graph=False)
    message = str(caught.value)
    assert fragment in message and "\n" not in message


def test_an_unreachable_engine_is_a_503_store_error() -> None:
    store = RemoteStore(EngineSettings("http://127.0.0.1:9/sparql", profile="oxigraph"))
    with pytest.raises(StoreError, match="unreachable") as caught:
        store.query("ASK {}")
    assert caught.value.http_status == 503


def test_a_slow_engine_is_a_timeout(fake: FakeEngine) -> None:
    def slow(sent: Sent) -> tuple[int, str, bytes]:
        time.sleep(1.5)
        return 200, "application/sparql-results+json", json.dumps(EMPTY_SELECT).encode()

    fake.answer = slow
    store = store_for(fake, profile="oxigraph", timeout_s=0.3)
    with pytest.raises(QueryTimeoutError, match=r"within 0\.3 s"):
        store.query("SELECT * { ?s ?p ?o }", union_default_graph=False)


def test_bad_settings_are_one_line_errors() -> None:
    with pytest.raises(StoreError, match="http:// or https://"):
        EngineSettings("ftp://example.org/sparql")
    with pytest.raises(StoreError, match="known: generic, oxigraph, virtuoso"):
        EngineSettings("http://127.0.0.1:1/sparql", profile="nonsense")
    with pytest.raises(StoreError, match="KKG_ENGINE_AUTH"):
        EngineSettings.from_env("http://127.0.0.1:1/sparql", environ={"KKG_ENGINE_AUTH": "x"})


# ------------------------------------------------------------------------------- profiles


def test_every_profile_names_existing_queries_and_valid_patterns() -> None:
    for profile in load_profiles().values():
        assert (queries_dir() / profile.graphs_query).is_file(), profile.name
        assert profile.auth in ("basic", "digest"), profile.name
        assert ox.QueryResultsFormat.from_media_type(profile.results_format), profile.name
        assert ox.RdfFormat.from_media_type(profile.graph_format), profile.name
        profile.is_client_error("")  # the pattern compiles


def test_profiles_are_chosen_by_the_server_header() -> None:
    assert profile_for_server("Oxigraph/0.5.13").name == "oxigraph"
    assert profile_for_server("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name == "virtuoso"
    assert profile_for_server("Apache-Jena-Fuseki").name == "generic"
    assert profile_for_server("").name == "generic"


def test_the_start_up_check_wants_an_engine_with_graphs(fake: FakeEngine) -> None:
    store_for(fake).check()
    fake.answer = lambda sent: (200, "application/sparql-results+json",
                                b'{"head": {}, "boolean": false}')
    with pytest.raises(StoreError, match="holds no named graph.*ketamine-kg publish"):
        store_for(fake).check()


def test_an_answer_past_the_size_limit_is_refused_not_read(fake: FakeEngine) -> None:
    rows = [{"x": {"type": "literal", "value": "v" * 100}} for _ in range(200)]
    fake.answer = lambda sent: (200, "application/sparql-results+json", json.dumps(
        {"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode())
    store = store_for(fake, profile="oxigraph", max_result_bytes=1000)  # 4000 from the engine
    with pytest.raises(QueryLimitError, match="LIMIT") as caught:
        store.query("SELECT ?x { ?s ?p ?x }", union_default_graph=False)
    assert caught.value.http_status == 503
