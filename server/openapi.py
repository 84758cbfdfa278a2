"""``/openapi.json``: the OpenAPI 3.1 description of the HTTP API.

The description is a data file (``openapi.json`` beside this module), so it is reviewed as a
document and tested against the app's URL map; only the server URL is filled in per
request, since it depends on how the client reached the server.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify

from server import cors
from server.urls import external_base

bp = Blueprint("openapi", __name__)
cors.allow(bp)

SPEC_PATH = Path(__file__).with_name("openapi.json")


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The OpenAPI document as written in the data file."""
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The document, with ``servers`` naming this server as the client sees it."""
    spec = dict(load_spec())
    spec["servers"] = [{"url": external_base(), "description": "this server"}]
    return jsonify(spec)
