"""Serialise a query result in a requested media type, cut at a row cap.

Runs inside the query worker processes (``graph.executor``), so the bytes that cross the
process boundary are already the response body. pyoxigraph writes every format; the one step
done here is the cut: a ``QuerySolutions`` iterator cannot be limited and then serialised, so
the kept rows are written as SPARQL JSON (a few lines, below) and, for the other result
formats, read back by pyoxigraph and written in the requested one.

Rows are also cut when their text passes ``max_bytes``: a row cap alone lets ten thousand
rows of megabyte strings (built by ``CONCAT``) through, and the body is copied into the
server process that answers. The count is of term text, a close lower bound of any format.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from graph.errors import QuerySyntaxError
from graph.namespaces import PREFIXES

# Added to head.link of a cut SPARQL JSON result: a link clients may ignore (the standard
# says head.link holds IRIs of metadata about the result), meaning "more rows were found".
TRUNCATED_LINK = "urn:ketamine-kg:truncated"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Serialised:
    """A response body, its media type, whether rows were cut, and how many were kept.

    ``rows`` is None when they were not counted: a whole answer too short to pass the row
    cap is not read back just to count it. ``seconds``: how long the query and its
    serialisation took where they ran (None when not measured); ``graph.inline`` uses it to
    learn which queries are quick.
    """

    body: bytes
    media_type: str
    truncated: bool
    rows: int | None
    seconds: float | None = None


def serialise(result: QueryResult, media_type: str, max_rows: int,
              max_bytes: int | None = None) -> Serialised:
    """Write a result in ``media_type`` (a canonical type of the negotiation table)."""
    if isinstance(result, ox.QueryBoolean):
        fmt = _results_format(media_type)
        return Serialised(result.serialize(format=fmt), media_type, False, 1)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, media_type, max_rows, max_bytes)
    return _triples(result, media_type, max_rows, max_bytes)


def serialise_query(run: Callable[[], QueryResult], media_type: str, max_rows: int,
                    max_bytes: int | None = None) -> Serialised:
    """Evaluate (``run``) and write a result, by the engine's own writer whenever no cap bites.

    Why two ways: writing SPARQL JSON row by row in Python took most of the time of a large
    answer (a dict per row, a dict per term), while pyoxigraph writes it in Rust many times
    faster, but only whole. So a SELECT result is first written whole by pyoxigraph into a
    buffer that refuses to grow past ``max_bytes``; its rows are counted by reading it back
    (in Rust, too). Only when a cap is passed is the query run a second time and cut here.
    """
    result = run()
    if isinstance(result, ox.QuerySolutions):
        fmt = _results_format(media_type)
        if fmt in _MIN_ROW_BYTES:  # a format read back to count rows (not CSV)
            whole = _whole_solutions(result, fmt, media_type, max_rows, max_bytes)
            if whole is not None:
                return whole
            result = run()  # a cap was passed: run again and cut
    return serialise(result, media_type, max_rows, max_bytes)


class _OverflowError(Exception):
    """The answer passed its byte budget while being written."""


class _BoundedBuffer:
    """A binary write target for pyoxigraph that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.overflowed = False

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            self.overflowed = True
            raise _OverflowError
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are joined once the writer is done."""


# Formats pyoxigraph can read back, so that rows can be counted (CSV is written only), with
# the fewest bytes a row can take in each: ``{},`` in JSON, ``<result></result>`` in XML,
# an empty line in TSV. A body shorter than the row cap times that cannot pass the cap, and
# its rows are not counted.
_MIN_ROW_BYTES = {ox.QueryResultsFormat.JSON: 3, ox.QueryResultsFormat.XML: 17,
                  ox.QueryResultsFormat.TSV: 1}


def _whole_solutions(result: ox.QuerySolutions, fmt: ox.QueryResultsFormat, media_type: str,
                     max_rows: int, max_bytes: int | None) -> Serialised | None:
    """The whole result as pyoxigraph writes it; None when a cap (rows, bytes) is passed."""
    buffer = _BoundedBuffer(max_bytes)
    try:
        result.serialize(output=buffer, format=fmt)
    except (_OverflowError, OSError):
        if buffer.overflowed:
            return None
        raise
    body = b"".join(buffer.parts)
    if len(body) <= max_rows * _MIN_ROW_BYTES[fmt]:
        return Serialised(body, media_type, False, None)  # too short to pass the row cap
    rows = sum(1 for _ in ox.parse_query_results(body, format=fmt))
    if rows > max_rows:
        return None
    return Serialised(body, media_type, False, rows)


def _take(items: Any, max_rows: int, max_bytes: int | None) -> tuple[list[Any], bool]:
    """The first rows (solutions or triples) within both caps, and whether any were left."""
    if max_bytes is None:
        rows = list(islice(items, max_rows + 1))
        return rows[:max_rows], len(rows) > max_rows
    rows, size = [], 0
    for row in items:
        size += sum(_term_size(term) for term in row)
        if len(rows) >= max_rows or size > max_bytes:
            return rows, True
        rows.append(row)
    return rows, False


def _term_size(term: Any) -> int:
    """About how many bytes a term takes in any format: its text, datatype or language."""
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return sum(_term_size(t) for t in (term.subject, term.predicate, term.object))
    size = len(term.value) + 8
    if isinstance(term, ox.Literal):
        size += len(term.language or term.datatype.value)
    return size


def _solutions(result: ox.QuerySolutions, media_type: str, max_rows: int,
               max_bytes: int | None) -> Serialised:
    fmt = _results_format(media_type)
    variables = [v.value for v in result.variables]
    rows, truncated = _take(result, max_rows, max_bytes)
    document: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": [
        {name: _term_json(row[name]) for name in variables if row[name] is not None}
        for row in rows
    ]}}
    if truncated:
        document["head"]["link"] = [TRUNCATED_LINK]
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt != ox.QueryResultsFormat.JSON:
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(
            format=fmt)
    return Serialised(body, media_type, truncated, len(rows))


def _triples(result: ox.QueryTriples, media_type: str, max_rows: int,
             max_bytes: int | None) -> Serialised:
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise QuerySyntaxError(f"CONSTRUCT and DESCRIBE cannot answer in {media_type}")
    triples, truncated = _take(result, max_rows, max_bytes)
    prefixes = _used_prefixes(triples)
    if fmt.supports_datasets:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        body = ox.serialize(quads, format=fmt, prefixes=prefixes)
    else:
        body = ox.serialize(triples, format=fmt, prefixes=prefixes)
    return Serialised(body or b"", media_type, truncated, len(triples))


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project prefixes some IRI of the triples starts with (no unused declarations)."""
    iris = {term.value for t in triples for term in (t.subject, t.predicate, t.object)
            if isinstance(term, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {prefix: namespace for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in iris)}


def _results_format(media_type: str) -> ox.QueryResultsFormat:
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise QuerySyntaxError(f"SELECT and ASK cannot answer in {media_type}")
    return fmt


def _term_json(term: Any) -> dict[str, Any]:
    """One RDF term in SPARQL 1.1 (and 1.2 for triple terms) Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        }}
    encoded: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
        if term.direction is not None:
            encoded["its:dir"] = str(term.direction)
    elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING, _RDF_DIR_LANG_STRING):
        encoded["datatype"] = term.datatype.value
    return encoded
