"""``ketamine-kg publish --to URL``: upload the graph to a SPARQL engine's Graph Store.

Why the SPARQL 1.1 Graph Store HTTP Protocol and one PUT per named graph: PUT replaces the
graph it names, so publishing twice leaves the engine with the same graphs (no duplicates, no
stale triples of a rebuilt document), and every engine that speaks the standard (Oxigraph
server at ``/store``, Virtuoso at ``/sparql-graph-crud-auth``, Fuseki at ``/<dataset>/data``)
takes the same requests: no engine-specific code. The graphs go in a fixed order (ontology,
documents, inferred) so a reader of a half-published engine sees the schema first.

The body is N-Triples (a subset of Turtle every engine reads, with no prefix or base to
resolve), written by pyoxigraph from the store. Credentials come from ``KKG_ENGINE_USER`` and
``KKG_ENGINE_PASSWORD`` and go with every PUT in the scheme the engine asks for (basic or
digest), learnt with one HEAD request first.
Graphs of the target that this store does not have are left alone: the engine may hold other
data, and deleting is not this command's business.
"""

from __future__ import annotations

import base64
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from graph.errors import KGError
from graph.namespaces import KKGRAPH
from graph.store import GraphStore

CONTENT_TYPE = "application/n-triples"
USER_AGENT = "ketamine-kg publish"
DEFAULT_TIMEOUT_S = 120.0
ONTOLOGY_GRAPH = f"{KKGRAPH}ontology"
INFERRED_GRAPH = f"{KKGRAPH}inferred"

Progress = Callable[[str], None]


class PublishError(KGError):
    """The graph could not be uploaded: the target is unreachable, refuses, or is no Graph Store."""

    http_status = 502


@dataclass(frozen=True)
class PublishedGraph:
    """One uploaded graph: its IRI, how many triples were sent, and the HTTP status."""

    iri: str
    triples: int
    status: int


@dataclass
class PublishReport:
    """What ``publish`` did, for the command line to print."""

    target: str
    graphs: list[PublishedGraph] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Triples sent in all."""
        return sum(g.triples for g in self.graphs)


def publish(
    store: GraphStore,
    target: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Progress | None = None,
) -> PublishReport:
    """PUT every named graph of ``store`` to the Graph Store at ``target``; PublishError if not."""
    _check_target(target)
    report = PublishReport(target)
    started = time.perf_counter()
    graphs = publication_order(store.graphs())
    if not graphs:
        raise PublishError("the graph is empty: nothing to publish (run 'ketamine-kg build')")
    uploader = _Uploader(target, user, password, timeout_s)
    uploader.learn(graph_url(target, graphs[0]))
    for iri in graphs:
        body = store.dump(ox.RdfFormat.N_TRIPLES, graphs=[iri])
        triples = body.count(b"\n")
        status = uploader.put(graph_url(target, iri), body)
        report.graphs.append(PublishedGraph(iri, triples, status))
        if progress:
            progress(f"publish: {iri} ({triples} triples) -> {status}")
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def credentials_from_env(environ: Mapping[str, str] | None = None) -> tuple[str | None,
                                                                             str | None]:
    """``KKG_ENGINE_USER`` and ``KKG_ENGINE_PASSWORD`` (never a command-line option: ``ps``)."""
    env = os.environ if environ is None else environ
    return env.get("KKG_ENGINE_USER") or None, env.get("KKG_ENGINE_PASSWORD") or None


def publication_order(graphs: list[str]) -> list[str]:
    """The ontology first, then the documents (sorted), the inferred graph last."""
    def rank(iri: str) -> tuple[int, str]:
        return (0 if iri == ONTOLOGY_GRAPH else 2 if iri == INFERRED_GRAPH else 1, iri)

    return sorted(graphs, key=rank)


def graph_url(target: str, graph: str) -> str:
    """The Graph Store URL of one named graph (``?graph=``, the protocol's indirect form)."""
    separator = "&" if urlsplit(target).query else "?"
    return f"{target}{separator}{urlencode({'graph': graph})}"


def _check_target(target: str) -> None:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"--to must be the http(s) URL of a Graph Store endpoint, not"
                           f" {target!r} (e.g. http://127.0.0.1:7878/store)")


class _Uploader:
    """PUTs graphs with the credentials sent up front, once one HEAD has learnt the scheme.

    Why not only urllib's auth handlers: they answer a 401 by sending the request again, so
    every graph would be uploaded twice, and an engine that answers 401 before reading the
    body and closes the connection (Virtuoso) breaks the first upload with a broken pipe. The
    handlers stay in the opener as the fallback (a stale digest nonce is answered by them).
    """

    def __init__(self, target: str, user: str | None, password: str | None,
                 timeout_s: float) -> None:
        self.target = target
        self.timeout_s = timeout_s
        self.user, self.password = user, password or ""
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        handlers: list[urllib.request.BaseHandler] = []
        self.digest: urllib.request.HTTPDigestAuthHandler | None = None
        if user:
            passwords.add_password(None, target, user, self.password)
            self.digest = urllib.request.HTTPDigestAuthHandler(passwords)
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self.opener = urllib.request.build_opener(*handlers)
        self.scheme: str | None = None
        self.challenge: dict[str, str] = {}

    def learn(self, url: str) -> None:
        """Ask with HEAD (no body) which authentication the target wants, if any."""
        if not self.user:
            return
        probe = urllib.request.Request(url, method="HEAD",  # noqa: S310 - http(s), checked
                                       headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.build_opener().open(probe, timeout=self.timeout_s):
                return
        except urllib.error.HTTPError as exc:
            header = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        except (OSError, HTTPException) as exc:
            raise self._failure(exc) from None
        scheme, _, rest = header.partition(" ")
        if scheme.lower() in ("digest", "basic"):
            self.scheme = scheme.lower()
            self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))

    def put(self, url: str, body: bytes) -> int:
        """One PUT; its status, or PublishError with one line."""
        # The scheme is checked (http or https) by _check_target before any request.
        request = urllib.request.Request(url, data=body, method="PUT", headers={  # noqa: S310
            "Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT})
        authorization = self._authorization(request)
        if authorization:
            request.add_unredirected_header("Authorization", authorization)
        try:
            with self.opener.open(request, timeout=self.timeout_s) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            raise PublishError(_refusal(exc, self.target)) from None
        except (OSError, HTTPException) as exc:
            raise self._failure(exc) from None

    def _authorization(self, request: urllib.request.Request) -> str | None:
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        if self.scheme == "digest" and self.digest is not None:
            answer = self.digest.get_authorization(request, self.challenge)
            return f"Digest {answer}" if answer else None
        return None

    def _failure(self, exc: BaseException) -> PublishError:
        where = f"the Graph Store at {self.target}"
        if isinstance(exc, TimeoutError) or (isinstance(exc, urllib.error.URLError)
                                             and isinstance(exc.reason, TimeoutError)):
            return PublishError(f"{where} did not answer within {self.timeout_s:g} s")
        if isinstance(exc, urllib.error.URLError):
            return PublishError(f"{where} is unreachable: {_one_line(str(exc.reason))}")
        return PublishError(f"{where} broke off the upload:"
                            f" {_one_line(str(exc)) or type(exc).__name__}")


def _refusal(exc: urllib.error.HTTPError, target: str) -> str:
    """One line saying why the target refused a PUT, and what to try."""
    try:
        detail = _one_line(exc.read().decode("utf-8", "replace"))
    except (OSError, HTTPException):
        detail = ""
    detail = f": {detail}" if detail and "<" not in detail[:1] else ""
    where = f"the Graph Store at {target}"
    if exc.code in (401, 403):
        return (f"{where} refused the upload ({exc.code}); set KKG_ENGINE_USER and"
                " KKG_ENGINE_PASSWORD to a user allowed to write")
    if exc.code in (404, 405):
        return (f"{where} does not accept PUT ({exc.code}): --to must be its Graph Store"
                " endpoint (Oxigraph: /store, Virtuoso: /sparql-graph-crud-auth)")
    return f"{where} refused the upload ({exc.code}){detail}"


def _one_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:300]
    return ""
