"""Cross-origin access for the machine-facing parts (SPARQL, API, OpenAPI).

A YASGUI, a notebook or another site's script calls the endpoint from a page served
elsewhere; everything here is public and read-only, so any origin may read it, without
credentials. Preflight OPTIONS requests are answered by Flask's automatic OPTIONS response,
to which these headers are added.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

EXPOSED = "Content-Type, Content-Disposition, Retry-After, X-KKG-Truncated"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~, -]{0,512}$")


def allow(bp: Blueprint) -> None:
    """Add the CORS headers to every response of a blueprint, errors included."""
    bp.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = response.headers.get(
            "Allow", "GET, POST, OPTIONS")
        asked = request.headers.get("Access-Control-Request-Headers", "")
        response.headers["Access-Control-Allow-Headers"] = (
            asked if asked and _HEADER_LIST.match(asked) else "Accept, Content-Type")
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
