"""Where the ontology's files live and which IRIs name them.

One module holds these so that the build, the checks and the tests agree on them; the IRIs
are the ones fixed by docs/model.md.
"""

from __future__ import annotations

import ketamine_kg_data

ONTOLOGY_DIR = ketamine_kg_data.ontology_dir()
SRC_DIR = ONTOLOGY_DIR / "src"
IMPORTS_DIR = ONTOLOGY_DIR / "imports"
RELEASE_DIR = ketamine_kg_data.release_dir()
OWLAPI_DIR = ketamine_kg_data.owlapi_dir()

VERSION = "0.1.0"
ONTOLOGY_IRI = "https://w3id.org/ketamine-kg/ontology"
VERSION_IRI = f"{ONTOLOGY_IRI}/releases/{VERSION}"
IMPORT_IRI_BASE = f"{ONTOLOGY_IRI}/imports/"

KKG = f"{ONTOLOGY_IRI}/"
KKE = "https://w3id.org/ketamine-kg/entity/"

EDIT_FILE_NAME = "ketamine-kg-edit.ttl"

# Prefixes the release files declare (in this order of preference when splitting IRIs).
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "obo": "http://purl.obolibrary.org/obo/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "drugbank": "http://identifiers.org/drugbank/",
    "kkg": KKG,
    "kke": KKE,
}


def import_iri(name: str) -> str:
    """The ontology IRI of the import module whose source is ``imports/<name>.ttl``."""
    return f"{IMPORT_IRI_BASE}{name}.owl"


def generated_note(what: str) -> str:
    """The one-line banner put at the top of every generated release file."""
    return (f"GENERATED FILE ({what}): built by `python -m ontology.build` from "
            "ontology/src/*.ttl and ontology/imports/*.ttl. Do not edit; edit the sources.")
