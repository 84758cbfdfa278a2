"""Parallel extraction (graph/parallel_extract.py) builds exactly what the serial path builds."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from graph.build import build
from graph.export import export_graph
from graph.parallel_extract import MIN_DOCUMENTS, processes_wanted

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.articles import write_articles  # noqa: E402


def test_small_builds_and_one_process_stay_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKG_BUILD_PROCESSES", "2")
    assert processes_wanted(MIN_DOCUMENTS - 1) == 1
    assert processes_wanted(400) == 2
    monkeypatch.setenv("KKG_BUILD_PROCESSES", "1")
    assert processes_wanted(400) == 1


def test_parallel_build_is_byte_identical_to_serial(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    articles = tmp_path / "articles"
    write_articles(MIN_DOCUMENTS + 2, articles)
    exports, reports = [], []
    for processes in ("1", "2"):
        monkeypatch.setenv("KKG_BUILD_PROCESSES", processes)
        home = tmp_path / f"home-{processes}"
        report = build([articles], home, fresh=True, reason=False)
        exports.append(export_graph(home, "nq"))
        reports.append([asdict(d) for d in report.documents])
    assert exports[0] == exports[1]
    assert reports[0] == reports[1] and len(reports[0]) == MIN_DOCUMENTS + 2
    assert all(d["claims"] > 0 for d in reports[0])
