"""The SPARQL query editor: YASGUI (vendored, works offline) pointed at this server's /sparql,
with every named query of ``queries/`` offered as an example that opens in its own tab.

Named queries declare parameters in their header; the editor opens them with their default
values written as a ``VALUES`` line at the top of the WHERE clause, so that an example runs as
it stands and the reader sees exactly what is bound. Queries without a default for a
parameter leave it a free variable.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flask import Blueprint, render_template
from werkzeug.routing import BuildError

from graph.queries import NamedQuery, load_queries
from server import viewkit
from server.urls import external_base, external_url

bp = Blueprint("editor", __name__)
bp.record_once(viewkit.register_template_helpers)
bp.after_request(viewkit.add_security_headers)

KIND_ORDER = {"api": 0, "checks": 1}
FIRST_EXAMPLE = "conditions-for-drug"  # the tab a newcomer sees first, if that query exists
KIND_TITLES = {"api": "Competency questions", "checks": "Data checks (expect no rows)",
               "pipeline": "Used by the pipeline", "views": "Used by these pages",
               "server": "Used by the server"}
SHORT_KINDS = ("integer", "decimal", "boolean")  # written bare: 1, 2.5, true
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def example_text(query: NamedQuery) -> str:
    """The query text with its parameters' defaults bound by a VALUES line, where it can be."""
    lines = []
    for param in query.params:
        if param.default is not None:
            term = param.to_term(param.default)
            written = term.value if param.kind in SHORT_KINDS else str(term)
            note = f"# parameter: {param.description}"
            lines.append(f"  VALUES ?{param.name} {{ {written} }}  {note}")
    # Look for WHERE outside comment lines, keeping offsets: blank out every comment line.
    masked = re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), query.text)
    match = _WHERE.search(masked)
    if not lines or not match:
        return query.text
    return query.text[:match.end()] + "\n" + "\n".join(lines) + query.text[match.end():]


@lru_cache(maxsize=1)
def examples() -> tuple[dict[str, Any], ...]:
    """Every named query as an example, competency questions first (read once per process)."""
    queries = sorted(load_queries().values(),
                     key=lambda q: (KIND_ORDER.get(q.kind, 9), q.kind, q.title.lower()))
    return tuple(
        {
            "name": q.name, "kind": q.kind, "kindTitle": KIND_TITLES.get(q.kind, q.kind),
            "title": q.title, "description": q.description, "text": example_text(q),
            "params": [{"name": p.name, "kind": p.kind, "default": p.default,
                        "description": p.description} for p in q.params],
        }
        for q in queries
    )


def endpoint_url() -> str:
    """The absolute URL of this server's SPARQL endpoint (YASGUI needs an absolute one)."""
    try:
        return external_url("sparql.endpoint")
    except BuildError:  # an app without the SPARQL blueprint: the conventional path
        return external_base() + "/sparql"


@bp.get("/editor")
def editor() -> str:
    """The YASGUI page with the named queries as example buttons."""
    items = examples()
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["kind"], []).append(item)
    names = [item["name"] for item in items]
    first = FIRST_EXAMPLE if FIRST_EXAMPLE in names else (names[0] if names else None)
    config = {"endpoint": endpoint_url(), "queries": list(items), "first": first}
    return render_template("editor/editor.html", config=config, groups=groups,
                           kind_titles=KIND_TITLES, main_kinds=tuple(KIND_ORDER))
