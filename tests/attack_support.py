"""Tools of the attack suite (tests/test_attack_*.py): a real server to attack, raw HTTP,
a canary that must never be called, and a look at the server's processes through /proc.

Why raw sockets and http.client rather than urllib: an attack needs bytes no polite client
sends (invalid UTF-8 in the request line, a request cut in half, 10,000 Accept ranges), and
its answer must be read whatever its status. Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_GRAPH = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
RESULTS_JSON = "application/sparql-results+json"
# What a traceback or a framework's debug page would show; no answer may contain these.
LEAK_MARKERS = (b"Traceback (most recent call last)", b'File "/', b"werkzeug.debug",
                b"site-packages")

# The limits of the attack server: small, so that a runaway is cut quickly.
ATTACK_LIMITS: dict[str, Any] = {
    "KKG_QUERY_TIMEOUT_S": 2.0,
    "KKG_MAX_ROWS": 1000,
    "KKG_MAX_RESULT_BYTES": 4 * 1024 * 1024,
    "KKG_QUERY_MEMORY_MB": 512,
    "KKG_READ_TIMEOUT_S": 2.0,
    "KKG_QUERY_WORKERS": 2,
    "KKG_MAX_PENDING": 8,
}


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, headers (lower-case names), body and how long it took."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    reason: str = ""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def assert_refused(self, *statuses: int) -> None:
        """A 4xx (one of ``statuses`` when given) with a one-line reason and no traceback."""
        allowed = statuses or tuple(range(400, 500))
        assert self.status in allowed, (self.status, self.body[:300])
        assert_clean(self)
        assert self.text.strip(), "a refusal must say why"

    def assert_head_refused(self) -> None:
        """A request head too large for the HTTP layer (Granian): 431 or 414, connection closed.

        Refused in Rust before any Python runs, with the standard status and reason phrase
        ("Request Header Fields Too Large", or "URI Too Long" past 64 KB of request target)
        and no body; nothing of the head is kept.
        """
        assert self.status in (414, 431), (self.status, self.body[:300])
        assert self.reason.strip(), "the status line must say why"
        assert self.headers.get("connection") == "close"
        assert_clean(self)


def assert_clean(reply: Reply) -> None:
    """No traceback, no stack frame, no debugger in an answer."""
    for marker in LEAK_MARKERS:
        assert marker not in reply.body, (marker, reply.body[:500])


@dataclass
class ServerProcess:
    """A server (``server.serving.serve``: Granian) in a child process."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: Mapping[str, str] | None = None, timeout: float = 30.0) -> Reply:
        """One request on a fresh connection (``path`` is sent as given, not re-encoded)."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            data = response.read()
            names = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, names, data, time.monotonic() - started,
                         response.reason)
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def query(self, sparql: str, accept: str = RESULTS_JSON, timeout: float = 30.0) -> Reply:
        """GET /sparql?query=… (POSTed as a form when it would not fit in a request line)."""
        encoded = urlencode({"query": sparql})
        if len(encoded) < 6000:
            return self.get("/sparql?" + encoded, headers={"Accept": accept}, timeout=timeout)
        return self.request("POST", "/sparql", body=encoded.encode(), timeout=timeout, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})

    def raw(self, data: bytes, timeout: float = 10.0) -> bytes:
        """Send raw bytes, read until the server closes or ``timeout`` passes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            chunks = []
            try:
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
            except TimeoutError:
                pass
            return b"".join(chunks)

    def triple_count(self) -> int:
        reply = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert reply.status == 200, reply.text
        import json

        return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])

    # ---------------------------------------------------------------- processes

    def tree(self) -> list[ProcInfo]:
        """The master and every process below it (server workers, forkserver, queries)."""
        return process_tree(self.process.pid)

    def http_workers(self) -> list[ProcInfo]:
        """The server's worker processes (the main process's children, not its resource tracker)."""
        return [p for p in self.tree() if p.ppid == self.process.pid
                and "multiprocessing" not in p.cmdline]

    def query_workers(self) -> list[ProcInfo]:
        """The query processes of graph.executor: the children of each worker's forkserver."""
        tree = self.tree()
        http = {p.pid for p in tree if p.ppid == self.process.pid
                and "multiprocessing" not in p.cmdline}
        forkservers = {p.pid for p in tree if p.ppid in http and "forkserver" in p.cmdline}
        return [p for p in tree if p.ppid in forkservers]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(log_dir: Path, config: Mapping[str, Any], *, workers: int = 1,
                 wait_s: float = 90.0) -> ServerProcess:
    """Start ``serve()`` over ``config`` on a free port and wait until it answers."""
    port = free_port()
    log = log_dir / f"server-{port}.log"
    settings = {"TESTING": True, "KKG_ENGINE": "", **config}
    code = ("from server.serving import serve; "
            f"serve('127.0.0.1', {port}, workers={workers}, config={settings!r})")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(port, process, log, dict(settings))
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{server.log_text()}")
        try:
            if server.get("/sparql?query=ASK%7B%7D", timeout=5).status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not answer within {wait_s} s:\n{server.log_text()}")


@contextmanager
def running_server(log_dir: Path, config: Mapping[str, Any], **kwargs: Any
                   ) -> Iterator[ServerProcess]:
    server = start_server(log_dir, config, **kwargs)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- canary


class Canary:
    """An HTTP server on 127.0.0.1 that records every request; the suite expects none."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                hits.append(f"{self.command} {self.path}")
                body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
                self.send_response(200)
                self.send_header("Content-Type", RESULTS_JSON)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _record  # noqa: N815 - http.server's names

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- /proc


@dataclass(frozen=True)
class ProcInfo:
    """One process as /proc shows it."""

    pid: int
    ppid: int
    state: str
    rss_kb: int
    hwm_kb: int
    cmdline: str


def proc_info(pid: int) -> ProcInfo | None:
    """Read /proc/<pid>; None when the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            "utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)

    def kb(name: str) -> int:
        return int(fields.get(name, "0 kB").split()[0])

    return ProcInfo(pid, int(fields["PPid"]), fields["State"].strip()[:1], kb("VmRSS"),
                    kb("VmHWM"), cmdline)


def process_tree(root: int) -> list[ProcInfo]:
    """``root`` and all its descendants."""
    every = [info for entry in Path("/proc").iterdir() if entry.name.isdigit()
             if (info := proc_info(int(entry.name))) is not None]
    children: dict[int, list[ProcInfo]] = {}
    for info in every:
        children.setdefault(info.ppid, []).append(info)
    found = [info for info in every if info.pid == root]
    position = 0
    while position < len(found):
        found += children.get(found[position].pid, [])
        position += 1
    return found


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --------------------------------------------------------------------------- inotify


class FileWatch:
    """Linux inotify on one file: how many times it was opened or read while watched.

    Proof that no process (the server, its query processes) touched the file at all, which
    a response body alone cannot give.
    """

    _IN_ACCESS, _IN_OPEN, _IN_NONBLOCK = 0x1, 0x20, 0o4000

    def __init__(self, path: Path) -> None:
        import ctypes

        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(self._IN_NONBLOCK)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        watch = self._libc.inotify_add_watch(self._fd, str(path).encode(),
                                             self._IN_ACCESS | self._IN_OPEN)
        if watch < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")
        self.touches = 0

    def poll(self) -> int:
        """Count the events so far (each is 16 bytes plus a name, empty for a file watch)."""
        while True:
            try:
                data = os.read(self._fd, 4096)
            except BlockingIOError:
                return self.touches
            self.touches += len(data) // 16

    def close(self) -> None:
        os.close(self._fd)
