"""A gunicorn ``gthread`` worker that gives no thread to a client until its request has arrived.

Why: gunicorn's threaded worker hands a connection to a thread as soon as its first bytes
arrive, and the thread then blocks reading the rest of the request head, with no deadline.
64 clients that each send half a request (slow-loris) hold every thread of every worker and
the server answers nobody. Here the worker's main loop, which already watches every socket,
reads what has arrived without blocking and keeps the bytes; only when the whole request is
in (the head, and a body of the announced length) does the connection go to a thread, which
reads those bytes first. A request that takes longer than ``KKG_READ_TIMEOUT_S`` to arrive is
dropped without ever costing a thread. Bodies too large to hold (past ``MAX_BODY_AHEAD``, or
past ``READ_AHEAD_BUDGET`` for all waiting connections together), chunked bodies and
``Expect: 100-continue`` go to a thread with the head, and that thread's reads share the same
deadline. Writing the answer to a client that does not read it is given ``WRITE_TIMEOUT_S``.

The client socket keeps its type (``socket.socket``) with the read-ahead and deadlines added
by a subclass of the same memory layout, so gunicorn's own code runs unchanged on it. TLS is
the reverse proxy's job (SECURITY.md): an SSL socket is left exactly as gunicorn makes it.
"""

from __future__ import annotations

import re
import selectors
import socket
import time
import weakref
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

WRITE_TIMEOUT_S = 60.0
MAX_HEAD_BYTES = 64 * 1024  # more than gunicorn's request line + fields allow: it refuses it
MAX_BODY_AHEAD = 512 * 1024  # a query form of KKG_MAX_QUERY_BYTES fits (see server.protocol)
READ_AHEAD_BUDGET = 64 * 1024 * 1024  # held for all waiting connections of a worker at most
_END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r?\n")


@dataclass
class _Reading:
    """What the main loop has read of one connection's next request.

    Bytes are appended to a bytearray and only the new ones are searched for the end of the
    head, so a request trickled in one byte per packet costs linear time, not quadratic.
    """

    buffered: bytearray = field(default_factory=bytearray)
    waiting_since: float | None = None
    scanned: int = 0                # how far the search for the end of the head has looked
    body_from: int | None = None    # where the body starts, once the head is in
    body_wanted: int = 0            # how many body bytes to wait for (0: none worth waiting)
    timeout_s: float = 10.0
    deadline: float | None = None   # for the thread's own reads (a body), from the first one

    def feed(self, data: bytes) -> None:
        """Keep ``data``; on finding the end of the head, learn how much body to wait for."""
        self.buffered += data
        if self.body_from is not None:
            return
        end = _END_OF_HEAD.search(self.buffered, max(self.scanned - 3, 0))
        self.scanned = len(self.buffered)
        if end is not None:
            self.body_from = end.end()
            self.body_wanted = _body_to_wait_for(bytes(self.buffered[:end.start()]))

    def complete(self) -> bool:
        """Whether the whole request is in (or all of it worth waiting for)."""
        if self.body_from is None:
            return len(self.buffered) > MAX_HEAD_BYTES  # gunicorn refuses it with 400
        return len(self.buffered) - self.body_from >= self.body_wanted

    def handed_over(self, timeout_s: float) -> None:
        """The request goes to a thread: forget the search, arm the thread's deadline."""
        self.waiting_since = self.body_from = self.deadline = None
        self.scanned = self.body_wanted = 0
        self.timeout_s = timeout_s


_STATES: weakref.WeakKeyDictionary[socket.socket, _Reading] = weakref.WeakKeyDictionary()


class _ReadAheadSocket(socket.socket):
    """A client socket as the worker threads see it: read-ahead bytes first, with deadlines."""

    __slots__ = ()

    def recv(self, size: int, flags: int = 0) -> bytes:
        state = _STATES.get(self)
        if state is None:
            return super().recv(size, flags)
        if state.buffered:
            data = bytes(state.buffered[:size])
            del state.buffered[:size]
            return data
        if state.deadline is None:
            state.deadline = time.monotonic() + state.timeout_s
        remaining = state.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        super().settimeout(remaining)
        return super().recv(size, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        super().settimeout(WRITE_TIMEOUT_S)
        return super().send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        super().settimeout(WRITE_TIMEOUT_S)
        super().sendall(data, flags)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        super().settimeout(WRITE_TIMEOUT_S)
        return super().sendfile(file, offset, count)


def _adopt(sock: Any) -> bool:
    """Give a plain client socket the read-ahead behaviour; False for anything else (TLS)."""
    if type(sock) is _ReadAheadSocket:
        return True
    if type(sock) is not socket.socket:
        return False
    sock.__class__ = _ReadAheadSocket
    return True


def _parser_holds_bytes(conn: Any) -> bool:
    """Whether gunicorn already read (part of) the next request on a kept-alive connection."""
    unreader = getattr(getattr(conn, "parser", None), "unreader", None)
    buf = getattr(unreader, "buf", None)
    return bool(buf is not None and hasattr(buf, "getvalue") and buf.getvalue())


def _body_to_wait_for(head: bytes) -> int:
    """How many body bytes a request with this head is worth holding back for (0: go now)."""
    head = b"\n" + head.lower() + b"\r\n"
    if b"100-continue" in head or b"transfer-encoding" in head:
        return 0  # the client waits for gunicorn's answer, or the length is unknown
    length = _CONTENT_LENGTH.search(head)
    wanted = int(length.group(1)) if length else 0
    return wanted if wanted <= MAX_BODY_AHEAD else 0


class ReadAheadThreadWorker(ThreadWorker):  # type: ignore[misc] - gunicorn has no type hints
    """``gthread`` with request heads read by the main loop (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = getattr(self.app, "app_config", {}) or {}
        self.read_timeout_s = float(config.get("KKG_READ_TIMEOUT_S", 10.0))
        self.reading: dict[Any, float] = {}  # connection → when its head must be in

    def enqueue_req(self, conn: Any) -> None:
        """Give the connection to a thread once its request head is complete."""
        if not _adopt(conn.sock):
            super().enqueue_req(conn)
            return
        state = _STATES.setdefault(conn.sock, _Reading())
        if (_parser_holds_bytes(conn) or self._read_available(conn.sock, state)
                or self._over_budget(state)):
            self._to_thread(conn, state)
            return
        now = time.monotonic()
        if state.waiting_since is None:
            state.waiting_since = now
        self.reading[conn] = state.waiting_since + self.read_timeout_s
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _to_thread(self, conn: Any, state: _Reading) -> None:
        state.handed_over(self.read_timeout_s)
        if state.buffered:
            conn.data_ready = True  # gunicorn >= 24 would otherwise wait for the socket
        super().enqueue_req(conn)

    def _readable(self, conn: Any, client: Any) -> None:
        self.poller.unregister(client)
        self.reading.pop(conn, None)
        self.enqueue_req(conn)

    @staticmethod
    def _read_available(sock: socket.socket, state: _Reading) -> bool:
        """Read what has arrived; True once the request is in, or the client closed or erred."""
        while True:
            try:
                data = socket.socket.recv(sock, 65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                return True  # let gunicorn's thread meet the error and close the connection
            if not data:
                return True  # closed: gunicorn reads the end and closes quietly
            state.feed(data)
            if len(state.buffered) > MAX_HEAD_BYTES + MAX_BODY_AHEAD:
                return True
        return state.complete()

    def _over_budget(self, state: _Reading) -> bool:
        """Whether holding this connection's bytes would pass the worker's read-ahead budget."""
        if len(state.buffered) < MAX_HEAD_BYTES:
            return False
        held = sum(len(_STATES[c.sock].buffered) for c in self.reading if c.sock in _STATES)
        return held + len(state.buffered) > READ_AHEAD_BUDGET

    def murder_keepalived(self, *args: Any, **kwargs: Any) -> None:
        """Also drop connections whose request head did not arrive in time."""
        super().murder_keepalived(*args, **kwargs)
        force = bool(kwargs.get("force") or (args and args[0]))
        now = time.monotonic()
        for conn, deadline in list(self.reading.items()):
            if deadline <= now or force:
                del self.reading[conn]
                try:
                    self.poller.unregister(conn.sock)
                except (OSError, KeyError, ValueError):
                    pass
                self.nr_conns -= 1
                conn.close()
