"""Compare the embedded store candidates on the competency questions (section 4 queries).

Prints, per named query, the median time of N runs on pyoxigraph's Store and on rdflib's
memory Dataset (default graph = union, like the server), then the geometric mean ratio.
Run it on the built graph:

    .venv/bin/python bench/store_compare.py --runs 20

This is a benchmark script, not a test: timings on a 2-core shared machine are noisy, so it
reports medians and never asserts.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from graph.namespaces import PREFIXES
from graph.queries import load_queries
from graph.store import GraphStore, default_home


def _rdflib_dataset(store: GraphStore) -> rdflib.Dataset:
    data = store.dump(ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data.decode("utf-8"), format="nquads")
    return dataset


def _median_ms(run, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    store = GraphStore.open_home(args.home or default_home())
    dataset = _rdflib_dataset(store)
    print(f"graph: {store.count()} quads; {args.runs} runs per query; median ms")
    print(f"{'query':34} {'pyoxigraph':>11} {'rdflib':>11} {'ratio':>7}")
    ratios = []
    for name, query in sorted(load_queries().items()):
        if query.kind not in ("api", "checks"):
            continue
        ox_bindings = query.bindings({})
        rl_bindings = {k: rdflib.URIRef(v.value) if isinstance(v, ox.NamedNode)
                       else rdflib.Literal(v.value, datatype=rdflib.URIRef(v.datatype.value))
                       for k, v in ox_bindings.items()}

        def run_ox(text: str = query.text, bindings: dict = ox_bindings) -> None:
            result = store.query(text, bindings=bindings)
            if not isinstance(result, ox.QueryBoolean):
                list(result)

        def run_rl(text: str = query.text, bindings: dict = rl_bindings) -> None:
            list(dataset.query(text, initBindings=bindings,
                               initNs={k: rdflib.Namespace(v) for k, v in PREFIXES.items()}))

        ox_ms, rl_ms = _median_ms(run_ox, args.runs), _median_ms(run_rl, args.runs)
        ratios.append(rl_ms / max(ox_ms, 1e-6))
        print(f"{name:34} {ox_ms:11.2f} {rl_ms:11.2f} {rl_ms / max(ox_ms, 1e-6):6.1f}x")
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"geometric mean: rdflib takes {geomean:.1f}x the time of pyoxigraph")


if __name__ == "__main__":
    main()
