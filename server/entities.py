"""Linked-data pages: every IRI the project mints resolves here, as HTML or as RDF.

``https://w3id.org/ketamine-kg/<section>/<rest>`` is served at ``/<section>/<rest>`` for the
sections of docs/model.md (ontology, entity, document, claim, use, graph), and any other IRI
at ``/resource?iri=``. A browser gets the page; ``Accept: text/turtle`` (or JSON-LD, RDF/XML,
N-Triples, or ``?format=``) gets a CONSTRUCT of the resource's triples. The ontology IRI
itself (``/ontology``) and the release downloads belong to ``server.ontology_page``; Flask
prefers those static rules to the ``<path:rest>`` rule below, so the routes do not clash.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, url_for

from graph.namespaces import BASE, expand_curie
from server import viewkit
from server.entity_data import is_named_graph, load_entity
from server.ld_formats import (
    SYNTAXES,
    UnknownFormatError,
    alternates,
    link_header,
    negotiate,
    rdf_response,
)

bp = Blueprint("entities", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)


def _minted(rest: str, section: str) -> Response:
    """A resource in one of the project's namespaces, addressed by its path."""
    iri = f"{BASE}{section}/{rest}"
    path = quote(request.path)
    return show_resource(iri, lambda key: f"{path}?format={key}")


for _section in viewkit.MINTED_SECTIONS:
    bp.add_url_rule(
        f"/{_section}/<path:rest>",
        endpoint=f"minted_{_section}",
        view_func=_minted,
        defaults={"section": _section},
    )


@bp.get("/resource")
def resource() -> Response | str:
    """Any IRI (or known CURIE), including ones outside the project's namespaces."""
    raw = request.args.get("iri", "").strip()
    if not raw:
        return render_template("entities/lookup.html")
    iri = expand_curie(raw)
    if not viewkit.valid_iri(iri):
        return not_found(iri, "This is not an absolute IRI.", status=400)
    return show_resource(iri, lambda key: url_for("entities.resource", iri=iri, format=key))


def show_resource(iri: str, url_for_format: Callable[[str], str]) -> Response:
    """Answer for one IRI: RDF if the request asks for it, else the HTML page; 404 if unknown."""
    if not viewkit.valid_iri(iri):  # a path no IRI can have (spaces, <, >…) names nothing
        return not_found(iri, "No resource has this IRI: it is not a valid IRI.")
    try:
        syntax = negotiate()
    except UnknownFormatError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    if syntax is not None:
        if is_named_graph(iri):  # a graph IRI dereferences to the graph's contents
            triples = viewkit.construct_view("graph-contents", graph=iri)
        else:
            triples = viewkit.construct_view("resource-describe", resource=iri)
        if not triples:
            return Response(f"nothing is known about <{iri}>\n", status=404,
                            mimetype="text/plain", headers={"Vary": "Accept"})
        return rdf_response(triples, syntax)
    page = load_entity(iri)
    if page is None:
        return not_found(iri)
    links = alternates(url_for_format)
    html = render_template("entities/page.html", page=page, alternates=links,
                           syntaxes=SYNTAXES)
    response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(links)
    return response


def not_found(iri: str, reason: str | None = None, status: int = 404) -> Response:
    """The HTML page for an IRI the graph knows nothing about (never a traceback)."""
    html = render_template("entities/not_found.html", iri=iri, reason=reason)
    return Response(html, status=status, mimetype="text/html", headers={"Vary": "Accept"})
