"""The embedded graph store: Oxigraph (pyoxigraph) on disk, swapped in atomically.

Why Oxigraph and not rdflib's memory store: the competency questions run 10-100x faster on
it (see docs/benchmarks.md and ``bench/store_compare.py``), it persists on disk, and it can be
opened read-only by a server while a build writes the next version beside it. rdflib stays the
graph API of the pipeline; the store only receives finished N-Quads.

Layout of a home folder (``instance/`` by default)::

    instance/stores/<build-id>/   one complete Oxigraph store per build
    instance/current -> stores/<build-id>    the one being served

A build writes a new store folder, closes it, and only then repoints ``current`` with an
atomic rename, so a build killed at any moment leaves the previous graph intact.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from graph.errors import QuerySyntaxError, StoreError, one_line
from graph.guard import inline_bindings
from graph.namespaces import PREFIXES

CURRENT_LINK = "current"
STORES_DIR = "stores"
KEEP_PREVIOUS = 1
_RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")


def default_home() -> Path:
    """The home folder: ``$KKG_HOME`` or ``./instance``."""
    return Path(os.environ.get("KKG_HOME", "instance")).resolve()


class GraphStore:
    """A read-mostly view of one Oxigraph store with the project's query conventions.

    The default graph of every query is the union of all named graphs unless the caller names
    the graphs, because users think of "the graph", not of its partitions.
    """

    def __init__(self, store: ox.Store, path: Path | None = None, *,
                 read_only: bool = False) -> None:
        self._store = store
        self.path = path
        # A read-only store cannot gain graphs, so their list is read once: every /sparql
        # request asks for it, and listing ~1000 document graphs costs milliseconds.
        self._read_only = read_only
        self._graphs: tuple[str, ...] | None = None
        # A built store holds the de-duplicated union of its named graphs in its default graph
        # (graph/build.py): Oxigraph's union-of-named-graphs mode repeats a triple once per
        # graph that holds it, so a use two documents support would come back twice.
        self._has_union_default = any(
            True for _ in islice(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), 1))

    @classmethod
    def in_memory(cls) -> GraphStore:
        """An empty store in memory (tests, ``serve --data``)."""
        return cls(ox.Store())

    @classmethod
    def open_home(cls, home: Path | None = None) -> GraphStore:
        """Open the graph a home folder currently points at, read-only."""
        home = home or default_home()
        link = home / CURRENT_LINK
        if not link.exists():
            raise StoreError(f"no graph built in {home}: run 'ketamine-kg build' first")
        target = link.resolve()
        try:
            store = ox.Store.read_only(str(target))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise StoreError(f"the graph store in {target} cannot be opened: {exc}") from exc
        graph_store = cls(store, target, read_only=True)
        if graph_store.count() == 0:
            raise StoreError(f"the graph store in {target} is empty or corrupt: rebuild it")
        return graph_store

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store, for serialisers that stream its results."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a read-only SPARQL query; values are bound as RDF terms, never pasted in.

        ``union_default_graph=False`` keeps the dataset a query names with FROM / FROM NAMED
        (Oxigraph's union option would override it); the caller knows whether there is one.
        """
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        options: dict[str, object] = {"prefixes": PREFIXES}
        if default_graph is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        elif union_default_graph and not self._has_union_default:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            try:
                return self._store.query(sparql, substitutions=substitutions or None, **options)
            except RuntimeError:
                if not bindings:
                    raise
                # pyoxigraph substitutes projected variables only: bind the others with a
                # VALUES block of the same terms (see graph.guard.inline_bindings).
                return self._store.query(inline_bindings(sparql, bindings), **options)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {_one_line(exc)}") from exc

    def select(self, sparql: str, **kwargs: object) -> list[dict[str, str | None]]:
        """Run a SELECT and return rows of plain strings (IRIs and lexical forms)."""
        result = self.query(sparql, **kwargs)  # type: ignore[arg-type]
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: _plain(row[n]) for n in names} for row in result]

    def graphs(self) -> list[str]:
        """The IRIs of every named graph, sorted."""
        if self._graphs is not None:
            return list(self._graphs)
        found = sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))
        if self._read_only:
            self._graphs = tuple(found)
        return found

    def labels(self, iris: Iterable[str], *, limit: int = 500) -> dict[str, str]:
        """The ``rdfs:label`` of each IRI that has one (English or plain first), by lookup.

        A direct index lookup per IRI, not a query: it is cheap enough to decorate every
        result row of an API call, and bounded by ``limit`` IRIs.
        """
        found: dict[str, str] = {}
        for iri in islice(dict.fromkeys(iris), limit):
            best: tuple[int, str] | None = None
            for quad in self._store.quads_for_pattern(ox.NamedNode(iri), _RDFS_LABEL, None, None):
                label = quad.object
                if not isinstance(label, ox.Literal):
                    continue
                rank = 0 if label.language in (None, "en") else 1
                if best is None or (rank, label.value) < best:
                    best = (rank, label.value)
            if best is not None:
                found[iri] = best[1]
        return found

    def count(self) -> int:
        """How many quads the store holds."""
        return len(self._store)

    def dump(self, fmt: ox.RdfFormat, graphs: Iterable[str] | None = None) -> bytes:
        """Serialise the chosen graphs (all by default) in an RDF format."""
        if graphs is None:
            quads = list(self._store)
        else:
            quads = [q for g in graphs
                     for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
        quads.sort(key=str)
        if fmt.supports_datasets:
            return ox.serialize(quads, format=fmt, prefixes=PREFIXES)
        return ox.serialize([q.triple for q in quads], format=fmt, prefixes=PREFIXES)


def write_home(home: Path, quads: Iterator[ox.Quad] | list[ox.Quad]) -> Path:
    """Write a complete new store and make it current atomically; return its folder.

    The previous store stays on disk (``KEEP_PREVIOUS`` of them) so a server that still has
    it open keeps answering until it reopens the new one.
    """
    stores = home / STORES_DIR
    stores.mkdir(parents=True, exist_ok=True)
    # Unique even for two builds of one process within a second (the nanosecond suffix).
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**9:09d}"
    build_dir = stores / stamp
    partial = build_dir.with_name(build_dir.name + ".partial")
    store = ox.Store(str(partial))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    del store
    partial.rename(build_dir)
    _point_current(home, build_dir)
    _remove_old_stores(stores, keep={build_dir})
    return build_dir


def _point_current(home: Path, target: Path) -> None:
    """Repoint ``home/current`` at ``target`` with one atomic rename."""
    tmp_link = home / f".{CURRENT_LINK}.{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.relative_to(home))
    os.replace(tmp_link, home / CURRENT_LINK)


def _remove_old_stores(stores: Path, keep: set[Path]) -> None:
    """Delete stores older than the newest ``KEEP_PREVIOUS`` and any left half-written."""
    complete = sorted(p for p in stores.iterdir() if p.is_dir() and p not in keep
                      and not p.name.endswith(".partial"))
    stale = complete[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else complete
    stale += [p for p in stores.iterdir() if p.name.endswith(".partial") and p not in keep]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _plain(term: object) -> str | None:
    """The string value of a term (IRI, literal lexical form), or None when unbound."""
    if term is None:
        return None
    return getattr(term, "value", str(term))


def _one_line(exc: BaseException) -> str:
    """An exception message as one line (cut with an ellipsis), for one-line user errors."""
    return one_line(str(exc)) or type(exc).__name__
