"""Every query file is standalone, documented SPARQL whose declared parameters it really uses."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.queries import load_queries, queries_dir

QUERIES = load_queries()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_parses_on_its_own(name: str) -> None:
    """Each file carries its own PREFIX lines: it must run on an empty store unchanged."""
    query = QUERIES[name]
    ox.Store().query(query.text)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_has_a_header(name: str) -> None:
    query = QUERIES[name]
    assert query.title and query.title != name
    assert query.description


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_declared_parameters_are_query_variables(name: str) -> None:
    query = QUERIES[name]
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    for param in query.params:
        assert re.search(rf"[?$]{param.name}\b", body), f"{name}: ?{param.name} unused"


def test_there_are_at_least_fifteen_competency_questions() -> None:
    assert sum(1 for q in QUERIES.values() if q.kind == "api") >= 15


def test_violation_checks_exist() -> None:
    assert sum(1 for q in QUERIES.values() if q.is_check) >= 4


def test_no_sparql_in_python_files() -> None:
    """SPARQL lives in queries/: a Python file holding query text cannot be linted or reused."""
    root = queries_dir().parent
    pattern = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^\n]*\bWHERE\b\s*\{", re.S)
    offenders = []
    for folder in ("ontology", "graph", "server"):
        for path in (root / folder).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
