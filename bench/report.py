"""Markdown tables from ``bench/results/*.json`` for docs/benchmarks.md.

    .venv/bin/python -m bench.report bench/results/100k.json bench/results/1m.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

SERVERS = ("ketamine-kg", "oxigraph", "rdflib-endpoint")


def _n(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _entry(result: dict[str, Any], server: str, query: str) -> dict[str, Any]:
    queries = result["servers"].get(server, {}).get("queries", {})
    if server == "ketamine-kg" and f"{query} [/search]" in queries:
        return queries[f"{query} [/search]"]
    return queries.get(query, {})


def _cell(entry: dict[str, Any]) -> str:
    if not entry:
        return "– | – | –"
    if entry.get("mode") in ("failed", "timeout"):
        return f"{entry['mode']} | – | –"
    mark = " (seq)" if entry.get("mode") == "seq" else ""
    p50, p99 = _n(entry.get("p50_ms"), 0), _n(entry.get("p99_ms"), 0)
    return f"{_n(entry.get('rps'))}{mark} | {p50} | {p99}"


def table(result: dict[str, Any]) -> str:
    """Per query: req/s, p50, p99 for each server and the ratios."""
    lines = ["| query | kkg req/s | p50 ms | p99 ms | oxigraph req/s | p50 | p99 "
             "| rdflib-endpoint req/s | p50 | p99 | ×oxigraph | p99 ×oxi | ×rdflib | rows |",
             "|---" * 14 + "|"]
    for row in result["summary"]["rows"]:
        query = row["query"]
        cells = " | ".join(_cell(_entry(result, s, query)) for s in SERVERS)
        rows = row.get("rows", {})
        agree = "same" if row.get("rows_agree", True) else " / ".join(
            "–" if rows.get(s) is None else str(rows.get(s)) for s in SERVERS)
        lines.append(f"| {query} | {cells} | {_n(row['vs_oxigraph'], 2)} "
                     f"| {_n(row['p99_vs_oxigraph'], 2)} | {_n(row['vs_rdflib'], 1)} | {agree} |")
    return "\n".join(lines)


def servers(result: dict[str, Any]) -> str:
    """Load time, start time and memory per server."""
    lines = ["| server | load s | start s | idle RSS MiB | peak RSS MiB | peak PSS MiB | notes |",
             "|---|---|---|---|---|---|---|"]
    for name in SERVERS:
        data = result["servers"].get(name)
        if data:
            lines.append(f"| {name} | {_n(data['load_seconds'])} | {_n(data['start_seconds'])} "
                         f"| {_n(data['idle_rss'] / 2**20, 0)} | {_n(data['peak_rss'] / 2**20, 0)}"
                         f" | {_n(data['peak_pss'] / 2**20, 0)} | {'; '.join(data['notes'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+")
    args = parser.parse_args(argv)
    for path in args.results:
        result = json.loads(path.read_text(encoding="utf-8"))
        summary = result["summary"]
        print(f"### {result['size']} ({result['quads']:,} quads)\n")
        print(servers(result) + "\n")
        print(table(result) + "\n")
        machine = result["machine"]
        print(f"geomean ×oxigraph {_n(summary['geomean_vs_oxigraph'], 2)}; worst p99 "
              f"×oxigraph {_n(summary['worst_p99_vs_oxigraph'], 2)}; min ×rdflib "
              f"{_n(summary['min_vs_rdflib'], 2)}; RSS ×oxigraph "
              f"{_n(summary['rss_vs_oxigraph'], 2)}; load ×oxigraph "
              f"{_n(summary['load_vs_oxigraph'], 2)}; load average "
              f"{machine['load_average']} → {machine.get('load_average_end')}\n")


if __name__ == "__main__":
    main()
