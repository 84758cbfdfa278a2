"""The OWL API (the library behind Protégé) reads every release file as clean OWL 2 DL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ontology import release_paths
from ontology.java import JavaMissingError
from ontology.owlapi import check_dl_profile

java = pytest.mark.java


@java
def test_release_owl_with_catalog_is_clean_dl() -> None:
    # The catalog next to the file resolves the imports offline, as in Protégé.
    paths = release_paths()
    assert check_dl_profile(paths.owl, catalog=paths.catalog) == []


@java
def test_release_turtle_with_catalog_is_clean_dl() -> None:
    paths = release_paths()
    assert check_dl_profile(paths.ttl, catalog=paths.catalog) == []


@java
def test_full_owl_alone_is_clean_dl(tmp_path: Path) -> None:
    # Copied on its own: the merged file must need no catalog and no network.
    alone = tmp_path / "ketamine-kg-full.owl"
    shutil.copy(release_paths().full_owl, alone)
    assert check_dl_profile(alone) == []


@java
@pytest.mark.parametrize("name", sorted(release_paths().imports))
def test_import_module_is_clean_dl(name: str) -> None:
    assert check_dl_profile(release_paths().imports[name]) == []


@java
def test_checker_reports_dl_problems(tmp_path: Path) -> None:
    # Guards against a vacuous checker: undeclared terms and illegal punning must show up.
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "<http://example.org/o> a owl:Ontology .\n"
        "ex:a a ex:Undeclared .\n"
        "ex:p a owl:ObjectProperty , owl:DatatypeProperty .\n", encoding="utf-8")
    problems = check_dl_profile(bad)
    assert any(line.startswith("DL VIOLATION") and "Undeclared" in line for line in problems)
    assert any(line.startswith("ILLEGAL PUNNING") and "example.org/p" in line
               for line in problems)


@java
def test_checker_reports_parse_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.owl"
    broken.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                      '<rdf:Description rdf:about="x"', encoding="utf-8")
    problems = check_dl_profile(broken)
    assert problems and problems[0].startswith("PARSE ERROR")


def test_missing_java_names_the_debian_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(JavaMissingError, match="default-jdk-headless|default-jre-headless"):
        check_dl_profile(release_paths().owl)


def test_missing_jars_name_libowlapi_java(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    import ontology.owlapi as owlapi

    monkeypatch.setattr(owlapi, "JAR_DIR", tmp_path)
    with pytest.raises(JavaMissingError, match="libowlapi-java"):
        owlapi.classpath_jars()
