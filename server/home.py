"""The front page: the URLs a newcomer opens, a search box, and the list of API routes.

The API list is read from the app's URL map at request time, so a route another blueprint
adds shows up here without editing this page.
"""

from __future__ import annotations

import re
import threading
import weakref
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

    @property
    def summary_runs(self) -> list[tuple[str, bool]]:
        """The summary as (text, is_code) runs: docstrings mark code as ````x````, which the
        template prints as ``<code>`` (runs, not HTML, so Jinja still escapes the text)."""
        parts = re.split(r"``(.+?)``", self.summary)
        return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


_SIZES: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
_SIZES_LOCK = threading.Lock()


def distinct_triples() -> int:
    """The distinct triples of the default graph, counted once per store.

    Why not ``len(store)``: that counts quads, and a triple stated in a document graph and
    again in the inferred graph (or in two documents) would count twice; the default graph
    the endpoint answers from is their union.
    """
    store = get_store()
    with _SIZES_LOCK:
        size = _SIZES.get(store)
    if size is None:
        rows = viewkit.run_view("graph-size")
        size = int(viewkit.value(rows[0]["triples"]) or 0) if rows else 0
        with _SIZES_LOCK:
            _SIZES[store] = size
    return size


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
        statements=distinct_triples(),
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
