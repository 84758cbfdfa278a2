"""Attack suite, property-based fuzzing (hypothesis) of the three fronts that read untrusted
text: the query guard and protocol parser, the named-query parameters, the document loader.
No input may make them raise anything but the project's own errors (graph.errors.KGError),
answer a 5xx, take more than linear time, or let a federated call through.
"""

from __future__ import annotations

import string
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from attack_support import SAMPLE_GRAPH, Canary
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graph.errors import DocumentError, KGError
from graph.extraction.load import load_document, load_documents
from graph.guard import inspect_query
from graph.queries import NamedQuery, load_queries

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.function_scoped_fixture])

# --------------------------------------------------------------------------- the guard

PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "SERVICE", "service",
    "SILENT", "INSERT", "LOAD", "PREFIX", "BASE", "ex:", "ex:a", ":x", "k:x", "_:b", "a", "true",
    "<http://example.org/>", "<p:'>", "<", ">", "{", "}", "(", ")", "[", "]", "?s", "$o", "'",
    '"', "'''", '"""', "\\", "\\'", "\\u0041", "%41", "#", "\n", "\r", " ", "\t", "@en", "^^",
    "1", "1.", "1e1", ".", ";", ",", "|", "/", "^", "!", "*", "+", "-", "=", "&&", "||", "\x00",
    "é", "\u2028", "\ud800", "FILTER", "OPTIONAL", "UNION", "BIND", "AS", "VALUES", "GRAPH",
]
QUERY_TEXT = st.one_of(st.text(max_size=400),
                       st.lists(st.sampled_from(PIECES), max_size=80).map("".join))


@settings(FAST, max_examples=600)
@given(QUERY_TEXT)
def test_the_guard_raises_only_the_projects_errors(text: str) -> None:
    try:
        inspect_query(text, allowed_graphs=("https://w3id.org/ketamine-kg/graph/ontology",))
    except KGError:
        pass


@settings(FAST, max_examples=60)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
       st.sampled_from(["SELECT * WHERE { ", "PREFIX ex: <p:> ASK { ", ""]))
def test_the_guard_is_linear_on_any_repetition(unit: str, head: str) -> None:
    """100 KB of any repeated fragment is checked in well under a second (no backtracking)."""
    text = head + unit * (100_000 // len(unit))
    started = time.perf_counter()
    try:
        inspect_query(text)
    except KGError:
        pass
    assert time.perf_counter() - started < 1.5, repr(unit)


SERVICE_SPELLINGS = ["SERVICE", "service", "SeRvIcE", "SERVICESILENT", "SERVICE SILENT"]
BEFORE = ["", " ", ".", ";", "\n", "#c\n", ")", "]", "true", "1", "1.", "'x'", "?o", "<p:o>",
          "FILTER(1<2)", "k:a\\'", "<p:\\u0041", "OPTIONAL{}", "?s ?p ?o", "?s ?p"]
TARGETS = [":x", "k:x", "<CANARY/iri>", "?v", "k:"]
AFTER = ["", " ", "#>\n", "\t", ">", "'"]
TAILS = ["", "<p:'>", "'", "#'>", ")", " ?s ?p <p:'>"]


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as running:
        yield running


@settings(FAST, max_examples=500)
@given(st.sampled_from(BEFORE), st.sampled_from(SERVICE_SPELLINGS), st.sampled_from(TARGETS),
       st.sampled_from(AFTER), st.sampled_from(TAILS), st.sampled_from(BEFORE))
def test_what_the_guard_accepts_never_calls_out(canary: Canary, before: str, keyword: str,
                                                target: str, after: str, tail: str,
                                                lead: str) -> None:
    """Differential: Oxigraph itself (which does call SERVICE) runs what the guard let through."""
    body = f"{lead} {before}{keyword}{target}{after}{{}}{tail}".replace("CANARY", canary.url)
    query = (f"PREFIX : <{canary.url}/> PREFIX k: <{canary.url}/> SELECT * WHERE {{ {body} }}"
             f" VALUES ?v {{ <{canary.url}/v> }}")
    try:
        inspect_query(query)
    except KGError:
        return
    before_hits = len(canary.hits)
    try:
        result = ox.Store().query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    assert len(canary.hits) == before_hits, f"the guard let a SERVICE call through: {query!r}"


# --------------------------------------------------------------------------- the protocol


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    from server import create_app
    from server.execution import shutdown

    application = create_app({"TESTING": True, "KKG_DATA_FILES": str(SAMPLE_GRAPH),
                              "KKG_ENGINE": "", "KKG_QUERY_TIMEOUT_S": 2.0})
    yield application
    shutdown(application)


CONTENT_TYPES = st.sampled_from([
    None, "application/x-www-form-urlencoded", "application/sparql-query",
    "application/sparql-query; charset=latin-1", "application/sparql-update", "text/plain",
    "multipart/form-data", "application/x-www-form-urlencoded; charset=utf-16", "", ";;;",
])
ACCEPTS = st.sampled_from([None, "*/*", "application/json", "text/csv", "image/png",
                           "text/turtle;q=0.5, */*;q=nan", "text/html", ",,,;q=2"])


@settings(FAST, max_examples=250)
@given(method=st.sampled_from(["GET", "POST"]), query_string=st.binary(max_size=300),
       body=st.one_of(st.binary(max_size=300), QUERY_TEXT.map(lambda t: t.encode("utf-8",
                                                                             "surrogatepass"))),
       content_type=CONTENT_TYPES, accept=ACCEPTS)
def test_the_protocol_front_never_answers_5xx(fuzz_app: Flask, method: str,
                                              query_string: bytes, body: bytes,
                                              content_type: str | None,
                                              accept: str | None) -> None:
    headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
    response = fuzz_app.test_client().open(  # the raw bytes, as a WSGI server passes them
        "/sparql", method=method, headers=headers, data=body if method == "POST" else None,
        environ_overrides={"QUERY_STRING": query_string.decode("latin-1")})
    assert response.status_code < 500 or response.status_code == 503, response.data[:300]
    assert b"Traceback" not in response.data


# --------------------------------------------------------------------------- named queries

PUBLIC = {name: query for name, query in load_queries().items()
          if query.kind in ("api", "checks")}
VALUES = st.one_of(st.text(max_size=60), st.sampled_from([
    "kke:ketamine", "kke:", ":", "", "kkg:Condition", "http://example.org/x", "javascript:x",
    "<http://a>", "1", "-1", "1e9999", "9" * 5000, "NaN", "sNaN", "Infinity", "true", "TRUE",
    "1.5", "١٢", "\x00", "\ud800", "kke:a b", "?x", "} SERVICE <http://x> {", "'\"",
]))


@settings(FAST, max_examples=400)
@given(name=st.sampled_from(sorted(PUBLIC)), data=st.data())
def test_named_query_parameters_raise_only_the_projects_errors(name: str,
                                                               data: st.DataObject) -> None:
    query: NamedQuery = PUBLIC[name]
    declared = [p.name for p in query.params]
    keys = data.draw(st.lists(st.one_of(st.sampled_from(declared or ["x"]),
                                        st.text(max_size=12)), max_size=4))
    values = {key: data.draw(VALUES) for key in keys}
    try:
        bindings = query.bindings(values)
    except KGError:
        return
    assert set(bindings) <= set(declared)


@settings(FAST, max_examples=150)
@given(name=st.sampled_from(sorted(PUBLIC)), value=VALUES, key=st.one_of(
    st.text(max_size=10), st.just("drug"), st.just("format")))
def test_named_queries_over_http_never_answer_5xx(fuzz_app: Flask, name: str, value: str,
                                                  key: str) -> None:
    response = fuzz_app.test_client().get(
        f"/api/queries/{name}", query_string={key: value.encode("utf-8", "surrogatepass")})
    assert response.status_code < 500 or response.status_code == 503, response.data[:300]
    assert b"Traceback" not in response.data


# --------------------------------------------------------------------------- documents

NAME_CHARS = string.ascii_letters + string.digits + "-_. éü()[]'" + "\u4e2d\u0301"
FILE_NAMES = st.text(alphabet=NAME_CHARS, min_size=1, max_size=40).filter(
    lambda n: n not in (".", ".."))


@settings(FAST, max_examples=250)
@given(name=FILE_NAMES, suffix=st.sampled_from([".txt", ".md", ".TXT", "", ".pdf"]),
       content=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(
           lambda t: t.encode("utf-8", "surrogatepass"))))
def test_the_loader_raises_only_document_errors(tmp_path_factory: pytest.TempPathFactory,
                                                name: str, suffix: str,
                                                content: bytes) -> None:
    folder = tmp_path_factory.mktemp("docs")
    path = folder / (name + suffix)
    assume(path.parent == folder)
    try:
        path.write_bytes(content)
    except OSError:
        assume(False)
    for load in (load_document, load_documents):
        try:
            loaded = load(path)
        except DocumentError:
            continue
        documents = loaded if isinstance(loaded, list) else [loaded]
        assert all(d.doc_id and d.text.strip() for d in documents)
    try:
        load_documents(folder)
    except DocumentError:
        pass


@settings(FAST, max_examples=150)
@given(st.one_of(st.text(max_size=300), st.sampled_from([
    "/dev/zero", "/dev/null", "/proc/self/mem", "/", "", "\x00", "a" * 5000, "\ud800.txt",
    "/etc/passwd", "/proc/self/fd/0",
])))
def test_the_loader_refuses_odd_paths_with_one_error(raw: str) -> None:
    for load in (load_document, load_documents):
        try:
            load(Path(raw) if raw else raw)
        except DocumentError:
            pass
