"""``/api/queries``: the named queries (competency questions and checks) as a JSON/CSV API.

A client that does not speak SPARQL asks a question by name and gets rows; parameters are
bound as RDF terms by ``graph.queries`` (never pasted into the text), and the query runs
through the same executor, time limit and row cap as ``/sparql``. The default answer is the
shape ``ketamine-kg query --format json`` prints, plus a CURIE and a label for each IRI;
``format=sparql-json`` (or any SPARQL format) passes the engine's answer through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import NotAcceptable

from graph.errors import QueryNotFoundError, QueryParameterError
from graph.executor import QueryJob
from graph.guard import inspect_query
from graph.namespaces import shorten_iri
from graph.queries import NamedQuery, load_queries
from graph.query_runner import format_rows
from graph.results import Serialised
from server import cors
from server.execution import run_job
from server.negotiation import API_CSV, API_JSON, GRAPH, RESULTS, choose_from, formats_of
from server.protocol import parse_pairs
from server.sparql import TRUNCATED_HEADER, answer
from server.store import get_store
from server.urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api")
cors.allow(bp)

PUBLIC_KINDS = ("api", "checks")
RESERVED = ("format",)
_CACHE_KEY = "kkg_named_queries"
# What the engine writes when the API builds its own rows: results, or triples line by line.
_WIRE = {RESULTS: "application/sparql-results+json", GRAPH: "application/n-triples"}
Row = dict[str, str | None]


@bp.get("/queries")
def list_queries() -> Response:
    """Every public named query with its parameters and the URL that runs it."""
    return jsonify({"queries": [_summary(q) for q in _public().values()]})


@bp.get("/queries/<name>")
def run_query(name: str) -> Response:
    """Run one named query with the request's parameters bound."""
    query = _public().get(name)
    if query is None:
        raise QueryNotFoundError(
            f"no query named {name!r}; GET {external_url('api.list_queries')} lists them")
    pairs = parse_pairs(request.query_string, "the URL query string")
    bindings = query.bindings(_values(pairs))
    checked = inspect_query(query.text, allowed_graphs=get_store().graphs())
    kind = GRAPH if checked.form.returns_graph else RESULTS
    candidates = (API_JSON, API_CSV) + tuple(
        f for f in formats_of(kind) if f.media_type != API_CSV.media_type)
    fmt = choose_from(request.headers.get("Accept"), candidates,
                      [v for k, v in pairs if k == "format"])
    if fmt is None:
        names = ", ".join(f"{f.media_type} ({f.names[0]})" for f in candidates)
        raise NotAcceptable(f"no acceptable format; this query answers in: {names}")
    simple = fmt in (API_JSON, API_CSV)
    result = run_job(QueryJob(
        query.text, _WIRE[kind] if simple else fmt.media_type,
        int(current_app.config["KKG_MAX_ROWS"]),
        bindings=bindings, union_default_graph=not checked.has_dataset_clause))
    if not simple:
        return answer(result, fmt)
    columns, rows, iris = _table(result, kind)
    if fmt is API_CSV:
        response = Response(format_rows(columns, rows, "csv"), content_type=fmt.content_type)
    else:
        body = {"query": query.name, "title": query.title, "columns": columns, "rows": rows,
                "iris": _describe_iris(iris), "truncated": result.truncated}
        response = Response(json.dumps(body, ensure_ascii=False), mimetype=API_JSON.media_type)
    response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
    response.headers["Vary"] = "Accept"
    return response


def _public() -> dict[str, NamedQuery]:
    """The api and checks queries, read once per app (query files do not change at run time)."""
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None:
        root = str(current_app.config.get("KKG_QUERIES_DIR") or "")
        every = load_queries(Path(root) if root else None)
        cached = {n: q for n, q in sorted(every.items()) if q.kind in PUBLIC_KINDS}
        current_app.extensions[_CACHE_KEY] = cached
    return cached


def _summary(query: NamedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "kind": query.kind,
        "parameters": [{"name": p.name, "kind": p.kind, "default": p.default,
                        "description": p.description} for p in query.params],
        "url": external_url("api.run_query", name=query.name),
    }


def _values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Parameter values from the URL; a parameter given twice is an error, not a choice."""
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in RESERVED:
            continue
        if key in values:
            raise QueryParameterError(f"parameter '{key}' is given more than once")
        values[key] = value
    return values


def _table(result: Serialised, kind: str) -> tuple[list[str], list[Row], set[str]]:
    """Columns, plain-string rows and the IRIs among the values, from the engine's answer."""
    if kind == GRAPH:
        triples = ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)
        columns = ["subject", "predicate", "object"]
        rows: list[Row] = []
        iris: set[str] = set()
        for triple in triples:
            terms = (triple.subject, triple.predicate, triple.object)
            rows.append({c: t.value for c, t in zip(columns, terms, strict=True)})
            iris.update(t.value for t in terms if isinstance(t, ox.NamedNode))
        return columns, rows, iris
    document = json.loads(result.body)
    if "boolean" in document:
        return ["answer"], [{"answer": "true" if document["boolean"] else "false"}], set()
    columns = list(document["head"]["vars"])
    bindings = document["results"]["bindings"]
    rows = [{c: (b[c]["value"] if c in b else None) for c in columns} for b in bindings]
    iris = {b[c]["value"] for b in bindings for c in columns
            if c in b and b[c]["type"] == "uri"}
    return columns, rows, iris


def _describe_iris(iris: set[str]) -> dict[str, dict[str, str]]:
    """A CURIE and a label for each IRI (labels by index lookup, bounded)."""
    labels = get_store().labels(sorted(iris))
    described: dict[str, dict[str, str]] = {}
    for iri in sorted(iris):
        entry = {"curie": shorten_iri(iri)}
        if iri in labels:
            entry["label"] = labels[iri]
        described[iri] = entry
    return described
