"""Drug names (``drug-named-entity-recognition``'s dictionary) → drugs with DrugBank ids.

The dictionary is built mainly from DrugBank's open vocabulary (CC0): each drug's name, its
synonyms and brand names ("Provigil" → modafinil), with its DrugBank id. Only the DrugBank id
is kept as an identifier: the dictionary's MeSH ids are pharmacological-action headings shared
by many drugs (amphetamine and dextroamphetamine get the same one), not the drug's own.
Combination products ("abacavir, dolutegravir, and lamivudine") are left out: an article that
names one of their drugs means that drug.
"""

from __future__ import annotations

from pathlib import Path

from graph.extraction.vocab.model import VocabularyTerm
from graph.extraction.vocab.ner_dictionary import read_ner_dictionary

MIN_NAME_LENGTH = 4  # shorter variants are abbreviations that collide with ordinary words


def _combination(name: str) -> bool:
    return "," in name or " and " in name or "/" in name


def load_drugs(path: Path) -> list[VocabularyTerm]:
    """Drug terms of the dictionary at ``path``."""
    by_name, every_variant = read_ner_dictionary(path, "drug")
    variants = {key: [v for v in found if len(v) >= MIN_NAME_LENGTH and not _combination(v)]
                for key, found in every_variant.items()}
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
