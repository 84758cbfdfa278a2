"""The value every vocabulary loader produces: one public term with its names and identifiers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VocabularyTerm:
    """A term of a public vocabulary, as the linker and the graph need it.

    ``kind`` is the kkg: class local name the term is typed by (``Symptom``, ``Disease``,
    ``Drug`` …); ``xrefs`` are CURIEs (``HP:0003763``, ``DRUGBANK:DB01576``) with the first
    one the term's own identifier; ``synonyms`` are exact synonyms only (a related or broad
    synonym names something else).
    """

    source: str
    label: str
    kind: str
    xrefs: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
