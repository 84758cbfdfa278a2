"""One command: three SPARQL servers, the same data, the same queries, the same load.

    .venv/bin/python -m bench.run --size 100k
    .venv/bin/python -m bench.run --size 1M --duration 10

For the chosen size it generates the dataset if missing (``bench.generate``), then, one
server at a time (never two at once, so they do not share the machine): loads the data,
starts the server pinned to core 1, probes every query once (checking that the servers
agree on the number of result rows), drives it with ``wrk`` pinned to core 0 (8 connections,
1 thread, ``--duration`` seconds per query), and samples the memory of its process tree.
It prints per query throughput, p50 and p99, load time and RSS, the ratios against
Oxigraph server and rdflib-endpoint, and the issue's targets met or missed, and writes
everything to ``bench/results/<size>.json`` (``bench.plot`` draws it).

Why the pinning: wrk and the server on the same two cores would fight for them, and the
server's share would change from run to run. With ``taskset`` each gets one core of its
own; the server's worker processes inherit its core. A query slower than ``--slow`` seconds
on its probe is not put under wrk (it would only queue): its figures come from sequential
runs instead and are marked ``seq``. This server has no result cache (it would have to be
switched off here); rdflib-endpoint caches parsed queries, not results.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import data_path, generate, parse_size, size_name
from bench.queryset import BenchQuery, HttpRequest, load_set
from bench.servers import (
    BENCH_VENV,
    MemorySampler,
    Server,
    start_kkg,
    start_oxigraph,
    start_rdflib,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua" / "request.lua"
SERVERS = ("ketamine-kg", "oxigraph", "rdflib-endpoint")
OURS, OXIGRAPH, RDFLIB = SERVERS
SERVER_CPU, LOAD_CPU = "1", "0"

# The targets (issue 5, section 2).
TARGET_GEOMEAN = 0.6
TARGET_P99 = 2.0
TARGET_RDFLIB = 3.0
TARGET_RSS = 2.0
TARGET_LOAD = 1.5
MAX_RESTARTS = 3
SEQUENTIAL_BUDGET_S = 20.0
SETTLE_MAX_S = 8.0
MIN_WRK_REQUESTS = 8


def _request_body_count(body: bytes) -> int | None:
    """Result rows in a SPARQL JSON (or /search JSON) answer; None when not JSON."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if isinstance(document, list):
        return len(document)
    if "boolean" in document:
        return 1
    return len(document.get("results", {}).get("bindings", []))


def http(server: Server, request: HttpRequest, timeout: float) -> tuple[int, bytes, float]:
    """Send one request; (status, body, seconds)."""
    import urllib.error
    import urllib.request

    headers = {"Accept": request.accept}
    if request.content_type != "-":
        headers["Content-Type"] = request.content_type
    req = urllib.request.Request(  # noqa: S310 - the bench's own http:// URLs
        server.base_url + request.path, method=request.method,
        data=request.body.encode() if request.body else None, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            body = response.read()
            return response.status, body, time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.perf_counter() - started
    except (urllib.error.URLError, TimeoutError, OSError):
        return 0, b"", time.perf_counter() - started


def run_wrk(server: Server, request: HttpRequest, *, duration: float, connections: int,
            timeout: float, work: Path) -> dict[str, Any]:
    """wrk pinned to the load core; the Lua script's done() prints one JSON line."""
    request_file = work / "request.txt"
    request_file.write_text(request.as_file_text(), encoding="utf-8")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", f"--timeout={timeout:g}s",
               "-s", str(LUA), server.base_url, "--", str(request_file)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", LOAD_CPU, *command]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    stats = json.loads(line)
    seconds = stats["duration_us"] / 1e6
    errors = stats["status_errors"] + stats["timeouts"] + stats["read_errors"]
    ok = max(stats["requests"] - stats["status_errors"], 0)
    return {"mode": "wrk", "rps": ok / seconds if seconds else 0.0,
            "p50_ms": stats["p50_us"] / 1000, "p99_ms": stats["p99_us"] / 1000,
            "requests": stats["requests"], "errors": errors}


def run_sequential(server: Server, request: HttpRequest, *, first: float, runs: int,
                   timeout: float) -> dict[str, Any]:
    """For queries too slow for wrk: a few back-to-back runs, one connection."""
    samples = [first]
    for _ in range(runs - 1):
        if sum(samples) > SEQUENTIAL_BUDGET_S:  # a minute-long query is measured once
            break
        status, _body, seconds = http(server, request, timeout)
        if status != 200:
            break
        samples.append(seconds)
    median = statistics.median(samples)
    return {"mode": "seq", "rps": 1 / median, "p50_ms": median * 1000,
            "p99_ms": max(samples) * 1000, "requests": len(samples), "errors": 0}


def measure_server(server: Server, queries: list[BenchQuery], args: argparse.Namespace,
                   work: Path, restart: Callable[[], Server]) -> tuple[Server, dict[str, Any]]:
    """Probe and load every query on one server; figures per query.

    A query that times out leaves the server computing it (none of them can cancel a
    running query from the client side), so the server is restarted before the next one,
    at most ``MAX_RESTARTS`` times.
    """
    figures: dict[str, Any] = {}
    restarts = 0
    for query in queries:
        variants = [("sparql", query.sparql_request(server.sparql_path))]
        native = query.search_request()
        if server.name == OURS and native is not None:
            variants.append(("index", native))
        for variant, request in variants:
            key = query.name if variant == "sparql" else f"{query.name} [/search]"
            first_ms = None
            if variant == "index":  # the first search builds the index: timed on its own
                first_ms = http(server, request, args.probe_timeout)[2] * 1000
            status, body, seconds = http(server, request, args.probe_timeout)
            entry: dict[str, Any] = {"probe_ms": seconds * 1000, "status": status,
                                     "rows": _request_body_count(body), "first_ms": first_ms}
            if status != 200:
                entry.update({"mode": "failed", "rps": 0.0, "p50_ms": None, "p99_ms": None,
                              "error": body[:300].decode("utf-8", "replace")})
                if status == 0 and server.process.poll() is None:
                    entry["mode"] = "timeout"
                    server.notes.append(f"{query.name}: no answer within {args.probe_timeout:g} s")
            elif seconds > args.slow:
                entry.update(run_sequential(server, request, first=seconds, runs=3,
                                            timeout=args.probe_timeout))
            else:
                http(server, request, args.probe_timeout)  # a second warm-up
                with MemorySampler(server):
                    entry.update(run_wrk(server, request, duration=args.duration,
                                         connections=args.connections,
                                         timeout=max(args.slow * 4, 10), work=work))
                # requests wrk abandoned at its deadline still run: let them finish before
                # the next query is probed, or they would be charged to it
                time.sleep(min(SETTLE_MAX_S, 1.5 * (entry["p99_ms"] or 0) / 1000) + 0.2)
                if entry["requests"] < MIN_WRK_REQUESTS:  # too few answers for percentiles
                    entry.update(run_sequential(server, request, first=seconds, runs=3,
                                                timeout=args.probe_timeout))
            figures[key] = entry
            _print_progress(server.name, key, entry)
            if entry["mode"] == "timeout":
                if restarts >= MAX_RESTARTS:
                    server.notes.append("gave up after repeated timeouts")
                    return server, figures
                restarts += 1
                peak_rss, peak_pss, notes = server.peak_rss, server.peak_pss, server.notes
                server.stop()
                server = restart()
                server.peak_rss, server.peak_pss = peak_rss, peak_pss
                server.notes = notes + [f"restarted after {query.name}"]
    server.sample_memory()
    return server, figures


def _print_progress(name: str, key: str, entry: dict[str, Any]) -> None:
    p99 = f"{entry['p99_ms']:.1f}" if entry.get("p99_ms") is not None else "-"
    print(f"  {name:16} {key:42} {entry['mode']:7} {entry['rps']:9.1f} req/s  p99 {p99} ms"
          f"  rows {entry.get('rows')}", file=sys.stderr, flush=True)


def start(name: str, data: Path, work: Path, args: argparse.Namespace) -> Server:
    port = 17000 + SERVERS.index(name)
    if name == OURS:
        return start_kkg(data, work, port, SERVER_CPU, workers=args.workers,
                         query_workers=args.query_workers, timeout_s=args.probe_timeout)
    if name == OXIGRAPH:
        return start_oxigraph(data, work, port, SERVER_CPU, timeout_s=args.probe_timeout)
    return start_rdflib(data, work, port, SERVER_CPU)


# --------------------------------------------------------------------------- report


def _geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _row_key(query: BenchQuery, figures: dict[str, Any]) -> str:
    """This server's figures for a query: the /search index for label search, if measured."""
    native = f"{query.name} [/search]"
    return native if native in figures else query.name


def summarise(result: dict[str, Any], queries: list[BenchQuery]) -> dict[str, Any]:
    """Per query ratios and the targets, from the measured figures."""
    servers = result["servers"]
    ours, ox_, rl = (servers.get(n, {}).get("queries", {}) for n in SERVERS)
    rows, tput, p99s, rdflib_ratios = [], [], [], []
    for query in queries:
        mine = ours.get(_row_key(query, ours), {})
        theirs, slow = ox_.get(query.name, {}), rl.get(query.name, {})
        counts = {n: servers.get(n, {}).get("queries", {}).get(query.name, {}).get("rows")
                  for n in SERVERS}
        row = {"query": query.name, "group": query.group, "rows": counts,
               "rows_agree": len({c for c in counts.values() if c is not None}) <= 1,
               "vs_oxigraph": _ratio(mine.get("rps"), theirs.get("rps")),
               "p99_vs_oxigraph": _ratio(mine.get("p99_ms"), theirs.get("p99_ms")),
               "vs_rdflib": _ratio(mine.get("rps"), slow.get("rps"))}
        rows.append(row)
        if query.group != "search":  # label search is reported on its own (index vs regex)
            tput.append(row["vs_oxigraph"])
            p99s.append(row["p99_vs_oxigraph"])
        rdflib_ratios.append(row["vs_rdflib"])
    mem = {n: servers[n].get("peak_rss") for n in servers}
    load = {n: servers[n].get("load_seconds", 0) + servers[n].get("start_seconds", 0)
            for n in servers}
    search = [r for r in rows if r["group"] == "search"]
    summary = {
        "rows": rows,
        "geomean_vs_oxigraph": _geomean([r for r in tput if r]),
        "worst_p99_vs_oxigraph": max((r for r in p99s if r), default=None),
        "queries_over_p99_target": [r["query"] for r in rows if r["group"] != "search"
                                    and (r["p99_vs_oxigraph"] or 0) > TARGET_P99],
        "min_vs_rdflib": min((r for r in rdflib_ratios if r), default=None),
        "queries_under_rdflib_target": [r["query"] for r in rows
                                        if r["vs_rdflib"] is not None
                                        and r["vs_rdflib"] < TARGET_RDFLIB],
        "rss_vs_oxigraph": _ratio(mem.get(OURS), mem.get(OXIGRAPH)),
        "load_vs_oxigraph": _ratio(load.get(OURS), load.get(OXIGRAPH)),
        "search_vs_oxigraph": [r["vs_oxigraph"] for r in search],
        "search_vs_rdflib": [r["vs_rdflib"] for r in search],
    }
    return summary


def _fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def print_report(result: dict[str, Any], queries: list[BenchQuery]) -> None:
    servers, summary = result["servers"], result["summary"]
    print(f"\n# {result['size']} ({result['quads']} quads), {result['machine']['cpu']}, "
          f"{result['machine']['cores']} cores; wrk -t1 -c{result['connections']} "
          f"-d{result['duration']:g}s pinned to core {LOAD_CPU}, servers to core {SERVER_CPU}")
    head = f"{'query':34}" + "".join(f" | {n[:15]:>15} rps  p50  p99" for n in SERVERS)
    print(head + " | x oxi  x rdflib")
    for query, row in zip(queries, summary["rows"], strict=True):
        cells = []
        for name in SERVERS:
            figures = servers.get(name, {}).get("queries", {})
            entry = figures.get(_row_key(query, figures) if name == OURS else query.name, {})
            mark = "*" if entry.get("mode") == "seq" else ("!" if entry.get("mode") in
                                                           ("failed", "timeout") else " ")
            cells.append(f" | {_fmt(entry.get('rps')):>18}{mark}"
                         f"{_fmt(entry.get('p50_ms'), 0):>5}{_fmt(entry.get('p99_ms'), 0):>5}")
        print(f"{query.name[:34]:34}" + "".join(cells)
              + f" | {_fmt(row['vs_oxigraph'], 2):>5} {_fmt(row['vs_rdflib'], 1):>8}")
    print("(* sequential runs: too slow for wrk; ! failed or timed out;"
          " label-search rows: ketamine-kg answers from its /search index)")
    print("\nserver            load+start s   RSS MiB (PSS MiB)   notes")
    for name in SERVERS:
        data = servers.get(name)
        if not data:
            continue
        print(f"{name:17} {data['load_seconds']:6.1f} + {data['start_seconds']:4.1f}"
              f"   {data['peak_rss'] / 2**20:8.0f} ({data['peak_pss'] / 2**20:6.0f})"
              f"   {'; '.join(data.get('notes', []))}")
    checks = [
        ("geomean throughput vs oxigraph", summary["geomean_vs_oxigraph"], TARGET_GEOMEAN, ">="),
        ("worst p99 vs oxigraph", summary["worst_p99_vs_oxigraph"], TARGET_P99, "<="),
        ("min throughput vs rdflib-endpoint", summary["min_vs_rdflib"], TARGET_RDFLIB, ">="),
        ("RSS vs oxigraph", summary["rss_vs_oxigraph"], TARGET_RSS, "<="),
        ("load vs oxigraph", summary["load_vs_oxigraph"], TARGET_LOAD, "<="),
    ]
    print("\ntarget                               measured   target   met")
    for label, value, target, sense in checks:
        met = value is not None and (value >= target if sense == ">=" else value <= target)
        print(f"{label:36} {_fmt(value, 2):>8}   {sense}{target:<5}  {'yes' if met else 'NO'}")
    if summary["queries_over_p99_target"]:
        print(f"p99 over {TARGET_P99}x: {', '.join(summary['queries_over_p99_target'])}")
    if summary["queries_under_rdflib_target"]:
        print(f"under {TARGET_RDFLIB}x rdflib: {', '.join(summary['queries_under_rdflib_target'])}")
    disagree = [f"{r['query']} {r['rows']}" for r in summary["rows"] if not r["rows_agree"]]
    if disagree:
        print("result rows differ between engines: " + "; ".join(disagree))
    print(f"label search (index) vs oxigraph regex: "
          f"{', '.join(_fmt(v, 1, 'x') for v in summary['search_vs_oxigraph'])}; "
          f"vs rdflib-endpoint: {', '.join(_fmt(v, 1, 'x') for v in summary['search_vs_rdflib'])}")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo", encoding="utf-8") as handle:
        mem_kb = int(handle.readline().split()[1])
    versions = {}
    for tool, command in (("oxigraph", [str(BENCH_VENV / "oxigraph"), "--version"]),
                          ("wrk", ["wrk", "--version"])):
        try:
            out = subprocess.run(command, capture_output=True, text=True, check=False)
            versions[tool] = (out.stdout or out.stderr).splitlines()[0].strip()
        except (OSError, IndexError):
            versions[tool] = "missing"
    import pyoxigraph
    import rdflib

    versions["pyoxigraph"] = pyoxigraph.__version__
    versions["rdflib"] = rdflib.__version__
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "versions": versions, "load_average": os.getloadavg()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--duration", type=float, default=5.0, help="wrk seconds per query")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--slow", type=float, default=2.0,
                        help="probe seconds above which a query runs sequentially, not in wrk")
    parser.add_argument("--probe-timeout", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes (this server)")
    parser.add_argument("--query-workers", type=int, default=2,
                        help="query processes per server worker (this server)")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--only", action="append", help="run queries whose name contains this")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--merge", action="store_true",
                        help="update the existing results file with these measurements only")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep stores and server logs in this folder (default: a temp dir)")
    args = parser.parse_args(argv)
    # stopping the run (kill PID) must stop the server it started too: run the finally blocks
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data = data_path(args.size)
    if not data.exists():
        print(f"generating {data}", file=sys.stderr)
        generate(args.size, data)
    manifest = json.loads(data.with_suffix(".json").read_text(encoding="utf-8"))
    queries = load_set(data.with_suffix(".json"), only=args.only)
    result: dict[str, Any] = {
        "size": size_name(args.size), "quads": manifest["quads"], "data": str(data),
        "duration": args.duration, "connections": args.connections,
        "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "settings": {k: v for k, v in vars(args).items() if k not in ("out", "work")},
        "servers": {},
    }
    result["settings"]["size"] = args.size
    with tempfile.TemporaryDirectory(prefix="kkg-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name in args.servers.split(","):
            print(f"{name}: loading {data.name}", file=sys.stderr, flush=True)
            server = start(name, data, work, args)
            load_seconds, start_seconds = server.load_seconds, server.start_seconds
            try:
                server.sample_memory()
                idle_rss = server.peak_rss
                server, figures = measure_server(
                    server, queries, args, work,
                    lambda name=name: start(name, data, work, args))  # type: ignore[misc]
                result["servers"][name] = {
                    "load_seconds": load_seconds, "start_seconds": start_seconds,
                    "idle_rss": idle_rss, "peak_rss": server.peak_rss,
                    "peak_pss": server.peak_pss, "notes": server.notes, "queries": figures}
            finally:
                server.stop()
    result["machine"]["load_average_end"] = os.getloadavg()
    out = args.out or RESULTS / f"{size_name(args.size)}.json"
    if args.merge and out.exists():  # a re-run of some queries on some servers
        previous = json.loads(out.read_text(encoding="utf-8"))
        for name, fresh in result["servers"].items():
            kept = previous["servers"].setdefault(name, fresh)
            if kept is fresh:
                continue
            measured = list(fresh["queries"])
            kept["queries"].update(fresh["queries"])
            # load, start-up and memory are the latest run's: the server was started afresh
            kept.update({k: v for k, v in fresh.items() if k not in ("queries", "notes")})
            kept["notes"] = [*fresh["notes"], f"re-measured {result['started']}: "
                             + (", ".join(measured) if args.only else "every query")]
        previous["machine"].setdefault("reruns", []).append(
            {"started": result["started"], "servers": sorted(result["servers"]),
             "load_average": result["machine"]["load_average"],
             "load_average_end": result["machine"]["load_average_end"]})
        result = previous
        queries = load_set(data.with_suffix(".json"))
    result["summary"] = summarise(result, queries)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_report(result, queries)
    print(f"\nwritten: {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
