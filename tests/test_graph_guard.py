"""graph.guard: the static check every query passes before it reaches the engine."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import QueryRefusedError, QuerySyntaxError
from graph.guard import MAX_NESTING, QueryForm, check_query, inline_bindings, inspect_query

ONTOLOGY = "https://w3id.org/ketamine-kg/graph/ontology"
INFERRED = "https://w3id.org/ketamine-kg/graph/inferred"
STORE_GRAPHS = (ONTOLOGY, INFERRED)


@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
    ("select ?s { ?s ?p ?o }", QueryForm.SELECT),
    ("ASK { ?s ?p ?o }", QueryForm.ASK),
    ("CONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
    ("DESCRIBE <https://w3id.org/ketamine-kg/entity/ketamine>", QueryForm.DESCRIBE),
    ("# a comment\nPREFIX ex: <http://example.org/>\nBASE <http://example.org/>\n"
     "PREFIX : <http://example.org/x#>\nSELECT * { ?s ex:p :o }", QueryForm.SELECT),
])
def test_the_query_form_is_detected(query: str, form: QueryForm) -> None:
    assert check_query(query) is form
    assert form.returns_graph is (form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE))


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://g>",
    "CLEAR ALL", "DROP GRAPH <http://g>", "CREATE GRAPH <http://g>",
    "ADD DEFAULT TO <http://g>", "MOVE <http://a> TO <http://b>", "COPY <http://a> TO <http://b>",
    "PREFIX ex: <http://example.org/> insert data { ex:a ex:b ex:c }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://a> <http://b> <http://c> }",
])
def test_updates_are_refused_with_a_reason(update: str) -> None:
    with pytest.raises(QueryRefusedError, match="read-only"):
        check_query(update)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://x/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
])
def test_service_is_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX ex: <https://evil.example/> SELECT * FROM ex:data WHERE { ?s ?p ?o }",
    "BASE <http://example.org/> SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM kkgraph:nonexistent WHERE { ?s ?p ?o }",
])
def test_from_naming_a_graph_outside_the_store_is_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="FROM"):
        check_query(query, allowed_graphs=STORE_GRAPHS)


def test_from_naming_the_stores_own_graphs_is_allowed_and_reported() -> None:
    checked = inspect_query(
        f"SELECT * FROM kkgraph:inferred FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
        allowed_graphs=STORE_GRAPHS)
    assert checked.from_graphs == (INFERRED,)
    assert checked.from_named_graphs == (ONTOLOGY,)
    assert checked.has_dataset_clause
    assert not inspect_query("SELECT * { ?s ?p ?o }").has_dataset_clause


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> INSERT DATA LOAD FROM <http://x>",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x> { }' }",
    'SELECT * WHERE { ?s ?p "LOAD <http://x>" }',
    "SELECT * WHERE { ?s ?p '''INSERT DATA\n{ <a:b> <a:c> <a:d> }''' }",
    'SELECT * WHERE { ?s ?p """DROP ALL \\" still a string""" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> <http://example.org/from/INSERT> }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load service:FROM }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ex:DELETE }",
    "SELECT ?load ?service ?from WHERE { ?load ?service ?from . ?insert $delete $drop }",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * WHERE { _:load ?p _:service }",
])
def test_keywords_in_comments_strings_iris_names_and_variables_are_not_keywords(
        query: str) -> None:
    assert check_query(query) is QueryForm.SELECT
    ox.Store().query(query)  # and they are real, valid SPARQL


@pytest.mark.parametrize(("query", "message"), [
    ("", "empty"),
    ("   # only a comment\n", "empty"),
    ("PREFIX ex: <http://example.org/>", "no SELECT"),
    ("SELECT * WHERE { ?s ?p 'unterminated }", "unterminated"),
    ("HELLO WORLD", "expected SELECT"),
    ("PREFIX ex <http://x> SELECT * {}", "PREFIX"),
    ("SELECT * FROM WHERE { ?s ?p ?o }", "FROM"),
])
def test_malformed_queries_are_syntax_errors(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        check_query(query)


def test_deep_nesting_is_refused_quickly_without_recursion() -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
    started = time.perf_counter()
    with pytest.raises(QueryRefusedError, match="deep"):
        check_query(deep)
    assert time.perf_counter() - started < 1.0
    parens = "SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }"
    with pytest.raises(QueryRefusedError):
        check_query(parens)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    depth = MAX_NESTING - 1
    query = "SELECT * WHERE " + "{" * depth + "?s ?p ?o" + "}" * depth
    assert check_query(query) is QueryForm.SELECT


def test_a_long_query_is_checked_in_linear_time() -> None:
    body = " UNION ".join("{ ?s <http://example.org/p> 'SERVICE' }" for _ in range(5000))
    started = time.perf_counter()
    assert check_query(f"SELECT * WHERE {{ {body} }}") is QueryForm.SELECT
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("query", [
    "SELECT ?o WHERE { ?s ?p ?o }",
    "# WHERE { in a comment\nSELECT ?o WHERE { ?s ?p ?o FILTER(?o != 'WHERE {') }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT ?o { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
])
def test_inline_bindings_bind_unprojected_variables(query: str) -> None:
    store = ox.Store()
    a, b = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")
    p = ox.NamedNode("http://example.org/p")
    store.add(ox.Quad(a, p, ox.Literal("from a")))
    store.add(ox.Quad(b, p, ox.Literal("from b")))
    bound = inline_bindings(query, {"s": a})
    result = store.query(bound)
    if isinstance(result, ox.QueryBoolean):
        assert bool(result)
    elif isinstance(result, ox.QuerySolutions):
        assert [row["o"].value for row in result] == ["from a"]
    else:
        assert {t.subject for t in result} == {a}


def test_inline_bindings_refuse_odd_variable_names() -> None:
    with pytest.raises(QuerySyntaxError):
        inline_bindings("SELECT * { ?s ?p ?o }", {"s } ": ox.Literal("x")})


SPARQL_PIECES = st.sampled_from([
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "SERVICE", "INSERT",
    "LOAD", "PREFIX", "BASE", "ex:", "ex:a", "<http://example.org/>", "<", ">", "{", "}", "(",
    ")", "[", "]", "?s", "$o", "'", '"', "'''", '"""', "\\", "#", "\n", " ", "@en", "_:b",
    "1.5e3", "^^", "*", ";", ".", ",", "kkgraph:inferred", "\x00", "é",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(SPARQL_PIECES, max_size=60).map("".join)))
def test_only_the_projects_errors_are_ever_raised(text: str) -> None:
    try:
        form = check_query(text, allowed_graphs=STORE_GRAPHS)
    except (QueryRefusedError, QuerySyntaxError):
        return
    assert isinstance(form, QueryForm)


def test_a_from_replaced_by_protocol_graphs_is_not_refused() -> None:
    """With default-graph-uri / named-graph-uri the protocol's dataset replaces FROM (§2.1.4)."""
    query = "ASK FROM <file:///etc/passwd> FROM NAMED <http://elsewhere/g> { ?s ?p ?o }"
    with pytest.raises(QueryRefusedError, match="FROM"):
        inspect_query(query, allowed_graphs=["urn:g"])
    checked = inspect_query(query, allowed_graphs=["urn:g"], dataset_given=True)
    assert checked.from_graphs == ("file:///etc/passwd",)
    with pytest.raises(QueryRefusedError, match="SERVICE"):  # the rest is checked as ever
        inspect_query("ASK { SERVICE <http://x/> { ?s ?p ?o } }", dataset_given=True)
