"""The ontology's documentation page (``/ontology``), in the manner of pyLODE or WIDOCO, and
its release files (``/ontology/release/<file>``).

``/ontology`` is also the ontology's IRI: asked for Turtle or RDF/XML it answers with the
release file in that syntax (the whole ontology, as an OWL tool expects), and for other RDF
syntaxes with the store's description of the ontology header. ``/ontology/<Name>`` (a class
or property IRI) belongs to the entities blueprint; the two static rules here win over its
``<path:rest>`` rule, so they do not clash.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory

import ketamine_kg_data
from server import viewkit
from server.entities import show_resource
from server.entity_data import load_entity
from server.ld_formats import UnknownFormatError, negotiate
from server.ontology_data import (
    RELEASE_FILES,
    class_tree,
    load_terms,
    release_files,
    sorted_terms,
)

bp = Blueprint("ontology_page", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)

DEFAULT_RELEASE_DIR = ketamine_kg_data.release_dir()
RELEASE_BY_SYNTAX = {"ttl": "ketamine-kg.ttl", "rdf": "ketamine-kg.owl"}
MEDIA_TYPES = {name: media for name, _, media in RELEASE_FILES}


def release_dir() -> Path:
    """Where the ontology build writes its release (``KKG_RELEASE_DIR`` overrides)."""
    configured = current_app.config.get("KKG_RELEASE_DIR")
    return Path(configured) if configured else DEFAULT_RELEASE_DIR


@bp.get("/ontology")
def ontology() -> Response | str:
    """The documentation page, or the ontology itself when RDF is asked for."""
    try:
        syntax = negotiate()
    except UnknownFormatError as exc:
        return Response(f"{exc}\n", status=400, mimetype="text/plain")
    if syntax is not None:
        name = RELEASE_BY_SYNTAX.get(syntax.key)
        if name and (release_dir() / name).is_file():
            response = send_from_directory(release_dir(), name, mimetype=syntax.media_type)
            response.headers["Vary"] = "Accept"
            return response
        return show_resource(viewkit.ONTOLOGY_IRI, lambda key: f"/ontology?format={key}")
    terms = load_terms()
    header = load_entity(viewkit.ONTOLOGY_IRI)
    return render_template(
        "ontology_page/ontology.html",
        header=header,
        tree=class_tree(terms),
        classes=sorted_terms(terms, ("class",)),
        properties=sorted_terms(terms, ("object property", "data property")),
        annotations=sorted_terms(terms, ("annotation property",)),
        files=release_files(release_dir()),
        ontology_iri=viewkit.ONTOLOGY_IRI,
    )


@bp.get("/ontology/release/<path:filename>")
def release_file(filename: str) -> Response:
    """One release file; a missing file (or a path outside the folder) is a 404."""
    media = MEDIA_TYPES.get(filename)
    if media is None and filename.endswith(".owl"):
        media = "application/rdf+xml"
    return send_from_directory(release_dir(), filename, mimetype=media)
