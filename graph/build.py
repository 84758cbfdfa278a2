"""``ketamine-kg build``: documents → extracted graphs → reasoning → a new store, atomically.

Order of work, and why:

1. read the ontology (its labels and synonyms are the linker's lexicon);
2. extract each given document into its own named graph (``kkgraph:document/<id>``);
3. keep the graphs of documents already in the store that were not given again, so that
   ``build new.txt`` adds to the graph and re-ingesting a document replaces only its graph;
4. run HermiT over the ontology and all document graphs (less what cannot change the
   answer, ``ontology.reasoner_input``); what it entails goes into ``kkgraph:inferred``;
5. write everything to a fresh store folder and switch ``current`` to it in one rename.

A build killed at any point before step 5's rename leaves the previous graph served.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

import ketamine_kg_data
from graph.errors import StoreError
from graph.extraction.model import Document
from graph.merge import merge_use_certainty
from graph.namespaces import INFERRED_GRAPH, MERGED_GRAPH, ONTOLOGY_GRAPH, document_graph
from graph.rdfio import graph_to_quads, store_graph_to_rdflib
from graph.store import CURRENT_LINK, GraphStore, write_home

Progress = Callable[[str], None]


def default_corpus() -> Path:
    """The corpus shipped with the project (``corpus/``, in the checkout or the wheel)."""
    return ketamine_kg_data.corpus_dir()


@dataclass
class DocumentReport:
    """What one document added to the graph."""

    doc_id: str
    path: str
    sentences: int
    claims: int
    uses: int
    entities: int
    candidates: int
    triples: int


@dataclass
class BuildReport:
    """Figures for a whole build, printed by the CLI and recorded in tests."""

    documents: list[DocumentReport] = field(default_factory=list)
    kept_documents: list[str] = field(default_factory=list)
    inferred_triples: int = 0
    total_quads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    store_path: str = ""


def build(
    paths: list[Path],
    home: Path,
    *,
    fresh: bool = False,
    reason: bool = True,
    progress: Progress = lambda _msg: None,
) -> BuildReport:
    """Extract ``paths`` into the graph in ``home`` and swap the result in atomically.

    Inputs are read and checked before the home or its lock file is created: a build
    refused for a bad document or a missing query file leaves nothing behind.
    """
    documents = read_inputs(paths)
    with _build_lock(home):
        return _build_locked(documents, home, fresh=fresh, reason=reason, progress=progress)


def read_inputs(paths: list[Path]) -> list[Document]:
    """Every document of ``paths``, and the pipeline's query files, or the first error."""
    from graph.extraction.lexicon import check_pipeline_queries
    from graph.extraction.load import load_documents, refuse_duplicate_ids

    documents = [doc for path in paths for doc in load_documents(path)]
    refuse_duplicate_ids(documents)
    check_pipeline_queries()
    return documents


@contextmanager
def _build_lock(home: Path) -> Iterator[None]:
    """Hold ``home/.build.lock`` for the whole build, or refuse at once.

    Why: two builds into one home would each read the previous graph and the later swap
    would silently drop the other's documents. The lock is an flock, so a build killed with
    kill -9 releases it with its process and never leaves a stale lock behind: the empty
    ``.build.lock`` file stays (deleting it could let two builds lock two different files),
    but only a running process can hold it.
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / ".build.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreError(f"another build is running in {home}; wait for it to finish") \
                from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_locked(
    documents: list[Document], home: Path, *, fresh: bool, reason: bool, progress: Progress
) -> BuildReport:
    """The build proper, run while this process holds the home's build lock."""
    from graph.extraction.lexicon import Lexicon
    from graph.parallel_extract import extract_all
    from ontology import load_ontology_graph

    report = BuildReport()
    clock = _Clock(report)
    with clock("ontology"):
        ontology_graph = load_ontology_graph()
        lexicon = Lexicon.from_graph(ontology_graph)
    progress(f"ontology: {len(ontology_graph)} triples, {len(lexicon)} lexicon entries")

    doc_graphs: dict[str, rdflib.Graph] = {}
    with clock("extract"):
        for number, (document, extraction) in enumerate(extract_all(documents, lexicon), 1):
            doc_graphs[document.doc_id] = extraction.graph
            report.documents.append(_document_report(document, extraction))
            progress(f"[{number}/{len(documents)}] {document.doc_id}: "
                     f"{extraction.claim_count} claims")
    if not fresh:
        kept = _previous_document_graphs(home, exclude=set(doc_graphs))
        report.kept_documents = sorted(kept)
        doc_graphs.update(kept)
    merged = merge_use_certainty(doc_graphs.values(), ontology_graph)

    inferred = rdflib.Graph()
    if reason:
        progress(f"reasoner: HermiT over the ontology and {len(doc_graphs)} document graphs")
        with clock("reason"):
            from ontology.reasoner import infer

            # infer() returns only what is new: nothing asserted comes back as "inferred".
            inferred = infer([ontology_graph, *doc_graphs.values(), merged])
        report.inferred_triples = len(inferred)
        progress(f"reasoner: {len(inferred)} inferred triples")

    with clock("store"):
        quads: list[ox.Quad] = list(graph_to_quads(ontology_graph, str(ONTOLOGY_GRAPH)))
        for doc_id in sorted(doc_graphs):
            quads.extend(graph_to_quads(doc_graphs[doc_id], document_graph(doc_id)))
        quads.extend(graph_to_quads(merged, str(MERGED_GRAPH)))
        quads.extend(graph_to_quads(inferred, str(INFERRED_GRAPH)))
        quads.extend(union_default_graph(quads))
        report.total_quads = len(quads)
        report.store_path = str(write_home(home, quads))
    progress(f"store: {report.total_quads} quads in {report.store_path}")
    return report


def union_default_graph(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Every distinct triple of the named graphs once, in the store's default graph.

    Why: the SPARQL default graph users query is the merge of all graphs, a set; Oxigraph's
    union mode instead yields a triple once per named graph holding it (two documents that
    support one use would double every row about it). The named graphs keep provenance.
    """
    seen: set[tuple[object, object, object]] = set()
    union: list[ox.Quad] = []
    for quad in quads:
        triple = (quad.subject, quad.predicate, quad.object)
        if triple not in seen:
            seen.add(triple)
            union.append(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
    return union


def _previous_document_graphs(home: Path, exclude: set[str]) -> dict[str, rdflib.Graph]:
    """Document graphs of the current store, except those being rebuilt."""
    if not (home / CURRENT_LINK).exists():
        return {}
    try:
        store = GraphStore.open_home(home)
    except StoreError:
        return {}
    prefix = document_graph("")
    kept: dict[str, rdflib.Graph] = {}
    for graph_iri in store.graphs():
        doc_id = graph_iri[len(prefix):]
        if graph_iri.startswith(prefix) and doc_id not in exclude:
            kept[doc_id] = store_graph_to_rdflib(store, graph_iri)
    return kept


def _document_report(document: object, extraction: object) -> DocumentReport:
    stats = getattr(extraction, "counts", {}) or {}
    return DocumentReport(
        doc_id=document.doc_id,  # type: ignore[attr-defined]
        path=str(document.path),  # type: ignore[attr-defined]
        sentences=int(stats.get("sentences", 0)),
        claims=extraction.claim_count,  # type: ignore[attr-defined]
        uses=int(stats.get("uses", 0)),
        entities=int(stats.get("entities", 0)),
        candidates=len(getattr(extraction, "candidates", []) or []),
        triples=len(extraction.graph),  # type: ignore[attr-defined]
    )


class _Clock:
    """Times named stages into the report (figures for the issue notes, not for tests)."""

    def __init__(self, report: BuildReport) -> None:
        self.report = report

    def __call__(self, name: str) -> _Clock:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.report.seconds[self._name] = round(time.perf_counter() - self._start, 3)
