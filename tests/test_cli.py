"""The ``ketamine-kg`` command, run as a user runs it: a real process, its exit status and stderr.

Every bad input must give exactly one line on stderr (no usage dump, no traceback) and a
non-zero exit: 1 for the project's own errors, 2 for a malformed command line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def kkg(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``ketamine-kg ARGS`` with ``KKG_HOME`` set; text output."""
    env = {**os.environ, "KKG_HOME": str(home),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int,
                          *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ketamine-kg: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-inputs")
    (folder / "empty-dir").mkdir()
    (folder / "no-docs").mkdir()
    (folder / "no-docs" / "picture.png").write_bytes(b"\x89PNG")
    (folder / "latin1.txt").write_bytes("Kétamine est un anesthésique.".encode("latin-1"))
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blank.txt").write_text("  \n\n\t\n", encoding="utf-8")
    (folder / "broken.rq").write_text("SELECT * WHERE { ?s ?p }", encoding="utf-8")
    (folder / "zeros.txt").write_bytes(b"\0" * 4096)
    # an ASCII-only PDF decodes as UTF-8: only its signature tells it apart
    (folder / "article.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    (folder / "update.rq").write_text(
        "PREFIX kke: <https://w3id.org/ketamine-kg/entity/>\n"
        "INSERT DATA { kke:ketamine kke:treats kke:everything }\n", encoding="utf-8")
    (folder / "long-error.rq").write_text("SELECT * WHERE { ?s ?p ?o } ORDER BY\n",
                                          encoding="utf-8")
    return folder


@pytest.mark.parametrize(("doc", "fragment"), [
    ("missing.txt", "no such file"),
    ("empty-dir", "no .txt or .md documents"),
    ("no-docs", "no .txt or .md documents"),
    ("latin1.txt", "not UTF-8"),
    ("empty.txt", "empty"),
    ("blank.txt", "empty"),
    ("zeros.txt", "not a text document (control character U+0000 at offset 0)"),
    ("article.pdf", "a PDF file, not a text document"),
])
def test_build_refuses_bad_documents(bad_inputs: Path, tmp_path: Path, doc: str,
                                     fragment: str) -> None:
    result = kkg("build", str(bad_inputs / doc), home=tmp_path)
    assert_one_line_error(result, 1, fragment)
    assert not (tmp_path / "current").exists()


def test_query_without_a_built_graph(tmp_path: Path) -> None:
    assert_one_line_error(kkg("query", "documents", home=tmp_path), 1, "ketamine-kg build")


@pytest.mark.parametrize(("args", "fragment"), [
    (["query", "no-such-query"], "no query named 'no-such-query'"),
    (["query", "conditions-for-drug", "--param", "colour=red"], "has no parameter colour"),
    (["query", "conditions-for-drug", "--param", "min_rank=high"], "expects integer"),
    (["query", "conditions-for-drug", "--param", "drug=<not an iri>"], "expects iri"),
])
def test_query_refuses_bad_names_and_parameters(seed_home: Path, args: list[str],
                                                fragment: str) -> None:
    assert_one_line_error(kkg(*args, home=seed_home), 1, fragment)


def test_query_file_with_a_syntax_error(seed_home: Path, bad_inputs: Path) -> None:
    result = kkg("query", str(bad_inputs / "broken.rq"), home=seed_home)
    assert_one_line_error(result, 1, "SPARQL syntax error")


def test_query_file_holding_an_update_is_refused_as_the_endpoint_does(
        seed_home: Path, bad_inputs: Path) -> None:
    result = kkg("query", str(bad_inputs / "update.rq"), home=seed_home)
    assert_one_line_error(result, 1, "read-only: SPARQL Update (INSERT) is not accepted")
    assert "syntax error" not in result.stderr


def test_a_long_syntax_error_is_joined_and_cut_with_an_ellipsis(
        seed_home: Path, bad_inputs: Path) -> None:
    result = kkg("query", str(bad_inputs / "long-error.rq"), home=seed_home)
    assert_one_line_error(result, 1, "SPARQL syntax error: error at 2:1: expected one of")
    message = result.stderr.strip()
    assert message.endswith("…") and len(message) < 320, message


@pytest.mark.parametrize("args", [
    ["export", "--format", "xml"],
    ["query"],
    ["build", "--no-such-flag"],
    ["frobnicate"],
    ["query", "documents", "--param", "novalue"],
])
def test_malformed_command_lines_exit_2_in_one_line(tmp_path: Path, args: list[str]) -> None:
    assert_one_line_error(kkg(*args, home=tmp_path), 2)


def test_export_to_an_unwritable_place(seed_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "graph.ttl"
    assert_one_line_error(kkg("export", "--out", str(target), home=seed_home), 1,
                          str(target))


def test_query_answers_in_every_format(seed_home: Path) -> None:
    table = kkg("query", "conditions-for-drug", "--param", "min_rank=5", home=seed_home)
    assert table.returncode == 0 and "anaesthetic induction" in table.stdout
    assert re.search(r"\(\d+ rows?\)$", table.stdout.rstrip())
    as_json = json.loads(kkg("query", "documents", "--format", "json", home=seed_home).stdout)
    assert as_json["rows"][0]["title"] == "Exploring the Multifaceted Uses of Ketamine"
    as_csv = kkg("query", "drug-roles", "--format", "csv", home=seed_home).stdout
    assert as_csv.splitlines()[0] == "roleLabel,bestRank"


def test_query_list_names_every_competency_question(seed_home: Path) -> None:
    listing = kkg("query", "list", home=seed_home).stdout
    for name in ("conditions-for-drug", "candidate-terms", "evidence-for-claim",
                 "claim-without-evidence-violation"):
        assert name in listing


def test_build_shows_progress_and_reports_each_document(tmp_path: Path) -> None:
    result = kkg("build", str(ROOT / "corpus"), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[1/1] ketamine-uses" in result.stderr
    assert "reasoner:" in result.stderr
    assert re.search(r"ketamine-uses: \d+ claims, \d+ uses, \d+ candidate terms", result.stdout)
    assert re.search(r"; time: ontology \d+\.\d s, extract \d+\.\d s, reason \d+\.\d s, "
                     r"store \d+\.\d s\n", result.stdout), result.stdout
    assert "{" not in result.stdout


def test_check_passes_on_the_seed_graph(seed_home: Path) -> None:
    result = kkg("check", home=seed_home, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_without_java_says_how_to_install_it(tmp_path: Path) -> None:
    env = {**os.environ, "KKG_HOME": str(tmp_path / "home"), "PATH": str(tmp_path),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "server.cli", "build"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]  # the lines before it are build progress
    assert last.startswith("ketamine-kg: error: ") and "default-jre-headless" in last
    assert not (tmp_path / "home" / "current").exists()


def test_build_refuses_two_documents_with_one_id(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text("Ketamine relieves pain.\n",
                                                     encoding="utf-8")
    result = kkg("build", str(tmp_path / "a" / "notes.txt"), str(tmp_path / "b" / "notes.txt"),
                 home=tmp_path / "home")
    assert_one_line_error(result, 1, "rename one")


def kkg_env(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``kkg`` with extra environment variables."""
    merged = {**os.environ, **env, "KKG_HOME": str(home),
              "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=merged,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("args", [["query", "list"], ["query", "conditions-for-drug"]])
def test_a_folder_without_queries_is_an_error_not_an_empty_answer(
        seed_home: Path, tmp_path: Path, args: list[str]) -> None:
    result = kkg_env(*args, home=seed_home, KKG_QUERIES_DIR=str(tmp_path))
    assert_one_line_error(result, 1, f"no named queries in {tmp_path}", "KKG_QUERIES_DIR")


def test_build_missing_a_pipeline_query_says_which_and_creates_nothing(tmp_path: Path) -> None:
    result = kkg_env("build", home=tmp_path / "home", KKG_QUERIES_DIR=str(tmp_path))
    assert_one_line_error(result, 1, "class-terms.rq: the pipeline query is missing")
    assert not (tmp_path / "home").exists()


def test_serve_missing_its_query_files_says_so_in_one_line(seed_home: Path,
                                                           tmp_path: Path) -> None:
    result = kkg_env("serve", "--port", "1", home=seed_home, KKG_QUERIES_DIR=str(tmp_path))
    assert_one_line_error(result, 1, "store-has-data.rq: query file missing")
    assert result.stderr.endswith("\n")
