"""Build hook: ship the top-level ``queries/`` and ``corpus/`` folders inside the wheel.

Why: the repository keeps them at the top level (the layout the design card asks for), but
only files inside a package can be found through ``importlib.resources`` once installed
(``data-files`` land outside site-packages). So the wheel gets a copy of each under the
``ketamine_kg_data`` package, where ``ketamine_kg_data.queries_dir()`` and ``corpus_dir()``
look when they are not running from a checkout. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"queries": ("*.rq",), "corpus": ("*.txt", "*.md")}


class BuildPyWithData(build_py):
    """``build_py`` that also copies the shipped data folders into ``ketamine_kg_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout
            return
        package = Path(self.build_lib) / "ketamine_kg_data"
        for folder, patterns in SHIPPED.items():
            target = package / folder
            shutil.rmtree(target, ignore_errors=True)  # a stale build/ must not leak old files
            for pattern in patterns:
                for source in sorted((ROOT / folder).rglob(pattern)):
                    destination = target / source.relative_to(ROOT / folder)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildPyWithData})
