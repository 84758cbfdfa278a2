"""The benchmark's data generators (bench/generate.py, bench/articles.py): shape and determinism.

Small sizes only; the generators' speed and the benchmark itself are never run by pytest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of scripts, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.articles import ArticleMaker  # noqa: E402
from bench.generate import generate, parse_size, size_name  # noqa: E402

KKG = "https://w3id.org/ketamine-kg/ontology/"
GRAPH = "https://w3id.org/ketamine-kg/graph/"


def test_sizes_parse_and_name() -> None:
    assert parse_size("100k") == 100_000 and parse_size("1M") == 1_000_000
    assert size_name(100_000) == "100k" and size_name(1_000_000) == "1m"


def test_generated_graph_is_deterministic_and_in_the_project_schema(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nq", tmp_path / "b.nq"
    manifest = generate(15_000, first, seed=7)
    generate(15_000, second, seed=7)
    assert first.read_bytes() == second.read_bytes()
    assert generate(15_000, tmp_path / "c.nq", seed=8)["quads"] != 0
    assert (tmp_path / "c.nq").read_bytes() != first.read_bytes()

    store = ox.Store()
    store.load(path=str(first), format=ox.RdfFormat.N_QUADS)
    assert len(store) == manifest["quads"] >= 15_000  # no duplicate quads
    graphs = {g.value for g in store.named_graphs()}
    assert {GRAPH + "ontology", GRAPH + "inferred", GRAPH + "document/synth-00000"} <= graphs
    assert len(graphs) == manifest["documents"] + 2

    def ask(query: str) -> bool:
        return bool(store.query(f"PREFIX kkg: <{KKG}> ASK {{ {query} }}",
                                use_default_graph_as_union=True))

    assert ask("?use a kkg:DrugUse ; kkg:usesDrug ?d ; kkg:forIndication ?i ; "
               "kkg:supportedBy ?c . ?c a kkg:Claim ; kkg:inSentence/kkg:text ?t")
    assert ask("?c a <https://w3id.org/ketamine-kg/ontology/SyntheticCategory0000> ; "
               "kkg:subtypeOf ?parent")
    assert ask("kkg:SyntheticCategory0001 <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ "
               "kkg:Condition")
    anchors = manifest["anchors"]
    assert ask(f"<{anchors['claim']}> kkg:claimSubject <{anchors['drug']}> ; "
               f"kkg:claimObject <{anchors['object']}>")
    saved = json.loads(first.with_suffix(".json").read_text(encoding="utf-8"))
    assert saved["quads"] == manifest["quads"]


def test_articles_vary_the_seed_with_other_drugs_and_conditions() -> None:
    maker = ArticleMaker(seed=3)
    name, text = maker.make(7)
    assert maker.make(7) == (name, text)  # the same number always gives the same article
    drug = name.removesuffix(".txt").split("-", 2)[2]
    assert "ketamine" not in text.lower() and drug in text.lower()
    assert text.startswith(f"Exploring the Multifaceted Uses of {drug.capitalize()}")
    assert "1. " in text and text != maker.make(8)[1]
