"""The web server: a Flask app factory with one blueprint per feature.

This is the only package that imports Flask. It turns HTTP into calls on ``graph`` and back;
the SPARQL it runs lives in ``queries/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask

from server.config import load_config

# Each feature is one module exposing ``bp`` (a Blueprint); listed here, the features are
# the table of contents of the server.
BLUEPRINTS: tuple[str, ...] = (
    "sparql", "api", "openapi",
    "home", "entities", "search", "editor", "graphview", "ontology_page",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings → store → error handlers → feature blueprints."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    proxies = int(app.config.get("KKG_TRUSTED_PROXIES") or 0)
    if proxies > 0:  # believe X-Forwarded-Proto/Host/Port/Prefix from that many proxies
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
            x_prefix=proxies)
    from server import errors, store

    store.init_app(app)
    errors.init_app(app)
    for module_name in BLUEPRINTS:
        app.register_blueprint(import_module(f"server.{module_name}").bp)
    return app
