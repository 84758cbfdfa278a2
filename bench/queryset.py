"""The benchmark's query set: the named API queries plus ``bench/queries/*.rq``, made concrete.

Every server gets the same SPARQL text: parameters are bound the project's way (a VALUES
block opening the WHERE group, ``graph.guard.inline_bindings``) with values taken from the
dataset's manifest (``bench/data/synth-<size>.json``), so an IRI parameter always names
something the generated graph holds. Label search additionally has a native form for this
server (``/search``), measured beside the regex scan the other engines must run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from graph.guard import inline_bindings
from graph.queries import NamedQuery, load_queries, parse_query_file

BENCH_QUERIES = Path(__file__).resolve().parent / "queries"
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
_SEARCH = re.compile(r"^#\+\s*search:\s*(\S+)", re.M)  # what /search is asked for the same


@dataclass(frozen=True)
class HttpRequest:
    """One request as wrk sends it (path relative to the server's base URL)."""

    method: str
    path: str
    accept: str
    content_type: str = "-"
    body: str = ""

    def as_file_text(self) -> str:
        """The request file ``bench/lua/request.lua`` reads."""
        return f"{self.method}\n{self.path}\n{self.accept}\n{self.content_type}\n{self.body}"


@dataclass(frozen=True)
class BenchQuery:
    """A query of the set: its name, group and the SPARQL text every engine runs."""

    name: str
    group: str  # named, lookup, join, closure, aggregate, search
    title: str
    sparql: str
    search_term: str | None = None  # label search: what /search is asked

    def sparql_request(self, sparql_path: str) -> HttpRequest:
        """The SPARQL 1.1 Protocol form POST, identical for every engine."""
        return HttpRequest("POST", sparql_path, SPARQL_JSON, FORM,
                           urlencode({"query": self.sparql}))

    def search_request(self) -> HttpRequest | None:
        """This server's native index for the same question (``/search``), if it has one."""
        if self.search_term is None:
            return None
        return HttpRequest("GET", "/search?" + urlencode(
            {"q": self.search_term, "format": "json", "limit": 20}), "application/json")


def _group(name: str) -> str:
    for prefix in ("lookup", "join", "closure", "aggregate"):
        if name.startswith(prefix):
            return prefix
    return "search" if name.startswith("label-search") else "named"


def parameter_values(manifest: dict[str, object]) -> dict[str, str]:
    """Parameter values that exist in the generated data (IRIs from the manifest anchors)."""
    anchors = dict(manifest["anchors"])  # type: ignore[call-overload]
    return {
        "drug": str(anchors["drug"]),
        "subject": str(anchors["drug"]),
        "object": str(anchors["object"]),
        "document": str(anchors["document"]),
        "claim": str(anchors["claim"]),
    }


def _bind(query: NamedQuery, values: dict[str, str]) -> str:
    """The query text with every parameter that has a value (or a default) bound inline."""
    chosen = {p.name: values[p.name] for p in query.params if p.name in values}
    bindings: dict[str, ox.NamedNode | ox.Literal] = query.bindings(chosen)
    return inline_bindings(query.text, bindings) if bindings else query.text


def load_set(manifest_path: Path, *, only: list[str] | None = None) -> list[BenchQuery]:
    """Named API queries (sorted), then the benchmark's own queries (sorted)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    values = parameter_values(manifest)
    chosen: list[BenchQuery] = []
    for name, query in sorted(load_queries().items()):
        if query.kind == "api":
            chosen.append(BenchQuery(name, "named", query.title, _bind(query, values)))
    for path in sorted(BENCH_QUERIES.glob("*.rq")):
        query = parse_query_file(path, "bench")
        term = _SEARCH.search(query.text)
        chosen.append(BenchQuery(query.name, _group(query.name), query.title,
                                 _bind(query, values), term.group(1) if term else None))
    if only:
        chosen = [q for q in chosen if any(o in q.name for o in only)]
    return chosen
