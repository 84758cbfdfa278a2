"""graph.inline: a query that proved quick in a query process runs in-process afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import QuerySyntaxError
from graph.inline import InlineLane
from graph.query_worker import QueryJob, answer_job
from graph.results import Serialised
from graph.store import GraphStore, write_home

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
JSON = "application/sparql-results+json"
LABELS = "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"


def _sample_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(SAMPLE), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    home = tmp_path_factory.mktemp("inline-home")
    write_home(home, _sample_quads())
    return GraphStore.open_home(home)


class Elsewhere:
    """Stands in for the query processes: answers on the store, counts, can claim slowness."""

    def __init__(self, store: GraphStore, seconds: float | None = None) -> None:
        self.store = store
        self.seconds = seconds
        self.calls = 0

    def __call__(self, job: QueryJob) -> Serialised:
        self.calls += 1
        result = answer_job(self.store, job)
        if self.seconds is None:
            return result
        return Serialised(result.body, result.media_type, result.truncated, result.rows,
                          self.seconds)


def _labels(result: Serialised) -> list[str]:
    return sorted(b["label"]["value"] for b in json.loads(result.body)["results"]["bindings"])


def test_a_quick_query_runs_in_process_the_second_time(store: GraphStore) -> None:
    lane, elsewhere = InlineLane(max_seconds=5.0), Elsewhere(store)
    job = QueryJob(LABELS, JSON)
    first = lane.run(store, job, elsewhere)
    second = lane.run(store, job, elsewhere)
    third = lane.run(store, job, elsewhere)
    assert elsewhere.calls == 1 and len(lane) == 1
    assert _labels(first) == _labels(second) == _labels(third)
    assert "ketamine" in _labels(third)
    assert second.rows == first.rows and not second.truncated


def test_a_slow_query_always_goes_to_the_query_processes(store: GraphStore) -> None:
    lane, elsewhere = InlineLane(max_seconds=0.02), Elsewhere(store, seconds=0.5)
    for _ in range(3):
        lane.run(store, QueryJob(LABELS, JSON), elsewhere)
    assert elsewhere.calls == 3 and len(lane) == 0


def test_a_large_answer_is_not_trusted_in_process(store: GraphStore) -> None:
    lane, elsewhere = InlineLane(max_seconds=5.0, max_bytes=10), Elsewhere(store)
    for _ in range(2):
        lane.run(store, QueryJob(LABELS, JSON), elsewhere)
    assert elsewhere.calls == 2


def test_what_decides_the_work_is_part_of_the_key(store: GraphStore) -> None:
    lane, elsewhere = InlineLane(max_seconds=5.0), Elsewhere(store)
    lane.run(store, QueryJob(LABELS, JSON), elsewhere)
    lane.run(store, QueryJob(LABELS, JSON, max_rows=1), elsewhere)            # another cut
    lane.run(store, QueryJob(LABELS, "text/csv"), elsewhere)                  # another format
    lane.run(store, QueryJob(LABELS, JSON, union_default_graph=False), elsewhere)
    lane.run(store, QueryJob(LABELS + " LIMIT 1", JSON), elsewhere)          # another text
    assert elsewhere.calls == 5


def test_a_rebuilt_store_must_prove_the_query_again(tmp_path: Path, store: GraphStore) -> None:
    lane = InlineLane(max_seconds=5.0)
    first = Elsewhere(store)
    lane.run(store, QueryJob(LABELS, JSON), first)
    write_home(tmp_path, _sample_quads())
    rebuilt = GraphStore.open_home(tmp_path)
    second = Elsewhere(rebuilt)
    lane.run(rebuilt, QueryJob(LABELS, JSON), second)
    assert first.calls == 1 and second.calls == 1


def test_memory_is_bounded_least_recently_used_out(store: GraphStore) -> None:
    lane, elsewhere = InlineLane(max_seconds=5.0, capacity=2), Elsewhere(store)
    texts = [f"{LABELS} LIMIT {n}" for n in (1, 2, 3)]
    for text in texts:
        lane.run(store, QueryJob(text, JSON), elsewhere)
    assert len(lane) == 2 and elsewhere.calls == 3
    lane.run(store, QueryJob(texts[0], JSON), elsewhere)  # forgotten: asked elsewhere again
    assert elsewhere.calls == 4


def test_in_process_errors_are_the_projects_errors(store: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError):
        answer_job(store, QueryJob("SELECT WHERE {", JSON))


def test_the_same_rows_come_back_in_every_format(store: GraphStore) -> None:
    lane = InlineLane(max_seconds=5.0)
    for media_type in (JSON, "application/sparql-results+xml", "text/csv",
                       "text/tab-separated-values"):
        elsewhere = Elsewhere(store)
        first = lane.run(store, QueryJob(LABELS, media_type), elsewhere)
        again = lane.run(store, QueryJob(LABELS, media_type), elsewhere)
        assert elsewhere.calls == 1 and first.body == again.body and first.rows == again.rows


@pytest.mark.parametrize("text", [
    LABELS + " # a comment naming SeRvIcE",
    LABELS.replace("label>", "l\\u0061bel>"),
    LABELS + " #" + "x" * 5000,
])
def test_texts_that_could_call_out_or_need_a_deep_stack_never_run_here(
        store: GraphStore, text: str) -> None:
    lane, elsewhere = InlineLane(max_seconds=5.0), Elsewhere(store)
    for _ in range(2):
        lane.run(store, QueryJob(text, JSON), elsewhere)
    assert elsewhere.calls == 2 and len(lane) == 0
