"""The graph view: ``/graph`` (whole graph) and ``/graph?focus=<IRI or CURIE>``, drawn with
Cytoscape.js from the JSON at ``/graph/data?focus=…&depth=1``.

``/graph/<path>`` is also where named-graph IRIs (``kkgraph:…``) resolve; Flask prefers the
static ``/graph/data`` rule to the entities blueprint's ``/graph/<path:rest>``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph.namespaces import expand_curie
from server import viewkit
from server.graph_data import categories, neighbourhood, whole_graph

bp = Blueprint("graphview", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)

MAX_DEPTH = 3


class ParameterError(ValueError):
    """A focus or depth parameter that cannot be used."""


def _params() -> tuple[str | None, int]:
    """The focus IRI (CURIEs expanded) and depth of a request, validated."""
    raw = request.args.get("focus", "").strip()
    focus = expand_curie(raw) if raw else None
    if focus is not None and not viewkit.valid_iri(focus):
        raise ParameterError("focus must be an IRI or a known CURIE such as kke:ketamine")
    try:
        depth = int(request.args.get("depth", "1"))
    except ValueError as exc:
        raise ParameterError("depth must be a whole number") from exc
    if not 1 <= depth <= MAX_DEPTH:
        raise ParameterError(f"depth must be between 1 and {MAX_DEPTH}")
    return focus, depth


@bp.get("/graph")
def graph_page() -> Response | str:
    """The interactive view; the page fetches its data from /graph/data."""
    try:
        focus, depth = _params()
    except ParameterError as exc:
        html = render_template("entities/not_found.html", iri=request.args.get("focus", ""),
                               reason=str(exc))
        return Response(html, status=400, mimetype="text/html")
    if focus and not viewkit.run_view("node-info", node=focus):
        html = render_template("entities/not_found.html", iri=focus,
                               reason="The graph has no node with this IRI to centre on.")
        return Response(html, status=404, mimetype="text/html")
    config = {
        "dataUrl": url_for("graphview.graph_data"),
        "pageUrl": url_for("graphview.graph_page"),
        "focus": focus,
        "depth": depth,
    }
    return render_template("graphview/graph.html", config=config, focus=focus,
                           categories=categories(), focus_href=viewkit.href(focus))


@bp.get("/graph/data")
def graph_data() -> Response:
    """Nodes, edges (with evidence sentences), categories and certainty levels as JSON."""
    try:
        focus, depth = _params()
    except ParameterError as exc:
        return _json_error(str(exc), 400)
    data = neighbourhood(focus, depth) if focus else whole_graph()
    if data is None:
        return _json_error(f"nothing is known about <{focus}>", 404)
    return jsonify(data)


def _json_error(message: str, status: int) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response
