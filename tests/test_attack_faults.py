"""Attack suite, faults: a server started on a missing or corrupt store says so in one line
and exits non-zero; a rebuild while the server runs swaps the new graph in without dropping
a request (the query processes and the pages both follow the ``current`` symlink).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from attack_support import ATTACK_LIMITS, ROOT, SAMPLE_GRAPH, ServerProcess, free_port, start_server

from graph.loading import load_rdf_files
from graph.store import CURRENT_LINK, STORES_DIR, write_home

MARKER_GRAPH = "https://w3id.org/ketamine-kg/graph/document/rebuild-marker"


def _serve_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port()), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _assert_one_line_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_missing_store_stops_serve_with_one_line(tmp_path: Path) -> None:
    _assert_one_line_failure(_serve_cli("--home", str(tmp_path / "nowhere")), "no graph built")
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    (dangling / CURRENT_LINK).symlink_to(dangling / STORES_DIR / "gone")
    _assert_one_line_failure(_serve_cli("--home", str(dangling)), "no graph built")


def test_a_corrupt_store_stops_serve_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / STORES_DIR / "broken"
    broken.mkdir(parents=True)
    (broken / "CURRENT").write_text("MANIFEST-garbage\n")
    (tmp_path / CURRENT_LINK).symlink_to(broken)
    _assert_one_line_failure(_serve_cli("--home", str(tmp_path)), "cannot be opened")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a:b> <a:c> 'unterminated .\n", encoding="utf-8")
    _assert_one_line_failure(_serve_cli("--data", str(bad)), "bad.ttl")


def test_a_malformed_setting_stops_serve_with_one_line(tmp_path: Path) -> None:
    _assert_one_line_failure(_serve_cli("--home", str(tmp_path),
                                        env={"KKG_QUERY_TIMEOUT_S": "ten"}), "KKG_QUERY_TIMEOUT_S")


# --------------------------------------------------------------------------- rebuilds


def _quads(marker: str | None) -> list[ox.Quad]:
    quads = list(load_rdf_files([SAMPLE_GRAPH]).raw)
    if marker:
        quads.append(ox.Quad(ox.NamedNode("urn:rebuild"), ox.NamedNode("urn:marker"),
                             ox.Literal(marker), ox.NamedNode(MARKER_GRAPH)))
    return quads


@pytest.fixture
def home_server(tmp_path: Path) -> Iterator[tuple[Path, ServerProcess]]:
    home = tmp_path / "home"
    write_home(home, _quads(None))
    config = {**ATTACK_LIMITS, "KKG_HOME": str(home), "KKG_DATA_FILES": ""}
    server = start_server(tmp_path, config)
    try:
        yield home, server
    finally:
        server.stop()


def _marker(server: ServerProcess) -> str | None:
    reply = server.query("SELECT ?m WHERE { <urn:rebuild> <urn:marker> ?m }")
    assert reply.status == 200, (reply.text, server.log_text()[-3000:])
    rows = json.loads(reply.body)["results"]["bindings"]
    return rows[0]["m"]["value"] if rows else None


def test_a_rebuild_is_served_without_a_dropped_request(
        home_server: tuple[Path, ServerProcess]) -> None:
    home, server = home_server
    assert _marker(server) is None
    failures: list[str] = []
    served = [0]
    stop = threading.Event()
    paths = ["/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
             "/sparql?" + urlencode({"query": f"ASK {{ GRAPH <{MARKER_GRAPH}> {{ ?s ?p ?o }} }}"}),
             "/api/queries/conditions-for-drug?drug=kke:ketamine", "/", "/entity/ketamine",
             "/search?q=ketamine"]

    def client(offset: int) -> None:
        number = offset
        while not stop.is_set():
            path = paths[number % len(paths)]
            number += 1
            try:
                reply = server.get(path, headers={"Accept": "application/json"}, timeout=20)
                if reply.status != 200:
                    failures.append(f"{path}: {reply.status} {reply.text[:200]}")
            except OSError as exc:
                failures.append(f"{path}: {exc!r}")
            served[0] += 1

    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in clients:
        thread.start()
    try:
        for generation in ("first rebuild", "second rebuild", "third rebuild"):
            time.sleep(1.1)  # write_home names a store by the second and the process id
            write_home(home, _quads(generation))  # the old store is deleted on the second
            deadline = time.monotonic() + 10
            seen = [_marker(server) for _ in range(4)]
            while seen != [generation] * 4 and time.monotonic() < deadline:
                time.sleep(0.2)
                seen = [_marker(server) for _ in range(4)]  # each query process in turn
            assert seen == [generation] * 4, seen
            page = server.get("/resource?iri=urn:rebuild", headers={"Accept": "text/html"})
            assert page.status == 200 and generation in page.text, (  # the pages followed too
                generation, page.status, page.text[:300])
    finally:
        stop.set()
        for thread in clients:
            thread.join(30)
    assert failures == [], (failures[:5], server.log_text()[-3000:])
    assert served[0] > 20
    assert len(list((home / STORES_DIR).iterdir())) <= 2  # old stores were removed meanwhile
    print(f"\nrebuilds: 3 swaps under {served[0]} requests, 0 failed")
