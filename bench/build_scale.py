"""``ketamine-kg build`` over folders of 50, 100, 200, 400 synthetic articles: does it scale?

    .venv/bin/python -m bench.build_scale                    # 50 100 200 400, 1 and 2 processes
    .venv/bin/python -m bench.build_scale --counts 50 100 --no-reason

For each count it writes the articles (``bench.articles``, the same first N every time),
runs the real command line (``ketamine-kg build --fresh --report``) once with extraction in
one process (``KKG_BUILD_PROCESSES=1``) and once on both cores, and prints wall time, the
build's own stage timings, documents per second, and seconds per 100 KB of text, so linear
growth shows as a flat last column. Results go to ``bench/results/build-scale.json``, or
``bench/results/build-scale-reason.json`` when the reasoner runs (the default).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.articles import DATA_DIR, write_articles

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".venv" / "bin" / "ketamine-kg"
RESULTS = ROOT / "bench" / "results"


def run_build(folder: Path, processes: int, reason: bool) -> dict[str, Any]:
    """One fresh build of ``folder``; wall seconds and the build report's stage timings."""
    with tempfile.TemporaryDirectory(prefix="kkg-build-") as tmp:
        report_path = Path(tmp) / "report.json"
        command = [str(CLI), "build", "--fresh", "--home", str(Path(tmp) / "home"),
                   "--report", str(report_path), str(folder)]
        if not reason:
            command.insert(2, "--no-reason")
        env = dict(os.environ, KKG_BUILD_PROCESSES=str(processes))
        started = time.perf_counter()
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        report = json.loads(report_path.read_text(encoding="utf-8"))
    return {"wall_s": wall, "stages": report["seconds"], "quads": report["total_quads"],
            "claims": sum(d["claims"] for d in report["documents"])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[50, 100, 200, 400])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-reason", action="store_true", help="skip HermiT (--no-reason)")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    print(f"{'docs':>5} {'KB':>6} {'proc':>4} {'wall s':>7} {'extract':>8} {'reason':>7}"
          f" {'store':>6} {'docs/s':>7} {'extr docs/s':>11} {'s/100KB':>8} {'claims':>7}")
    for count in args.counts:
        folder = DATA_DIR / f"articles-{count}"
        paths = write_articles(count, folder)
        size_kb = sum(p.stat().st_size for p in paths) / 1024
        for processes in args.processes:
            result = run_build(folder, processes, reason=not args.no_reason)
            stages = result["stages"]
            row = {"documents": count, "kb": size_kb, "processes": processes, **result,
                   "docs_per_s": count / result["wall_s"],
                   "extract_docs_per_s": count / max(stages.get("extract", 0), 1e-9)}
            rows.append(row)
            print(f"{count:5d} {size_kb:6.0f} {processes:4d} {result['wall_s']:7.1f}"
                  f" {stages.get('extract', 0):8.1f} {stages.get('reason', 0):7.1f}"
                  f" {stages.get('store', 0):6.1f} {row['docs_per_s']:7.1f}"
                  f" {row['extract_docs_per_s']:11.1f}"
                  f" {result['wall_s'] / size_kb * 100:8.2f} {result['claims']:7d}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("build-scale.json" if args.no_reason else "build-scale-reason.json")
    out.write_text(json.dumps({"rows": rows, "load_average": os.getloadavg(),
                               "reason": not args.no_reason}, indent=2) + "\n",
                   encoding="utf-8")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
