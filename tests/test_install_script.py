"""scripts/install.sh installs the package once, and again only when pyproject.toml changes.

`make test` and `make serve` run the script on every call; it used to run `pip install -e`
each time. The script runs here as a real process in a copy of the project's install
files, with a stand-in ``.venv/bin/python`` that only records how it was called (the real
pip install is what `make test` itself does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("scripts/install.sh", "pyproject.toml", "setup.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    log = tmp_path / "python-calls.log"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> {log}\n', encoding="utf-8")
    python.chmod(0o755)
    past = time.time() - 3600
    for name in ("pyproject.toml", "setup.py"):
        os.utime(tmp_path / name, (past, past))
    return log, tmp_path / "pyproject.toml"


def _install(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KKG_SKIP_BROWSER": "1"}
    result = subprocess.run(["bash", str(project / "scripts" / "install.sh")], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _pip_installs(log: Path) -> int:
    if not log.exists():
        return 0
    return sum("install -q -e .[test]" in line for line in log.read_text().splitlines())


def test_the_package_is_installed_once_until_pyproject_changes(tmp_path: Path) -> None:
    log, pyproject = _project(tmp_path)
    _install(tmp_path)
    assert _pip_installs(log) == 1
    assert (tmp_path / ".venv" / ".installed").exists()
    _install(tmp_path)
    _install(tmp_path)
    assert _pip_installs(log) == 1  # nothing changed: no pip at all
    future = time.time() + 60
    os.utime(pyproject, (future, future))
    _install(tmp_path)
    assert _pip_installs(log) == 2  # pyproject.toml changed: installed again
