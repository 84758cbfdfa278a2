"""An engine that goes down, hangs or is flooded: 503 with one line, and back by itself.

Each engine here is a fresh one of this module, so stopping it disturbs no other test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from engine_fixtures import (
    EngineProcess,
    OxigraphServer,
    VirtuosoServer,
    free_port,
    kkg,
    one_line_error,
)
from flask import Flask
from werkzeug.test import TestResponse

from graph.store import GraphStore

RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l ."
           " ?m ?n0 ?o . ?q ?r ?s }")
ASK = "ASK { kke:ketamine ?p ?o }"
# Search and the home page are left out: the search index (built once, in memory) and the
# home page's figures (kept a few seconds) go on answering meanwhile.
PAGES = ("/sparql?query=ASK%20%7B%7D", "/api/queries/documents", "/entity/ketamine",
         "/graph/data?focus=kke:ketamine")


@pytest.fixture(scope="module", params=["oxigraph", pytest.param("virtuoso",
                                                                  marks=pytest.mark.slow)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           sample_store: GraphStore) -> Iterator[EngineProcess]:
    folder = tmp_path_factory.mktemp(f"recovery-{request.param}")
    process = (OxigraphServer(folder, timeout_s=3) if request.param == "oxigraph"
               else VirtuosoServer(folder))
    process.start()
    try:
        process.publish(sample_store)
        yield process
    finally:
        process.stop()


def one_line(response: TestResponse, status: int, *fragments: str) -> str:
    assert response.status_code == status, response.data
    text = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        text = json.loads(text)["error"]["message"]
    assert text.strip() and "\n" not in text.strip() and "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text
    return text


def test_an_engine_that_is_down_answers_503_and_recovers_by_itself(
        engine: EngineProcess, app_factory: Callable[..., Flask]) -> None:
    client = app_factory(KKG_DATA_FILES="", KKG_ENGINE=engine.query_url).test_client()
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    engine.stop()
    try:
        for page in PAGES:
            one_line(client.get(page), 503, "unreachable", engine.query_url)
    finally:
        engine.start()
    for page in PAGES:
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("engine", ["oxigraph"], indirect=True)
def test_a_runaway_query_is_cut_and_the_queue_is_bounded(
        engine: EngineProcess, app_factory: Callable[..., Flask]) -> None:
    app = app_factory(KKG_DATA_FILES="", KKG_ENGINE=engine.query_url, KKG_QUERY_TIMEOUT_S=1,
                      KKG_MAX_PENDING=1)
    answers: list[TestResponse] = []
    runaway = threading.Thread(target=lambda: answers.append(app.test_client().get(
        "/sparql", query_string={"query": RUNAWAY})))
    started = time.monotonic()
    runaway.start()
    time.sleep(0.3)
    busy = app.test_client().get("/sparql", query_string={"query": ASK})
    one_line(busy, 503, "busy")
    assert busy.headers["Retry-After"]
    runaway.join(10)
    one_line(answers[0], 503, "did not answer within 1 s")
    assert time.monotonic() - started < 5
    assert app.test_client().get("/sparql", query_string={"query": ASK}).status_code == 200


def test_serve_with_an_unreachable_engine_stops_in_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    one_line_error(kkg("serve", "--engine", url, "--port", str(free_port())), "unreachable", url)
