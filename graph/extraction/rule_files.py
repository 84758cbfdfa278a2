"""Reading the rule files that list typed regexes (``candidates.tsv``, ``lists.tsv``).

Both files have the same shape: ``macro`` rows define ``{NAME}`` pieces for the rows after
them, and each other row gives an id, a kkg: class and a case-insensitive regex. One reader
keeps their syntax, macro expansion and error messages the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import URIRef

from graph.namespaces import expand_curie

_MACRO = re.compile(r"\{([A-Z]+)\}")


def read_typed_regexes(path: Path, row_kind: str) -> list[tuple[str, URIRef, re.Pattern[str]]]:
    """(id, class, compiled regex) of every ``row_kind`` row, macros expanded in file order."""
    macros: dict[str, str] = {}
    rows: list[tuple[str, URIRef, re.Pattern[str]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[0] not in ("macro", row_kind):
            raise ValueError(f"{path}:{number}: expected 'kind<TAB>id<TAB>class<TAB>pattern'")
        kind, name, cls, body = fields
        body = _MACRO.sub(lambda m: macros[m.group(1)], body)
        if kind == "macro":
            macros[name] = body
            continue
        try:
            regex = re.compile(body, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{path}:{number}: bad regex for {name}: {exc}") from exc
        rows.append((name, URIRef(expand_curie(cls)), regex))
    return rows
