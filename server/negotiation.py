"""Which media type to answer in: one table of formats, matched against Accept with q-values.

One table so the endpoint, the named-query API, the service description and the OpenAPI
document all list the same formats. The first format of each kind is its default (what
``*/*`` or a missing Accept header gets). Ties in quality go to the more specific match
(``text/csv`` beats ``*/*``), then to table order, so a client's explicit choice always wins
over a wildcard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RESULTS = "results"  # SELECT and ASK
GRAPH = "graph"      # CONSTRUCT and DESCRIBE (and the service description)
_W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One answer format: canonical media type, what answers use it, names and aliases."""

    media_type: str
    kind: str
    names: tuple[str, ...]
    aliases: tuple[str, ...]
    iri: str

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else (
            self.media_type)

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


FORMATS: tuple[Format, ...] = (
    Format("application/sparql-results+json", RESULTS, ("json", "sparql-json", "srj"),
           ("application/json",), _W3C + "SPARQL_Results_JSON"),
    Format("application/sparql-results+xml", RESULTS, ("xml", "sparql-xml", "srx"),
           ("application/xml", "text/xml"), _W3C + "SPARQL_Results_XML"),
    Format("text/csv", RESULTS, ("csv",), (), _W3C + "SPARQL_Results_CSV"),
    Format("text/tab-separated-values", RESULTS, ("tsv",), (), _W3C + "SPARQL_Results_TSV"),
    Format("text/turtle", GRAPH, ("turtle", "ttl"), ("application/x-turtle",
                                                      "application/turtle"), _W3C + "Turtle"),
    Format("application/n-triples", GRAPH, ("ntriples", "n-triples", "nt"), (),
           _W3C + "N-Triples"),
    Format("application/rdf+xml", GRAPH, ("rdfxml", "rdf+xml", "rdf", "xml"),
           ("application/xml", "text/xml"), _W3C + "RDF_XML"),
    Format("application/ld+json", GRAPH, ("jsonld", "json-ld", "json"), ("application/json",),
           _W3C + "JSON-LD"),
    Format("application/n-quads", GRAPH, ("nquads", "n-quads", "nq"), (), _W3C + "N-Quads"),
    Format("application/trig", GRAPH, ("trig",), (), _W3C + "TriG"),
)

HTML = "text/html"

# The named-query API's own shapes (server/api.py): plain rows as JSON or CSV, the same as
# ``ketamine-kg query --format json|csv``. They come before the SPARQL formats there, so
# application/json and text/csv get these; ``format=sparql-json`` etc. pass SPARQL through.
API_JSON = Format("application/json", "api", ("json", "rows"), (), "")
API_CSV = Format("text/csv", "api", ("csv",), (), "")


def formats_of(kind: str) -> tuple[Format, ...]:
    """The formats an answer of this kind can take, default first."""
    return tuple(f for f in FORMATS if f.kind == kind)


def choose(accept: str | None, kind: str, format_values: Iterable[str] = ()) -> Format | None:
    """The format to answer in, or None when nothing the client accepts is offered.

    A ``format`` value (a name such as ``csv`` or a media type) overrides Accept; values
    that name no format of this kind are ignored, since some clients send several. Aliases
    (``application/json``…) count only when named exactly, never through a wildcard.
    """
    return choose_from(accept, formats_of(kind), format_values)


def choose_from(
    accept: str | None, candidates: tuple[Format, ...], format_values: Iterable[str] = ()
) -> Format | None:
    """Like ``choose`` over an explicit list of candidates (the first is the default)."""
    for value in format_values:
        chosen = _by_name(value, candidates)
        if chosen is not None:
            return chosen
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0]
    best: tuple[float, int] = (0.0, 0)
    chosen = None
    for fmt in candidates:
        score = max([_quality(fmt.media_type, ranges)] + [
            (q, 3) for media_range, q in ranges if media_range in fmt.aliases])
        if score[0] > 0 and score > best:
            best, chosen = score, fmt
    return chosen


def prefers_html(accept: str | None) -> bool:
    """True when HTML beats every service-description format (a browser, not a client)."""
    ranges = parse_accept(accept)
    if not ranges:
        return False
    html = _quality(HTML, ranges)
    rdf = max(_quality(t, ranges) for f in formats_of(GRAPH) for t in f.media_types)
    return html[0] > 0 and html > rdf


def prefers_json(accept: str | None, *, default: bool) -> bool:
    """Whether an error should be a JSON envelope rather than plain text.

    Any ``+json`` type counts as accepting JSON (a client of SPARQL JSON results can read an
    error envelope); a bare wildcard leaves the choice to ``default``.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return default
    json_score = max([_quality("application/json", ranges)]
                     + [(q, 3) for r, q in ranges if r.endswith("+json")])
    text_score = _quality("text/plain", ranges)
    if json_score == text_score:
        return default
    return json_score > text_score


def describe(kind: str) -> str:
    """The formats of a kind, for 406 messages: 'text/csv (csv), …'."""
    return ", ".join(f"{f.media_type} ({f.names[0]})" for f in formats_of(kind))


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Accept as (media range, q) pairs; malformed q values count as 0."""
    ranges = []
    for part in (header or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media_range = pieces[0].lower()
        if "/" not in media_range:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; (0, 0) if none."""
    main, _, _sub = media_type.partition("/")
    best = (0.0, 0)
    best_specificity = 0
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 3
        elif media_range == f"{main}/*":
            specificity = 2
        elif media_range == "*/*":
            specificity = 1
        else:
            continue
        if specificity > best_specificity or (
                specificity == best_specificity and quality > best[0]):
            best_specificity, best = specificity, (quality, specificity)
    return best


def _by_name(value: str, candidates: tuple[Format, ...]) -> Format | None:
    wanted = value.strip().lower()
    if "/" in wanted:
        wanted = wanted.split(";", 1)[0].strip()
        return next((f for f in candidates if wanted in f.media_types), None)
    return next((f for f in candidates if wanted in f.names), None)
