"""Real SPARQL engines on 127.0.0.1 for the tests: Oxigraph server and Virtuoso, each in a folder.

Each engine runs as a child process on free ports with its own data folder, so tests never
touch a system-wide instance; ``stop()`` and ``start()`` again (same ports, same data) are how
the recovery tests take an engine down and bring it back. The fixtures in ``conftest.py``
start them lazily: a run that selects no engine test starts no engine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.publish import PublishReport, publish
from graph.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # a fresh Virtuoso database's administrator; the folder is a tmp one

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
ThreadsPerQuery = 2
StopCompilerWhenXOverRunTime = 1
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 30
MaxQueryCostEstimationTime = 400
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_program(name: str) -> str:
    """A program from the virtual environment or PATH; skip (fail on CI) when it is missing.

    Why fail on CI: a green run that skipped every engine test would hide a missing install
    step (scripts/install.sh installs both engines).
    """
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (scripts/install.sh installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pytest.skip raises


class EngineProcess:
    """One engine server: a child process, its URLs, and start / stop / restart."""

    name = "engine"
    query_path = "/sparql"
    store_path = "/store"
    user: str | None = None
    password: str | None = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "server.out"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint (what ``serve --engine`` takes)."""
        return self.base + self.query_path

    @property
    def store_url(self) -> str:
        """The Graph Store endpoint (what ``publish --to`` takes)."""
        return self.base + self.store_path

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        """Start the server and wait until its query endpoint answers."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command(), cwd=self.folder, stdout=out,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        probe = self.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n"
                                   f"{self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(probe, timeout=2):  # noqa: S310 - loopback only
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        """Stop the server (politely, then by force) and wait until its port is closed."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def publish(self, store: GraphStore) -> PublishReport:
        """Upload a store's graphs through the Graph Store protocol (graph.publish)."""
        return publish(store, self.store_url, user=self.user, password=self.password)


class OxigraphServer(EngineProcess):
    """``oxigraph serve`` (PyPI package oxigraph) with a RocksDB folder that survives restarts."""

    name = "oxigraph"
    query_path = "/query"
    store_path = "/store"

    def __init__(self, folder: Path, *, timeout_s: int = 20) -> None:
        super().__init__(folder)
        self.timeout_s = timeout_s  # the engine's own limit: it stops what a client gave up on

    def command(self) -> list[str]:
        return [find_program("oxigraph"), "serve", "--location", str(self.folder / "db"),
                "--bind", f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s)]


class VirtuosoServer(EngineProcess):
    """Virtuoso 7 (Debian virtuoso-opensource) with its own ini and database folder.

    Anonymous users read at /sparql; writing goes through /sparql-graph-crud-auth, where a
    fresh database's ``dba`` may write (digest authentication), so nothing needs a grant.
    """

    name = "virtuoso"
    query_path = "/sparql"
    store_path = "/sparql-graph-crud-auth"
    user = VIRTUOSO_USER
    password = VIRTUOSO_PASSWORD

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.sql_port = free_port()
        (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            dir=folder, sql_port=self.sql_port, http_port=self.port), encoding="utf-8")

    def command(self) -> list[str]:
        return [find_program("virtuoso-t"), "+configfile", str(self.folder / "virtuoso.ini"),
                "+foreground"]


# --------------------------------------------------------------------------- the command


def kkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``ketamine-kg ARGS`` as a user does; engine credentials only when given in ``env``."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")]), **(env or {})}
    for name in ("KKG_ENGINE_USER", "KKG_ENGINE_PASSWORD"):
        if env is None or name not in env:
            environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit status 1 and exactly one ``ketamine-kg: error:`` line holding the fragments."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ketamine-kg: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
