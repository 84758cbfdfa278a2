"""Attack suite, connections and load: half-sent and silent connections (slow-loris) do not
stall the server, and 32 concurrent clients × 200 queries are all answered.

The load figures are printed; see them with
``.venv/bin/python -m pytest tests/test_attack_load.py -s``.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from urllib.parse import urlencode

import pytest
from attack_support import ATTACK_LIMITS, ServerProcess, percentile

READ_TIMEOUT_S = float(ATTACK_LIMITS["KKG_READ_TIMEOUT_S"])
ASK = "/sparql?" + urlencode({"query": "ASK {}"})


def _open(server: ServerProcess, count: int, first_bytes: bytes) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        if first_bytes:
            sock.sendall(first_bytes)
        sockets.append(sock)
    return sockets


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        sock.settimeout(0.1)
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


@pytest.mark.parametrize(("kind", "first_bytes"), [
    ("half-sent head", b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: "),
    ("request line only", b"GET / HTTP/1.1\r\n"),
    ("silent", b""),
    ("half-sent body", b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       b"application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK"),
])
def test_64_slow_clients_do_not_stall_the_server(attack_server: ServerProcess, kind: str,
                                                 first_bytes: bytes) -> None:
    slow = _open(attack_server, 64, first_bytes)
    try:
        time.sleep(0.3)
        latencies = []
        for _ in range(10):
            reply = attack_server.get(ASK, timeout=10)
            assert reply.status == 200
            latencies.append(reply.seconds)
        page = attack_server.get("/", timeout=10)
        assert page.status == 200
        if kind != "half-sent body":  # a body holds a thread, at most until the deadline
            assert max(latencies) < 1.0, latencies
        trickled = slow[0]
        for _ in range(int(READ_TIMEOUT_S / 0.5) + 4):  # a byte every half second: not enough
            try:
                trickled.sendall(b"a")
            except OSError:
                break
            time.sleep(0.5)
        deadline = time.monotonic() + READ_TIMEOUT_S + 8
        while time.monotonic() < deadline and not all(_closed_by_server(s) for s in slow[:8]):
            time.sleep(0.2)
        assert all(_closed_by_server(s) for s in slow[:8]), f"{kind}: not dropped"
        print(f"\n64 {kind} connections: ASK answered in max {max(latencies) * 1000:.0f} ms")
    finally:
        for sock in slow:
            sock.close()
    assert attack_server.get(ASK, timeout=10).status == 200


def test_pipelined_and_kept_alive_requests_are_all_answered(attack_server: ServerProcess
                                                            ) -> None:
    """The read-ahead of server.http_worker must not lose a request sent behind another."""
    one = f"GET {ASK} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    last = f"GET {ASK} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    answer = attack_server.raw(one * 3 + last, timeout=10)
    assert answer.count(b"HTTP/1.1 200") == 4, answer[:600]


QUERIES = [
    "ASK {}",
    "SELECT ?label WHERE { <https://w3id.org/ketamine-kg/entity/ketamine>"
    " <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } LIMIT 20",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]


@pytest.mark.slow
def test_32_clients_by_200_queries_without_an_error(attack_server: ServerProcess) -> None:
    clients, per_client = 32, 200
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", attack_server.port, timeout=30)
        mine: list[float] = []
        start.wait()
        for i in range(per_client):
            path = "/sparql?" + urlencode({"query": QUERIES[(number + i) % len(QUERIES)]})
            began = time.monotonic()
            try:
                connection.request("GET", path, headers={
                    "Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or not json.loads(body):
                    raise RuntimeError(f"{response.status}: {body[:120]!r}")
                mine.append(time.monotonic() - began)
            except (OSError, RuntimeError, http.client.HTTPException, ValueError) as exc:
                with lock:
                    errors.append(f"client {number} query {i}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", attack_server.port,
                                                        timeout=30)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    elapsed = time.monotonic() - began
    total = clients * per_client
    print(f"\nload: {clients} clients x {per_client} queries = {total} in {elapsed:.1f} s"
          f" ({total / elapsed:.0f}/s); errors {len(errors)}; latency p50"
          f" {percentile(latencies, 0.50) * 1000:.0f} ms, p99"
          f" {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    assert errors == [], errors[:5]
    assert len(latencies) == total
