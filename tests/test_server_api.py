"""/api/queries: the named queries by name, with parameters bound, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask.testing import FlaskClient

from graph.queries import load_queries

PUBLIC = {n: q for n, q in load_queries().items() if q.kind in ("api", "checks")}
KETAMINE = "https://w3id.org/ketamine-kg/entity/ketamine"
TRD = "https://w3id.org/ketamine-kg/entity/treatment-resistant-depression"
CHRONIC_PAIN = "https://w3id.org/ketamine-kg/entity/chronic-pain"


def _error(response, status: int, fragment: str) -> None:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    envelope = json.loads(response.data)
    assert envelope["error"]["status"] == status
    assert fragment in envelope["error"]["message"]


def test_the_list_holds_every_api_and_check_query(client: FlaskClient) -> None:
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.get_json()["queries"]}
    assert set(listed) == set(PUBLIC)
    for name, entry in listed.items():
        query = PUBLIC[name]
        assert entry["title"] == query.title and entry["description"] == query.description
        assert entry["kind"] == query.kind
        assert entry["url"] == f"http://localhost/api/queries/{name}"
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in query.params]
        for param, declared in zip(entry["parameters"], query.params, strict=True):
            assert param == {"name": declared.name, "kind": declared.kind,
                             "default": declared.default, "description": declared.description}


def test_views_and_pipeline_queries_are_not_public(client: FlaskClient) -> None:
    hidden = [n for n, q in load_queries().items() if q.kind not in ("api", "checks")]
    for name in hidden[:3]:
        _error(client.get(f"/api/queries/{name}"), 404, "no query named")


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_query_runs_with_its_defaults(client: FlaskClient, name: str) -> None:
    response = client.get(f"/api/queries/{name}")
    assert response.status_code == 200, response.data
    body = response.get_json()
    assert body["query"] == name and isinstance(body["rows"], list)
    assert all(set(row) == set(body["columns"]) for row in body["rows"])


def test_a_query_with_a_parameter_answers_rows_with_curies_and_labels(
        client: FlaskClient) -> None:
    response = client.get("/api/queries/conditions-for-drug?drug=kke:ketamine")
    body = response.get_json()
    assert response.headers["X-KKG-Truncated"] == "false" and body["truncated"] is False
    assert body["columns"][0] == "indication"
    assert [r["indication"] for r in body["rows"]] == [TRD, CHRONIC_PAIN]  # by rank
    assert body["iris"][TRD] == {"curie": "kke:treatment-resistant-depression",
                                 "label": "treatment-resistant depression"}
    assert list(body["rows"][0]) == body["columns"]  # column order kept


def test_a_full_iri_works_like_the_curie(client: FlaskClient) -> None:
    by_curie = client.get("/api/queries/conditions-for-drug?drug=kke:ketamine").get_json()
    by_iri = client.get("/api/queries/conditions-for-drug",
                        query_string={"drug": KETAMINE}).get_json()
    assert by_curie["rows"] == by_iri["rows"]


def test_parameters_are_bound_not_pasted(client: FlaskClient) -> None:
    hostile = 'x" } UNION { ?use ?p ?o } #'
    response = client.get("/api/queries/conditions-for-drug",
                          query_string={"drug": KETAMINE, "min_rank": hostile})
    _error(response, 400, "min_rank")
    response = client.get("/api/queries/conditions-for-drug",
                          query_string={"drug": "kke:nothing> } UNION { ?s ?p ?o"})
    _error(response, 400, "drug")


def test_a_rank_parameter_filters(client: FlaskClient) -> None:
    body = client.get("/api/queries/conditions-for-drug?drug=kke:ketamine&min_rank=4").get_json()
    assert [r["indication"] for r in body["rows"]] == [TRD]


def test_csv_by_accept_or_format(client: FlaskClient) -> None:
    for response in (
        client.get("/api/queries/conditions-for-drug?drug=kke:ketamine",
                   headers={"Accept": "text/csv"}),
        client.get("/api/queries/conditions-for-drug?drug=kke:ketamine&format=csv"),
    ):
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [r["indication"] for r in rows] == [TRD, CHRONIC_PAIN]


def test_sparql_json_passes_through(client: FlaskClient) -> None:
    response = client.get("/api/queries/conditions-for-drug?drug=kke:ketamine&format=sparql-json")
    assert response.mimetype == "application/sparql-results+json"
    bindings = json.loads(response.data)["results"]["bindings"]
    assert bindings[0]["indication"] == {"type": "uri", "value": TRD}
    by_accept = client.get("/api/queries/conditions-for-drug",
                           headers={"Accept": "application/sparql-results+json"})
    assert json.loads(by_accept.data)["results"]["bindings"] == bindings


def test_unknown_query_is_404(client: FlaskClient) -> None:
    _error(client.get("/api/queries/no-such-question"), 404, "no query named")


def test_unknown_parameter_is_400(client: FlaskClient) -> None:
    _error(client.get("/api/queries/conditions-for-drug?colour=blue"), 400, "colour")


def test_a_badly_typed_parameter_is_400(client: FlaskClient) -> None:
    _error(client.get("/api/queries/conditions-for-drug?min_rank=high"), 400, "integer")
    _error(client.get("/api/queries/conditions-for-drug?drug=not%20an%20iri"), 400, "iri")


def test_a_repeated_parameter_is_400(client: FlaskClient) -> None:
    _error(client.get("/api/queries/conditions-for-drug?min_rank=1&min_rank=2"), 400,
           "more than once")


def test_nothing_acceptable_is_406(client: FlaskClient) -> None:
    response = client.get("/api/queries/documents", headers={"Accept": "image/png"})
    _error(response, 406, "application/json")


def test_rows_past_the_cap_are_cut(app_factory) -> None:
    client = app_factory(KKG_MAX_ROWS=1).test_client()
    response = client.get("/api/queries/conditions-for-drug?drug=kke:ketamine")
    body = response.get_json()
    assert response.headers["X-KKG-Truncated"] == "true" and body["truncated"] is True
    assert len(body["rows"]) == 1


def test_a_runaway_named_query_is_stopped(app_factory, tmp_path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "everything-squared.rq").write_text(
        "#+ title: Every pair of triples\n#+ description: Deliberately slow.\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o }\n",
        encoding="utf-8")
    client = app_factory(KKG_QUERIES_DIR=str(folder), KKG_QUERY_TIMEOUT_S=0.5).test_client()
    assert [q["name"] for q in client.get("/api/queries").get_json()["queries"]] == [
        "everything-squared"]
    _error(client.get("/api/queries/everything-squared"), 503, "stopped after 0.5 s")


def test_cors_on_the_api(client: FlaskClient) -> None:
    response = client.get("/api/queries", headers={"Origin": "https://notebook.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
