"""Serve the Flask (WSGI) app through Granian's RSGI interface, one whole request at a time.

Why not Granian's own WSGI interface: there the app is called as soon as a request head has
arrived, and reading the body then blocks one of the few Python threads for as long as the
client takes; 64 clients that each send half a body hold every thread and the server answers
nobody (slow-loris, tests/test_attack_load.py). Here the body is read asynchronously, on the
event loop, under a deadline (``KKG_READ_TIMEOUT_S`` from the head) and a size budget; only
a request that has arrived whole is given to a thread (``KKG_MAX_PENDING`` + 2 of them),
which runs the WSGI app on it and returns the answer as bytes.

**Quick queries skip the thread.** Handing a request to a thread and its answer back costs
two GIL hand-overs and a wake-up of the event loop, more than a point lookup answered
in-process. So a small request to ``LOOP_PATHS`` is first run on the event loop itself,
with ``server.execution`` told that it must not wait: a query already proven quick
(``graph.inline``) is answered there; anything that would wait for a query process or an
engine raises ``WouldBlockError`` before waiting, and the request is run again from the
start on a thread (the server is read-only, so nothing is done twice that matters).

The request threads get a large (virtual) stack, as the query processes do
(``graph.query_worker``): a quick query runs on them in-process (``graph.inline``), and the
engine's parser recurses once per chained operator.

A body announced larger than the budget is not kept: the app sees its ``Content-Length``
and refuses it (413). Up to ``DRAIN_MAX_BYTES`` it is read and dropped first (under the same
deadline), because a client still sending when the connection closes may never read the
answer; a larger one is not read at all. A chunked body is read up to
one byte past the budget, which is enough for the app to refuse it the same way.
"""

from __future__ import annotations

import asyncio
import gc
import io
import queue
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from server.config import load_config

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
LOOP_PATHS = ("/sparql", "/api/queries/")  # where quick queries are tried on the event loop
EXTRA_THREADS = 2        # threads beyond the query queue, so pages answer while queries wait
BODY_OVERHEAD = 64 * 1024  # room for form fields beside the query text
DRAIN_MAX_BYTES = 8 * 1024 * 1024  # refused bodies up to this are read and dropped, not cut off
LOOP_MAX_REQUEST_BYTES = 8 * 1024  # longer ones hold no quick query (graph.inline: 4 KB of text)
REPLAYS_KEPT = 1024         # requests whose way to their query is remembered
REPLAY_MAX_HEADER_BYTES = 8 * 1024  # requests with more header text are not remembered
STACK_MB = 256           # per request thread, virtual: only the pages a query touches are used
MAX_HEADER_BYTES = 64 * 1024  # header fields past this are refused 431 here, with a reason
_TIMEOUT_BODY = b"the request did not arrive in time (KKG_READ_TIMEOUT_S)\n"
_HEADERS_BODY = (b"the request's header fields are over 64 KB; send long queries by POST, in"
                 b" the body\n")
_NOT_HTTP = b"this server speaks HTTP only\n"


class RsgiBridge:
    """An RSGI application running a WSGI app on whole requests in a bounded thread pool."""

    def __init__(self, app: WsgiApp, *, threads: int, read_timeout_s: float,
                 max_body_bytes: int, loop_paths: tuple[str, ...] = (),
                 quick: Any = None, replays: int = REPLAYS_KEPT) -> None:
        self.app = app
        self.quick = quick  # the app's hooks (server.quick_path.QuickPath), or None
        self.loop_paths = loop_paths if quick is not None else ()
        self.replays: OrderedDict[tuple[Any, ...], Replay] = OrderedDict()
        self.replays_kept = replays
        self.read_timeout_s = read_timeout_s
        self.max_body_bytes = max_body_bytes
        self.threads = max(threads, 1)
        self._jobs: queue.SimpleQueue[tuple[Any, asyncio.Future[Any], dict[str, Any]] | None] = (
            queue.SimpleQueue())
        self._started = False
        self._base_environ: dict[str, Any] = {
            "SCRIPT_NAME": "",
            "SERVER_SOFTWARE": "ketamine-kg (Granian)",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }

    def __rsgi_del__(self, _loop: Any) -> None:
        for _ in range(self.threads):
            self._jobs.put(None)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        refused = _refused(scope)
        if refused is not None:
            status, reason = refused
            protocol.response_bytes(status, [("content-type", "text/plain; charset=utf-8"),
                                             ("connection", "close")], reason)
            return
        headers = scope.headers
        length = _content_length(headers.get("content-length"))
        if length is not None and length > self.max_body_bytes:
            body = b""  # the app refuses it by its announced length
            if length <= DRAIN_MAX_BYTES:  # read and dropped, so the client sees the answer
                try:
                    await asyncio.wait_for(_drain(protocol), self.read_timeout_s)
                except Exception:  # noqa: BLE001, S110 - late or gone: answer what we can
                    pass
        elif not length and "transfer-encoding" not in headers:
            body = b""  # no body announced (a GET): nothing to wait for
        else:
            try:
                async with asyncio.timeout(self.read_timeout_s):
                    if length is not None:  # announced and within the budget: read at once
                        body = await protocol()
                    else:
                        body = await self._read_body(protocol)
            except TimeoutError:
                protocol.response_bytes(408, [("content-type", "text/plain; charset=utf-8"),
                                              ("connection", "close")], _TIMEOUT_BODY)
                return
            except Exception:  # noqa: BLE001 - the client went away mid-body: nobody to answer
                return
        if self._may_try_on_loop(scope, body):
            if self._answer_on_loop(scope, body, protocol):
                return
        environ = self._environ(scope, body)
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        if not self._started:
            self._start_threads()
        self._jobs.put((loop, answer, environ))
        status, headers, payload = await answer
        protocol.response_bytes(status, headers, payload)

    def _answer_on_loop(self, scope: Any, body: bytes, protocol: Any) -> bool:
        """Answer on the event loop if the app can without waiting; False if it cannot."""
        request = _fingerprint(scope, body)
        replay = self.replays.get(request) if request is not None else None
        if replay is not None:
            try:
                result = self.quick.replay(replay.job)
            except Exception:  # noqa: BLE001 - the whole way again says what went wrong
                result = None
            if result is not None and not result.truncated:
                protocol.response_bytes(replay.status, [
                    *replay.headers, ("content-length", str(len(result.body)))], result.body)
                return True
            self.replays.pop(request, None)  # no longer quick here: the whole way again
        try:
            with self.quick.on_loop() as ran:
                status, headers, payload = self._call(self._environ(scope, body))
        except self.quick.would_block:
            return False
        protocol.response_bytes(status, headers, payload)
        if request is not None and status == 200 and len(ran) == 1:
            job, result = ran[0]
            if result.body == payload and not result.truncated:
                self._remember(request, Replay(status, tuple(
                    (k, v) for k, v in headers if k.lower() != "content-length"), job))
        return True

    def _remember(self, request: tuple[Any, ...], replay: Replay) -> None:
        self.replays[request] = replay
        while len(self.replays) > self.replays_kept:
            self.replays.popitem(last=False)

    def _may_try_on_loop(self, scope: Any, body: bytes) -> bool:
        """Whether to try the request on the event loop first (see the module docstring)."""
        if not self.loop_paths or scope.method not in ("GET", "POST"):
            return False
        if len(scope.query_string) + len(body) > LOOP_MAX_REQUEST_BYTES:
            return False
        path = scope.path
        return any(path == p or (p.endswith("/") and path.startswith(p))
                   for p in self.loop_paths)

    def _start_threads(self) -> None:
        """The request threads, started on the first request (in the worker process)."""
        self._started = True
        _large_stacks()
        for number in range(self.threads):
            threading.Thread(target=self._serve_jobs, name=f"kkg-request-{number}",
                             daemon=True).start()

    def _serve_jobs(self) -> None:
        """A request thread: run whole requests, hand each answer back to the event loop.

        Why not ``loop.run_in_executor``: its two chained futures and their callbacks cost
        more Python per request than a quick query itself; here one queue and one
        ``call_soon_threadsafe`` carry the request and its answer.
        """
        while (job := self._jobs.get()) is not None:
            loop, answer, environ = job
            try:
                result: Any = self._call(environ)
                failed = False
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                result, failed = exc, True
            loop.call_soon_threadsafe(_settle, answer, result, failed)

    async def _read_body(self, protocol: Any) -> bytes:
        """The body, stopping one byte past the budget (enough for the app to say 413)."""
        parts: list[bytes] = []
        size = 0
        async for chunk in protocol:
            parts.append(chunk)
            size += len(chunk)
            if size > self.max_body_bytes:
                break
        return b"".join(parts)

    def _environ(self, scope: Any, body: bytes) -> dict[str, Any]:
        """The WSGI environ of an RSGI scope (PEP 3333: str of latin-1 bytes, path decoded)."""
        environ = dict(self._base_environ)
        host, _, port = scope.server.rpartition(":")
        client, _, client_port = scope.client.rpartition(":")
        environ.update({
            "REQUEST_METHOD": scope.method,
            "PATH_INFO": unquote_to_bytes(scope.path).decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": host.strip("[]"),
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": client.strip("[]"),
            "REMOTE_PORT": client_port,
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
        })
        for name, value in _joined_headers(scope.headers.items()).items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ[f"HTTP_{key}"] = value
        return environ

    def _call(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the WSGI app in this (pool) thread; the whole answer as bytes."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return _no_write

        chunks = self.app(environ, start_response)
        try:
            payload = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = started
        return int(status.split(" ", 1)[0]), list(headers), payload


def _large_stacks() -> None:
    """Threads started from now on in this process get ``STACK_MB`` of stack (if allowed)."""
    try:
        threading.stack_size(STACK_MB * 1024 * 1024)
    except (ValueError, RuntimeError):  # the platform refuses: keep its default
        pass


@dataclass(frozen=True)
class Replay:
    """How a request was answered: its status and headers, and the one query it ran."""

    status: int
    headers: tuple[tuple[str, str], ...]
    job: Any


def _fingerprint(scope: Any, body: bytes) -> tuple[Any, ...] | None:
    """Everything a request says (method, path, query, body, headers); None when too long."""
    headers = tuple(scope.headers.items())
    if sum(len(k) + len(v) for k, v in headers) > REPLAY_MAX_HEADER_BYTES:
        return None
    return (scope.method, scope.path, scope.query_string, body, headers)


def _settle(answer: asyncio.Future[Any], result: Any, failed: bool) -> None:
    """Complete a request's future on the event loop (unless the request was cancelled)."""
    if answer.done():
        return
    if failed:
        answer.set_exception(result)
    else:
        answer.set_result(result)


async def _drain(protocol: Any) -> None:
    """Read a body and drop it (a client still sending when refused may miss the answer)."""
    async for _chunk in protocol:
        pass


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the app must return its body, not write() it")


def _refused(scope: Any) -> tuple[int, bytes] | None:
    """A request refused before its body is read: not HTTP, or header fields over the limit.

    Why the header check here: Granian (hyper) answers a head past its buffer with a bare
    431 and no reason; with its buffer set well above ``MAX_HEADER_BYTES``
    (``server.serving``), a long head reaches this point and is told what to do instead.
    """
    if scope.proto != "http":
        return 400, _NOT_HTTP
    if _header_bytes(scope.headers) > MAX_HEADER_BYTES:
        return 431, _HEADERS_BODY
    return None


def _header_bytes(headers: Any) -> int:
    """The size of the header fields as sent (name, ": ", value, CRLF)."""
    return sum(len(name) + len(value) + 4 for name, value in headers.items())


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _joined_headers(items: Iterable[tuple[str, str]]) -> Mapping[str, str]:
    """Repeated header fields joined with ", " (what a WSGI server hands on)."""
    joined: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def settle_heap() -> None:
    """Exempt what exists now (the app, the store handles, indexes) from garbage collection.

    Why: every full collection walks every tracked object, and a served store's app holds
    hundreds of thousands of them that live as long as the process; walking them stalled
    one request in a hundred by milliseconds (p99). Collected once, then frozen; what
    requests allocate afterwards is collected as usual.
    """
    gc.collect()
    gc.freeze()


def create_bridge() -> RsgiBridge:
    """Granian's factory: the app and its limits, from the environment (``server.config``)."""
    from server import create_app
    from server.quick_path import QuickPath

    config = load_config()
    app = create_app(config)
    settle_heap()
    return RsgiBridge(
        app,
        threads=int(config["KKG_MAX_PENDING"]) + EXTRA_THREADS,
        read_timeout_s=float(config["KKG_READ_TIMEOUT_S"]),
        max_body_bytes=4 * int(config["KKG_MAX_QUERY_BYTES"]) + BODY_OVERHEAD,
        loop_paths=LOOP_PATHS,
        quick=QuickPath(app),
    )
