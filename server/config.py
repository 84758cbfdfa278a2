"""Server settings and their defaults; each can be set from the environment as ``KKG_<NAME>``.

Why environment variables: ``ketamine-kg serve`` runs under Granian, whose workers are
separate processes; the environment is the one channel every worker reads the same way.
SECURITY.md explains each limit and what it protects against.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from graph.errors import KGError

DEFAULTS: dict[str, Any] = {
    "KKG_HOME": "instance",          # folder holding the built store (instance/current)
    "KKG_DATA_FILES": "",            # os.pathsep-separated RDF files served instead of the build
    "KKG_QUERY_TIMEOUT_S": 10.0,     # a query running longer is stopped and answered 503
    "KKG_MAX_ROWS": 10000,           # result rows beyond this are cut (the response says so)
    "KKG_MAX_RESULT_BYTES": 16 * 1024 * 1024,  # and rows past about this much text are cut
    "KKG_QUERY_MEMORY_MB": 1024,     # memory one query process may add; past it the query fails
    "KKG_MAX_QUERY_BYTES": 100_000,  # longer query texts are refused with 413
    "KKG_READ_TIMEOUT_S": 10.0,      # a request must arrive whole within this (slow clients)
    "KKG_PUBLIC_BASE": "",           # external base URL when behind a proxy (else from request)
    "KKG_ENGINE": "",                # URL of a remote SPARQL endpoint to use instead of the store
    "KKG_QUERY_WORKERS": 2,          # query processes per server process (graph.executor)
    "KKG_MAX_PENDING": 8,            # queries running or waiting at once; more queue, then 503
    "KKG_INLINE_MAX_MS": 20.0,       # once a query ran this fast, run it in-process (0: never)
    "KKG_ACCESS_LOG": 0,             # 1: log every request (server errors are always logged)
    "KKG_TRUSTED_PROXIES": 0,        # proxies in front whose X-Forwarded-* headers are believed
    "KKG_QUERIES_DIR": "",           # folder of named queries (default: the project's queries/)
}

_TYPES = {key: type(value) for key, value in DEFAULTS.items()}


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then explicit overrides (tests, the CLI).

    A value that is not a number where one is needed stops the start with one line
    (KGError), not a traceback from deep inside the HTTP server.
    """
    config = dict(DEFAULTS)
    for key, kind in _TYPES.items():
        if key in os.environ:
            try:
                config[key] = kind(os.environ[key])
            except ValueError:
                raise KGError(f"{key}={os.environ[key]!r} is not a valid {kind.__name__}"
                              f" (the default is {DEFAULTS[key]!r})") from None
    config.update(overrides or {})
    return config
