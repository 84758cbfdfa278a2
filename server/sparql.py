"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only, with limits.

One request goes: parse (``server.protocol``) → static check (``graph.guard``: no update, no
SERVICE, no foreign FROM) → choose the answer format (``server.negotiation``) → run in a
killable worker process (``graph.executor``) under the time limit and row cap → answer. A GET
without a query answers the Service Description, or sends a browser to the query editor.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from graph.executor import QueryJob
from graph.guard import CheckedQuery, inspect_query
from graph.results import Serialised
from server import cors
from server.execution import run_job
from server.negotiation import GRAPH, RESULTS, Format, choose, describe, prefers_html
from server.protocol import SparqlRequest, read_request
from server.service_description import describe_service, serialise_description
from server.store import get_store
from server.urls import external_url

bp = Blueprint("sparql", __name__)
cors.allow(bp)

EDITOR_PATH = "/editor"
TRUNCATED_HEADER = "X-KKG-Truncated"
_log = logging.getLogger(__name__)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query, or describe the service when there is none."""
    sparql = read_request(int(current_app.config["KKG_MAX_QUERY_BYTES"]))
    accept = request.headers.get("Accept")
    if sparql.query is None:
        if request.method == "POST":
            raise BadRequest("no 'query' parameter: send the query as 'query' (form or URL) or"
                             " as an application/sparql-query body")
        if prefers_html(accept):
            return redirect(request.script_root + EDITOR_PATH,  # type: ignore[return-value]
                            code=303)
        return _service_description(sparql, accept)
    checked = inspect_query(sparql.query, allowed_graphs=get_store().graphs(),
                            dataset_given=sparql.names_dataset)
    kind = GRAPH if checked.form.returns_graph else RESULTS
    fmt = choose(accept, kind, sparql.formats)
    if fmt is None:
        raise NotAcceptable(f"no acceptable format for a {checked.form.value} answer; this"
                            f" endpoint writes: {describe(kind)}")
    started = time.perf_counter()
    result = run_job(_job(sparql, checked, fmt))
    _log.debug("%s answered in %.1f ms, %s rows%s", checked.form.value,
               (time.perf_counter() - started) * 1000, result.rows,
               " (truncated)" if result.truncated else "")
    return answer(result, fmt)


def answer(result: Serialised, fmt: Format) -> Response:
    """The HTTP response for a serialised result (shared with the named-query API)."""
    response = Response(result.body, status=200, content_type=fmt.content_type)
    response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
    response.headers["Vary"] = "Accept"
    return response


def _job(sparql: SparqlRequest, checked: CheckedQuery, fmt: Format) -> QueryJob:
    """The executor job; protocol graphs replace the query's FROM clauses (as the spec says).

    A protocol graph the store does not hold is an empty graph (SPARQL 1.1 Protocol §2.1.4:
    the request's dataset is the one the query runs on), as Oxigraph answers; it is never
    fetched: the store reads only its own graphs, and the query processes have no network.
    """
    max_rows = int(current_app.config["KKG_MAX_ROWS"])
    if sparql.names_dataset:
        return QueryJob(sparql.query or "", fmt.media_type, max_rows,
                        default_graphs=sparql.default_graphs,
                        named_graphs=sparql.named_graphs, union_default_graph=False)
    return QueryJob(sparql.query or "", fmt.media_type, max_rows,
                    union_default_graph=not checked.has_dataset_clause)


def _service_description(sparql: SparqlRequest, accept: str | None) -> Response:
    fmt = choose(accept, GRAPH, sparql.formats)
    if fmt is None:
        raise NotAcceptable(f"the service description is written in: {describe(GRAPH)}")
    triples = describe_service(external_url("sparql.endpoint"), get_store().graphs())
    body = serialise_description(triples, fmt)
    return answer(Serialised(body, fmt.media_type, False, len(triples)), fmt)
