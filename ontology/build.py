"""Build the release files of the ontology from its hand-edited Turtle sources.

The sources (``ontology/src/*.ttl`` and ``ontology/imports/*.ttl``) are what people edit and
review; the release files under ``ontology/release/`` are what tools open (Protégé, the OWL
API, owlready2, the graph pipeline). Release files are generated but committed, so this
build is deterministic: the same sources always give the same bytes.

Run ``python -m ontology.build`` to rebuild, ``python -m ontology.build --check`` to fail
when the committed release files are out of date.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ontology.layout import (
    IMPORTS_DIR,
    ONTOLOGY_IRI,
    PREFIXES,
    RELEASE_DIR,
    SRC_DIR,
    generated_note,
    import_iri,
)
from ontology.serialize import to_rdfxml, to_turtle

RELEASE_NAME = "ketamine-kg"


class OntologySourceError(ValueError):
    """A source file is malformed or does not fit the layout the build relies on."""


@dataclass(frozen=True)
class ReleasePaths:
    """Where the release files of one build are (or would be) written."""

    directory: Path
    owl: Path
    ttl: Path
    full_owl: Path
    catalog: Path
    imports: dict[str, Path]

    def all(self) -> list[Path]:
        """Every release file, in a stable order."""
        return [self.owl, self.ttl, self.full_owl, self.catalog,
                *(self.imports[name] for name in sorted(self.imports))]


def source_files() -> list[Path]:
    """The edited Turtle sources, sorted so the merge order never depends on the file system."""
    return sorted(SRC_DIR.glob("*.ttl"))


def import_files() -> dict[str, Path]:
    """Import module sources by module name (the file stem, e.g. ``ro_import``)."""
    return {path.stem: path for path in sorted(IMPORTS_DIR.glob("*.ttl"))}


def release_paths(out_dir: Path | None = None) -> ReleasePaths:
    """The release file paths for ``out_dir`` (default ``ontology/release``), without building."""
    directory = Path(out_dir) if out_dir is not None else RELEASE_DIR
    return ReleasePaths(
        directory=directory,
        owl=directory / f"{RELEASE_NAME}.owl",
        ttl=directory / f"{RELEASE_NAME}.ttl",
        full_owl=directory / f"{RELEASE_NAME}-full.owl",
        catalog=directory / "catalog-v001.xml",
        imports={name: directory / "imports" / f"{name}.owl" for name in import_files()},
    )


def _parse(path: Path) -> Graph:
    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        raise OntologySourceError(f"{path}: cannot parse Turtle: {error}") from error
    return graph


def read_edit_graph() -> Graph:
    """The merged edit sources: our ontology header, schema and vocabulary.

    A source other than the main edit file may carry its own ``owl:Ontology`` header; its
    header triples are dropped so the release has exactly one ontology, ours.
    """
    merged = Graph(bind_namespaces="none")
    main = URIRef(ONTOLOGY_IRI)
    for path in source_files():
        graph = _parse(path)
        foreign = {s for s in graph.subjects(RDF.type, OWL.Ontology) if s != main}
        for triple in graph:
            if triple[0] not in foreign:
                merged.add(triple)
    if (main, RDF.type, OWL.Ontology) not in merged:
        raise OntologySourceError(f"no source in {SRC_DIR} declares <{ONTOLOGY_IRI}>")
    return merged


def read_import_graphs() -> dict[str, Graph]:
    """Each import module's graph by name, checked to carry the IRI its file name implies."""
    graphs: dict[str, Graph] = {}
    for name, path in import_files().items():
        graph = _parse(path)
        expected = URIRef(import_iri(name))
        if (expected, RDF.type, OWL.Ontology) not in graph:
            raise OntologySourceError(f"{path}: its owl:Ontology must be <{expected}>")
        graphs[name] = graph
    return graphs


def merge_closure(edit: Graph, imports: dict[str, Graph]) -> Graph:
    """Ontology plus imports as one self-contained graph: import headers and owl:imports go.

    This is the "-full" release: one file that owlready2, HermiT and SPARQL users can load
    without resolving imports.
    """
    merged = Graph(bind_namespaces="none")
    headers = {URIRef(import_iri(name)) for name in imports}
    for graph in (edit, *imports.values()):
        for s, p, o in graph:
            if s in headers or p == OWL.imports:
                continue
            merged.add((s, p, o))
    return merged


_GRAPH_CACHE: dict[tuple[tuple[str, int, int], ...], Graph] = {}


def _source_stamp() -> tuple[tuple[str, int, int], ...]:
    files = [*source_files(), *import_files().values()]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def load_ontology_graph() -> Graph:
    """The ontology with its imports merged in, read from the sources (not the release files).

    This is what the graph pipeline loads into ``kkgraph:ontology`` and reads its lexicon
    from, so it always reflects the current sources even before a release is rebuilt. The
    parse is cached until a source file changes; each call returns a fresh copy, so callers
    may modify it.
    """
    stamp = _source_stamp()
    if stamp not in _GRAPH_CACHE:
        _GRAPH_CACHE.clear()
        _GRAPH_CACHE[stamp] = merge_closure(read_edit_graph(), read_import_graphs())
    result = Graph()
    for prefix, namespace in PREFIXES.items():
        result.bind(prefix, namespace, replace=True)
    for triple in _GRAPH_CACHE[stamp]:
        result.add(triple)
    return result


def _catalog_xml(paths: ReleasePaths) -> str:
    lines = [f"<!-- {generated_note('XML catalog for Protégé and the OWL API')} -->",
             '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">']
    for name in sorted(paths.imports):
        relative = paths.imports[name].relative_to(paths.directory).as_posix()
        lines.append(f'    <uri id="{name}" name="{import_iri(name)}" uri="{relative}"/>')
    lines.append("</catalog>")
    return "\n".join(lines) + "\n"


def render_release(paths: ReleasePaths) -> dict[Path, str]:
    """The text of every release file, keyed by its path (nothing is written)."""
    edit = read_edit_graph()
    imports = read_import_graphs()
    texts: dict[Path, str] = {
        paths.owl: to_rdfxml(edit, PREFIXES, generated_note("RDF/XML, imports by IRI")),
        paths.ttl: to_turtle(edit, PREFIXES, generated_note("Turtle, imports by IRI")),
        paths.full_owl: to_rdfxml(merge_closure(edit, imports), PREFIXES,
                                  generated_note("RDF/XML, imports merged in")),
        paths.catalog: _catalog_xml(paths),
    }
    for name, graph in imports.items():
        texts[paths.imports[name]] = to_rdfxml(graph, PREFIXES,
                                               generated_note(f"import module {name}"))
    return texts


def build_release(out_dir: Path | None = None) -> ReleasePaths:
    """Write every release file into ``out_dir`` (default ``ontology/release``).

    Files are written only when their content changes, so a no-op build leaves
    modification times alone.
    """
    paths = release_paths(out_dir)
    for path, text in render_release(paths).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    return paths


def stale_release_files(out_dir: Path | None = None) -> list[Path]:
    """Release files whose committed content differs from what the sources give now."""
    paths = release_paths(out_dir)
    return [path for path, text in render_release(paths).items()
            if not path.exists() or path.read_bytes() != text.encode("utf-8")]


def main(argv: list[str] | None = None) -> int:
    """Command line: build the release, or with ``--check`` report stale files."""
    parser = argparse.ArgumentParser(prog="python -m ontology.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="output directory")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the release files are not up to date")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_release_files(args.out)
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    paths = build_release(args.out)
    for path in paths.all():
        print(path)
    return 0


def build_to_temp() -> ReleasePaths:
    """Build into a fresh temporary directory (for checks that must not touch the repo)."""
    return build_release(Path(tempfile.mkdtemp(prefix="ketamine-kg-release-")))


if __name__ == "__main__":
    sys.exit(main())
