"""Search over labels and synonyms: ``/search?q=`` as a page, or JSON for scripts.

The index is built once per store from ``queries/views/search-labels.rq`` (see
``server.search_index``); a request only normalises the query and bisects.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from graph.namespaces import shorten_iri
from server import viewkit
from server.search_index import Entry, Hit, SearchIndex, index_for
from server.store import get_store

bp = Blueprint("search", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_QUERY = 200
HIDDEN_TYPES = {"http://www.w3.org/2002/07/owl#NamedIndividual"}
TIER_NAMES = ("exact label", "exact synonym", "prefix", "substring")


def _entries() -> list[Entry]:
    """One entry per (resource, name) from the search-labels view."""
    entries = []
    for row in viewkit.run_view("search-labels"):
        types = tuple(t for t in sorted((viewkit.value(row["types"]) or "").split())
                      if t not in HIDDEN_TYPES)
        entries.append(Entry(
            iri=viewkit.value(row["resource"]) or "",
            label=viewkit.value(row["label"]) or "",
            text=viewkit.value(row["text"]) or "",
            kind=viewkit.value(row["kind"]) or "label",
            types=types,
        ))
    return entries


def current_index() -> SearchIndex:
    """The index of the store this app serves."""
    return index_for(get_store(), _entries)


def _limit() -> int:
    try:
        return max(1, min(MAX_LIMIT, int(request.args.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


def hit_json(hit: Hit) -> dict[str, object]:
    """The JSON shape of one result: iri, curie, label, matched name and types (CURIEs)."""
    entry = hit.entry
    return {
        "iri": entry.iri,
        "curie": shorten_iri(entry.iri),
        "label": entry.label,
        "matched": hit.matched,
        "types": [shorten_iri(t) for t in entry.types],
    }


@bp.get("/search")
def search() -> Response | str:
    """Ranked matches for ``q``: exact label, exact synonym, prefix, then substring."""
    query = request.args.get("q", "")[:MAX_QUERY]
    hits = current_index().search(query, _limit()) if query.strip() else []
    if viewkit.wants_json():
        response = jsonify([hit_json(h) for h in hits])
        response.headers["Vary"] = "Accept"
        return response
    type_labels = get_store().labels({t for hit in hits for t in hit.entry.types})
    return render_template("search/results.html", search_query=query, hits=hits,
                           tier_names=TIER_NAMES, type_labels=type_labels)
