"""Requests answered on the event loop when their query is known to be quick.

Why: under Granian a request reaches Python on an asyncio event loop; handing it to a
request thread and its answer back costs two GIL hand-overs and a wake-up of the loop, more
than a point lookup answered in-process (``graph.inline``). So ``server.rsgi_bridge`` first
runs a small query request on the loop inside ``QuickPath.on_loop()``. There the app may
only answer queries already proven quick on the current store: ``run_here_or_give_way``
raises ``WouldBlockError`` *before* anything would wait (a query process, an engine), and
the bridge runs the request again from the start on a thread. The server is read-only, so
running a request again changes nothing.

And the same request again: when the whole answer of a request on the loop was the body
of one quick query, the bridge keeps the request's status, headers and query job
(``server.rsgi_bridge``: ``Replay``); the next identical request (same method, path, query
string, body and headers) runs that job again through ``QuickPath.replay`` without Flask.
The rows are always computed afresh; only the way from request to query is remembered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from graph.executor import QueryJob
from graph.inline import InlineLane
from graph.results import Serialised
from graph.store import GraphStore
from server.store import store_for

INLINE_KEY = "kkg_inline_lane"


def inline_lane(app: Flask) -> InlineLane | None:
    """This app's memory of quick queries (None when ``KKG_INLINE_MAX_MS`` is 0).

    It lives here, not in ``server.execution``, so that the dependency runs one way: the
    executor's ``run_job`` uses the quick path, the quick path never the executor.
    """
    lane = app.extensions.get(INLINE_KEY)
    if lane is None:
        limit_ms = float(app.config["KKG_INLINE_MAX_MS"])
        if limit_ms <= 0:
            return None
        lane = app.extensions.setdefault(INLINE_KEY, InlineLane(max_seconds=limit_ms / 1000))
    return lane


class WouldBlockError(BaseException):
    """Answering would wait (for a query process or an engine): not on the event loop.

    A BaseException, so that Flask's error handlers let it through to the bridge.
    """


_STATE = threading.local()


def on_the_loop() -> bool:
    """Whether this thread is running a request on the event loop (no waiting allowed)."""
    return getattr(_STATE, "ran", None) is not None


def run_here_or_give_way(job: QueryJob, lane: InlineLane | None,
                         store: Any) -> Serialised:
    """Answer a query proven quick, or raise WouldBlockError (nothing has run yet)."""
    quick = _quick_answer(job, lane, store)
    if quick is None:
        raise WouldBlockError
    _STATE.ran.append((job, quick))
    return quick


def _quick_answer(job: QueryJob, lane: InlineLane | None, store: Any) -> Serialised | None:
    """The answer if ``job`` is proven quick on this embedded store; None (nothing run) if not.

    A remote engine's store (``graph.remote_store``) is never quick: asking it waits.
    """
    if lane is None or not isinstance(store, GraphStore):
        return None
    return lane.run_if_quick(store, job)


class QuickPath:
    """The app-side hooks the bridge uses: the loop context, the error, replaying a job."""

    would_block = WouldBlockError

    def __init__(self, app: Flask) -> None:
        self.app = app

    @contextmanager
    def on_loop(self) -> Iterator[list[tuple[QueryJob, Serialised]]]:
        """Run a request on this thread as the event loop; yields the queries it ran."""
        ran: list[tuple[QueryJob, Serialised]] = []
        _STATE.ran = ran
        try:
            yield ran
        finally:
            _STATE.ran = None

    def replay(self, job: QueryJob) -> Serialised | None:
        """Run ``job`` again if it is still quick on the store served now (else None)."""
        return _quick_answer(job, inline_lane(self.app), store_for(self.app))
