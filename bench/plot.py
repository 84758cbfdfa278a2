"""Draw throughput and p99 per query for the three servers from ``bench/results/<size>.json``.

    bench/.venv/bin/python -m bench.plot      # each results file → docs/benchmarks-<size>.png

matplotlib lives in ``bench/.venv`` (it is not a dependency of the project); this script
reads only the JSON the benchmark wrote, so it imports nothing from the project.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs"
SERVERS = ("ketamine-kg", "oxigraph", "rdflib-endpoint")
COLOURS = {"ketamine-kg": "#1b9e77", "oxigraph": "#d95f02", "rdflib-endpoint": "#7570b3"}


def _figures(result: dict[str, Any], server: str, query: str) -> dict[str, Any]:
    queries = result["servers"].get(server, {}).get("queries", {})
    if server == "ketamine-kg" and f"{query} [/search]" in queries:
        return queries[f"{query} [/search]"]
    return queries.get(query, {})


def plot(result_path: Path, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    result = json.loads(result_path.read_text(encoding="utf-8"))
    queries = [row["query"] for row in result["summary"]["rows"]]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(14, 9), sharex=True)
    width = 0.27
    for offset, server in enumerate(SERVERS):
        xs = [i + (offset - 1) * width for i in range(len(queries))]
        rps = [_figures(result, server, q).get("rps") or 0 for q in queries]
        p99 = [_figures(result, server, q).get("p99_ms") or 0 for q in queries]
        top.bar(xs, rps, width, label=server, color=COLOURS[server])
        bottom.bar(xs, p99, width, label=server, color=COLOURS[server])
    top.set_yscale("log")
    bottom.set_yscale("log")
    top.set_ylabel("throughput, requests/s (log)")
    bottom.set_ylabel("p99 latency, ms (log)")
    top.set_title(f"{result['size']} quads ({result['quads']}): wrk -c{result['connections']}, "
                  f"server on 1 core, wrk on the other; label-search: ketamine-kg via /search")
    top.legend()
    bottom.set_xticks(range(len(queries)))
    bottom.set_xticklabels(queries, rotation=70, ha="right", fontsize=8)
    top.grid(axis="y", alpha=0.3)
    bottom.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="*")
    args = parser.parse_args(argv)
    paths = args.results or sorted(p for p in RESULTS.glob("*.json")
                                   if not p.name.startswith("build"))
    for path in paths:
        out = DOCS / f"benchmarks-{path.stem}.png"
        plot(path, out)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
