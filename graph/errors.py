"""The project's own errors.

Library code raises these and never prints or exits: only the command line turns them into
one line and an exit code, and only the server turns them into an HTTP status. Each class
carries the HTTP status it maps to so that both front ends agree on what a failure means.
"""

from __future__ import annotations

MESSAGE_LIMIT = 240  # characters of an engine's message kept in a one-line error


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """An engine's message as one line of at most about ``limit`` characters.

    Why: Oxigraph's syntax errors list every token it expected over several lines; the first
    line alone stopped mid-list with nothing to say so. Lines are joined, and a message still
    too long is cut after a whole list item (``, ``) and ends with an ellipsis.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(", ", 0, limit)
    if cut > limit // 2:
        return flat[:cut] + ", …"
    cut = flat.rfind(" ", 0, limit)
    return flat[:cut if cut > limit // 2 else limit] + " …"


class KGError(Exception):
    """Base of every error the project reports to a user (never a bug)."""

    http_status = 400


class DocumentError(KGError):
    """An input document cannot be read: missing, empty, not UTF-8, or no documents at all."""


class StoreError(KGError):
    """The graph store is missing, corrupt or cannot be opened."""

    http_status = 503


class QueryNotFoundError(KGError):
    """No named query has that name."""

    http_status = 404


class QueryParameterError(KGError):
    """A named query was given an unknown parameter or a value of the wrong kind."""


class QuerySyntaxError(KGError):
    """A SPARQL query does not parse."""


class QueryRefusedError(KGError):
    """A query asks for something this read-only, offline service never does (update, SERVICE…)."""

    http_status = 403


class QueryTimeoutError(KGError):
    """A query ran past its time limit and was stopped."""

    http_status = 503


class QueryLimitError(KGError):
    """A query went past a limit other than time (the memory one query may use) and was stopped.

    503 like a timeout: the service is fine, this query asked for more than it may have.
    """

    http_status = 503


class QueryAbortedError(KGError):
    """The query engine stopped while running a query (its process crashed or ran out of memory).

    The process is replaced, so the service goes on; the status is 500 because the request
    itself may be fine, but the engine could not answer it.
    """

    http_status = 500


class ServiceBusyError(KGError):
    """Too many queries are already waiting for the query engine; the client should retry."""

    http_status = 503
