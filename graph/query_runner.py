"""Run a named query or a ``.rq`` file against the built graph and format its rows.

Shared by ``ketamine-kg query`` and the tests, so the command line answers exactly what the
competency-question tests check.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from graph.errors import QueryNotFoundError, QuerySyntaxError
from graph.guard import inspect_query
from graph.namespaces import shorten_iri
from graph.queries import NamedQuery, get_query, load_public_queries, parse_query_file
from graph.store import GraphStore

Row = dict[str, str | None]


def resolve_query(name_or_path: str) -> NamedQuery:
    """A query by name, or a ``.rq`` file by path."""
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise QueryNotFoundError(f"no query file {name_or_path}")
        try:
            return parse_query_file(path, "file")
        except (UnicodeDecodeError, ValueError) as exc:
            raise QuerySyntaxError(f"{path}: {exc}") from exc
    return get_query(name_or_path)


def run_query(
    query: NamedQuery, values: dict[str, str], store: GraphStore
) -> tuple[list[str], list[Row]]:
    """Bind the values and run; ASK answers one row with column ``answer``."""
    result = store.query(query.text, bindings=query.bindings(values))
    if isinstance(result, ox.QueryBoolean):
        return ["answer"], [{"answer": "true" if bool(result) else "false"}]
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        return columns, [{c: _text(row[c]) for c in columns} for row in result]
    rows = [{"subject": _text(t.subject), "predicate": _text(t.predicate),
             "object": _text(t.object)} for t in result]
    return ["subject", "predicate", "object"], rows


def run_named(name_or_path: str, values: dict[str, str], home: Path) -> tuple[list[str], list[Row]]:
    """Open the built graph and run one query on it.

    The query goes through the endpoint's guard first, so a ``.rq`` file holding an update,
    a ``SERVICE`` call or a foreign ``FROM`` is refused with the endpoint's reason rather
    than reported as a syntax error by the engine.
    """
    query = resolve_query(name_or_path)
    query.bindings(values)  # a bad name or parameter is reported before the store is opened
    store = GraphStore.open_home(home)
    inspect_query(query.text, allowed_graphs=store.graphs())
    return run_query(query, values, store)


def _text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    return getattr(term, "value", str(term))


def format_rows(columns: list[str], rows: list[Row], fmt: str) -> str:
    """Rows as an aligned table (IRIs shortened), JSON or CSV (full IRIs)."""
    if fmt == "json":
        return json.dumps({"columns": columns, "rows": rows}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: ("" if r[c] is None else r[c]) for c in columns} for r in rows)
        return buffer.getvalue()
    return _table(columns, rows)


def _table(columns: list[str], rows: list[Row]) -> str:
    cells = [[_short(r[c]) for c in columns] for r in rows]
    widths = [max([len(c)] + [min(len(row[i]), 80) for row in cells])
              for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v[:80].ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _short(value: str | None) -> str:
    if value is None:
        return ""
    return shorten_iri(value).replace("\n", " ")


def list_queries() -> str:
    """One line per public query: name, parameters and title."""
    lines = []
    for name, query in sorted(load_public_queries().items()):
        params = " ".join(f"{p.name}={p.default or '?'}" for p in query.params)
        lines.append(f"{name:36} {query.title}" + (f"  [{params}]" if params else ""))
    return "\n".join(lines)
