"""Where ketamine-kg's runtime files are: the one place every module asks.

The program reads files that are not Python: the SPARQL queries (``queries/``), the shipped
article (``corpus/``), and the ontology's sources, release files and OWL API checker
(``ontology/``). In a checkout they sit in top-level folders, as the repository's layout
wants; in an installed wheel ``queries/`` and ``corpus/`` are copied into this package by the
build (``setup.py``) and the ontology's files are package data of ``ontology``. Why one
module: paths computed from ``__file__`` in each caller pointed into site-packages after
``pip install .`` and every subcommand failed there.

Lookup order for each folder: an environment override where one exists
(``KKG_QUERIES_DIR``), then the checkout this package sits in (so edits to a ``.rq`` file
apply at once in an editable install), then the copy installed with this package. A
checkout is recognised by its ``pyproject.toml`` beside the folder, so a stray ``queries``
folder in site-packages is never taken for ours. This module imports only the standard
library: it sits below ``ontology``, ``graph`` and ``server``, which all use it.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT = PACKAGE_DIR.parent
SHIPPED = ("queries", "corpus")  # top-level folders the build copies into this package


class ResourceMissingError(FileNotFoundError):
    """A runtime file the installation should hold is not there (a broken install).

    A FileNotFoundError for library callers, but the command line catches it by name and
    prints its message alone: it names what is missing and how to fix it.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "a runtime file of ketamine-kg is missing"


@cache
def _is_checkout() -> bool:
    """True when this package is imported from the project's own source tree."""
    marker = CHECKOUT / "pyproject.toml"
    try:
        return marker.is_file() and 'name = "ketamine-kg"' in marker.read_text("utf-8")
    except OSError:
        return False


def _shipped_dir(name: str) -> Path:
    """``name`` (one of SHIPPED) from the checkout, else from the installed package."""
    if _is_checkout() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    installed = resources.files(__name__) / name
    if installed.is_dir():
        return Path(str(installed))
    raise ResourceMissingError(
        f"ketamine-kg's {name}/ folder is missing (looked in {CHECKOUT / name} and "
        f"{installed}); reinstall the package")


def queries_dir() -> Path:
    """The folder of ``.rq`` files: ``$KKG_QUERIES_DIR``, else the shipped ``queries/``."""
    override = os.environ.get("KKG_QUERIES_DIR")
    return Path(override) if override else _shipped_dir("queries")


def query_file(relative: str) -> Path:
    """One query file by its path under ``queries/``; ResourceMissingError when absent."""
    path = queries_dir() / relative
    if not path.is_file():
        raise ResourceMissingError(f"{path}: query file missing (KKG_QUERIES_DIR or install)")
    return path


def corpus_dir() -> Path:
    """The article(s) shipped with the project, what ``ketamine-kg build`` reads by default."""
    return _shipped_dir("corpus")


@cache
def ontology_dir() -> Path:
    """The ``ontology`` package's folder: sources, imports, release and the OWL API checker.

    Found through the import system, not through this file's location, so it is the same
    folder Python imports ``ontology`` from (checkout or site-packages).
    """
    spec = importlib.util.find_spec("ontology")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ResourceMissingError("the 'ontology' package of ketamine-kg cannot be found")
    return Path(locations[0]).resolve()


def release_dir() -> Path:
    """The ontology release files (``ketamine-kg.owl`` …), written by ``make ontology``."""
    return ontology_dir() / "release"


def owlapi_dir() -> Path:
    """The OWL API profile checker's Java source and its jar list."""
    return ontology_dir() / "owlapi"
