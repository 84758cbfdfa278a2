"""External URLs of the server's own resources, as a client outside any proxy sees them.

``KKG_PUBLIC_BASE`` wins when set (a deployment behind a proxy that does not send
X-Forwarded-* headers); otherwise the request's own scheme, host and prefix, which ProxyFix
has already corrected when ``KKG_TRUSTED_PROXIES`` is set.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a Flask endpoint (``sparql.endpoint``, ``api.list_queries``…)."""
    base = str(current_app.config.get("KKG_PUBLIC_BASE") or "").rstrip("/")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root if request else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return base + path


def external_base() -> str:
    """The server's own root URL, without a trailing slash."""
    base = str(current_app.config.get("KKG_PUBLIC_BASE") or "").rstrip("/")
    return base or request.url_root.rstrip("/")
