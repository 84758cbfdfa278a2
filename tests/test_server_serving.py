"""server.serving: Granian settings, and a bad store stopping the start before binding."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_GRAPH, _wait_until_up, free_port, stop_process

from graph.errors import StoreError
from graph.store import write_home
from server.config import load_config
from server.ports import PortInUseError, claim_port
from server.serving import check_store, granian_options, print_urls, serve


def test_granian_settings_follow_the_limits() -> None:
    config = load_config({"KKG_QUERY_TIMEOUT_S": 10.0, "KKG_READ_TIMEOUT_S": 3.0,
                          "KKG_MAX_PENDING": 6})
    options = granian_options("127.0.0.1", 5000, 2, config)
    assert options["address"] == "127.0.0.1" and options["port"] == 5000
    assert options["workers"] == 2 and options["factory"] is True
    assert options["interface"].value == "rsgi" and options["target"].startswith("server.")
    assert options["http1_settings"].header_read_timeout == 3000  # slow-loris: ms
    assert options["workers_kill_timeout"] > 10
    assert granian_options("[::1]", 80, 1, load_config())["address"] == "::1"


def test_a_read_timeout_beyond_granians_range_is_clamped() -> None:
    options = granian_options("127.0.0.1", 5000, 1, load_config({"KKG_READ_TIMEOUT_S": 600.0}))
    assert options["http1_settings"].header_read_timeout == 60_000


def test_the_urls_a_newcomer_opens_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    print_urls("0.0.0.0", 5000, load_config())  # noqa: S104
    printed = capsys.readouterr().out
    for url in ("http://localhost:5000/sparql", "http://localhost:5000/editor",
                "http://localhost:5000/api/queries", "http://localhost:5000/openapi.json"):
        assert url in printed


def test_a_missing_home_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph built"):
        check_store(load_config({"KKG_HOME": str(tmp_path / "nowhere")}))


def test_a_corrupt_store_stops_the_start(tmp_path: Path) -> None:
    broken = tmp_path / "stores" / "broken"
    broken.mkdir(parents=True)
    (broken / "CURRENT").write_text("garbage\n")
    (tmp_path / "current").symlink_to(broken)
    with pytest.raises(StoreError) as caught:
        check_store(load_config({"KKG_HOME": str(tmp_path)}))
    assert "\n" not in str(caught.value)


def test_an_unreadable_data_file_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    with pytest.raises(StoreError, match="bad.ttl"):
        check_store(load_config({"KKG_DATA_FILES": str(bad)}))


def test_an_empty_store_stops_the_start(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="empty"):
        check_store(load_config({"KKG_DATA_FILES": str(empty)}))


def test_a_good_store_passes(tmp_path: Path, sample_store) -> None:
    write_home(tmp_path, list(sample_store.raw))
    check_store(load_config({"KKG_HOME": str(tmp_path)}))


def test_serve_raises_before_binding(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StoreError, match="no graph built"):
        serve("127.0.0.1", port, workers=1, config={"KKG_HOME": str(tmp_path / "none")})
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens there


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert granian_options("127.0.0.1", 5000, 1, load_config())["log_access"] is False
    asked = granian_options("127.0.0.1", 5000, 1, load_config({"KKG_ACCESS_LOG": 1}))
    assert asked["log_access"] is True


def _reuse_port_listener(port: int) -> socket.socket:
    """A listener bound as Granian's workers bind on Linux (SO_REUSEPORT)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


needs_reuse_port = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"),
                                      reason="the platform has no SO_REUSEPORT")


@needs_reuse_port
def test_a_port_held_by_reuse_port_listeners_is_refused() -> None:
    port = free_port()
    with _reuse_port_listener(port), pytest.raises(PortInUseError) as caught:
        claim_port("127.0.0.1", port)
    assert f"127.0.0.1:{port}" in str(caught.value) and "\n" not in str(caught.value)


@needs_reuse_port
def test_a_claimed_port_admits_its_own_workers_and_refuses_another_server() -> None:
    port = free_port()
    claim = claim_port("127.0.0.1", port)
    assert claim is not None
    try:
        with pytest.raises(PortInUseError):  # a second server still loading its app
            claim_port("127.0.0.1", port)
        with _reuse_port_listener(port), _reuse_port_listener(port):  # Granian's workers
            with pytest.raises(PortInUseError):
                claim_port("127.0.0.1", port)
    finally:
        claim.close()
    claim_port("127.0.0.1", port).close()  # released with the server  # type: ignore[union-attr]


def _count(base: str) -> bytes:
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    request = urllib.request.Request(f"{base}/sparql?query={query}",
                                     headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        return answer.read()


def test_a_second_serve_on_a_held_port_refuses_to_start(tmp_path: Path) -> None:
    """Two servers on one port would split its requests: the second says so and stops."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KKG_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port),
               "--workers", "1", "--data", str(SAMPLE_GRAPH)]
    log = tmp_path / "first.log"
    with log.open("wb") as out:
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/openapi.json", first, log, limit=60)
        before = _count(base)
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            _out, err = second.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # it started beside the first: stop it all
            os.killpg(second.pid, signal.SIGKILL)
            second.communicate()
            pytest.fail("a second server started on a port already served")
        assert second.returncode == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], err
        assert "in use" in lines[0] and "Traceback" not in err
        assert first.poll() is None
        assert all(_count(base) == before for _ in range(16))  # the first answers them all
    finally:
        stop_process(first)
