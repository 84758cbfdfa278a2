"""Every failure becomes one status and one line: text/plain, or a JSON envelope.

The envelope is ``{"error": {"status": 400, "message": "..."}}``. JSON is chosen when the
client accepts JSON better than plain text, or by default under ``/api/``; the SPARQL
endpoint answers plain text by default, as other SPARQL services do. A project error
(``graph.errors.KGError``) maps to its own ``http_status``; a werkzeug HTTPException keeps its
code; anything else is a bug: logged with its traceback, answered with a generic 500 that
shows none.

Error messages quote what the client sent (a parameter value, a query fragment), so every
response of the app, errors included, says ``X-Content-Type-Options: nosniff``: a browser
must never read a JSON or plain-text echo of ``<script>`` as a page.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import KGError, ServiceBusyError
from server.negotiation import prefers_json
from server.viewkit import add_security_headers

_JSON_BY_DEFAULT = ("/api/", "/openapi")
_MACHINE_PATHS = ("/api", "/openapi", "/sparql")  # their 404s keep the one-line shape
_KEPT_HEADERS = ("allow", "retry-after", "www-authenticate")
_MAX_MESSAGE = 1000


def init_app(app: Flask) -> None:
    """Register the handlers on the app (blueprints may still add their own HTML ones)."""
    app.register_error_handler(KGError, _project_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_no_sniffing)


def _no_sniffing(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one shape of every error answer."""
    line = " ".join(str(message).split())[:_MAX_MESSAGE] or "error"
    wants_json = prefers_json(request.headers.get("Accept"),
                              default=request.path.startswith(_JSON_BY_DEFAULT))
    if wants_json:
        body = json.dumps({"error": {"status": status, "message": line}}, ensure_ascii=False)
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(line + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _project_error(exc: KGError) -> Response:
    status = int(getattr(exc, "http_status", 400))
    level = logging.WARNING if status >= 500 else logging.INFO
    current_app.logger.log(level, "%s %s -> %d %s: %s", request.method, request.path, status,
                           type(exc).__name__, exc)
    headers = {"Retry-After": "2"} if isinstance(exc, ServiceBusyError) else None
    return error_response(status, str(exc), headers)


def _http_error(exc: HTTPException) -> Response | HTTPException:
    if exc.code is None or exc.code < 400:
        return exc  # redirects raised as exceptions pass through unchanged
    if exc.code == 404 and _wants_page():
        return _not_found_page()
    default = type(exc).description
    message = exc.description if exc.description and exc.description != default else (
        f"{exc.name}: {exc.description or ''}".rstrip(": "))
    headers = {name: value for name, value in exc.get_headers()
               if name.lower() in _KEPT_HEADERS}
    return error_response(exc.code, message, headers)


def _wants_page() -> bool:
    """Whether a 404 should be the site's page: a page URL asked for by a browser (or by a
    client that states no preference), not a program asking the API for plain text or JSON."""
    if request.path.startswith(_MACHINE_PATHS):
        return False
    best = request.accept_mimetypes.best_match(["text/html", "text/plain", "application/json"])
    return best in (None, "text/html")


def _not_found_page() -> Response:
    """The site's own 404 page (header, search, links) instead of Werkzeug's bare text."""
    html = render_template("errors/not_found.html", path=request.path)
    response = Response(html, status=404, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return add_security_headers(response)  # a page: the pages' CSP applies


def _unexpected_error(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):  # pragma: no cover - routed to _http_error first
        return _http_error(exc)  # type: ignore[return-value]
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(
        500, "internal error: the server could not answer this request (details are in its log)")
