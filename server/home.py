"""The front page: the URLs a newcomer opens, a search box, and the list of API routes.

The API list is read from the app's URL map at request time, so a route another blueprint
adds shows up here without editing this page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from graph.namespaces import KKE
from server import viewkit
from server.store import get_store

bp = Blueprint("home", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)

API_PREFIXES = ("/api", "/sparql", "/openapi")


@dataclass(frozen=True)
class Route:
    """One machine-facing route: its URL pattern, methods and what it is for."""

    rule: str
    methods: str
    summary: str
    link: str | None


def api_routes() -> list[Route]:
    """Every ``/api…``, ``/sparql…`` and ``/openapi…`` route, with its view's first doc line."""
    routes = []
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIXES):
            continue
        view = current_app.view_functions.get(rule.endpoint)
        doc = (getattr(view, "__doc__", None) or "").strip().splitlines()
        methods = ", ".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        link = rule.rule if not rule.arguments and "GET" in (rule.methods or set()) else None
        routes.append(Route(rule.rule, methods, doc[0] if doc else "", link))
    return sorted(routes, key=lambda r: r.rule)


@bp.get("/")
def index() -> str:
    """The front page."""
    store = get_store()
    return render_template(
        "home/index.html",
        statements=store.count(),
        graphs=len(store.graphs()),
        routes=api_routes(),
        example=str(KKE["ketamine"]),
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site icon where browsers look for it without a <link> (the SVG the pages name)."""
    response = send_from_directory(current_app.static_folder or "static", "favicon.svg",
                                   mimetype="image/svg+xml", max_age=86400)
    return response
