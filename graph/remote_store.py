"""A SPARQL 1.1 engine over HTTP, behind the interface the server uses for the embedded store.

Why: a graph that outgrows one machine (thousands of articles, or joined with ChEBI- or
Hetionet-sized data) moves to an existing engine (Oxigraph server, Virtuoso, Fuseki…) while
the server keeps its endpoint, API and pages unchanged. ``RemoteStore`` offers what the server
asks of ``graph.store.GraphStore`` (``query``, ``graphs``, ``labels``, ``count``) and of
``graph.executor.QueryExecutor`` (``run`` a job under a time limit and a bounded queue), so the
server picks one object at start-up and never branches on the engine afterwards.

How a query travels (``_send`` is the only place that talks to the engine):

1. ``graph.guard.inspect_query`` refuses updates, SERVICE and FROM naming a graph the engine
   does not serve, before anything is sent;
2. parameter values are bound as RDF terms in a VALUES block (``graph.guard.inline_bindings``:
   pyoxigraph terms in their N-Triples form, never the user's text);
3. the project's prefixes are declared in front (the embedded store predeclares them);
4. the dataset: the protocol's graph parameters when the caller names graphs, else the union
   of the named graphs, asked for the way the engine's profile says (``graph/engines.json``);
5. SPARQLWrapper POSTs the form with the profile's exact result format in ``Accept``;
6. pyoxigraph parses the answer into the same result objects the embedded store returns, so
   ``graph.results.serialise`` writes the same bytes, row cap included.

Engine differences live in ``graph/engines.json`` (one profile per engine, chosen from the
``Server`` header of the first answer, or forced with ``KKG_ENGINE_PROFILE``), not in code.
A failure is one line: the engine unreachable or unavailable is StoreError (503), which ends by
itself when the engine is back, since every query opens its own connection.
"""

from __future__ import annotations

import ast
import json
import os
import re
import threading
import time
import urllib.error
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from http.client import HTTPException
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from graph.errors import (
    KGError,
    QueryAbortedError,
    QueryLimitError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
    StoreError,
)
from graph.guard import CheckedQuery, inline_bindings, inspect_query
from graph.namespaces import PREFIXES
from graph.queries import read_query_text
from graph.query_worker import QueryJob
from graph.results import QueryResult, Serialised, serialise

PROFILES_FILE = Path(__file__).with_name("engines.json")
UNION_MODES = ("parameter", "protocol", "native")
GRAPHS_TTL_S = 10.0     # the graph list (asked before every /sparql query) is kept this long
LABELS_CHUNK = 200      # IRIs per label request
USER_AGENT = "ketamine-kg (SPARQLWrapper)"
BODY_FACTOR = 4         # an engine answer may be this many times KKG_MAX_RESULT_BYTES
PROBE_QUERY = "server/store-has-data.rq"
COUNT_QUERY = "server/engine-count.rq"
LABELS_QUERY = "server/engine-labels.rq"
NO_GRAPH = "urn:x-ketamine-kg:no-graph"  # names an empty side of a dataset: no graph has it
_MAX_MESSAGE = 300
_PRELUDE = " ".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items()) + " "

Bindings = Mapping[str, ox.NamedNode | ox.Literal]


class ServedStore(Protocol):
    """What the server asks of a store: the embedded ``GraphStore`` and ``RemoteStore`` both."""

    path: Path | None

    def query(self, sparql: str, *, bindings: Bindings | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              union_default_graph: bool = True) -> Any: ...

    def graphs(self) -> list[str]: ...

    def labels(self, iris: Iterable[str], *, limit: int = 500) -> dict[str, str]: ...

    def count(self) -> int: ...


# ------------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class EngineProfile:
    """How one engine is spoken to; the fields are those of ``graph/engines.json``."""

    name: str
    description: str = ""
    server_header: str | None = None
    union_default_graph: str = "protocol"
    union_parameter: str | None = None
    results_format: str = "application/sparql-results+json"
    graph_format: str = "application/n-triples"
    graphs_query: str = "server/engine-graphs-scan.rq"
    auth: str = "basic"
    hidden_graph_prefixes: tuple[str, ...] = ()
    result_replacements: tuple[tuple[str, str], ...] = ()
    client_error_pattern: str | None = None
    empty_graph_set: str | None = None
    notes: tuple[str, ...] = ()

    def visible(self, graph: str) -> bool:
        """Whether a graph is the data's, not one of the engine's own system graphs."""
        return not graph.startswith(self.hidden_graph_prefixes)

    def fix_results(self, body: bytes) -> bytes:
        """The engine's results with its known departures from the standard undone.

        Each replacement is a regular expression and its replacement, applied to the body in
        the engine's own results format (``results_format``), before pyoxigraph reads it.
        """
        for pattern, replacement in self.result_replacements:
            body = _compiled(pattern).sub(replacement.encode("utf-8"), body)
        return body

    def is_client_error(self, message: str) -> bool:
        """Whether an engine error (HTTP 500) is in fact the query's fault."""
        return bool(self.client_error_pattern and re.search(self.client_error_pattern, message))


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[bytes]:
    return re.compile(pattern.encode("utf-8"))


@lru_cache(maxsize=1)
def load_profiles() -> dict[str, EngineProfile]:
    """Every engine profile of ``graph/engines.json`` by name (``generic`` among them)."""
    raw = json.loads(PROFILES_FILE.read_text(encoding="utf-8"))
    profiles: dict[str, EngineProfile] = {}
    for name, entry in raw.items():
        profile = EngineProfile(
            name=name,
            description=entry.get("description", ""),
            server_header=entry.get("server_header"),
            union_default_graph=entry.get("union_default_graph", "protocol"),
            union_parameter=entry.get("union_parameter"),
            results_format=entry.get("results_format", EngineProfile.results_format),
            graph_format=entry.get("graph_format", EngineProfile.graph_format),
            graphs_query=entry.get("graphs_query", EngineProfile.graphs_query),
            auth=entry.get("auth", "basic"),
            hidden_graph_prefixes=tuple(entry.get("hidden_graph_prefixes", ())),
            result_replacements=tuple(tuple(pair) for pair in entry.get(
                "result_replacements", ())),
            client_error_pattern=entry.get("client_error_pattern"),
            empty_graph_set=entry.get("empty_graph_set"),
            notes=tuple(entry.get("notes", ())),
        )
        if profile.union_default_graph not in UNION_MODES:
            raise ValueError(f"{PROFILES_FILE}: {name}: union_default_graph must be one of"
                             f" {', '.join(UNION_MODES)}")
        if profile.union_default_graph == "parameter" and not profile.union_parameter:
            raise ValueError(f"{PROFILES_FILE}: {name}: union_parameter is missing")
        profiles[name] = profile
    if "generic" not in profiles:
        raise ValueError(f"{PROFILES_FILE}: the 'generic' profile is missing")
    return profiles


def profile_named(name: str) -> EngineProfile:
    """A profile by name; StoreError listing the known ones when there is none."""
    profiles = load_profiles()
    if name not in profiles:
        raise StoreError(f"unknown engine profile {name!r} (KKG_ENGINE_PROFILE); known:"
                         f" {', '.join(sorted(profiles))}")
    return profiles[name]


def profile_for_server(server_header: str) -> EngineProfile:
    """The profile whose ``server_header`` pattern matches an HTTP ``Server`` header."""
    for profile in load_profiles().values():
        if profile.server_header and re.search(profile.server_header, server_header or ""):
            return profile
    return load_profiles()["generic"]


# ------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class EngineSettings:
    """Where the engine is and how to reach it; credentials come from the environment."""

    url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str | None = None        # basic | digest; None: the profile's
    profile: str | None = None     # a profile name; None: detected from the Server header
    timeout_s: float = 10.0
    max_pending: int = 8
    max_result_bytes: int | None = None  # answers are cut past this (as the embedded store's)

    @property
    def max_body_bytes(self) -> int | None:
        """The most the engine may send for one query: its formats are wordier than rows."""
        return None if self.max_result_bytes is None else BODY_FACTOR * self.max_result_bytes

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^/\s]+", self.url):
            raise StoreError(f"the engine URL must be an http:// or https:// URL, not"
                             f" {self.url!r} (--engine / KKG_ENGINE)")
        if self.auth not in (None, "basic", "digest"):
            raise StoreError(f"KKG_ENGINE_AUTH must be 'basic' or 'digest', not {self.auth!r}")
        if self.profile is not None:
            profile_named(self.profile)

    @classmethod
    def from_env(cls, url: str, *, timeout_s: float = 10.0, max_pending: int = 8,
                 max_result_bytes: int | None = None,
                 environ: Mapping[str, str] | None = None) -> EngineSettings:
        """Settings for ``url`` with ``KKG_ENGINE_USER``, ``_PASSWORD``, ``_AUTH``, ``_PROFILE``.

        Why the environment: a password on a command line is visible to every user of the
        machine (``ps``), and the server's worker processes all read the same environment.
        """
        env = os.environ if environ is None else environ
        return cls(
            url=url.strip(),
            user=env.get("KKG_ENGINE_USER") or None,
            password=env.get("KKG_ENGINE_PASSWORD") or None,
            auth=(env.get("KKG_ENGINE_AUTH") or "").lower() or None,
            profile=env.get("KKG_ENGINE_PROFILE") or None,
            timeout_s=timeout_s,
            max_pending=max_pending,
            max_result_bytes=max_result_bytes,
        )


# ------------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class _Reply:
    body: bytes
    media_type: str
    server: str


class RemoteStore:
    """A SPARQL 1.1 endpoint used as the served store (see the module docstring)."""

    path: Path | None = None  # no folder: query processes have nothing to open

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.url = settings.url
        self.timeout_s = settings.timeout_s
        self.pid = os.getpid()
        self._profile = profile_named(settings.profile) if settings.profile else None
        self._slots = threading.BoundedSemaphore(max(settings.max_pending, 1))
        self._lock = threading.Lock()
        self._graphs: tuple[float, list[str]] | None = None
        self._count: tuple[float, int] | None = None
        self._auth: str | None = None  # the scheme the engine's challenge asked for

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # ---------------------------------------------------------------- the GraphStore side

    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
        timeout_s: float | None = None,
    ) -> QueryResult | Iterator[ox.Triple]:
        """Run a read-only query on the engine; pyoxigraph results, as the embedded store's.

        CONSTRUCT and DESCRIBE answer an iterator of ``ox.Triple``; SELECT and ASK answer
        ``ox.QuerySolutions`` and ``ox.QueryBoolean``.
        """
        checked = self._check(sparql, default_graph, named_graphs)
        text = inline_bindings(sparql, bindings) if bindings else sparql
        parameters = self._dataset(default_graph, named_graphs, union_default_graph)
        reply = self._send(text, checked, parameters, timeout_s)
        return self._parse(reply, checked)

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, str | None]]:
        """Run a SELECT and return rows of plain strings (IRIs and lexical forms)."""
        result = _solutions(self.query(sparql, **kwargs))
        names = [v.value for v in result.variables]
        return [{n: _plain(row[n]) for n in names} for row in result]

    def graphs(self) -> list[str]:
        """The IRIs of the engine's named graphs (its system graphs left out), sorted.

        Kept ``GRAPHS_TTL_S`` seconds: it is asked before every /sparql query, and a graph
        published meanwhile shows up within that time.
        """
        with self._lock:
            cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < GRAPHS_TTL_S:
            return list(cached[1])
        profile = self._engine_profile()
        text = read_query_text(profile.graphs_query)
        checked = inspect_query(text)
        result = _solutions(self._parse(self._send(text, checked, [], None), checked))
        found = sorted({row["g"].value for row in result
                        if isinstance(row["g"], ox.NamedNode) and profile.visible(row["g"].value)})
        with self._lock:
            self._graphs = (time.monotonic(), found)
        return list(found)

    def labels(self, iris: Iterable[str], *, limit: int = 500) -> dict[str, str]:
        """The ``rdfs:label`` of each IRI that has one (English or plain first), in a few requests.

        The IRIs go into a trailing VALUES block of N-Triples terms (``ox.NamedNode`` checks
        each), so a page of API rows costs one request per ``LABELS_CHUNK`` IRIs.
        """
        wanted = [iri for iri in dict.fromkeys(iris) if _valid_iri(iri)][:limit]
        text = read_query_text(LABELS_QUERY)
        best: dict[str, tuple[int, str]] = {}
        for start in range(0, len(wanted), LABELS_CHUNK):
            chunk = wanted[start:start + LABELS_CHUNK]
            values = " ".join(str(ox.NamedNode(iri)) for iri in chunk)
            result = _solutions(self.query(f"{text}\nVALUES ?resource {{ {values} }}\n"))
            for row in result:
                label = row["label"]
                if not isinstance(label, ox.Literal):
                    continue
                rank = 0 if label.language in (None, "en") else 1
                key = row["resource"].value
                if key not in best or (rank, label.value) < best[key]:
                    best[key] = (rank, label.value)
        return {iri: value for iri, (_rank, value) in best.items()}

    def count(self) -> int:
        """How many quads the served graphs hold (kept as long as the graph list)."""
        with self._lock:
            cached = self._count
        if cached is not None and time.monotonic() - cached[0] < GRAPHS_TTL_S:
            return cached[1]
        rows = self.select(read_query_text(COUNT_QUERY), union_default_graph=True)
        total = int(rows[0]["quads"] or 0) if rows else 0
        with self._lock:
            self._count = (time.monotonic(), total)
        return total

    # ------------------------------------------------------------- the QueryExecutor side

    def run(self, job: QueryJob, *, timeout_s: float | None = None) -> Serialised:
        """Run one job as ``QueryExecutor.run`` does: a deadline, and busy past the queue."""
        if not self._slots.acquire(blocking=False):
            raise ServiceBusyError(
                f"busy: {self.settings.max_pending} queries are already waiting for the SPARQL"
                " engine; retry shortly")
        try:
            result = self.query(
                job.query,
                bindings=dict(job.bindings) or None,
                default_graph=list(job.default_graphs) if job.default_graphs is not None
                else None,
                named_graphs=list(job.named_graphs) if job.named_graphs is not None else None,
                union_default_graph=job.union_default_graph,
                timeout_s=self.timeout_s if timeout_s is None else timeout_s,
            )
            max_bytes = job.max_bytes if job.max_bytes is not None else (
                self.settings.max_result_bytes)
            return serialise(result, job.media_type, job.max_rows,  # type: ignore[arg-type]
                             max_bytes)
        finally:
            self._slots.release()

    def check(self) -> None:
        """Ask the engine whether it holds data: StoreError (one line) when not, or unreachable."""
        text = read_query_text(PROBE_QUERY)
        checked = inspect_query(text)
        result = self._parse(self._send(text, checked, [], None), checked)
        if not bool(result):
            raise StoreError(f"the SPARQL engine at {self.url} holds no named graph: publish"
                             " the graph to it first (ketamine-kg publish --to <its Graph Store"
                             " URL>)")

    def close(self) -> None:
        """Nothing to stop: the engine's connections are opened per query."""

    # ------------------------------------------------------------------------ internals

    def _engine_profile(self) -> EngineProfile:
        """The engine's profile, detected once from the ``Server`` header of a probe query."""
        if self._profile is None:
            text = read_query_text(PROBE_QUERY)
            reply = self._send(text, inspect_query(text), [], None, profile=load_profiles()[
                "generic"])
            self._profile = profile_for_server(reply.server)
        return self._profile

    def _check(self, sparql: str, default_graph: list[str] | None,
               named_graphs: list[str] | None) -> CheckedQuery:
        """The guard, with the engine's graphs as the only ones FROM may name.

        Stricter than the embedded store: a FROM naming another graph is refused even when
        protocol graphs replace it, because whether an engine fetches a FROM IRI it does not
        hold is the engine's choice (Virtuoso can), and the query text goes to it as written.
        """
        return inspect_query(sparql, allowed_graphs=self.graphs())

    def _dataset(self, default_graph: list[str] | None, named_graphs: list[str] | None,
                 union_default_graph: bool) -> list[tuple[str, str]]:
        """The protocol parameters naming the query's dataset, as the embedded store sees it."""
        if default_graph is not None or named_graphs is not None:
            defaults = self._held(default_graph)
            named = self._held(named_graphs)
            placeholder = self._engine_profile().empty_graph_set
            if placeholder and not (defaults and named):  # the engine fills an empty side
                defaults, named = defaults or [placeholder], named or [placeholder]
            return ([("default-graph-uri", g) for g in defaults]
                    + [("named-graph-uri", g) for g in named])
        if not union_default_graph:
            return []  # the query's own FROM / FROM NAMED
        profile = self._engine_profile()
        if profile.union_default_graph == "parameter":
            return [(profile.union_parameter or "", "true")]
        if profile.union_default_graph == "native":
            return []
        graphs = self.graphs()
        return ([("default-graph-uri", g) for g in graphs]
                + [("named-graph-uri", g) for g in graphs])

    def _held(self, graphs: list[str] | None) -> list[str]:
        """The protocol graphs the engine holds; one it lacks is an empty graph, never sent.

        Why: SPARQL 1.1 Protocol §2.1.4 makes the request's dataset the one the query runs on,
        so a graph the engine lacks is empty (as the embedded store answers), but an engine
        may fetch an IRI it does not hold. A side left with no graph is named with
        ``NO_GRAPH``, an IRI no graph has and no engine can fetch.
        """
        if not graphs:
            return []
        known = set(self.graphs())
        return [g for g in graphs if g in known] or [NO_GRAPH]

    def _send(self, text: str, checked: CheckedQuery, parameters: list[tuple[str, str]],
              timeout_s: float | None, *, profile: EngineProfile | None = None) -> _Reply:
        """POST one query (already through the guard) and read the whole answer.

        With credentials, a 401 whose challenge names the other scheme (basic or digest) is
        answered once more in that scheme, which is then kept: the scheme need not be
        configured, and the probe that detects the profile can meet a challenge first.
        """
        profile = profile or self._engine_profile()
        limit = self.timeout_s if timeout_s is None else timeout_s
        auth = self._auth or self.settings.auth or profile.auth
        for attempt in (1, 2):
            wrapper = self._wrapper(text, checked, parameters, profile, auth, limit)
            try:
                response = wrapper.query().response
                body = _read_capped(response, self.settings.max_body_bytes, self.url)
            except KGError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes one project error
                wanted = _challenge_scheme(exc)
                if attempt == 1 and self.settings.user and wanted and wanted != auth:
                    auth = self._auth = wanted
                    continue
                raise self._error(exc, limit, profile) from None
            return _Reply(body, response.headers.get_content_type(),
                          response.headers.get("Server", ""))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _wrapper(self, text: str, checked: CheckedQuery, parameters: list[tuple[str, str]],
                 profile: EngineProfile, auth: str, limit: float) -> SPARQLWrapper:
        """A SPARQLWrapper request: a form POST, the exact Accept, the dataset, credentials."""
        wrapper = SPARQLWrapper(self.url, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: Accept says it exactly
        wrapper.setQuery(_PRELUDE + text)
        # The guard's form, not SPARQLWrapper's keyword regex, decides that this is a query:
        # the regex can mistake a word in a comment for INSERT and send it as an update.
        wrapper.queryType = checked.form.value
        accept = profile.graph_format if checked.form.returns_graph else profile.results_format
        wrapper.addCustomHttpHeader("Accept", accept)
        for name, value in parameters:
            wrapper.addParameter(name, value)
        if self.settings.user:
            wrapper.setCredentials(self.settings.user, self.settings.password or "")
            wrapper.setHTTPAuth(DIGEST if auth == "digest" else BASIC)
        wrapper.timeout = limit  # type: ignore[assignment] - setTimeout() drops the fraction
        return wrapper

    def _parse(self, reply: _Reply, checked: CheckedQuery) -> QueryResult | Iterator[ox.Triple]:
        """The engine's answer as pyoxigraph results (the embedded store's types)."""
        profile = self._profile or load_profiles()["generic"]
        try:
            if checked.form.returns_graph:
                fmt = ox.RdfFormat.from_media_type(reply.media_type)
                if fmt is None:
                    raise QueryAbortedError(
                        f"the SPARQL engine answered a {checked.form.value} in"
                        f" {reply.media_type}, which is not an RDF format")
                quads = list(ox.parse(reply.body, format=fmt))
                return iter([quad.triple for quad in quads])
            results_format = ox.QueryResultsFormat.from_media_type(reply.media_type)
            if results_format is None:
                raise QueryAbortedError(
                    f"the SPARQL engine answered a {checked.form.value} in {reply.media_type},"
                    " which is not a SPARQL results format")
            return ox.parse_query_results(profile.fix_results(reply.body), format=results_format)
        except SyntaxError as exc:
            raise QueryAbortedError(
                f"the SPARQL engine's answer could not be read: {_first_line(str(exc))}") from None

    def _error(self, exc: Exception, limit: float, profile: EngineProfile) -> KGError:
        """One project error, with one line, for a failed request to the engine."""
        where = f"the SPARQL engine at {self.url}"
        if isinstance(exc, SPARQLWrapperException | urllib.error.HTTPError):
            return _http_error(exc, where, profile)
        if isinstance(exc, TimeoutError) or (
                isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, TimeoutError)):
            return QueryTimeoutError(f"{where} did not answer within {limit:g} s")
        if isinstance(exc, urllib.error.URLError):
            return StoreError(f"{where} is unreachable: {_first_line(str(exc.reason))}")
        if isinstance(exc, OSError | HTTPException):
            reason = _first_line(str(exc)) or type(exc).__name__
            return StoreError(f"{where} broke off the answer: {reason}")
        return QueryAbortedError(f"{where} could not be asked: {type(exc).__name__}:"
                                 f" {_first_line(str(exc))}")


def _http_error(exc: Exception, where: str, profile: EngineProfile) -> KGError:
    """Map an HTTP error status of the engine to the project error a client can act on."""
    if isinstance(exc, urllib.error.HTTPError):
        code, message = exc.code, _first_line(_read_error_body(exc))
    else:
        code = getattr(exc.__context__, "code", 0)
        message = _first_line(_wrapper_body(exc))
    detail = f": {message}" if message else ""
    if code == 400:
        return QuerySyntaxError(f"SPARQL syntax error or a query the engine cannot run{detail}")
    if code in (401, 403):
        return StoreError(f"{where} refused access ({code}): set KKG_ENGINE_USER and"
                          " KKG_ENGINE_PASSWORD (and KKG_ENGINE_AUTH=basic|digest)")
    if code == 404:
        return StoreError(f"{where} has no SPARQL endpoint at that URL (404); check --engine")
    if code in (413, 414):
        return QueryRefusedError(f"{where} refused the query as too large ({code})")
    if code == 500 and profile.is_client_error(message):
        return QuerySyntaxError(f"SPARQL syntax error or a query the engine cannot run{detail}")
    if code in (502, 503, 504):
        return StoreError(f"{where} is unavailable ({code}){detail}")
    return QueryAbortedError(f"{where} failed on this query ({code}){detail}")


def _read_capped(response: Any, limit: int | None, url: str) -> bytes:
    """The whole answer, or QueryLimitError past ``limit`` bytes (nothing more is read)."""
    if limit is None:
        return bytes(response.read())
    body = bytes(response.read(limit + 1))
    if len(body) > limit:
        response.close()
        raise QueryLimitError(
            f"the SPARQL engine at {url} answered more than {limit:,} bytes for this query"
            f" ({BODY_FACTOR} x KKG_MAX_RESULT_BYTES); ask for fewer rows (LIMIT)")
    return body


def _challenge_scheme(exc: Exception) -> str | None:
    """The scheme a 401 asks for: its challenge's, else its engine profile's; None if no 401.

    Virtuoso answers credentials in the wrong scheme with a 401 that has no challenge, but
    its ``Server`` header names it, and its profile says digest.
    """
    http_error = exc if isinstance(exc, urllib.error.HTTPError) else exc.__context__
    if not isinstance(http_error, urllib.error.HTTPError) or http_error.code != 401:
        return None
    scheme = (http_error.headers.get("WWW-Authenticate") or "").split(" ", 1)[0].lower()
    if scheme in ("basic", "digest"):
        return scheme
    return profile_for_server(http_error.headers.get("Server") or "").auth


def _wrapper_body(exc: Exception) -> str:
    """The engine's response body that a SPARQLWrapper exception quotes in its message."""
    _head, found, tail = str(exc).partition("Response:\n")
    if not found:
        return ""
    try:
        raw = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _read_error_body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace")
    except (OSError, HTTPException):
        return ""


def _first_line(text: str) -> str:
    """The first non-blank line of an engine's message, shortened."""
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:_MAX_MESSAGE]
    return ""


def _solutions(result: object) -> ox.QuerySolutions:
    if not isinstance(result, ox.QuerySolutions):
        raise QuerySyntaxError("expected a SELECT query")
    return result


def _plain(term: object) -> str | None:
    if term is None:
        return None
    return getattr(term, "value", str(term))


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True
