"""server.rsgi_bridge: whole requests to the WSGI app, slow or huge bodies kept off threads.

Unit tests with a stand-in for Granian's protocol object; the live server (Granian) runs
the same bridge in tests/test_attack_load.py and every live test.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from server.rsgi_bridge import RsgiBridge


class Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def __contains__(self, key: str) -> bool:
        return any(k.lower() == key for k, _ in self.pairs)

    def get(self, key: str, default: Any = None) -> Any:
        return next((v for k, v in self.pairs if k.lower() == key), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self.pairs)


@dataclass
class Scope:
    method: str = "GET"
    path: str = "/sparql"
    query_string: str = ""
    headers: Headers = field(default_factory=lambda: Headers([]))
    proto: str = "http"
    http_version: str = "1.1"
    scheme: str = "http"
    server: str = "127.0.0.1:5000"
    client: str = "127.0.0.1:40000"


class Protocol:
    """Granian's HTTP protocol object: body chunks in, one response out."""

    def __init__(self, chunks: Iterable[bytes] = (), stall: bool = False) -> None:
        self.chunks, self.stall, self.read = list(chunks), stall, 0
        self.response: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def _iterate(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk
        if self.stall:
            await asyncio.sleep(3600)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterate()

    async def __call__(self) -> bytes:
        return b"".join([chunk async for chunk in self._iterate()])

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.response = (status, headers, body)


class EchoApp:
    """A WSGI app that records its environ and echoes the body it was given."""

    def __init__(self) -> None:
        self.environ: dict[str, Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.environ = environ
        body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Seen", "yes")])
        return [b"got:", body]


def _bridge(app: EchoApp, **limits: Any) -> RsgiBridge:
    return RsgiBridge(app, threads=2, read_timeout_s=limits.get("timeout", 2.0),
                      max_body_bytes=limits.get("max_body", 100))


def _serve(bridge: RsgiBridge, scope: Scope, protocol: Protocol) -> None:
    asyncio.run(bridge.__rsgi__(scope, protocol))


def test_a_request_reaches_the_app_as_pep_3333_says() -> None:
    app = EchoApp()
    protocol = Protocol([b"query=ASK", b"%7B%7D"])
    headers = Headers([("Content-Type", "application/x-www-form-urlencoded"),
                       ("Content-Length", "15"), ("Accept", "text/csv"),
                       ("Accept", "application/json"), ("X-Forwarded-For", "10.0.0.1")])
    _serve(_bridge(app), Scope("POST", "/entity/caf%C3%A9", "a=1&b=2", headers), protocol)
    assert protocol.response == (201, [("Content-Type", "text/plain"), ("X-Seen", "yes")],
                                 b"got:query=ASK%7B%7D")
    env = app.environ
    assert env["REQUEST_METHOD"] == "POST" and env["QUERY_STRING"] == "a=1&b=2"
    assert env["PATH_INFO"] == "/entity/caf\u00c3\u00a9"  # decoded bytes as latin-1 (PEP 3333)
    assert env["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert env["CONTENT_LENGTH"] == "15"
    assert env["HTTP_ACCEPT"] == "text/csv, application/json"  # repeated fields joined
    assert env["HTTP_X_FORWARDED_FOR"] == "10.0.0.1"
    assert env["SERVER_NAME"] == "127.0.0.1" and env["SERVER_PORT"] == "5000"
    assert env["REMOTE_ADDR"] == "127.0.0.1" and env["wsgi.url_scheme"] == "http"
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1" and env["SCRIPT_NAME"] == ""


def test_a_body_announced_too_large_is_dropped_not_kept() -> None:
    app = EchoApp()
    protocol = Protocol([b"x" * 50] * 10)
    headers = Headers([("Content-Length", "500")])
    _serve(_bridge(app, max_body=100), Scope("POST", headers=headers), protocol)
    assert protocol.read == 500  # read and dropped, so the client is not cut off mid-send
    assert app.environ["CONTENT_LENGTH"] == "500"  # the app refuses it by its length (413)
    assert protocol.response is not None and protocol.response[2] == b"got:"


def test_a_huge_announced_body_is_not_read_at_all() -> None:
    app = EchoApp()
    protocol = Protocol([b"x" * 50] * 10)
    headers = Headers([("Content-Length", str(200 * 1024 * 1024))])
    _serve(_bridge(app, max_body=100), Scope("POST", headers=headers), protocol)
    assert protocol.read == 0 and protocol.response is not None


def test_a_chunked_body_is_read_only_one_chunk_past_the_budget() -> None:
    app = EchoApp()
    protocol = Protocol([b"x" * 60] * 10)
    chunked = Headers([("Transfer-Encoding", "chunked")])
    _serve(_bridge(app, max_body=100), Scope("POST", headers=chunked), protocol)
    assert protocol.read == 120  # enough to know it is too large, no more
    assert protocol.response is not None and len(protocol.response[2]) == len(b"got:") + 120


def test_a_body_that_does_not_arrive_in_time_is_answered_408_without_a_thread() -> None:
    app = EchoApp()
    protocol = Protocol([b"query="], stall=True)
    _serve(_bridge(app, timeout=0.2), Scope("POST", headers=Headers([("Content-Length", "50")])),
           protocol)
    assert protocol.response is not None
    status, headers, body = protocol.response
    assert status == 408 and ("connection", "close") in headers
    assert b"KKG_READ_TIMEOUT_S" in body and app.environ == {}  # the app never ran


def test_only_http_is_served() -> None:
    protocol = Protocol()
    _serve(_bridge(EchoApp()), Scope(proto="websocket"), protocol)
    assert protocol.response is not None and protocol.response[0] == 400


def test_a_get_without_a_body_is_not_waited_for() -> None:
    app = EchoApp()
    protocol = Protocol([b"never read"], stall=True)
    _serve(_bridge(app, timeout=5.0), Scope("GET"), protocol)
    assert protocol.read == 0 and protocol.response is not None
    assert protocol.response[0] == 201 and protocol.response[2] == b"got:"


# --------------------------------------------------------------------------- the quick path


@dataclass
class Result:
    body: bytes
    truncated: bool = False


class Quick:
    """Stands in for server.quick_path.QuickPath: what the app may do on the event loop."""

    class WouldBlock(BaseException):
        pass

    would_block = WouldBlock

    def __init__(self) -> None:
        self.ran: list[tuple[str, Result]] | None = None
        self.quick = True   # whether the app's query is known to be quick
        self.broken = False  # whether replaying fails
        self.replayed = 0

    @contextmanager
    def on_loop(self) -> Iterator[list[tuple[str, Result]]]:
        self.ran = []
        try:
            yield self.ran
        finally:
            self.ran = None

    def replay(self, job: str) -> Result | None:
        self.replayed += 1
        if self.broken:
            raise RuntimeError("the store cannot be read")
        return Result(b"answer to " + job.encode()) if self.quick else None


class QueryApp:
    """A WSGI app whose answer is one query's body, run the way server.execution runs it."""

    def __init__(self, quick: Quick) -> None:
        self.quick, self.calls, self.threads = quick, 0, set()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        job = environ["wsgi.input"].read().decode() or "no body"
        if self.quick.ran is not None:  # on the loop: only a quick query may run
            if not self.quick.quick:
                raise Quick.WouldBlock
            result = Result(b"answer to " + job.encode())
            self.quick.ran.append((job, result))
        else:
            self.threads.add(threading.current_thread().name)
            result = Result(b"answer to " + job.encode())
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "99")])
        return [result.body]


def _query_bridge(quick: Quick) -> tuple[RsgiBridge, QueryApp]:
    app = QueryApp(quick)
    return RsgiBridge(app, threads=2, read_timeout_s=2.0, max_body_bytes=1000,
                      loop_paths=("/sparql",), quick=quick), app


def _post(body: bytes = b"q1", path: str = "/sparql", accept: str = "a/b") -> Scope:
    return Scope("POST", path, headers=Headers([("content-length", str(len(body))),
                                                ("accept", accept)]))


async def _ask(bridge: RsgiBridge, scope: Scope, body: bytes = b"q1") -> Protocol:
    protocol = Protocol([body])
    await bridge.__rsgi__(scope, protocol)
    return protocol


def test_a_quick_request_is_answered_on_the_loop_then_replayed_without_the_app() -> None:
    quick = Quick()
    bridge, app = _query_bridge(quick)

    async def run() -> list[Protocol]:
        return [await _ask(bridge, _post()) for _ in range(3)]

    answers = asyncio.run(run())
    assert [p.response[2] for p in answers if p.response] == [b"answer to q1"] * 3
    assert app.calls == 1 and app.threads == set() and quick.replayed == 2
    status, headers, body = answers[2].response  # type: ignore[misc]
    assert ("content-length", str(len(body))) in headers  # the body's own length, not 99
    assert not any(k == "Content-Length" for k, _ in headers)


def test_a_request_that_would_wait_runs_again_on_a_thread() -> None:
    quick = Quick()
    quick.quick = False
    bridge, app = _query_bridge(quick)
    protocol = asyncio.run(_ask(bridge, _post()))
    assert protocol.response is not None and protocol.response[2] == b"answer to q1"
    assert app.calls == 2 and app.threads  # tried on the loop, then from the start on a thread


def test_a_replay_no_longer_quick_goes_the_whole_way_again() -> None:
    quick = Quick()
    bridge, app = _query_bridge(quick)

    async def run() -> Protocol:
        await _ask(bridge, _post())
        quick.quick = False  # e.g. the store was rebuilt
        return await _ask(bridge, _post())

    protocol = asyncio.run(run())
    assert protocol.response is not None and protocol.response[2] == b"answer to q1"
    assert app.calls == 3 and app.threads and not bridge.replays


def test_only_identical_requests_to_query_paths_are_replayed() -> None:
    quick = Quick()
    bridge, app = _query_bridge(quick)

    async def run() -> None:
        await _ask(bridge, _post())
        await _ask(bridge, _post(accept="c/d"))           # another header: the app again
        await _ask(bridge, _post(b"q2"), b"q2")           # another body: the app again
        await _ask(bridge, _post(path="/entity/x"))       # not a query path: on a thread
        await _ask(bridge, _post(path="/entity/x"))

    asyncio.run(run())
    assert app.calls == 5 and quick.replayed == 0 and len(app.threads) >= 1


def test_a_replay_that_fails_goes_the_whole_way_again() -> None:
    quick = Quick()
    bridge, app = _query_bridge(quick)

    async def run() -> Protocol:
        await _ask(bridge, _post())
        quick.broken = True
        return await _ask(bridge, _post())

    protocol = asyncio.run(run())
    assert protocol.response is not None and protocol.response[2] == b"answer to q1"
    assert app.calls == 2 and quick.replayed == 1


def test_a_request_too_long_to_hold_a_quick_query_goes_straight_to_a_thread() -> None:
    quick = Quick()
    app = QueryApp(quick)
    bridge = RsgiBridge(app, threads=2, read_timeout_s=2.0, max_body_bytes=100_000,
                        loop_paths=("/sparql",), quick=quick)
    body = b"q" * (9 * 1024)
    protocol = asyncio.run(_ask(bridge, _post(body), body))
    assert protocol.response is not None and protocol.response[0] == 200
    assert app.calls == 1 and app.threads  # never tried on the event loop
