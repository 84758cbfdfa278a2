"""server.negotiation: the one format table and q-value matching, without HTTP."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.negotiation import (
    FORMATS,
    GRAPH,
    RESULTS,
    choose,
    parse_accept,
    prefers_html,
    prefers_json,
)


def test_every_format_of_the_table_is_written_by_pyoxigraph() -> None:
    for fmt in FORMATS:
        if fmt.kind == RESULTS:
            assert ox.QueryResultsFormat.from_media_type(fmt.media_type) is not None
        else:
            assert ox.RdfFormat.from_media_type(fmt.media_type) is not None
        assert fmt.iri.startswith("http://www.w3.org/ns/formats/")


def test_defaults_come_first() -> None:
    assert choose(None, RESULTS).media_type == "application/sparql-results+json"  # type: ignore[union-attr]
    assert choose("*/*", GRAPH).media_type == "text/turtle"  # type: ignore[union-attr]


@pytest.mark.parametrize(("header", "expected"), [
    ("text/csv;q=0.3, text/tab-separated-values;q=0.7", "text/tab-separated-values"),
    ("text/csv;q=bogus, */*;q=0.1", "application/sparql-results+json"),
    ("TEXT/CSV", "text/csv"),
    ("text/csv; charset=utf-8", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("text/*;q=0.2, application/sparql-results+xml;q=0.1", "text/csv"),
])
def test_q_values(header: str, expected: str) -> None:
    assert choose(header, RESULTS).media_type == expected  # type: ignore[union-attr]


def test_nothing_acceptable() -> None:
    assert choose("image/png", RESULTS) is None
    assert choose("text/csv;q=0", RESULTS) is None
    assert choose("text/turtle", RESULTS) is None


def test_format_values_override_and_unknown_ones_are_skipped() -> None:
    assert choose("text/csv", RESULTS, ["yaml", "tsv"]).media_type == (  # type: ignore[union-attr]
        "text/tab-separated-values")
    assert choose(None, GRAPH, ["json"]).media_type == "application/ld+json"  # type: ignore[union-attr]
    assert choose(None, GRAPH, ["application/n-triples"]).media_type == (  # type: ignore[union-attr]
        "application/n-triples")


def test_html_and_json_preferences() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert prefers_html(browser) and not prefers_html("*/*") and not prefers_html(None)
    assert not prefers_html("text/turtle, text/html")
    assert prefers_json("application/json", default=False)
    assert prefers_json("application/sparql-results+json", default=False)
    assert not prefers_json("text/plain, application/json;q=0.5", default=True)
    assert prefers_json("*/*", default=True) and not prefers_json("*/*", default=False)


def test_parse_accept_skips_garbage() -> None:
    assert parse_accept("nonsense, text/csv;q=0.5") == [("text/csv", 0.5)]
    assert parse_accept(None) == []


@given(st.text(max_size=200), st.sampled_from([RESULTS, GRAPH]))
def test_any_accept_header_is_handled(header: str, kind: str) -> None:
    chosen = choose(header, kind)
    assert chosen is None or chosen.kind == kind
    prefers_html(header)
    prefers_json(header, default=True)
