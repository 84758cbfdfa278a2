"""Answer a query in the calling process once the same query has proven itself quick.

Why: a query process (``graph.executor``) is what makes a runaway query killable, but the
trip there and back (pickling the job, the pipe, waking the process, copying the answer
back) costs more than a point lookup itself: on a lookup it was most of the request.

Why it is safe to skip the trip for a *repeated* query: the store a server reads is
read-only, so one query text over one dataset of one store does the same work every time
it runs. A query that a query process has already answered within ``max_seconds``, with
an answer of at most ``max_bytes``, cannot run away when it runs again on the same store:
it is answered here, in the caller's thread, with the same rows and the same cut. Anything
not yet seen, anything that was slow or large once, and anything on a store that has been
rebuilt since (the store's folder is part of the key) still goes to a query process.
Nothing is cached but the fact "this was quick": every answer is computed afresh.

Two things the query processes guard against are checked again here, because the caller
has neither their network ban nor their large stack: a query whose text mentions
``service`` in any case, or holds a ``\\u``/``\\U`` escape (which could spell it), never
runs here, even though the guard refuses SERVICE before anything runs; and a query longer
than ``MAX_QUERY_CHARS`` never runs here, since deep operator chains in long texts need the
query processes' stack to be parsed (measured: on an 8 MB stack pyoxigraph parses chains of
6,000 ``+`` or 8,000 ``!`` and crashes at 8,000 ``+``; 4,096 characters hold at most half
of either).

The memory of quick queries is bounded (least recently used first out), so a client
sending endless distinct queries costs a fixed amount of memory and nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from graph.errors import KGError
from graph.query_worker import QueryJob, answer_job
from graph.results import Serialised
from graph.store import GraphStore

DEFAULT_MAX_SECONDS = 0.02    # a query process answered within this: quick
DEFAULT_MAX_BYTES = 256 * 1024  # and its answer was at most this large
DEFAULT_CAPACITY = 4096       # query shapes remembered
MAX_QUERY_CHARS = 4096        # longer texts always go to a query process (stack: see above)


class InlineLane:
    """Which queries have proven quick on which store, and the in-process way to run them."""

    def __init__(self, *, max_seconds: float = DEFAULT_MAX_SECONDS,
                 max_bytes: int = DEFAULT_MAX_BYTES, capacity: int = DEFAULT_CAPACITY) -> None:
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.capacity = max(capacity, 0)
        self._quick: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def run(self, store: GraphStore, job: QueryJob,
            elsewhere: Callable[[QueryJob], Serialised]) -> Serialised:
        """Answer ``job`` here if it has proven quick on ``store``, else via ``elsewhere``."""
        key = _key(store, job)
        quick = self._answer_if_quick(key, store, job)
        if quick is not None:
            return quick
        result = elsewhere(job)
        if key is not None and self._proves_quick(result):
            self._remember(key)
        return result

    def run_if_quick(self, store: GraphStore, job: QueryJob) -> Serialised | None:
        """Answer ``job`` here if it has proven quick on ``store``; None (nothing run) if not."""
        return self._answer_if_quick(_key(store, job), store, job)

    def _answer_if_quick(self, key: Hashable | None, store: GraphStore,
                         job: QueryJob) -> Serialised | None:
        if key is None or not self._is_quick(key):
            return None
        return answer_job(store, job)

    def __len__(self) -> int:
        return len(self._quick)

    def _proves_quick(self, result: Serialised) -> bool:
        return (result.seconds is not None and result.seconds <= self.max_seconds
                and len(result.body) <= self.max_bytes)

    def _is_quick(self, key: Hashable) -> bool:
        with self._lock:
            if key not in self._quick:
                return False
            self._quick.move_to_end(key)
            return True

    def _remember(self, key: Hashable) -> None:
        if self.capacity == 0:
            return
        with self._lock:
            self._quick[key] = None
            self._quick.move_to_end(key)
            while len(self._quick) > self.capacity:
                self._quick.popitem(last=False)


def _may_run_here(query: str) -> bool:
    """False for texts that could call out or need a deep stack (see the module docstring)."""
    if len(query) > MAX_QUERY_CHARS or "\\u" in query or "\\U" in query:
        return False
    return "service" not in query.lower()


def _key(store: GraphStore, job: QueryJob) -> Hashable | None:
    """What decides the work a query does: store, text, bound values, dataset, cut, format.

    A store without a folder is RDF files that this process and each query process loaded
    alike (``serve --data``): the same data, named by the object that holds it here.
    """
    if not _may_run_here(job.query):
        return None
    where = str(store.path) if store.path is not None else f"memory:{id(store)}"
    try:
        bindings = tuple(sorted((name, str(value)) for name, value in job.bindings.items()))
    except (TypeError, KGError):
        return None
    return (where, job.query, bindings, job.default_graphs, job.named_graphs,
            job.union_default_graph, job.media_type, job.max_rows, job.max_bytes)
