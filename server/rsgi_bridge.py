"""Serve the Flask (WSGI) app through Granian's RSGI interface, one whole request at a time.

Why not Granian's own WSGI interface: there the app is called as soon as a request head has
arrived, and reading the body then blocks one of the few Python threads for as long as the
client takes; 64 clients that each send half a body hold every thread and the server answers
nobody (slow-loris, tests/test_attack_load.py). Here the body is read asynchronously, on the
event loop, under a deadline (``KKG_READ_TIMEOUT_S`` from the head) and a size budget; only
a request that has arrived whole is given to a thread (``KKG_MAX_PENDING`` + 2 of them),
which runs the WSGI app on it and returns the answer as bytes.

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
import io
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from server.config import load_config

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
EXTRA_THREADS = 2        # threads beyond the query queue, so pages answer while queries wait
BODY_OVERHEAD = 64 * 1024  # room for form fields beside the query text
DRAIN_MAX_BYTES = 8 * 1024 * 1024  # refused bodies up to this are read and dropped, not cut off
STACK_MB = 256           # per request thread, virtual: only the pages a query touches are used
_TIMEOUT_BODY = b"the request did not arrive in time (KKG_READ_TIMEOUT_S)\n"
_NOT_HTTP = b"this server speaks HTTP only\n"


class RsgiBridge:
    """An RSGI application running a WSGI app on whole requests in a bounded thread pool."""

    def __init__(self, app: WsgiApp, *, threads: int, read_timeout_s: float,
                 max_body_bytes: int) -> None:
        self.app = app
        self.read_timeout_s = read_timeout_s
        self.max_body_bytes = max_body_bytes
        self.pool = ThreadPoolExecutor(max_workers=max(threads, 1),
                                       thread_name_prefix="kkg-request")
        _large_stacks()  # before the pool starts its first thread (on the first request)
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
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            protocol.response_bytes(400, [("content-type", "text/plain")], _NOT_HTTP)
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
                body = await asyncio.wait_for(self._read_body(protocol), self.read_timeout_s)
            except TimeoutError:
                protocol.response_bytes(408, [("content-type", "text/plain; charset=utf-8"),
                                              ("connection", "close")], _TIMEOUT_BODY)
                return
            except Exception:  # noqa: BLE001 - the client went away mid-body: nobody to answer
                return
        environ = self._environ(scope, body)
        loop = asyncio.get_running_loop()
        status, headers, payload = await loop.run_in_executor(self.pool, self._call, environ)
        protocol.response_bytes(status, headers, payload)

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


async def _drain(protocol: Any) -> None:
    """Read a body and drop it (a client still sending when refused may miss the answer)."""
    async for _chunk in protocol:
        pass


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the app must return its body, not write() it")


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


def create_bridge() -> RsgiBridge:
    """Granian's factory: the app and its limits, from the environment (``server.config``)."""
    from server import create_app

    config = load_config()
    return RsgiBridge(
        create_app(config),
        threads=int(config["KKG_MAX_PENDING"]) + EXTRA_THREADS,
        read_timeout_s=float(config["KKG_READ_TIMEOUT_S"]),
        max_body_bytes=4 * int(config["KKG_MAX_QUERY_BYTES"]) + BODY_OVERHEAD,
    )
