"""graph.executor: queries in killable worker processes, with deadlines and a bounded queue."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import (
    QueryAbortedError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
    StoreError,
)
from graph.executor import QueryExecutor, QueryJob, StoreSource
from graph.results import TRUNCATED_LINK
from graph.store import write_home

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
JSON = "application/sparql-results+json"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l ."
           " ?m ?n0 ?o . ?q ?r ?s }")
KETAMINE = "https://w3id.org/ketamine-kg/entity/ketamine"


@pytest.fixture(scope="module")
def executor() -> Iterator[QueryExecutor]:
    with QueryExecutor(StoreSource(data_files=(SAMPLE,)), processes=2, timeout_s=5) as pool:
        yield pool


def _labels(pool: QueryExecutor, **job: object) -> list[str]:
    query = "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    result = pool.run(QueryJob(query, JSON, **job))  # type: ignore[arg-type]
    return sorted(b["label"]["value"] for b in json.loads(result.body)["results"]["bindings"])


def test_a_select_answers_sparql_json(executor: QueryExecutor) -> None:
    labels = _labels(executor)
    assert "ketamine" in labels and "treatment-resistant depression" in labels


@pytest.mark.parametrize(("media_type", "marker"), [
    ("application/sparql-results+xml", b"<sparql"),
    ("text/csv", b"label\r\n"),
    ("text/tab-separated-values", b"?label\n"),
])
def test_other_result_formats_are_written_by_pyoxigraph(
        executor: QueryExecutor, media_type: str, marker: bytes) -> None:
    result = executor.run(QueryJob(
        "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        media_type))
    assert marker in result.body and b"ketamine" in result.body
    assert result.media_type == media_type and not result.truncated


def test_construct_answers_rdf_that_parses_back(executor: QueryExecutor) -> None:
    query = f"CONSTRUCT {{ <{KETAMINE}> ?p ?o }} WHERE {{ <{KETAMINE}> ?p ?o }}"
    for media_type, fmt in [("text/turtle", ox.RdfFormat.TURTLE),
                            ("application/ld+json", ox.RdfFormat.JSON_LD),
                            ("application/n-quads", ox.RdfFormat.N_QUADS)]:
        result = executor.run(QueryJob(query, media_type))
        triples = list(ox.parse(result.body, format=fmt))
        assert len(triples) == result.rows > 5


def test_rows_beyond_the_cap_are_cut_and_the_answer_says_so(executor: QueryExecutor) -> None:
    result = executor.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", JSON, max_rows=3))
    document = json.loads(result.body)
    assert result.truncated and result.rows == 3
    assert len(document["results"]["bindings"]) == 3
    assert document["head"]["link"] == [TRUNCATED_LINK]
    whole = executor.run(QueryJob("ASK { ?s ?p ?o }", JSON, max_rows=3))
    assert not whole.truncated


def test_bindings_are_applied_as_terms(executor: QueryExecutor) -> None:
    query = ("SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    result = executor.run(QueryJob(query, JSON, bindings={"x": ox.NamedNode(KETAMINE)}))
    rows = json.loads(result.body)["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["ketamine"]


def test_graph_selection_and_the_union_default(executor: QueryExecutor) -> None:
    inferred = "https://w3id.org/ketamine-kg/graph/inferred"
    assert len(_labels(executor)) > 20
    assert _labels(executor, default_graphs=(inferred,), union_default_graph=False) == []
    assert _labels(executor, union_default_graph=False) == []  # the store's own default graph


def test_a_syntax_error_comes_back_as_the_projects_error(executor: QueryExecutor) -> None:
    with pytest.raises(QuerySyntaxError, match="syntax"):
        executor.run(QueryJob("SELECT WHERE", JSON))


def test_a_runaway_query_is_killed_and_the_pool_goes_on(executor: QueryExecutor) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryTimeoutError, match=r"stopped after 0\.5 s"):
        executor.run(QueryJob(RUNAWAY, JSON), timeout_s=0.5)
    assert time.perf_counter() - started < 3
    assert "ketamine" in _labels(executor)
    assert "ketamine" in _labels(executor)  # both processes answer (one is the replacement)


def test_a_crashing_query_is_reported_and_the_worker_replaced(executor: QueryExecutor) -> None:
    # Past even the query thread's large stack (graph.query_worker.STACK_MB): the parser
    # overflows it and the process dies.
    deep = "SELECT * WHERE " + "{" * 200_000 + "?s ?p ?o" + "}" * 200_000
    with pytest.raises(QueryAbortedError, match="stopped"):
        executor.run(QueryJob(deep, JSON))
    assert "ketamine" in _labels(executor)


def test_a_short_query_answers_while_a_runaway_one_runs(executor: QueryExecutor) -> None:
    errors: list[Exception] = []

    def runaway() -> None:
        try:
            executor.run(QueryJob(RUNAWAY, JSON), timeout_s=2)
        except QueryTimeoutError as exc:
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    assert json.loads(executor.run(QueryJob("ASK { ?s ?p ?o }", JSON)).body)["boolean"]
    assert time.perf_counter() - started < 1.0
    thread.join(10)
    assert len(errors) == 1


def test_a_full_queue_answers_busy() -> None:
    with QueryExecutor(StoreSource(data_files=(SAMPLE,)), processes=1, max_pending=1,
                       timeout_s=2) as pool:
        thread = threading.Thread(target=lambda: pytest.raises(
            QueryTimeoutError, pool.run, QueryJob(RUNAWAY, JSON)))
        thread.start()
        time.sleep(0.2)
        with pytest.raises(ServiceBusyError, match="busy"):
            pool.run(QueryJob("ASK { ?s ?p ?o }", JSON))
        thread.join(10)
        assert json.loads(pool.run(QueryJob("ASK { ?s ?p ?o }", JSON)).body)["boolean"]


def test_a_store_folder_is_reopened_read_only(tmp_path: Path, sample_store) -> None:
    folder = write_home(tmp_path, list(sample_store.raw))
    with QueryExecutor(StoreSource(store_dir=folder), processes=1) as pool:
        assert "ketamine" in _labels(pool)


def test_a_missing_store_fails_at_start_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot be opened|no such file"):
        QueryExecutor(StoreSource(data_files=(tmp_path / "missing.trig",)), processes=1)
    with pytest.raises(StoreError):
        QueryExecutor(StoreSource(store_dir=tmp_path / "nothing"), processes=1)


def test_close_stops_every_process() -> None:
    pool = QueryExecutor(StoreSource(data_files=(SAMPLE,)), processes=2)
    processes = [w.process for w in pool._workers]  # noqa: SLF001 - checking the cleanup
    pool.close()
    assert all(not p.is_alive() for p in processes)
    with pytest.raises(StoreError, match="shut down"):
        pool.run(QueryJob("ASK { ?s ?p ?o }", JSON))


# --------------------------------------------------------------------------- hand-out order


def test_idle_processes_go_to_waiting_requests_first_come_first_served() -> None:
    from graph.executor import _IdlePool

    pool: _IdlePool = _IdlePool()
    served: list[tuple[int, object]] = []

    def wait(number: int) -> None:
        served.append((number, pool.get(timeout=5)))

    waiters = []
    for number in range(3):
        thread = threading.Thread(target=wait, args=(number,))
        thread.start()
        waiters.append(thread)
        time.sleep(0.05)  # queued in this order
    tokens = [object(), object(), object()]
    for token in tokens:
        pool.put(token)  # type: ignore[arg-type]
        assert pool.get(timeout=0) is None  # a newcomer does not overtake the waiters
    for thread in waiters:
        thread.join(5)
    assert dict(served) == dict(enumerate(tokens))  # the first in line got the first back


def test_a_waiter_that_gave_up_is_skipped() -> None:
    from graph.executor import _IdlePool

    pool: _IdlePool = _IdlePool()
    assert pool.get(timeout=0.05) is None  # gave up, still in line
    token = object()
    pool.put(token)  # type: ignore[arg-type]
    assert pool.get(timeout=0) is token and pool.drain() == []
