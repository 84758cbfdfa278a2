"""The project's own errors.

Library code raises these and never prints or exits: only the command line turns them into
one line and an exit code, and only the server turns them into an HTTP status. Each class
carries the HTTP status it maps to so that both front ends agree on what a failure means.
"""

from __future__ import annotations


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
