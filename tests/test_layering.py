"""Dependencies run one way: ontology ← graph ← server; only server/ imports Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "ketamine_kg_data": {"ontology", "graph", "server", "flask"},
    "ontology": {"graph", "server", "flask"},
    "graph": {"server", "flask"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def _server_imports(path: Path, modules: set[str]) -> set[str]:
    """The server modules ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("server."))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "server":  # ``from server import cors``: the module cors
                found.update(a.name if a.name in modules else "__init__" for a in node.names)
            elif node.module.startswith("server."):
                found.add(node.module.split(".")[1])
    return found & modules


def test_no_two_server_modules_import_each_other() -> None:
    """Each pair of server modules depends one way (an import inside a function counts too).

    Why: two modules that import each other cannot be read, tested or replaced one at a time;
    the function-level import that makes it work at run time only hides the knot.
    """
    modules = {p.stem for p in (ROOT / "server").glob("*.py")}
    imports = {m: _server_imports(ROOT / "server" / f"{m}.py", modules) for m in modules}
    mutual = sorted(f"{a} <-> {b}" for a in imports for b in imports[a]
                    if a < b and a in imports[b])
    assert mutual == []
