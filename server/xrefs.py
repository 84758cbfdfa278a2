"""Cross-references (``oboInOwl:hasDbXref`` CURIEs) as links to their public registries.

The prefix → URL table is the data file ``server/data/xref-registries.tsv`` so that adding a
registry is an edit to data, not code. An unknown prefix stays plain text: a wrong link is
worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

TABLE = Path(__file__).resolve().parent / "data" / "xref-registries.tsv"


@dataclass(frozen=True)
class Xref:
    """One cross-reference: the CURIE as written, and where it resolves (if we know)."""

    curie: str
    url: str | None
    registry: str | None


@lru_cache(maxsize=1)
def registries(path: Path = TABLE) -> dict[str, tuple[str, str]]:
    """Upper-cased prefix → (URL template, registry name), read once."""
    table: dict[str, tuple[str, str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if not line.strip() or line.startswith("#") or line.startswith("prefix\t"):
            continue
        prefix, template, name = (line.split("\t") + ["", ""])[:3]
        table[prefix.strip().upper()] = (template.strip(), name.strip())
    return table


def xref_link(text: str) -> Xref:
    """Resolve one CURIE such as ``CHEBI:6121`` to its registry page, if the prefix is known."""
    text = text.strip()
    prefix, sep, local = text.partition(":")
    entry = registries().get(prefix.upper()) if sep and local else None
    if entry is None:
        return Xref(text, None, None)
    template, name = entry
    url = template.replace("{id}", quote(local, safe=":._-")).replace("{curie}", quote(text))
    return Xref(text, url, name)
