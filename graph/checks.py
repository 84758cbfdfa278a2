"""``ketamine-kg check``: the quality gate an ontology engineer runs before a release.

Four checks, each reported on its own line so a failure says where to look:
the OWL 2 DL profile (OWL API), the reasoner (consistency and unsatisfiable classes), the
``*-violation`` queries (each must return no rows), and the candidate terms waiting for a
curator (listed, not failures: finding new terms is the pipeline doing its job).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.queries import get_query, load_queries
from graph.query_runner import run_query
from graph.store import GraphStore

Echo = Callable[[str], None]


def run_checks(home: Path, *, skip_java: bool = False, echo: Echo = print) -> int:
    """Run every check; return how many problems were found."""
    failures = 0
    if not skip_java:
        failures += _check_profile(echo)
        failures += _check_reasoner(echo)
    store = GraphStore.open_home(home)
    failures += _check_violations(store, echo)
    _list_candidates(store, echo)
    return failures


def _check_profile(echo: Echo) -> int:
    from ontology import release_paths
    from ontology.owlapi import check_dl_profile

    problems = check_dl_profile(release_paths().full_owl)
    echo(f"owl2-dl profile: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    for line in problems:
        echo(f"  {line}")
    return len(problems)


def _check_reasoner(echo: Echo) -> int:
    from ontology.reasoner import unsatisfiable_classes

    unsatisfiable = unsatisfiable_classes()
    echo("reasoner (HermiT): consistent" + (
        f", {len(unsatisfiable)} unsatisfiable class(es)" if unsatisfiable else
        ", no unsatisfiable class"))
    for iri in unsatisfiable:
        echo(f"  unsatisfiable: {iri}")
    return len(unsatisfiable)


def _check_violations(store: GraphStore, echo: Echo) -> int:
    failures = 0
    for name, query in sorted(load_queries().items()):
        if not query.is_check:
            continue
        _columns, rows = run_query(query, {}, store)
        echo(f"{name}: {'ok' if not rows else f'{len(rows)} violation(s)'}")
        for row in rows[:20]:
            echo("  " + ", ".join(f"{k}={v}" for k, v in row.items()))
        failures += len(rows)
    return failures


def _list_candidates(store: GraphStore, echo: Echo) -> None:
    _columns, rows = run_query(get_query("candidate-terms"), {}, store)
    echo(f"candidate terms awaiting curation: {len(rows)}")
    for row in rows:
        echo(f"  {row.get('label')} ({row.get('type')}) in {row.get('document')}")
