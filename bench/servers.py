"""Start, probe, measure and stop the three SPARQL servers the benchmark compares.

* ``ketamine-kg``: this project's server (Granian + Flask + the query processes of
  ``graph.executor``) on a store built from the data file by ``graph.store.write_home``;
* ``oxigraph``: Oxigraph server (PyPI ``oxigraph``), bulk-loaded with ``oxigraph load`` and
  served read-only with the union default graph, like this server;
* ``rdflib-endpoint``: rdflib-endpoint (PyPI) over an rdflib ``Dataset`` (default union).

The two PyPI tools live in ``bench/.venv`` (see bench/README.md) so their dependencies never
meet the project's. Each server is started pinned to one core with ``taskset`` (children
inherit the mask) while the load generator is pinned to the other, so neither starves the
other on a 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / "bench" / ".venv" / "bin"
PROJECT_VENV = ROOT / ".venv" / "bin"
ASK = "ASK { ?s ?p ?o }"


@dataclass
class Server:
    """A running server and what it took to get there."""

    name: str
    base_url: str
    sparql_path: str
    process: subprocess.Popen
    load_seconds: float          # bulk load before the server starts (0 when it loads itself)
    start_seconds: float = 0.0   # process start → first answered query
    log: IO[bytes] | None = None
    peak_rss: int = 0
    peak_pss: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def sparql_url(self) -> str:
        return self.base_url + self.sparql_path

    def memory(self) -> tuple[int, int]:
        """(RSS, PSS) in bytes summed over the server's process tree."""
        return tree_memory(self.process.pid)

    def sample_memory(self) -> None:
        rss, pss = self.memory()
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def stop(self) -> None:
        """Stop the whole process group (the server started it as its leader)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(10)
        if self.log:
            self.log.close()


# --------------------------------------------------------------------------- memory


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _kb_field(path: str, name: str) -> int:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> tuple[int, int]:
    """RSS and PSS summed over a process and all its descendants.

    RSS counts pages shared between forked processes once per process (an upper bound);
    PSS shares them out (what the tree really costs). Both are reported.
    """
    tree, todo, rss, pss = _children(), [pid], 0, 0
    while todo:
        current = todo.pop()
        rss += _kb_field(f"/proc/{current}/status", "VmRSS")
        pss += _kb_field(f"/proc/{current}/smaps_rollup", "Pss")
        todo.extend(tree.get(current, ()))
    return rss, pss


class MemorySampler:
    """Samples a server's memory in the background while load runs (peaks are kept)."""

    def __init__(self, server: Server, every_s: float = 0.5) -> None:
        self.server, self.every_s = server, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server.sample_memory()
            self._stop.wait(self.every_s)


# --------------------------------------------------------------------------- HTTP


def post_query(url: str, query: str, timeout: float) -> tuple[int, bytes]:
    """POST a SPARQL query as a form; (status, body). Status 0 on a connection failure."""
    from urllib.parse import urlencode

    request = urllib.request.Request(  # noqa: S310 - the bench's own http:// URLs
        url, data=urlencode({"query": query}).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b""


def wait_ready(server: Server, started: float, timeout: float) -> None:
    """Poll with an ASK until the server answers; record the start-up time."""
    deadline = started + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited during start-up (see its log)")
        status, body = post_query(server.sparql_url, ASK, timeout=30)
        if status == 200 and b"true" in body:
            server.start_seconds = time.monotonic() - started
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout:g} s")


def _popen(command: list[str], cpu: str | None, log_path: Path,
           env: dict[str, str] | None = None) -> tuple[subprocess.Popen, IO[bytes]]:
    log = log_path.open("wb")
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", cpu, *command]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    return process, log


# --------------------------------------------------------------------------- the three servers


def start_oxigraph(data: Path, work: Path, port: int, cpu: str | None,
                   timeout_s: float) -> Server:
    """``oxigraph load`` (timed, both cores) then ``oxigraph serve-read-only`` on one core.

    Without ``--timeout-s``: with it, Oxigraph 0.5 starts a thread per query and, once wrk
    drops connections at the end of a run, runs out of threads and aborts (seen here). A
    query that does not finish is handled by the runner's restart instead; ``timeout_s`` is
    kept for symmetry with the other servers.
    """
    location = work / "oxigraph-store"
    shutil.rmtree(location, ignore_errors=True)
    binary = str(BENCH_VENV / "oxigraph")
    started = time.monotonic()
    subprocess.run([binary, "load", "--location", str(location), "--file", str(data)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load_seconds = time.monotonic() - started
    process, log = _popen([binary, "serve-read-only", "--location", str(location),
                           "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                          cpu, work / "oxigraph.log")
    server = Server("oxigraph", f"http://127.0.0.1:{port}", "/query", process, load_seconds,
                    log=log)
    wait_ready(server, time.monotonic(), 120)
    return server


def build_home(data: Path, home: Path) -> float:
    """Build this server's store from the file the way a build writes one; seconds taken."""
    import pyoxigraph as ox

    from graph.store import write_home

    shutil.rmtree(home, ignore_errors=True)
    started = time.monotonic()
    write_home(home, ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
    return time.monotonic() - started


def start_kkg(data: Path, work: Path, port: int, cpu: str | None, *, workers: int,
              query_workers: int, timeout_s: float) -> Server:
    """Build the store (timed), then ``ketamine-kg serve --home`` with fixed process counts."""
    home = work / "kkg-home"
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from bench.servers import build_home; "
         "from pathlib import Path; print(build_home(Path(sys.argv[1]), Path(sys.argv[2])))",
         str(data), str(home)], check=True, capture_output=True, text=True, cwd=ROOT)
    load_seconds = float(out.stdout.strip().splitlines()[-1])
    env = dict(os.environ)
    env.update({
        "KKG_QUERY_WORKERS": str(query_workers),
        "KKG_MAX_PENDING": "16",             # above wrk's 8 connections: no 503 from the queue
        "KKG_MAX_ROWS": "10000000",          # no row cap: every engine returns every row
        "KKG_QUERY_TIMEOUT_S": str(timeout_s),
    })
    started = time.monotonic()
    process, log = _popen([str(PROJECT_VENV / "ketamine-kg"), "serve", "--home", str(home),
                           "--host", "127.0.0.1", "--port", str(port),
                           "--workers", str(workers)], cpu, work / "ketamine-kg.log", env)
    server = Server("ketamine-kg", f"http://127.0.0.1:{port}", "/sparql", process,
                    load_seconds, log=log)
    server.notes.append(f"{workers} Granian worker(s) x {query_workers} query process(es)")
    wait_ready(server, started, 300)
    return server


def start_rdflib(data: Path, work: Path, port: int, cpu: str | None) -> Server:
    """rdflib-endpoint parses the file itself at start-up: its load time is its start time."""
    started = time.monotonic()
    process, log = _popen([str(BENCH_VENV / "rdflib-endpoint"), "serve", "--host", "127.0.0.1",
                           "--port", str(port), str(data)], cpu, work / "rdflib-endpoint.log")
    server = Server("rdflib-endpoint", f"http://127.0.0.1:{port}", "/", process, 0.0, log=log)
    wait_ready(server, started, 1800)
    server.load_seconds, server.start_seconds = server.start_seconds, 0.0
    return server
