"""The HTML side of the server: entity pages and their RDF, search, graph data, editor,
ontology page, home page, escaping and static files. Runs on tests/data/sample-graph.trig
through the shared ``app``/``client`` fixtures (tests/conftest.py)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDFS

from graph.queries import load_queries
from server.editor import example_text
from server.search_index import Entry, SearchIndex, normalise
from server.viewkit import hedge_segments

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "server" / "static" / "vendor"
KKE = "https://w3id.org/ketamine-kg/entity/"
KKG = "https://w3id.org/ketamine-kg/ontology/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAYLOAD = "<script>alert(1)</script>"


def html(response) -> str:  # noqa: ANN001 - a test client response
    assert response.mimetype == "text/html", response.data[:300]
    return response.get_data(as_text=True)


# --------------------------------------------------------------------------- entity pages


def test_entity_page_shows_names_types_xrefs_and_relations(client) -> None:
    page = html(client.get("/entity/ketamine", headers={"Accept": BROWSER}))
    assert "<h1>ketamine</h1>" in page
    assert 'href="/ontology/Drug"' in page  # the type, linked to its own page
    assert "Ketalar" in page
    assert 'href="https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:6121"' in page
    assert 'href="http://purl.obolibrary.org/obo/CHEBI_6121"' in page  # skos:exactMatch
    assert 'href="/entity/treatment-resistant-depression"' in page  # outgoing relation
    assert "treatment-resistant depression" in page
    assert 'href="/use/ketamine/treatment-resistant-depression"' in page  # incoming (a use)
    assert re.search(r"used for.*inferred", page, re.S)  # only in kkgraph:inferred


def test_evidence_marks_hedge_words_certainty_document_and_offsets(client) -> None:
    page = html(client.get("/entity/treatment-resistant-depression"))
    assert '<mark class="hedge" title="certainty cue">remarkable success</mark>' in page
    assert "cert-supported" in page and ">supported</span>" in page
    assert 'href="/document/ketamine-uses"' in page
    assert "characters 0–72" in page
    assert "3. Treatment-Resistant Depression" in page
    assert 'href="/claim/ketamine-uses/3f2a9c01d4e5b6a7"' in page


def test_a_negated_claim_is_marked_negated(app_factory, tmp_path) -> None:
    extra = tmp_path / "negated.ttl"
    extra.write_text(
        "@prefix kkg: <https://w3id.org/ketamine-kg/ontology/> .\n"
        "@prefix kke: <https://w3id.org/ketamine-kg/entity/> .\n"
        "<https://w3id.org/ketamine-kg/claim/x/0000000000000001> a kkg:Claim ;\n"
        "  kkg:claimSubject kke:ketamine ; kkg:claimObject kke:depression ;\n"
        "  kkg:hasCertainty kkg:promising ; kkg:negated true ; kkg:hedgeCue \"shows promise\" .\n",
        encoding="utf-8")
    sample = app_factory().config["KKG_DATA_FILES"]
    app = app_factory(KKG_DATA_FILES=f"{sample}:{extra}")
    page = html(app.test_client().get("/entity/depression"))
    assert '<span class="badge negated"' in page and ">negated</span>" in page
    assert "cert-promising" in page


@pytest.mark.parametrize("path", [
    "/entity/ketamine",
    "/ontology/Drug",
    "/ontology/treats",
    "/claim/ketamine-uses/3f2a9c01d4e5b6a7",
    "/use/ketamine/treatment-resistant-depression",
    "/document/ketamine-uses",
    "/document/ketamine-uses/sentence/0-72",
    "/graph/document/ketamine-uses",
    "/graph/inferred",
    "/ontology/releases/0.0.1",
])
def test_every_minted_namespace_resolves(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert "<h1>" in html(response)


def test_claim_page_shows_its_own_evidence(client) -> None:
    page = html(client.get("/claim/ketamine-uses/9b8c7d6e5f4a3b2c"))
    assert '<mark class="hedge" title="certainty cue">shows promise</mark>' in page
    assert "cert-promising" in page


def test_named_graph_page_and_contents(client) -> None:
    page = html(client.get("/graph/document/ketamine-uses"))
    assert "Named graph" in page and "statements" in page
    data = client.get("/graph/document/ketamine-uses?format=nt")
    graph = rdflib.Graph().parse(data=data.get_data(as_text=True), format="nt")
    claim = rdflib.URIRef("https://w3id.org/ketamine-kg/claim/ketamine-uses/3f2a9c01d4e5b6a7")
    assert (claim, rdflib.RDF.type, rdflib.URIRef(KKG + "Claim")) in graph


@pytest.mark.parametrize("path", [
    "/entity/no-such-thing", "/ontology/NoSuchClass", "/claim/x/y", "/use/a/b",
    "/document/missing", "/graph/missing",
])
def test_unknown_iri_is_an_html_404_page(client, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    page = html(response)
    assert "Not found" in page and "Traceback" not in page
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


# --------------------------------------------------------------------------- content negotiation

SYNTAXES = [
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/rdf+xml", "rdf", "xml"),
    ("application/n-triples", "nt", "nt"),
]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("media_type", "key", "rdflib_format"), SYNTAXES)
def test_entity_iri_gives_rdf_by_accept_and_by_format(client, media_type, key,
                                                      rdflib_format) -> None:
    for response in (client.get("/entity/ketamine", headers={"Accept": media_type}),
                     client.get(f"/entity/ketamine?format={key}")):
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert "Accept" in response.headers.get("Vary", "")
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format=rdflib_format)
        ketamine = rdflib.URIRef(KKE + "ketamine")
        assert (ketamine, RDFS.label, rdflib.Literal("ketamine")) in graph
        assert (ketamine, rdflib.URIRef(KKG + "treats"),
                rdflib.URIRef(KKE + "treatment-resistant-depression")) in graph


def test_html_is_the_default_and_pages_advertise_their_rdf(client) -> None:
    for accept in (BROWSER, "*/*", None):
        response = client.get("/entity/ketamine", headers={"Accept": accept} if accept else {})
        assert response.mimetype == "text/html"
    response = client.get("/entity/ketamine")
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert '<link rel="alternate" type="text/turtle"' in html(response)


def test_schema_term_rdf_and_unknown_format(client) -> None:
    data = client.get("/ontology/Drug", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert (rdflib.URIRef(KKG + "Drug"), RDFS.subClassOf,
            rdflib.URIRef(KKG + "ChemicalEntity")) in graph
    assert client.get("/entity/ketamine?format=docx").status_code == 400


def test_resource_route_for_any_iri(client) -> None:
    eco = client.get("/resource", query_string={"iri": "http://purl.obolibrary.org/obo/ECO_0007320"})
    assert eco.status_code == 200 and "claim" in html(eco)  # referenced by the claims
    assert client.get("/resource?iri=kke:ketamine").status_code == 200
    assert client.get("/resource?iri=http://example.org/nothing").status_code == 404
    assert client.get("/resource?iri=not%20an%20iri").status_code == 400
    assert 'name="iri"' in html(client.get("/resource"))
    ttl = client.get("/resource?iri=kke:ketamine&format=ttl")
    assert ttl.mimetype == "text/turtle"


# --------------------------------------------------------------------------- search


def test_search_ranks_exact_label_synonym_prefix_substring() -> None:
    index = SearchIndex([
        Entry("a", "ketamine", "ketamine", "label", ()),
        Entry("a", "ketamine", "Ketalar", "synonym", ()),
        Entry("b", "esketamine", "esketamine", "label", ()),
        Entry("c", "ketamine for pain", "ketamine for pain", "label", ()),
        Entry("d", "treatment-resistant depression", "TRD", "synonym", ()),
        Entry("e", "trd lookalike", "TRDX", "label", ()),
    ])
    assert [h.entry.iri for h in index.search("KETAMINE")] == ["a", "c", "b"]
    assert [h.tier for h in index.search("ketamine")] == [0, 2, 3]
    assert [(h.entry.iri, h.matched) for h in index.search("trd")] == [("d", "TRD"), ("e", "TRDX")]
    assert index.search("") == [] and index.search("zzz") == []
    assert normalise("Post-Traumatic  Stress (PTSD) é") == "post traumatic stress ptsd e"


def test_search_page_and_json(client) -> None:
    page = html(client.get("/search?q=TRD"))
    assert 'href="/entity/treatment-resistant-depression"' in page and "matched “TRD”" in page
    hits = client.get("/search?q=ket&format=json").get_json()
    assert hits[0] == {"iri": KKE + "ketamine", "curie": "kke:ketamine", "label": "ketamine",
                       "matched": "ketamine", "types": ["kkg:Drug", "kkg:MentalHealthDrug"]}
    by_accept = client.get("/search?q=pain", headers={"Accept": "application/json"}).get_json()
    labels = [h["label"] for h in by_accept]
    assert labels.index("pain condition") < labels.index("chronic pain")  # prefix > substring
    assert all(h["label"] != "ketamine treats treatment-resistant depression"
               for h in client.get("/search?q=treats&format=json").get_json())  # no claims


def test_search_index_is_built_once_per_store(app, monkeypatch) -> None:
    from server import search

    with app.test_request_context("/search?q=x"):
        first = search.current_index()

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("the index was rebuilt")

        monkeypatch.setattr(search.viewkit, "run_view", refuse)
        assert search.current_index() is first
        assert search.current_index().search("ketamine")


# --------------------------------------------------------------------------- graph view


def test_graph_data_around_a_focus(client) -> None:
    data = client.get("/graph/data?focus=kke:ketamine&depth=1").get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[KKE + "ketamine"]["category"] == "drug"
    assert nodes[KKE + "treatment-resistant-depression"]["category"] == "condition"
    use = nodes["https://w3id.org/ketamine-kg/use/ketamine/chronic-pain"]
    assert use["category"] == "use" and use["certainty"] == "promising"
    treats = next(e for e in data["edges"] if e["predicate"] == KKG + "treats")
    assert treats["certainty"] == "supported" and treats["negated"] is False and treats["asserted"]
    claim = data["claims"][treats["evidence"][0]]
    assert ["remarkable success", True] in [list(s) for s in claim["segments"]]
    inferred = [e for e in data["edges"] if e["predicate"] == KKG + "usedFor"]
    assert inferred and not any(e["asserted"] for e in inferred)
    # a use node sits between its drug and its indication (edges among the neighbours)
    assert any(e["source"].endswith("/use/ketamine/chronic-pain")
               and e["target"] == KKE + "chronic-pain" for e in data["edges"])
    keys = {c["key"]: c for c in data["categories"]}
    assert keys["claim"]["hidden"] and not keys["drug"]["hidden"]


def test_graph_data_whole_graph_and_errors(client) -> None:
    whole = client.get("/graph/data").get_json()
    assert whole["focus"] is None and len(whole["nodes"]) >= 8
    assert client.get("/graph/data?focus=kke:unknown-thing").status_code == 404
    assert client.get("/graph/data?focus=kke:ketamine&depth=9").status_code == 400
    assert client.get("/graph/data?depth=x").status_code == 400


def test_graph_page_loads_vendored_cytoscape(client) -> None:
    page = html(client.get("/graph?focus=kke:ketamine"))
    assert '/static/vendor/cytoscape/cytoscape.min.js' in page
    assert '"focus": "https://w3id.org/ketamine-kg/entity/ketamine"' in page
    assert "Around" in page
    assert client.get("/graph?focus=kke:no-such-node").status_code == 404
    assert client.get("/graph?depth=0").status_code == 400


# --------------------------------------------------------------------------- editor


def test_editor_offers_every_named_query_against_this_sparql(client) -> None:
    page = html(client.get("/editor"))
    for name in load_queries():
        assert f'data-query="{name}"' in page
    assert re.search(r'"endpoint": "http://localhost/sparql"', page)
    assert "/static/vendor/yasgui/yasgui.min.js" in page
    assert "/static/vendor/yasgui/yasgui.min.css" in page


def test_example_text_binds_defaults_inside_where() -> None:
    query = load_queries()["conditions-for-drug"]
    text = example_text(query)
    where = text.index("WHERE {")
    assert text.index(f"VALUES ?drug {{ <{KKE}ketamine> }}") > where
    assert "VALUES ?min_rank { 1 }" in text


# --------------------------------------------------------------------------- ontology page


@pytest.fixture
def release(tmp_path) -> Path:
    folder = tmp_path / "release"
    (folder / "imports").mkdir(parents=True)
    (folder / "ketamine-kg.ttl").write_text(
        "<https://w3id.org/ketamine-kg/ontology> a <http://www.w3.org/2002/07/owl#Ontology> .\n")
    (folder / "imports" / "ro_import.owl").write_text("<rdf:RDF/>")
    return folder


def test_ontology_page_documents_classes_and_properties(app_factory, release) -> None:
    client = app_factory(KKG_RELEASE_DIR=str(release)).test_client()
    page = html(client.get("/ontology", headers={"Accept": BROWSER}))
    tree = page[page.index('id="tree"'):page.index('id="classes"')]
    assert re.search(r"chemical entity</a>\s*<ul>\s*<li><a href=\"#Drug\">drug", tree)
    assert 'id="treats"' in page and "sub-property of" in page
    assert "A chemical entity used to treat, prevent or diagnose." in page
    assert "mental disorder" in page  # a synonym
    assert 'href="/ontology/release/ketamine-kg.ttl"' in page
    assert 'href="/ontology/release/imports/ro_import.owl"' in page
    assert "ketamine-kg-full.owl" not in page  # not built: not offered


def test_release_files_download_and_missing_is_404(app_factory, release) -> None:
    client = app_factory(KKG_RELEASE_DIR=str(release)).test_client()
    ttl = client.get("/ontology/release/ketamine-kg.ttl")
    assert ttl.status_code == 200 and ttl.mimetype == "text/turtle"
    assert client.get("/ontology/release/imports/ro_import.owl").mimetype == "application/rdf+xml"
    assert client.get("/ontology/release/ketamine-kg-full.owl").status_code == 404
    assert client.get("/ontology/release/../../pyproject.toml").status_code == 404
    assert client.get("/ontology/release/%2e%2e/secret").status_code == 404
    asked = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert asked.mimetype == "text/turtle" and b"owl#Ontology" in asked.data
    missing = app_factory(KKG_RELEASE_DIR=str(release / "nowhere")).test_client()
    assert missing.get("/ontology").status_code == 200
    described = missing.get("/ontology", headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and b"versionIRI" in described.data


# --------------------------------------------------------------------------- home, escaping, static


def test_home_page_links_the_newcomer_urls(client) -> None:
    page = html(client.get("/"))
    for link in ('href="/editor"', 'href="/graph', 'href="/ontology"', 'action="/search"',
                 "/sparql", "/api/queries"):
        assert link in page
    assert "Content-Security-Policy" in client.get("/").headers


HTML_URLS = [
    "/entity/{p}", "/ontology/{p}", "/claim/{p}/x", "/use/{p}", "/document/{p}", "/graph/{p}",
    "/resource?iri={p}", "/resource?iri=http://example.org/{p}", "/resource?iri=kke:{p}",
    "/search?q={p}", "/search?q=ket&limit={p}", "/graph?focus={p}",
    "/graph?focus=http://example.org/{p}", "/graph?depth={p}", "/editor?x={p}",
    "/ontology?x={p}", "/?q={p}", "/entity/ketamine?format={p}",
]


@pytest.mark.parametrize("template", HTML_URLS)
def test_script_payloads_are_escaped_everywhere(client, template: str) -> None:
    from urllib.parse import quote

    url = template.format(p=quote(PAYLOAD, safe=""))
    response = client.get(url, headers={"Accept": BROWSER})
    assert response.status_code < 500, url
    assert PAYLOAD not in response.get_data(as_text=True), url


@pytest.mark.parametrize("path", [
    "/static/../server/__init__.py", "/static/%2e%2e/__init__.py",
    "/static/..%2f..%2fpyproject.toml", "/static/vendor/../../../pyproject.toml",
    "/static//etc/passwd", "/static/css/../../config.py",
])
def test_static_files_cannot_escape_their_folder(client, path: str) -> None:
    assert client.get(path, follow_redirects=True).status_code == 404


def test_vendored_files_match_their_checksums_and_keep_licences() -> None:
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    for licence in ("yasgui/LICENSE", "yasgui/THIRD-PARTY-LICENSES.txt", "cytoscape/LICENSE",
                    "fcose/LICENSE.cytoscape-fcose", "fcose/LICENSE.cose-base",
                    "fcose/LICENSE.layout-base"):
        assert (VENDOR / licence).stat().st_size > 500, licence
    assert not (VENDOR / "node_modules").exists()


def page_weight(client, path: str) -> int:
    """Bytes of a page's HTML plus the CSS and JS files it loads from this server."""
    page = client.get(path).get_data(as_text=True)
    total = len(page.encode())
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page):
        total += len(client.get(asset).data)
    return total


def test_page_weights_stay_within_budget(client) -> None:
    paths = ("/editor", "/graph", "/entity/ketamine")
    weights = {path: page_weight(client, path) for path in paths}
    assert weights["/editor"] < 1_300_000, weights  # YASGUI is ~1 MB of it
    assert weights["/graph"] < 700_000, weights  # Cytoscape + fCoSE ~570 kB
    assert weights["/entity/ketamine"] < 60_000, weights


def test_hedge_segments_merge_and_ignore_case() -> None:
    text = "Studies suggest that ketamine may  help."
    assert hedge_segments(text, ["studies suggest", "may help", "may"]) == [
        ("Studies suggest", True), (" that ketamine ", False), ("may  help", True), (".", False)]
    assert hedge_segments("plain", []) == [("plain", False)]


# --------------------------------------------------------------------------- 404s and the icon


@pytest.mark.parametrize("path", ["/nope", "/favicon.png", "/entity", "/static/css/none.css"])
def test_an_unknown_url_gets_the_sites_404_page(client, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 404
    page = html(response)
    assert 'class="site-header"' in page and 'role="search"' in page
    assert "<h1>Not found</h1>" in page
    assert "Content-Security-Policy" in response.headers
    plain = client.get(path)  # no Accept: a client with no preference gets the page too
    assert plain.status_code == 404 and plain.mimetype == "text/html"


def test_404_of_programs_keeps_one_line(client) -> None:
    response = client.get("/nope", headers={"Accept": "text/plain"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    api = client.get("/api/nope", headers={"Accept": BROWSER})
    assert api.status_code == 404 and api.mimetype == "application/json"


def test_the_404_page_escapes_the_path(client) -> None:
    page = client.get("/x" + PAYLOAD, headers={"Accept": BROWSER}).get_data(as_text=True)
    assert PAYLOAD not in page and "&lt;script&gt;" in page


def test_favicon_ico_is_the_site_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == (ROOT / "server" / "static" / "favicon.svg").read_bytes()


# --------------------------------------------------------------------------- labels a reader sees

SECOND_CLAIM = """\
@prefix kkg: <https://w3id.org/ketamine-kg/ontology/> .
@prefix kke: <https://w3id.org/ketamine-kg/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/ketamine-kg/claim/x/0000000000000002> a kkg:Claim ;
  rdfs:label "ketamine cures treatment-resistant depression" ;
  kkg:claimSubject kke:ketamine ; kkg:claimObject kke:treatment-resistant-depression ;
  kkg:claimPredicate "https://w3id.org/ketamine-kg/ontology/treats"^^xsd:anyURI ;
  kkg:hasCertainty kkg:promising ; kkg:negated false ;
  kkg:inSentence <https://w3id.org/ketamine-kg/document/x/sentence/0-40> .
<https://w3id.org/ketamine-kg/document/x/sentence/0-40> a kkg:Sentence ;
  kkg:text "Ketamine may also help a second time." .
<https://w3id.org/ketamine-kg/use/ketamine/treatment-resistant-depression>
  kkg:supportedBy <https://w3id.org/ketamine-kg/claim/x/0000000000000002> .
"""


@pytest.fixture
def second_claim_client(app_factory, tmp_path):  # noqa: ANN201 - a Flask test client
    extra = tmp_path / "second-claim.ttl"
    extra.write_text(SECOND_CLAIM, encoding="utf-8")
    sample = app_factory().config["KKG_DATA_FILES"]
    return app_factory(KKG_DATA_FILES=f"{sample}:{extra}").test_client()


def test_certainty_words_are_called_certainty_cues(client) -> None:
    page = html(client.get("/entity/treatment-resistant-depression"))
    assert "Certainty cue: “remarkable success”" in page
    assert "Hedge cue" not in page and 'title="hedge cue"' not in page


def test_claim_page_names_sentence_and_predicate_not_iris(client) -> None:
    page = html(client.get("/claim/ketamine-uses/3f2a9c01d4e5b6a7"))
    sentence = re.search(r"kkg:inSentence</a></td>\s*<td>(.*?)</td>", page, re.S)
    assert sentence, page
    assert 'href="/document/ketamine-uses/sentence/0-72"' in sentence.group(1)
    text = "Ketamine has shown remarkable success in treatment-resistant depression."
    assert text in sentence.group(1)
    predicate = re.search(r"kkg:claimPredicate</a></td>\s*<td>(.*?)</td>", page, re.S)
    assert predicate, page
    assert '<a href="/ontology/treats"' in predicate.group(1)
    assert ">treats</a>" in predicate.group(1)
    assert ">https://w3id.org/ketamine-kg/ontology/treats<" not in page


def test_claim_title_uses_the_relations_own_label(second_claim_client) -> None:
    page = html(second_claim_client.get("/claim/x/0000000000000002"))
    assert "<h1>ketamine treats treatment-resistant depression</h1>" in page  # not "cures"
    assert '<span class="predicate">treats</span>' in page  # the evidence line says the same


def test_supporting_claims_with_one_label_differ_by_their_sentence(second_claim_client) -> None:
    page = html(second_claim_client.get("/use/ketamine/treatment-resistant-depression"))
    rows = re.findall(r"kkg:supportedBy</a></td>\s*<td>(.*?)</td>", page, re.S)
    assert len(rows) == 2, rows
    assert any("Ketamine has shown remarkable success" in row for row in rows)
    assert any("Ketamine may also help a second time." in row for row in rows)


def test_search_shows_type_labels_and_no_tier_words(client) -> None:
    page = html(client.get("/search?q=ket"))
    assert '<span class="tag" title="kkg:Drug">drug</span>' in page
    assert ">kkg:Drug<" not in page
    assert "prefix" not in page.split("<ol", 1)[1]


def test_home_counts_distinct_triples_and_named_graphs(app_factory, tmp_path,
                                                      sample_store) -> None:
    extra = tmp_path / "again.trig"  # a triple the sample has, stated again in a second graph
    extra.write_text(
        "<https://w3id.org/ketamine-kg/graph/document/again> {\n"
        "  <https://w3id.org/ketamine-kg/entity/ketamine>\n"
        "    <https://w3id.org/ketamine-kg/ontology/treats>\n"
        "    <https://w3id.org/ketamine-kg/entity/treatment-resistant-depression> .\n}\n",
        encoding="utf-8")
    sample = app_factory().config["KKG_DATA_FILES"]
    page = html(app_factory(KKG_DATA_FILES=f"{sample}:{extra}").test_client().get("/"))
    triples = len({(q.subject, q.predicate, q.object) for q in sample_store._store})
    graphs = len(sample_store.graphs()) + 1
    assert (f"{triples:,} distinct statements in the default graph, the union of\n"
            f"     {graphs} named graphs") in page


def test_home_api_table_prints_code_not_backticks(client) -> None:
    page = html(client.get("/"))
    assert "``" not in page
    assert "<code>servers</code>" in page


# --------------------------------------------------------------------------- graph view data


def test_graph_focus_costs_a_fixed_number_of_queries(app_factory, monkeypatch) -> None:
    """Centred on a node, the view runs the same few queries however many neighbours it has
    (it used to run one per neighbour); the edges among the neighbours are still there."""
    from server import graph_data

    ran: list[str] = []
    real = graph_data.run_view

    def counting(name: str, **iris: str) -> list:
        ran.append(name)
        return real(name, **iris)

    monkeypatch.setattr(graph_data, "run_view", counting)
    data = app_factory().test_client().get("/graph/data?focus=kke:ketamine").get_json()
    assert len(ran) <= 4, ran
    use = "https://w3id.org/ketamine-kg/use/ketamine/treatment-resistant-depression"
    ring = [e for e in data["edges"] if e["source"] == use
            and e["target"] == KKE + "treatment-resistant-depression"]
    assert [e["predicate"] for e in ring] == [KKG + "forIndication"]  # use → indication


# --------------------------------------------------------------------------- a drug's page

SAME_SENTENCE = """\
@prefix kkg: <https://w3id.org/ketamine-kg/ontology/> .
@prefix kke: <https://w3id.org/ketamine-kg/entity/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/ketamine-kg/claim/x/0000000000000003> a kkg:Claim ;
  kkg:claimSubject kke:ketamine ; kkg:claimObject kke:chronic-pain ;
  kkg:claimPredicate "https://w3id.org/ketamine-kg/ontology/treats"^^xsd:anyURI ;
  kkg:hasCertainty kkg:supported ; kkg:negated false ;
  kkg:inSentence <https://w3id.org/ketamine-kg/document/ketamine-uses/sentence/0-72> .
"""


def test_drug_page_leads_with_uses_and_folds_claims_by_sentence(app_factory, tmp_path) -> None:
    extra = tmp_path / "same-sentence.ttl"
    extra.write_text(SAME_SENTENCE, encoding="utf-8")
    sample = app_factory().config["KKG_DATA_FILES"]
    page = html(app_factory(KKG_DATA_FILES=f"{sample}:{extra}").test_client()
                .get("/entity/ketamine"))
    assert page.index('id="summary"') < page.index('id="evidence"')
    uses = page.split('<table class="uses">', 1)[1].split("</table>", 1)[0]
    trd = uses.split("</tr>")[1]  # firmest first: supported TRD before promising chronic pain
    assert 'href="/entity/treatment-resistant-depression"' in trd and "cert-supported" in trd
    assert 'href="/entity/intravenous-infusion"' in trd  # its route
    assert "cert-promising" in uses.split("</tr>")[2]
    sentence = "Ketamine has shown remarkable success in treatment-resistant depression."
    evidence = page.split('id="evidence"', 1)[1]
    assert evidence.count("remarkable success</mark> in treatment-resistant depression.") == 1
    fold = evidence.split("<details", 2)[1]
    assert sentence.split(" remarkable")[0] in fold and "2 claims" in fold
    assert fold.count('<li class="statement">') == 2
