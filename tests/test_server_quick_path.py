"""server.quick_path: on the event loop only proven-quick queries run; replays run them again."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from graph.executor import QueryJob
from server.quick_path import QuickPath, WouldBlockError

LABELS = "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
JSON = "application/sparql-results+json"


def _environ(query: str) -> dict[str, Any]:
    body = urlencode({"query": query}).encode()
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "5000", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_ACCEPT": JSON,
            "HTTP_HOST": "127.0.0.1:5000"}


def _call(app: Flask, query: str) -> tuple[str, bytes]:
    status: list[str] = []
    body = b"".join(app(_environ(query), lambda s, h, e=None: status.append(s)))
    return status[0], body


def test_on_the_loop_a_new_query_gives_way_before_anything_runs(
        app_factory: Callable[..., Flask]) -> None:
    app = app_factory()
    quick = QuickPath(app)
    with quick.on_loop() as ran, pytest.raises(WouldBlockError):
        _call(app, LABELS)
    assert ran == []


def test_on_the_loop_a_proven_query_is_answered_and_reported(
        app_factory: Callable[..., Flask]) -> None:
    app = app_factory()
    quick = QuickPath(app)
    status, first = _call(app, LABELS)  # on a thread: the query process proves it quick
    assert status.startswith("200")
    with quick.on_loop() as ran:
        status, again = _call(app, LABELS)
    assert status.startswith("200") and again == first
    assert len(ran) == 1 and ran[0][1].body == again
    replayed = quick.replay(ran[0][0])
    assert replayed is not None and replayed.body == first
    assert "ketamine" in {b["label"]["value"]
                          for b in json.loads(replayed.body)["results"]["bindings"]}


def test_a_replay_of_an_unproven_job_runs_nothing(app_factory: Callable[..., Flask]) -> None:
    app = app_factory()
    assert QuickPath(app).replay(QueryJob(LABELS + " LIMIT 2", JSON)) is None


def test_with_the_inline_lane_off_nothing_runs_on_the_loop(
        app_factory: Callable[..., Flask]) -> None:
    app = app_factory(KKG_INLINE_MAX_MS=0)
    quick = QuickPath(app)
    _call(app, LABELS)
    with quick.on_loop(), pytest.raises(WouldBlockError):
        _call(app, LABELS)
