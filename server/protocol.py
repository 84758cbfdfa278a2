"""Read a SPARQL 1.1 Protocol query request: where the query is, and which graphs it names.

The three ways of sending a query (GET ``?query=``, a URL-encoded form POST, a
``application/sparql-query`` body) are parsed here, strictly: werkzeug's own parsers replace
invalid UTF-8 silently and keep only the first of repeated parameters, and the protocol
wants both to be errors. Every refusal is one line a client can act on.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import request
from werkzeug.exceptions import (
    BadRequest,
    RequestEntityTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
)

from graph.errors import QueryRefusedError
from graph.namespaces import expand_curie

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_MAX_FIELDS = 1000
_UTF8_CHARSETS = ("utf-8", "ascii")  # codecs' names of the charsets a body may declare
_FORM_OVERHEAD = 64 * 1024  # room for graph and format parameters beside the query


@dataclass(frozen=True)
class SparqlRequest:
    """What a protocol request asks: the query (None when absent), graphs and format values."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def names_dataset(self) -> bool:
        """True when default-graph-uri or named-graph-uri was given (it replaces FROM)."""
        return bool(self.default_graphs or self.named_graphs)


def read_request(max_query_bytes: int) -> SparqlRequest:
    """Parse the current request; BadRequest, 413, 415 or QueryRefusedError when malformed."""
    url_pairs = parse_pairs(request.query_string, "the URL query string")
    body_pairs: list[tuple[str, str]] = []
    body_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype.lower()
        if mimetype == SPARQL_UPDATE:
            raise QueryRefusedError(
                "this endpoint is read-only: SPARQL Update (application/sparql-update) is not"
                " accepted")
        if mimetype in (FORM, SPARQL_QUERY):
            _check_charset(mimetype, request.mimetype_params.get("charset"))
        if mimetype == FORM:
            body_pairs = parse_pairs(_read_body(3 * max_query_bytes + _FORM_OVERHEAD),
                                "the form body")
        elif mimetype == SPARQL_QUERY:
            body_query = _decode(_read_body(4 * max_query_bytes))
        else:
            raise UnsupportedMediaType(
                f"a POST must be {FORM} or {SPARQL_QUERY} (got {mimetype or 'no content type'})")
    if any(name == "update" for name, _ in url_pairs + body_pairs):
        raise QueryRefusedError(
            "this endpoint is read-only: the 'update' operation is not available")
    query = _one_query(url_pairs, body_pairs, body_query)
    if query is not None and len(query.encode("utf-8")) > max_query_bytes:
        raise RequestEntityTooLarge(
            f"the query is {len(query.encode('utf-8'))} bytes; the limit is {max_query_bytes}"
            " (KKG_MAX_QUERY_BYTES)")
    every = url_pairs + body_pairs
    return SparqlRequest(
        query=query,
        default_graphs=_graphs(every, "default-graph-uri"),
        named_graphs=_graphs(every, "named-graph-uri"),
        formats=tuple(value for name, value in every if name == "format"),
    )


def _one_query(url_pairs: list[tuple[str, str]], body_pairs: list[tuple[str, str]],
               body_query: str | None) -> str | None:
    in_url = [v for k, v in url_pairs if k == "query"]
    in_body = [v for k, v in body_pairs if k == "query"]
    if body_query is not None:
        in_body.append(body_query)
    if in_url and in_body:
        raise BadRequest("the query is given both in the URL and in the request body; send it"
                         " once")
    found = in_url or in_body
    if len(found) > 1:
        raise BadRequest(f"give one 'query' parameter, not {len(found)}")
    return found[0] if found else None


def _graphs(pairs: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The graph IRIs of a protocol parameter, CURIEs such as ``kkgraph:inferred`` expanded."""
    return tuple(dict.fromkeys(expand_curie(v.strip()) for k, v in pairs if k == name))


def _read_body(limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes without reading it all."""
    length = request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLarge(
            f"the request body is {length} bytes; the limit is {limit} (KKG_MAX_QUERY_BYTES)")
    try:
        data = request.stream.read(limit + 1)
    except OSError as exc:  # a client sending its body too slowly
        raise RequestTimeout(f"the request body did not arrive in time: {exc}") from None
    if len(data) > limit:
        raise RequestEntityTooLarge(
            f"the request body is over {limit} bytes (KKG_MAX_QUERY_BYTES)")
    return data


def _check_charset(mimetype: str, charset: str | None) -> None:
    """Refuse (415) a body declared in any charset but UTF-8 (or its subset US-ASCII).

    Why not decode by the declared charset: both media types are UTF-8 by definition (the
    registration of ``application/sparql-query`` says its encoding is always UTF-8; a form
    is ASCII, percent-encoded UTF-8), so a body declared otherwise is a client error to
    report, not a text to reinterpret, and its bytes are never guessed at.
    """
    if charset is None:
        return
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = ""
    if name not in _UTF8_CHARSETS:
        raise UnsupportedMediaType(
            f"{mimetype} is always UTF-8; charset={charset!r} is not accepted: send the body"
            " as UTF-8 (charset=utf-8, or none)")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the request body is not valid UTF-8 (byte {exc.start})") from None


def parse_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """URL-encoded pairs, decoded as strict UTF-8 (repeated names kept, blanks kept)."""
    if not raw:
        return []
    try:
        text = raw.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=_MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadRequest(f"{where} is not valid UTF-8 once percent-decoded") from None
    except ValueError as exc:
        raise BadRequest(f"{where} cannot be read: {exc}") from None
