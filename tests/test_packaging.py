"""What the install puts in site-packages, and that nothing we depend on collides with it.

The wheel installs top-level packages with plain names (``graph``, ``server``, ``ontology``)
plus ``ketamine_kg_data``. A dependency (direct or transitive) that also installed one of
them would overwrite our files or be overwritten by them, and ``import graph`` would load the
wrong code. These tests look at every distribution installed in this environment and then
import every dependency pyproject.toml lists, checking our packages still come from here.
The wheel itself, installed outside the checkout, is exercised by scripts/wheel_check.sh.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"graph", "server", "ontology", "ketamine_kg_data"}


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    return sorted({re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0] for spec in specs})


def _top_level_names(dist: metadata.Distribution) -> set[str]:
    """Top-level importable names a distribution installs (from its file list and top_level)."""
    names = set((dist.read_text("top_level.txt") or "").split())
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("..", "__pycache__"):
            continue
        names.add(first.removesuffix(".py").split(".")[0])
    return names


def test_no_installed_distribution_ships_a_package_named_like_ours() -> None:
    assert {"rdflib"} <= _top_level_names(metadata.distribution("rdflib"))  # the probe works
    clashes = {}
    for dist in metadata.distributions():
        if (dist.metadata["Name"] or "").lower() == "ketamine-kg":
            continue
        found = _top_level_names(dist) & OURS
        if found:
            clashes[dist.metadata["Name"]] = sorted(found)
    assert clashes == {}


def test_the_install_declares_exactly_our_top_level_packages() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.rstrip("*") for name in include} == OURS
    assert project["project"]["scripts"] == {"ketamine-kg": "server.cli:main"}


def test_importing_every_dependency_leaves_our_packages_ours() -> None:
    """Import each listed dependency's top-level modules, then ask where ours come from."""
    modules = []
    for requirement in _requirements():
        dist = metadata.distribution(requirement)
        modules += sorted(name for name in _top_level_names(dist)
                          if name.isidentifier() and not name.startswith("_"))
    script = f"""
import importlib, json, sys
failed = {{}}
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except Exception as exc:  # a test-only helper may need a display, a driver...
        failed[name] = type(exc).__name__
for name in {sorted(OURS)!r}:
    importlib.import_module(name)
print(json.dumps({{"where": {{n: sys.modules[n].__file__ for n in {sorted(OURS)!r}}},
                  "imported": sorted(set({modules!r}) - set(failed))}}))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=True)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    for name, where in answer["where"].items():
        assert Path(where).resolve().is_relative_to(ROOT), (name, where)
    assert {"rdflib", "owlready2", "flask", "pyoxigraph", "granian"} <= set(answer["imported"])
