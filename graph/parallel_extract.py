"""Extract many documents on every core: the extract stage of ``ketamine-kg build``, in parallel.

Why processes: extraction is pure Python (sentence splitting, lexicon matching, rules), so
threads would queue on the GIL; documents are independent, so a pool of processes scales
with the cores. Results come back in input order and each is the very ``Extraction`` the
serial path makes (pickled whole, rdflib graph and deterministic blank-node labels
included), so the built graph is byte-identical to a serial build (tests check it).

Why ``spawn``: the build may run in a process that has threads (a test session, a server);
forking one is unsafe. Spawned workers import the pipeline once and receive the lexicon once,
so the start costs about a second: below ``MIN_DOCUMENTS`` documents, with one idle core, or
with ``KKG_BUILD_PROCESSES=1``, extraction stays in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Iterator, Sequence

from graph.executor import main_path_hidden
from graph.extraction.lexicon import Lexicon
from graph.extraction.model import Document
from graph.extraction.pipeline import Extraction, extract_document

MIN_DOCUMENTS = 8
CHUNK = 2  # documents per task: enough to hide the pipe, small enough to keep cores even
_LEXICON: Lexicon | None = None


def processes_wanted(documents: int) -> int:
    """How many processes to extract ``documents`` with (1 means: in this process).

    ``KKG_BUILD_PROCESSES`` decides when set. Otherwise only cores the load average shows
    idle are used: a parallel document costs about 1.4x the CPU of a serial one (the parent
    unpickles each document's rdflib graph), so on a busy machine it is slower, not faster
    (docs/benchmarks.md, "Many documents").
    """
    configured = os.environ.get("KKG_BUILD_PROCESSES", "").strip()
    try:
        cores = int(configured) if configured else _idle_cores()
    except ValueError:
        cores = 1
    if documents < MIN_DOCUMENTS:
        return 1
    return max(1, min(cores, documents // CHUNK))


def _idle_cores() -> int:
    """Cores not already busy: the core count less the 1-minute load average, rounded."""
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:
        return cores
    return max(1, min(cores, round(cores - busy)))


def extract_all(documents: Sequence[Document], lexicon: Lexicon,
                processes: int | None = None) -> Iterator[tuple[Document, Extraction]]:
    """Each document with its extraction, in input order, on ``processes`` processes."""
    count = processes_wanted(len(documents)) if processes is None else processes
    if count <= 1:
        for document in documents:
            yield document, extract_document(document, lexicon)
        return
    context = multiprocessing.get_context("spawn")
    with main_path_hidden():  # every worker starts here, in Pool()
        pool = context.Pool(count, initializer=_init, initargs=(pickle.dumps(lexicon),))
    with pool:
        results = pool.imap(_extract, documents, chunksize=CHUNK)
        for document, extraction in zip(documents, results, strict=True):
            yield document, extraction


def _init(lexicon: bytes) -> None:
    """Worker start: keep the lexicon for every document this worker extracts."""
    global _LEXICON
    _LEXICON = pickle.loads(lexicon)  # noqa: S301 - bytes this build pickled a moment ago


def _extract(document: Document) -> Extraction:
    if _LEXICON is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("extraction worker started without a lexicon")
    return extract_document(document, _LEXICON)
