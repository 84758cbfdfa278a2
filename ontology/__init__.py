"""The ketamine-kg ontology: its sources, release build, OWL API check and reasoner.

Public API (see docs/model.md for what the ontology contains):

* ``load_ontology_graph()``: ontology + imports as one rdflib graph, from the sources;
* ``build_release(out_dir)`` / ``release_paths(out_dir)``: the generated release files;
* ``ontology.owlapi.check_dl_profile(path)``: OWL 2 DL check with the OWL API (Java);
* ``ontology.reasoner.infer(graphs)`` / ``unsatisfiable_classes()``: HermiT (Java), given
  only the part of the input that can change its answer (``ontology.reasoner_input``).

Names are imported lazily (PEP 562) so that ``python -m ontology.build`` does not import
its own module twice, and the Java-backed modules are never imported here at all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ontology.build import (
        OntologySourceError,
        ReleasePaths,
        build_release,
        load_ontology_graph,
        release_paths,
    )

__all__ = [
    "OntologySourceError",
    "ReleasePaths",
    "build_release",
    "load_ontology_graph",
    "release_paths",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("ontology.build"), name)
    raise AttributeError(f"module 'ontology' has no attribute {name!r}")
