"""Content negotiation for linked-data pages: HTML for people, RDF for programs.

Why here and not in the SPARQL endpoint's negotiation: a resource IRI answers with a *page*
(HTML) by default and with RDF only when asked, in more syntaxes than a SELECT result has;
``?format=`` overrides the Accept header so that a link can name the syntax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Response, request

from graph.namespaces import PREFIXES


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF serialisation this server writes."""

    key: str
    media_type: str
    label: str
    fmt: ox.RdfFormat


SYNTAXES = (
    RdfSyntax("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE),
    RdfSyntax("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD),
    RdfSyntax("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML),
    RdfSyntax("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
)
BY_KEY = {s.key: s for s in SYNTAXES}
BY_TYPE = {s.media_type: s for s in SYNTAXES}
ALIASES = {
    "turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "xml": "rdf", "rdfxml": "rdf",
    "owl": "rdf", "ntriples": "nt", "n-triples": "nt",
}
EXTRA_TYPES = {"application/x-turtle": "ttl", "application/json": "jsonld"}


class UnknownFormatError(ValueError):
    """``?format=`` names a syntax this server does not write."""


def negotiate() -> RdfSyntax | None:
    """The RDF syntax the request asks for, or None for the HTML page.

    HTML comes first in the offer, so ``*/*`` (curl, a bare browser request) gets the page
    and only an explicit RDF media type or ``?format=`` gets RDF.
    """
    fmt = request.args.get("format", "").strip().lower()
    if fmt:
        if fmt == "html":
            return None
        key = ALIASES.get(fmt, fmt)
        if key not in BY_KEY:
            # the value is not echoed back: an error page repeats nothing the client sent
            raise UnknownFormatError(f"unknown format: use html, {', '.join(BY_KEY)}")
        return BY_KEY[key]
    offers = ["text/html", *BY_TYPE, *EXTRA_TYPES]
    best = request.accept_mimetypes.best_match(offers, default="text/html")
    if best in EXTRA_TYPES:
        return BY_KEY[EXTRA_TYPES[best]]
    return BY_TYPE.get(best or "")


def rdf_response(triples: list[ox.Triple], syntax: RdfSyntax) -> Response:
    """Serialise triples with the project's prefixes in the chosen syntax."""
    body = ox.serialize(triples, format=syntax.fmt, prefixes=PREFIXES) if triples else b""
    response = Response(body or b"", mimetype=syntax.media_type)
    response.headers["Vary"] = "Accept"
    return response


def alternates(url_for_format: Callable[[str], str]) -> list[tuple[str, RdfSyntax]]:
    """Links to the same resource in every RDF syntax (for <link rel=alternate> and headers)."""
    return [(url_for_format(s.key), s) for s in SYNTAXES]


def link_header(links: list[tuple[str, RdfSyntax]]) -> str:
    """An HTTP Link header value that advertises the RDF alternates of a page."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{s.media_type}"' for url, s in links)
