"""server/openapi.json: valid OpenAPI 3.1, true to the URL map, true to the real responses."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.openapi import load_spec

SPEC = load_spec()
DOCUMENTED_BLUEPRINTS = ("sparql", "api", "openapi")
IGNORED_METHODS = {"HEAD", "OPTIONS"}
JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool,
              "number": (int, float), "null": type(None)}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _check_shape(value: Any, schema: dict[str, Any], where: str = "$") -> None:
    """A small JSON Schema subset: type, enum, required, properties, items, additionalProperties."""
    schema = _resolve(schema)
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(isinstance(value, JSON_TYPES[k]) and not (k in ("integer", "number")
                 and isinstance(value, bool)) for k in kinds)
        assert ok, f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key!r}"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                _check_shape(item, properties[key], f"{where}.{key}")
            elif isinstance(extra, dict):
                _check_shape(item, extra, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check_shape(item, schema["items"], f"{where}[{index}]")


def test_the_document_is_valid_openapi_3_1() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(SPEC)


def test_the_document_is_served_with_this_server_in_servers(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    served = response.get_json()
    assert served["servers"][0]["url"] == "http://localhost"
    assert served["paths"] == SPEC["paths"] and served["openapi"].startswith("3.1")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def _rules(app: Flask) -> dict[str, set[str]]:
    """OpenAPI-style path → methods, for the rules of the documented blueprints."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in DOCUMENTED_BLUEPRINTS:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found.setdefault(path, set()).update((rule.methods or set()) - IGNORED_METHODS)
    return found


def test_every_documented_operation_exists_in_the_url_map(app: Flask) -> None:
    rules = _rules(app)
    all_paths = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", r.rule): r
                 for r in app.url_map.iter_rules()}
    for path, operations in SPEC["paths"].items():
        assert path in all_paths, f"{path} is documented but not served"
        methods = {m.upper() for m in operations if m in ("get", "post", "put", "delete")}
        assert methods <= (rules.get(path) or set(all_paths[path].methods or ())), path


def test_every_machine_facing_route_is_documented(app: Flask) -> None:
    for path, methods in _rules(app).items():
        assert path in SPEC["paths"], f"{path} is served but not documented"
        assert methods == {m.upper() for m in SPEC["paths"][path]}, path


EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    ("get", "/sparql", {"query_string": {"query": "SELECT * { ?s ?p ?o } LIMIT 2"}}),
    ("get", "/sparql", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "text/csv"}}),
    ("get", "/sparql", {"query_string": {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"},
                        "headers": {"Accept": "application/ld+json"}}),
    ("get", "/sparql", {"headers": {"Accept": "text/turtle"}}),
    ("get", "/sparql", {"headers": {"Accept": "text/html"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT {"}, "headers": {
        "Accept": "application/json"}}),
    ("get", "/sparql", {"query_string": {"query": "SELECT * { SERVICE <http://x> {} }"}}),
    ("get", "/sparql", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}),
    ("post", "/sparql", {"data": {"query": "ASK {}"}}),
    ("post", "/sparql", {"data": b"ASK {}", "content_type": "application/sparql-query"}),
    ("post", "/sparql", {"data": b"ASK {}", "content_type": "text/plain",
                         "headers": {"Accept": "application/json"}}),
    ("get", "/api/queries", {}),
    ("get", "/api/queries/{name}", {"name": "conditions-for-drug",
                                    "query_string": {"drug": "kke:ketamine"}}),
    ("get", "/api/queries/{name}", {"name": "documents", "query_string": {"format": "csv"}}),
    ("get", "/api/queries/{name}", {"name": "documents",
                                    "query_string": {"format": "sparql-json"}}),
    ("get", "/api/queries/{name}", {"name": "nope"}),
    ("get", "/api/queries/{name}", {"name": "documents", "query_string": {"x": "1"}}),
    ("get", "/openapi.json", {}),
]


@pytest.mark.parametrize(("method", "path", "request_args"), EXAMPLES)
def test_responses_match_the_document(client: FlaskClient, method: str, path: str,
                                      request_args: dict[str, Any]) -> None:
    args = dict(request_args)
    url = path.replace("{name}", str(args.pop("name", "")))
    response = getattr(client, method)(url, **args)
    documented = SPEC["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {url} answered undocumented {status}"
    spec_response = _resolve(documented[status])
    content = spec_response.get("content")
    if not content:
        return
    assert response.mimetype in content, f"{response.mimetype} not documented for {status}"
    schema = content[response.mimetype].get("schema", {})
    if response.mimetype.endswith("json"):
        _check_shape(json.loads(response.data), schema)
    for header in spec_response.get("headers", {}):
        assert header in response.headers, f"{header} missing"
