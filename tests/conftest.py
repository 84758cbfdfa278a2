"""Shared fixtures. Sections: data files · stores · Flask apps · a live server · SPARQL engines.

Names are generic (``app``, ``client``, ``live_server``) so every server test, pages
included, can use the same ones; add new sections below rather than new conftest files.
``app`` and ``live_server`` run each test on every backend: the embedded store, Oxigraph
server and (marked slow) Virtuoso, each engine holding the same sample dataset.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_fixtures import EngineProcess, OxigraphServer, VirtuosoServer
from flask import Flask
from flask.testing import FlaskClient

from graph.loading import load_rdf_files
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- data files

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_GRAPH = DATA_DIR / "sample-graph.trig"


# --------------------------------------------------------------------------- stores


@pytest.fixture(scope="session")
def sample_store() -> GraphStore:
    """The hand-written sample dataset (tests/data/sample-graph.trig) in memory."""
    return load_rdf_files([SAMPLE_GRAPH])


# --------------------------------------------------------------------------- Flask apps


def sample_config(**overrides: Any) -> dict[str, Any]:
    """App settings serving the sample dataset, plus overrides."""
    return {"TESTING": True, "KKG_DATA_FILES": str(SAMPLE_GRAPH), "KKG_ENGINE": "",
            **overrides}


@pytest.fixture(scope="session")
def app(request: pytest.FixtureRequest, backend: str) -> Iterator[Flask]:
    """The app over the sample dataset, shared by the session (its query pool too).

    Parametrised by ``backend``: the same tests run on the embedded store and on each engine.
    """
    from server import create_app
    from server.execution import shutdown

    application = create_app(backend_config(request, backend))
    yield application
    shutdown(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_factory() -> Iterator[Callable[..., Flask]]:
    """Build apps with other settings (a tiny time limit, a row cap…); closed afterwards."""
    from server import create_app
    from server.execution import shutdown

    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        application = create_app(sample_config(**overrides))
        made.append(application)
        return application

    yield build
    for application in made:
        shutdown(application)


# --------------------------------------------------------------------------- a live server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {limit} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, backend: str,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server (server.serving.serve: Granian) on 127.0.0.1; yields its base URL.

    Parametrised by ``backend`` like ``app`` (an engine backend is ``serve --engine URL``).
    """
    port = free_port()
    log = tmp_path_factory.mktemp("live-server") / "server.log"
    code = (
        "from server.serving import serve; "
        f"serve('127.0.0.1', {port}, workers=1, config={backend_config(request, backend)!r})"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")])}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/openapi.json", process, log, limit=60)
        yield base
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server process politely, then by force, and reap it."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


# --------------------------------------------------------------------------- built graphs

SEED_ARTICLE = ROOT / "corpus" / "ketamine-uses.txt"
SECOND_ARTICLE = DATA_DIR / "docs" / "psilocybin-uses.txt"


@pytest.fixture(scope="session")
def seed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph built by graph.build from the seed article alone (with the reasoner), once."""
    from graph.build import build

    home = tmp_path_factory.mktemp("seed-home")
    build([SEED_ARTICLE], home, fresh=True)
    return home


@pytest.fixture(scope="session")
def two_document_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article, then the psilocybin article added by a second build (not --fresh)."""
    from graph.build import build

    home = tmp_path_factory.mktemp("two-document-home")
    build([SEED_ARTICLE], home, fresh=True)
    build([SECOND_ARTICLE], home)
    return home


# --------------------------------------------------------------------------- SPARQL engines

BACKENDS = ("embedded", "oxigraph", pytest.param("virtuoso", marks=pytest.mark.slow))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which store the shared app and live server read: the embedded one, or an engine."""
    return str(request.param)


def backend_config(request: pytest.FixtureRequest, backend: str, **overrides: Any) -> dict:
    """App settings for a backend: the sample dataset, embedded or on an engine (--engine)."""
    if backend == "embedded":
        return sample_config(**overrides)
    engine: EngineProcess = request.getfixturevalue(f"{backend}_engine")
    return sample_config(KKG_DATA_FILES="", KKG_ENGINE=engine.query_url, **overrides)


def _engine_with_sample(engine: EngineProcess, store: GraphStore) -> Iterator[EngineProcess]:
    engine.start()
    try:
        engine.publish(store)
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def oxigraph_engine(tmp_path_factory: pytest.TempPathFactory,
                    sample_store: GraphStore) -> Iterator[EngineProcess]:
    """Oxigraph server holding the sample dataset, uploaded with ``graph.publish``."""
    yield from _engine_with_sample(OxigraphServer(tmp_path_factory.mktemp("oxigraph")),
                                   sample_store)


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory: pytest.TempPathFactory,
                    sample_store: GraphStore) -> Iterator[EngineProcess]:
    """Virtuoso holding the sample dataset, uploaded with ``graph.publish`` (digest auth)."""
    yield from _engine_with_sample(VirtuosoServer(tmp_path_factory.mktemp("virtuoso")),
                                   sample_store)


# --------------------------------------------------------------------------- attack servers


@pytest.fixture(scope="session")
def attack_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real server (Granian) over the sample graph with small limits (tests/test_attack_*.py).

    Its own process, not ``live_server``: the attacks kill query processes, fill queues and
    hold connections, and must not disturb the protocol tests (see tests/attack_support.py).
    """
    from attack_support import ATTACK_LIMITS, running_server

    config = {"KKG_DATA_FILES": str(SAMPLE_GRAPH), **ATTACK_LIMITS}
    with running_server(tmp_path_factory.mktemp("attack-server"), config) as server:
        yield server
