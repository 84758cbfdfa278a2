"""How long the graph view's data takes around the biggest hub of a many-article build.

    .venv/bin/python -m bench.graph_view                  # 50 articles, with the reasoner
    .venv/bin/python -m bench.graph_view --articles 100 --no-reason --repeat 5

It writes the articles (``bench.articles``, the same first N every time), builds them once
(``graph.build``, as ``ketamine-kg build --fresh``) into a temporary home, finds the node
with the most edges the graph view draws, and times ``/graph/data?focus=<hub>&depth=1``
(the usual start of the view) and ``/graph/data`` (the whole graph) through the Flask app,
counting the view queries each request runs. It prints the figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.articles import DATA_DIR, write_articles

HUB_QUERY = """
SELECT ?node (COUNT(*) AS ?edges) WHERE {
  { ?node ?p ?other } UNION { ?other ?p ?node }
  FILTER(isIRI(?other) && STRSTARTS(STR(?node), "https://w3id.org/ketamine-kg/entity/"))
} GROUP BY ?node ORDER BY DESC(?edges) LIMIT 1
"""  # bench-only: finds the hub, not part of the server


def build_home(count: int, reason: bool, home: Path) -> float:
    """Write ``count`` articles and build them into ``home``; the build's seconds."""
    from graph.build import build

    folder = DATA_DIR / f"articles-{count}"
    paths = write_articles(count, folder)
    started = time.perf_counter()
    build(paths, home, fresh=True, reason=reason)
    return time.perf_counter() - started


def timed(get: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls, after one warm-up call."""
    get()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--no-reason", action="store_true", help="build without HermiT")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--home", type=Path, default=None,
                        help="an already built home to use instead of building one")
    args = parser.parse_args(argv)

    from server import create_app, viewkit
    from server.execution import shutdown
    from server.store import get_store

    with tempfile.TemporaryDirectory(prefix="kkg-graphview-") as tmp:
        home = args.home or Path(tmp) / "home"
        if args.home is None:
            seconds = build_home(args.articles, not args.no_reason, home)
            print(f"built {args.articles} articles in {seconds:.1f} s")
        app = create_app({"KKG_HOME": str(home), "KKG_DATA_FILES": "", "KKG_ENGINE": ""})
        calls: list[str] = []
        original = viewkit.run_view

        def counting(name: str, **iris: str) -> list[viewkit.Row]:
            calls.append(name)
            return original(name, **iris)

        viewkit.run_view = counting  # type: ignore[assignment]
        import server.graph_data as graph_data
        graph_data.run_view = counting  # type: ignore[assignment]
        try:
            with app.app_context():
                row = next(iter(get_store().query(HUB_QUERY)))
                hub, degree = row["node"].value, int(row["edges"].value)
            client = app.test_client()
            print(f"hub: {hub} ({degree} edges in the store)")
            print(f"{'request':<28} {'median s':>9} {'min s':>7} {'max s':>7} {'queries':>8}"
                  f" {'nodes':>6} {'edges':>6}")
            for name, url in (("focus on the hub, depth 1", f"/graph/data?focus={hub}&depth=1"),
                              ("whole graph", "/graph/data")):
                calls.clear()
                data = client.get(url).get_json()
                queries = len(calls)
                times = timed(lambda url=url: client.get(url), args.repeat)
                print(f"{name:<28} {statistics.median(times):>9.3f} {min(times):>7.3f}"
                      f" {max(times):>7.3f} {queries:>8} {len(data['nodes']):>6}"
                      f" {len(data['edges']):>6}")
        finally:
            viewkit.run_view = original  # type: ignore[assignment]
            shutdown(app)


if __name__ == "__main__":
    main()
