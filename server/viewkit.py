"""Helpers shared by the HTML blueprints (entities, search, graph view, ontology, editor, home).

Why one module: every page links resources the same way (a minted IRI to its own path on this
server, any other IRI to ``/resource?iri=``), runs its SPARQL the same way (a ``.rq`` file
under ``queries/views/`` with values bound as RDF terms) and sends the same security headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Flask, Response, request, url_for
from flask.blueprints import BlueprintSetupState

from graph.namespaces import BASE, PREFIXES, shorten_iri
from graph.queries import read_query_text
from server.store import get_store

# The first path segment of every IRI the project mints (docs/model.md); each resolves here.
MINTED_SECTIONS = ("ontology", "entity", "document", "claim", "use", "graph")
ONTOLOGY_IRI = BASE + "ontology"
CERTAINTY_ORDER = ("established", "supported", "promising", "preliminary", "hypothesised")

# Pages are served from this project only: no CDN, no inline script. Inline styles stay
# allowed because YASGUI and Cytoscape set element styles from script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'"
)

Row = dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]


@lru_cache(maxsize=64)
def view_query(name: str) -> str:
    """The text of ``queries/views/<name>.rq``, read once (query files are fixed at run time)."""
    return read_query_text(f"views/{name}.rq")


def run_view(name: str, **iris: str) -> list[Row]:
    """Run a view SELECT with IRI parameters bound as terms; rows keep their RDF terms."""
    bindings = {key: ox.NamedNode(value) for key, value in iris.items()}
    result = get_store().query(view_query(name), bindings=bindings or None)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"views/{name}.rq is not a SELECT query")
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def construct_view(name: str, **iris: str) -> list[ox.Triple]:
    """Run a view CONSTRUCT; the triples come back de-duplicated (the default graph is a union)."""
    bindings = {key: ox.NamedNode(value) for key, value in iris.items()}
    result = get_store().query(view_query(name), bindings=bindings or None)
    return sorted(set(result), key=str)  # type: ignore[arg-type]


def value(term: object) -> str | None:
    """The plain string of a term (IRI or lexical form), None when unbound."""
    if term is None:
        return None
    return getattr(term, "value", str(term))


def is_iri(term: object) -> bool:
    """Whether a result term is a named node (linkable), not a literal or blank node."""
    return isinstance(term, ox.NamedNode)


def is_blank(term: object) -> bool:
    """Whether a result term is a blank node (an anonymous class expression, an axiom)."""
    return isinstance(term, ox.BlankNode)


def valid_iri(text: str) -> bool:
    """Whether a string is an absolute IRI the store accepts."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text))


def local_path(iri: str) -> str | None:
    """This server's path for an IRI the project mints, None for any other IRI."""
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE):]
    section = rest.split("/", 1)[0]
    if section in MINTED_SECTIONS and "/" in rest and rest.split("/", 1)[1]:
        return "/" + rest
    return None


def href(iri: str | None) -> str | None:
    """Where a link to a resource points: its own path if minted here, else /resource?iri=."""
    if not iri:
        return None
    return local_path(iri) or url_for("entities.resource", iri=iri)


def curie(iri: str | None) -> str:
    """A short name to show for an IRI: ``kke:ketamine``, and for the project's nested IRIs
    ``kku:ketamine/chronic-pain`` (display only: SPARQL would need ``\\/`` there)."""
    if not iri:
        return ""
    short = shorten_iri(iri)
    if short == iri:
        for prefix in ("kkc", "kkd", "kku", "kkgraph", "kke"):
            if iri.startswith(PREFIXES[prefix]):
                return f"{prefix}:{iri[len(PREFIXES[prefix]):]}"
    return short


def display_label(label: str | None, iri: str | None) -> str:
    """The label, else the CURIE, else the IRI itself (a bare "4.0" of a licence IRI misleads)."""
    if label:
        return label
    return shorten_iri(iri) if iri else ""


def local_name(iri: str) -> str:
    """The last segment of an IRI path or fragment: ``…/ontology/treats`` → ``treats``."""
    return re.split(r"[/#:]", iri.rstrip("/#"))[-1] or iri


def certainty_key(iri_or_label: str | None) -> str | None:
    """``established`` … ``hypothesised`` from a certainty IRI or label; None if unknown."""
    if not iri_or_label:
        return None
    key = re.split(r"[/#]", iri_or_label)[-1].lower()
    return key if key in CERTAINTY_ORDER else None


def hedge_segments(text: str, cues: Iterable[str]) -> list[tuple[str, bool]]:
    """Split a sentence into (text, is_hedge) runs so a template can mark the hedge words.

    Matching ignores case and runs of whitespace; overlapping cues merge. Returning runs
    rather than HTML keeps escaping in Jinja's hands (no ``|safe`` on data).
    """
    spans: list[tuple[int, int]] = []
    for cue in {c.strip() for c in cues if c and c.strip()}:
        pattern = r"\s+".join(re.escape(word) for word in cue.split())
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    runs: list[tuple[str, bool]] = []
    position = 0
    for start, end in merged:
        if start > position:
            runs.append((text[position:start], False))
        runs.append((text[start:end], True))
        position = end
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def wants_json() -> bool:
    """``?format=json``, or an Accept header that prefers JSON to HTML."""
    fmt = request.args.get("format", "").lower()
    if fmt:
        return fmt == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def add_security_headers(response: Response) -> Response:
    """CSP and friends on every HTML page of the site's blueprints."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def register_template_helpers(state: BlueprintSetupState) -> None:
    """Make the link and label helpers available in every template."""
    app: Flask = state.app
    helpers: dict[str, Any] = {
        "href": href,
        "curie": curie,
        "display_label": display_label,
        "certainty_levels": CERTAINTY_ORDER,
    }
    app.jinja_env.globals.update(helpers)
