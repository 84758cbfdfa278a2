"""graph.results: whole answers written by pyoxigraph, cut ones by the project, same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.results import TRUNCATED_LINK, serialise, serialise_query

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
JSON = "application/sparql-results+json"
EVERYTHING = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
FORMATS = {
    JSON: ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(path=str(SAMPLE), format=ox.RdfFormat.TRIG))
    return store


class Counted:
    """The query as ``serialise_query`` runs it, counting evaluations."""

    def __init__(self, store: ox.Store, query: str) -> None:
        self.store, self.query, self.runs = store, query, 0

    def __call__(self) -> ox.QuerySolutions:
        self.runs += 1
        return self.store.query(self.query)  # type: ignore[return-value]


def _rows(body: bytes, media_type: str) -> list[tuple[str, ...]]:
    solutions = ox.parse_query_results(body, format=FORMATS[media_type])
    names = [v.value for v in solutions.variables]
    return sorted(tuple(str(s[n]) for n in names) for s in solutions)


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_a_whole_answer_is_written_once_with_the_same_rows(store: ox.Store,
                                                           media_type: str) -> None:
    count = len(list(store.query(EVERYTHING)))
    run = Counted(store, EVERYTHING)
    whole = serialise_query(run, media_type, max_rows=count, max_bytes=10_000_000)  # counted
    by_rows = serialise(store.query(EVERYTHING), media_type, 100_000, 10_000_000)
    assert run.runs == 1 and not whole.truncated
    assert whole.rows == by_rows.rows == count > 10
    assert _rows(whole.body, media_type) == _rows(by_rows.body, media_type)


def test_a_short_whole_answer_is_not_counted(store: ox.Store) -> None:
    run = Counted(store, EVERYTHING)
    whole = serialise_query(run, JSON, max_rows=100_000, max_bytes=None)
    assert run.runs == 1 and not whole.truncated and whole.rows is None
    assert len(json.loads(whole.body)["results"]["bindings"]) == len(list(store.query(EVERYTHING)))


def test_past_the_row_cap_the_query_runs_again_and_is_cut(store: ox.Store) -> None:
    run = Counted(store, EVERYTHING)
    cut = serialise_query(run, JSON, max_rows=5, max_bytes=None)
    document = json.loads(cut.body)
    assert run.runs == 2 and cut.truncated and cut.rows == 5
    assert len(document["results"]["bindings"]) == 5
    assert TRUNCATED_LINK in document["head"]["link"]


def test_past_the_byte_budget_the_query_runs_again_and_is_cut(store: ox.Store) -> None:
    run = Counted(store, EVERYTHING)
    cut = serialise_query(run, JSON, max_rows=100_000, max_bytes=2_000)
    assert run.runs == 2 and cut.truncated and 0 < cut.rows
    assert len(cut.body) < 2_000 * 4


def test_csv_cannot_be_read_back_so_it_is_written_row_by_row(store: ox.Store) -> None:
    run = Counted(store, EVERYTHING)
    answer = serialise_query(run, "text/csv", max_rows=100_000, max_bytes=None)
    assert run.runs == 1 and answer.body.startswith(b"s,p,o\r\n")
    assert answer.rows == len(list(store.query(EVERYTHING)))


def test_ask_and_construct_are_answered_in_one_run(store: ox.Store) -> None:
    ask = Counted(store, "ASK { GRAPH ?g { ?s ?p ?o } }")
    assert serialise_query(ask, JSON, 10, None).body == b'{"head":{},"boolean":true}'
    construct = Counted(store, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3")
    triples = serialise_query(construct, "application/n-triples", 10, None)
    assert ask.runs == construct.runs == 1 and triples.rows == 3
