"""Attack suite, the engine: runaway queries are cut at the time limit while others are
answered, their processes are reclaimed, the engine-level attacks that take down real servers
(deep nesting, long operator chains, backtracking REGEX, memory bombs) are refused or cut off,
and huge results are capped without the server's memory growing.

Figures (time to cut a runaway, ASK latency meanwhile, memory growth) are printed; see them
with ``.venv/bin/python -m pytest tests/test_attack_engine.py -s``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from attack_support import (
    ATTACK_LIMITS,
    SAMPLE_GRAPH,
    Reply,
    ServerProcess,
    assert_clean,
    open_fds,
    running_server,
)

LIMIT_S = float(ATTACK_LIMITS["KKG_QUERY_TIMEOUT_S"])
CARTESIAN = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
ANY_PATH = "(<urn:x>|!<urn:x>)*"
PROPERTY_PATH = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {ANY_PATH} ?b . ?c {ANY_PATH} ?d ."
                 f" ?e {ANY_PATH} ?f }}")
RUNAWAYS = {"cartesian product": CARTESIAN, "unbounded property path": PROPERTY_PATH}


def _ask(server: ServerProcess) -> Reply:
    reply = server.query("ASK {}", timeout=10)
    assert reply.status == 200 and json.loads(reply.body)["boolean"] is True, reply.text
    return reply


def _in_background(server: ServerProcess, query: str) -> tuple[threading.Thread, list[Reply]]:
    replies: list[Reply] = []
    thread = threading.Thread(target=lambda: replies.append(server.query(query, timeout=30)))
    thread.start()
    return thread, replies


@pytest.mark.parametrize("name", list(RUNAWAYS))
def test_a_runaway_is_cut_at_the_limit_while_ask_answers(attack_server: ServerProcess,
                                                         name: str) -> None:
    _ask(attack_server)
    thread, replies = _in_background(attack_server, RUNAWAYS[name])
    time.sleep(0.3)
    latencies = []
    while thread.is_alive() and len(latencies) < 20:
        latencies.append(_ask(attack_server).seconds)
        time.sleep(0.05)
    thread.join(30)
    runaway = replies[0]
    assert runaway.status == 503 and "stopped after" in runaway.text, runaway.text
    assert_clean(runaway)
    assert LIMIT_S <= runaway.seconds < LIMIT_S + 1.0
    assert latencies and max(latencies) < 1.0
    print(f"\n{name}: cut after {runaway.seconds:.2f} s (limit {LIMIT_S:g} s); concurrent"
          f" ASK {{}} x{len(latencies)}: max {max(latencies) * 1000:.0f} ms,"
          f" median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms")


@pytest.fixture(scope="module")
def quick_cut_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server cutting at 0.5 s, so that 50 runaways take seconds, not minutes."""
    config = {**ATTACK_LIMITS, "KKG_DATA_FILES": str(SAMPLE_GRAPH), "KKG_QUERY_TIMEOUT_S": 0.5}
    with running_server(tmp_path_factory.mktemp("quick-cut"), config) as server:
        yield server


def _settled_query_workers(server: ServerProcess, expected: int) -> list[int]:
    deadline = time.monotonic() + 10
    while True:
        workers = server.query_workers()
        if len(workers) == expected or time.monotonic() > deadline:
            return sorted(w.pid for w in workers)
        time.sleep(0.1)


def test_fifty_runaways_leak_no_process_memory_or_descriptor(
        quick_cut_server: ServerProcess) -> None:
    server = quick_cut_server
    _ask(server)
    workers = int(ATTACK_LIMITS["KKG_QUERY_WORKERS"])
    before_pids = _settled_query_workers(server, workers)
    (http_worker,) = server.http_workers()
    fds_before, rss_before = open_fds(http_worker.pid), http_worker.rss_kb
    statuses: list[int] = []

    def attack(count: int) -> None:
        for _ in range(count):
            statuses.append(server.query(CARTESIAN, timeout=30).status)

    attackers = [threading.Thread(target=attack, args=(25,)) for _ in range(2)]
    for thread in attackers:
        thread.start()
    for thread in attackers:
        thread.join(120)
    assert statuses == [503] * 50
    _ask(server)
    after_pids = _settled_query_workers(server, workers)
    tree = server.tree()
    assert len(after_pids) == workers, [p.cmdline for p in tree]
    assert not set(after_pids) & set(before_pids)  # every killed worker was replaced...
    assert not [p for p in tree if p.state == "Z"]  # ...and reaped
    (http_worker_after,) = server.http_workers()
    assert http_worker_after.pid == http_worker.pid
    fds_after, rss_after = open_fds(http_worker.pid), http_worker_after.rss_kb
    assert fds_after <= fds_before + 4, (fds_before, fds_after)
    assert rss_after - rss_before < 30_000, (rss_before, rss_after)
    print(f"\n50 runaways: query processes {len(before_pids)} -> {len(after_pids)},"
          f" server fds {fds_before} -> {fds_after},"
          f" server RSS {rss_before // 1024} -> {rss_after // 1024} MB")


# --------------------------------------------------------------------------- engine attacks

CHAIN = 99_000  # with the query text, just under KKG_MAX_QUERY_BYTES (100,000)
ENGINE_ATTACKS = {
    "3,000 nested braces": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "50,000 nested braces": "SELECT * WHERE " + "{" * 49_000 + "}" * 49_000,
    "nesting hidden in an IRI-like token": (
        "SELECT * WHERE { FILTER(1<" + "(" * 30_000 + "2#>\n" + ")" * 30_000 + ") }"),
    "99,000 negations": "SELECT * WHERE { FILTER(" + "!" * CHAIN + "true) }",
    "a chain of ||": "SELECT * WHERE { FILTER(" + "||".join(["1"] * (CHAIN // 3)) + ") }",
    "a chain of +": "SELECT * WHERE { BIND(" + "+".join(["1"] * (CHAIN // 2)) + " AS ?x) }",
    "a chain of OPTIONAL": "SELECT * WHERE { " + "OPTIONAL{}" * (CHAIN // 10) + " }",
    "a chain of UNION": "SELECT * WHERE { " + "UNION".join(["{}"] * (CHAIN // 7)) + " }",
    "a long property path": "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * (CHAIN // 8))
                            + " ?o }",
}


@pytest.mark.parametrize("name", list(ENGINE_ATTACKS))
def test_engine_attacks_are_refused_or_cut_and_no_process_dies(attack_server: ServerProcess,
                                                               name: str) -> None:
    workers_before = _settled_query_workers(attack_server, 2)
    reply = attack_server.query(ENGINE_ATTACKS[name], timeout=30)
    assert reply.status in (200, 400, 403, 503), (name, reply.status, reply.text[:300])
    assert_clean(reply)
    assert reply.seconds < LIMIT_S + 2.5
    _ask(attack_server)
    if reply.status != 503:  # not cut by the time limit: then no query process was lost
        assert _settled_query_workers(attack_server, 2) == workers_before, name
    print(f"\n{name}: {reply.status} in {reply.seconds:.2f} s ({reply.text[:80].strip()})")


def test_deep_nesting_is_refused_before_any_parser_sees_it(attack_server: ServerProcess
                                                           ) -> None:
    workers_before = _settled_query_workers(attack_server, 2)
    for opener, closer in (("{", "}"), ("(", ")"), ("[ <p:a> ", " ]")):
        deep = f"SELECT * WHERE {{ FILTER EXISTS {opener * 3500}{closer * 3500} }}"
        reply = attack_server.query(deep, timeout=10)
        reply.assert_refused(403)
        assert "deep" in reply.text and reply.seconds < 1.0
    assert _settled_query_workers(attack_server, 2) == workers_before


def test_a_backtracking_regex_does_not_hang(attack_server: ServerProcess) -> None:
    text = "a" * 64 + "!"
    one = attack_server.query(f'SELECT ?m WHERE {{ BIND(REGEX("{text}", "^(a+)+$") AS ?m) }}')
    assert one.status == 200 and one.seconds < 1.0, one.text
    assert json.loads(one.body)["results"]["bindings"][0]["m"]["value"] == "false"
    everywhere = attack_server.query(
        'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i'
        ' FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i), "!"), "^((a|aa)+|(.*)*)*$")) }')
    assert everywhere.status in (200, 503) and everywhere.seconds < LIMIT_S + 2.5
    _ask(attack_server)


def _doubled(times: int) -> str:
    """BINDs that double a 64-character string ``times`` times (64 * 2**times characters)."""
    binds = ['BIND("' + "x" * 64 + '" AS ?d0)']
    binds += [f"BIND(CONCAT(?d{i}, ?d{i}) AS ?d{i + 1})" for i in range(times)]
    return " ".join(binds)


def test_huge_results_are_capped_without_the_server_growing(attack_server: ServerProcess
                                                            ) -> None:
    (http_worker,) = attack_server.http_workers()
    many_rows = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"                  # 33,000 rows
    big_rows = f"SELECT ?s ?d14 WHERE {{ ?s ?p ?o {_doubled(14)} }}"     # 182 rows of 1 MB
    big_graph = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"   # 33,000 triples
    cases = ((many_rows, "application/sparql-results+json"), (many_rows, "text/csv"),
             (big_rows, "application/sparql-results+xml"), (big_graph, "text/turtle"),
             (big_graph, "application/ld+json"))
    for query, accept in cases:  # the same code paths on one row: imports, buffers
        assert attack_server.query(query + " LIMIT 1", accept=accept).status == 200
    peak_before = attack_server.http_workers()[0].hwm_kb
    sizes = []
    for query, accept in cases:
        reply = attack_server.query(query, accept=accept, timeout=30)
        assert reply.status == 200, (query[:60], reply.text[:200])
        assert reply.headers["x-kkg-truncated"] == "true"
        sizes.append(len(reply.body))
    cap = int(ATTACK_LIMITS["KKG_MAX_RESULT_BYTES"])
    assert max(sizes) < 3 * cap, sizes  # the cap counts term text; formats add some markup
    growth_mb = (attack_server.http_workers()[0].hwm_kb - peak_before) / 1024
    assert attack_server.http_workers()[0].pid == http_worker.pid
    assert growth_mb < 100, growth_mb
    print(f"\nhuge results: bodies {', '.join(f'{n / 1e6:.1f}' for n in sizes)} MB"
          f" (cap {cap / 1e6:.1f} MB of text); server peak memory grew by {growth_mb:.1f} MB")


@pytest.mark.parametrize("query", [
    f"SELECT (STRLEN(?d30) AS ?n) WHERE {{ {_doubled(30)} }}",        # 64 GB of string
    "SELECT ?c WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l",
    f"SELECT (GROUP_CONCAT(?d20) AS ?g) WHERE {{ ?s ?p ?o {_doubled(20)} }}",
])
def test_memory_bombs_are_stopped_and_the_server_goes_on(attack_server: ServerProcess,
                                                         query: str) -> None:
    reply = attack_server.query(query, timeout=30)
    assert reply.status in (200, 503), (reply.status, reply.text[:300])
    assert_clean(reply)
    assert reply.seconds < LIMIT_S + 2.5
    tree_rss_mb = sum(p.rss_kb for p in attack_server.tree()) / 1024
    assert tree_rss_mb < 2048, tree_rss_mb
    _ask(attack_server)
    print(f"\nmemory bomb: {reply.status} in {reply.seconds:.2f} s ({reply.text[:90].strip()});"
          f" whole server now {tree_rss_mb:.0f} MB")


def test_no_engine_attack_left_a_traceback(attack_server: ServerProcess) -> None:
    log = attack_server.log_text()
    assert "Traceback" not in log, log[-3000:]
    assert '" 500 ' not in log
    assert Path(attack_server.log).exists()
