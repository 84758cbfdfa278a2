"""``ketamine-kg publish --to URL`` on real engines: every graph arrives, and twice is once.

Each engine here is a fresh one of this module (the shared engines of conftest serve the
page and protocol tests and must keep exactly the sample dataset).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_fixtures import (
    EngineProcess,
    OxigraphServer,
    VirtuosoServer,
    free_port,
    kkg,
    one_line_error,
)

from graph.errors import StoreError
from graph.loading import load_rdf_files
from graph.publish import PublishError, publish
from graph.remote_store import EngineSettings, RemoteStore
from graph.store import GraphStore

SAMPLE = Path(__file__).resolve().parent / "data" / "sample-graph.trig"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
AXIOMS_GRAPH = "https://w3id.org/ketamine-kg/graph/document/axioms"
# A graph with blank nodes (an OWL axiom annotation, as the pipeline writes for Protégé).
AXIOMS = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix kkg: <https://w3id.org/ketamine-kg/ontology/> .
@prefix kke: <https://w3id.org/ketamine-kg/entity/> .
<https://w3id.org/ketamine-kg/graph/document/axioms> {
  [] a owl:Axiom ; owl:annotatedSource kke:ketamine ; owl:annotatedProperty kkg:treats ;
     owl:annotatedTarget kke:depression ; kkg:evidenceSentence "Ketamine \\"helps\\"\\n—maybe." .
  [] a owl:Axiom ; owl:annotatedSource kke:ketamine ; kkg:certaintyLabel "preliminary"@en .
}
"""


@pytest.fixture(scope="module", params=["oxigraph", pytest.param("virtuoso",
                                                                  marks=pytest.mark.slow)])
def engine(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    kind = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}[request.param]
    process = kind(tmp_path_factory.mktemp(f"publish-{request.param}"))
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """The sample dataset plus a graph with blank nodes."""
    axioms = tmp_path_factory.mktemp("axioms") / "axioms.trig"
    axioms.write_text(AXIOMS, encoding="utf-8")
    return load_rdf_files([SAMPLE, axioms])


def remote_counts(engine: EngineProcess) -> dict[str, int]:
    """Quads per graph as the engine's query endpoint reports them (its own graphs left out)."""
    store = RemoteStore(EngineSettings(engine.query_url))
    known = set(store.graphs())
    rows = store.select(PER_GRAPH, union_default_graph=False)
    return {str(r["g"]): int(r["n"] or 0) for r in rows if r["g"] in known}


def local_counts(store: GraphStore) -> dict[str, int]:
    return {str(r["g"]): int(r["n"] or 0) for r in store.select(PER_GRAPH)}


def test_publishing_twice_leaves_the_same_graphs(engine: EngineProcess,
                                                 local: GraphStore) -> None:
    first = engine.publish(local)
    expected = local_counts(local)
    assert remote_counts(engine) == expected
    assert [g.iri.rsplit("/", 1)[-1] for g in first.graphs][0] == "ontology"
    assert first.graphs[-1].iri.endswith("/inferred")
    assert first.triples == sum(expected.values())
    engine.publish(local)
    assert remote_counts(engine) == expected  # PUT replaced, nothing was added


def test_a_republished_graph_is_replaced_not_merged(engine: EngineProcess, local: GraphStore,
                                                    tmp_path: Path) -> None:
    engine.publish(local)
    smaller = tmp_path / "smaller.trig"
    smaller.write_text(AXIOMS.split("  [] a owl:Axiom ; owl:annotatedSource kke:ketamine ;"
                                    " kkg:certaintyLabel")[0] + "}\n", encoding="utf-8")
    publish(load_rdf_files([smaller]), engine.store_url, user=engine.user,
            password=engine.password)
    assert remote_counts(engine)[AXIOMS_GRAPH] == 5


def test_literals_and_blank_nodes_survive_the_trip(engine: EngineProcess,
                                                   local: GraphStore) -> None:
    engine.publish(local)
    store = RemoteStore(EngineSettings(engine.query_url))
    rows = store.select(f"SELECT ?text WHERE {{ GRAPH <{AXIOMS_GRAPH}> {{"
                        " ?axiom kkg:evidenceSentence ?text } }")
    assert [r["text"] for r in rows] == ['Ketamine "helps"\n—maybe.']
    rows = store.select("SELECT ?axiom WHERE { ?axiom a owl:Axiom ; owl:annotatedSource ?s }")
    assert len({r["axiom"] for r in rows}) == 3  # two here, one in the sample dataset


@pytest.mark.parametrize("engine", [pytest.param("virtuoso", marks=pytest.mark.slow)],
                         indirect=True)  # Oxigraph server asks for no credentials
def test_wrong_credentials_are_refused_in_one_line(engine: EngineProcess,
                                                   local: GraphStore) -> None:
    with pytest.raises(PublishError, match=r"refused the upload \(401\).*KKG_ENGINE_USER"):
        publish(local, engine.store_url, user=engine.user, password="wrong")


@pytest.mark.parametrize("engine", [pytest.param("virtuoso", marks=pytest.mark.slow)],
                         indirect=True)
def test_a_query_endpoint_behind_digest_authentication(engine: EngineProcess,
                                                       local: GraphStore) -> None:
    """Credentials for queries come from the environment too (Virtuoso's /sparql-auth)."""
    engine.publish(local)
    url = engine.base + "/sparql-auth"
    with pytest.raises(StoreError, match=r"refused access \(401\)"):
        RemoteStore(EngineSettings(url)).graphs()
    store = RemoteStore(EngineSettings.from_env(url, environ={
        "KKG_ENGINE_USER": engine.user or "", "KKG_ENGINE_PASSWORD": engine.password or ""}))
    assert AXIOMS_GRAPH in store.graphs()
    assert store.count() == sum(local_counts(local).values())


# --------------------------------------------------------------------------- the command


def test_the_command_publishes_with_credentials_from_the_environment(
        engine: EngineProcess) -> None:
    env = {"KKG_ENGINE_USER": engine.user, "KKG_ENGINE_PASSWORD": engine.password or ""} \
        if engine.user else None
    result = kkg("publish", "--to", engine.store_url, "--data", str(SAMPLE), env=env)
    assert result.returncode == 0, result.stderr
    assert f"published 3 graphs (182 triples) to {engine.store_url}" in result.stdout
    if engine.user:  # the same command without them: one line, exit 1
        one_line_error(kkg("publish", "--to", engine.store_url, "--data", str(SAMPLE)),
                       "refused the upload (401)")


def test_an_unreachable_target_is_one_line_and_exit_1() -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    one_line_error(kkg("publish", "--to", url, "--data", str(SAMPLE)), "unreachable", url)


@pytest.mark.parametrize("engine", ["oxigraph"], indirect=True)
def test_a_query_endpoint_instead_of_the_graph_store_says_which_to_use(
        engine: EngineProcess) -> None:
    one_line_error(kkg("publish", "--to", engine.query_url, "--data", str(SAMPLE)),
                   "does not accept PUT", "/store")


def test_a_target_that_is_not_a_url_is_refused() -> None:
    one_line_error(kkg("publish", "--to", "localhost:7878/store", "--data", str(SAMPLE)),
                   "http(s) URL")
