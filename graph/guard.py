"""Static inspection of a SPARQL query before it reaches the engine.

The endpoint is read-only and offline: it never runs an update, never calls another service
and never reads a graph that is not in its own store. Oxigraph would refuse most of that by
itself, but refusing it here gives the client one clear reason, and does it before a worker
process is spent on the query.

Why a tokenizer and not a parser: a keyword inside a comment, a string, an IRI, a prefixed
name (``ex:SERVICE``), a variable (``?load``) or a language tag (``"x"@service``) is not a
keyword, and telling them apart needs only the lexical grammar. A recursive parser would also
overflow on deeply nested groups; this module makes one linear pass and only counts brackets,
refusing nesting deeper than the engine's parser can take (Oxigraph's recursive descent parser
crashes its process at a few thousand levels).

Where a tokenizer and Oxigraph's parser can disagree, this module leans to refusing, because a
query it misreads would reach the engine unchecked. Oxigraph matches keywords without a word
boundary, so ``SERVICE:x { }``, ``SERVICEex:x { }`` and ``?s ?p true.SERVICE:x { }`` all call
``:x``; a name with SERVICE glued into it is therefore refused before a ``{``. A ``<`` may be
an IRI or a less-than (``FILTER(1<2)SERVICE:x#>``): an IRI token that could hide a keyword, or
that holds a ``'`` (which would shift where strings start), is refused; write such characters
as ``\\u`` escapes, which Oxigraph decodes in IRIs only. This stays a first line that gives a
clear reason: the query processes cannot open a network socket at all
(``graph.query_worker``), whatever reaches them.

Every pattern below runs in linear time: the text can be ``KKG_MAX_QUERY_BYTES`` long and is
checked in a server thread that no time limit can stop.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

from graph.errors import QueryRefusedError, QuerySyntaxError
from graph.namespaces import PREFIXES

MAX_NESTING = 256

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
     "USING"}
)
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = frozenset(_OPENERS.values())

# One alternative per token class of the SPARQL 1.1 lexical grammar that can hide a keyword.
# Order matters: strings and IRIs before anything that could match their insides; first of
# all, punctuation that can start no other token (the bulk of a hostile query). A name runs
# greedily over letters, digits, dots and hyphens and never fails, so no position is scanned
# twice (a prefix pattern that had to backtrack made ``a.a.a.…`` quadratic); a run with no
# colon is split into words afterwards.
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"(?:[\w\-:\u00B7]|{_PLX}|\.+(?=[\w\-:%\\\u00B7]))*"
_TOKEN = re.compile(
    rf"""
    (?P<other>[{{}}()\[\];,.*!|/^=+&])
  | (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
             |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             |'(?:[^'\\\r\n]|\\.)*'
             |"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][^\s{{}}()\[\];,.<>"'=!|&*/+^#-]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>[^\W\d][\w.\-\u00B7]*)(?P<local>:{_LOCAL})?
  | (?P<pname>:{_LOCAL})
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<rest>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_RUN_PART = re.compile(r"[^\W\d]\w*|\d+|.", re.DOTALL)
# SERVICE glued after what can end a term in Oxigraph's reading: a name or IRI token holding
# this is refused when a group follows (names) or always (IRIs, which never need it).
_GLUED_SERVICE = re.compile(r"(?:^|[.)\];\d]|true|false)SERVICE", re.IGNORECASE)
_SERVICE_REFUSED = ("SERVICE (federated query) is not accepted: this endpoint answers from its"
                    " own graph only")


class QueryForm(enum.Enum):
    """The four SPARQL query forms; the first two answer result sets, the others graphs."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer RDF triples; SELECT and ASK answer results."""
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class CheckedQuery:
    """What the inspection learned: the form and the graphs named by FROM / FROM NAMED."""

    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def has_dataset_clause(self) -> bool:
        """True when the query names its own dataset (then the union default graph is off)."""
        return bool(self.from_graphs or self.from_named_graphs)


class _Token(NamedTuple):
    """One token (a tuple, cheap to make: a 100 KB query can have 100,000 of them)."""

    kind: str
    text: str
    offset: int


def check_query(text: str, *, allowed_graphs: Collection[str] = ()) -> QueryForm:
    """The query's form, or QueryRefusedError / QuerySyntaxError saying why it is not run."""
    return inspect_query(text, allowed_graphs=allowed_graphs).form


_CACHED_TEXT_LIMIT = 8_000  # longer texts are inspected every time (a cache of them is a target)


def inspect_query(
    text: str,
    *,
    allowed_graphs: Collection[str] = (),
    prefixes: Mapping[str, str] = PREFIXES,
    dataset_given: bool = False,
) -> CheckedQuery:
    """Inspect a query: form, dataset clauses, and every refusal (see the module docstring).

    ``allowed_graphs`` are the IRIs FROM and FROM NAMED may name (the store's own graphs);
    with ``dataset_given`` (the request names the dataset with ``default-graph-uri`` /
    ``named-graph-uri``, which replace FROM: SPARQL 1.1 Protocol §2.1.4) FROM reads nothing,
    so any IRI is let through there: the embedded store never fetches one either way.
    ``prefixes`` are the ones the engine predeclares, so ``FROM kkgraph:inferred`` resolves.
    Accepted short queries are remembered: clients repeat the same text (named queries, a
    page's view queries), and tokenising was a sixth of a light request's cost in profiles.
    """
    allowed = None if dataset_given else frozenset(allowed_graphs)
    if prefixes is PREFIXES and len(text) <= _CACHED_TEXT_LIMIT:
        return _inspect_remembered(text, allowed)
    return _inspect(text, allowed, prefixes)


@lru_cache(maxsize=256)
def _inspect_remembered(text: str, allowed_graphs: frozenset[str] | None) -> CheckedQuery:
    return _inspect(text, allowed_graphs, PREFIXES)


def _inspect(text: str, allowed_graphs: frozenset[str] | None,
             prefixes: Mapping[str, str]) -> CheckedQuery:
    tokens = [t for t in _tokens(text) if t.kind not in ("ws", "comment")]
    if not tokens:
        raise QuerySyntaxError("the query is empty")
    known = dict(prefixes)
    position, base = _prologue(tokens, known)
    if position >= len(tokens):
        raise QuerySyntaxError("the query has a prologue but no SELECT, ASK, CONSTRUCT or DESCRIBE")
    first = tokens[position]
    keyword = first.text.upper() if first.kind == "word" else ""
    if keyword in UPDATE_KEYWORDS:
        raise QueryRefusedError(
            f"the graph is read-only: SPARQL Update ({keyword}) is not accepted")
    if keyword not in QueryForm.__members__:
        raise QuerySyntaxError(
            f"expected SELECT, ASK, CONSTRUCT or DESCRIBE at offset {first.offset},"
            f" found {first.text[:40]!r}")
    from_graphs, from_named = _scan_body(tokens[position:], known, base, allowed_graphs)
    return CheckedQuery(QueryForm[keyword], tuple(from_graphs), tuple(from_named))


def inline_bindings(text: str, bindings: Mapping[str, object]) -> str:
    """The query with ``VALUES (?a ?b) { (term term) }`` opening its outermost WHERE group.

    Why: pyoxigraph's SEP-0007 substitution refuses variables that the SELECT does not
    project, and a named query's parameters often are not projected (``?drug`` in "conditions
    for a drug"). A VALUES block at the start of the group binds them for the whole group,
    FILTERs included. The terms are pyoxigraph terms written in their N-Triples form (IRIs
    validated, literals escaped by pyoxigraph), never the user's text, and the insertion
    point is found with the tokenizer, so comments and strings cannot move it.
    """
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QuerySyntaxError(f"not a variable name: {name!r}")
    if not names:
        return text
    position = _where_group_start(text)
    block = (f" VALUES ({' '.join('?' + n for n in names)})"
             f" {{ ({' '.join(str(bindings[n]) for n in names)}) }} ")
    return text[:position] + block + text[position:]


def _where_group_start(text: str) -> int:
    """Offset just after the ``{`` that opens the query's outermost WHERE group."""
    tokens = [t for t in _tokens(text) if t.kind not in ("ws", "comment")]
    position, _base = _prologue(tokens, dict(PREFIXES))
    depth = 0
    after_where = False
    first_group: int | None = None
    for token in tokens[position:]:
        if token.kind == "word" and token.text.upper() == "WHERE" and depth == 0:
            after_where = True
        elif token.kind == "other" and token.text == "{":
            if depth == 0 and (after_where or first_group is None):
                if after_where:
                    return token.offset + 1
                first_group = token.offset + 1
            depth += 1
        elif token.kind == "other" and token.text == "}":
            depth -= 1
    if first_group is None:
        raise QuerySyntaxError("the query has no WHERE group to bind parameters in")
    return first_group


def _tokens(text: str) -> Iterator[_Token]:
    """Split the text into tokens; an unterminated string is a syntax error."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "rest":  # any other single character (punctuation is matched first)
            kind = "other"
        token_text = match.group()
        if kind == "other" and token_text in ("'", '"'):
            raise QuerySyntaxError(f"unterminated string starting at offset {match.start()}")
        if kind == "local":  # a name followed by a colon: a prefixed name
            kind = "pname"
        elif kind == "name":
            yield from _split_run(token_text, match.start())
            continue
        yield _Token(kind, token_text, match.start())


def _split_run(run: str, offset: int) -> Iterator[_Token]:
    """A name run without a colon: its words, numbers and the dots or hyphens between them."""
    if run.isidentifier():
        yield _Token("word", run, offset)
        return
    for part in _RUN_PART.finditer(run):
        text = part.group()
        kind = "word" if text[0].isalpha() or text[0] == "_" else (
            "number" if text[0].isdigit() else "other")
        yield _Token(kind, text, offset + part.start())


def _prologue(tokens: list[_Token], known: dict[str, str]) -> tuple[int, str]:
    """Read BASE and PREFIX declarations; return where the query form starts and the base."""
    position, base = 0, ""
    while position < len(tokens) and tokens[position].kind == "word":
        keyword = tokens[position].text.upper()
        if keyword == "BASE":
            iri = _expect(tokens, position + 1, "iri", "BASE")
            base = _resolve_iri(iri.text[1:-1], base)
            position += 2
        elif keyword == "PREFIX":
            name = _expect(tokens, position + 1, "pname", "PREFIX")
            iri = _expect(tokens, position + 2, "iri", "PREFIX")
            prefix, _, local = name.text.partition(":")
            if local:
                raise QuerySyntaxError(f"PREFIX expects 'name:', found {name.text!r}")
            known[prefix] = _resolve_iri(iri.text[1:-1], base)
            position += 3
        else:
            break
    return position, base


def _scan_body(
    tokens: list[_Token], known: Mapping[str, str], base: str, allowed: frozenset[str] | None
) -> tuple[list[str], list[str]]:
    """One pass over the query: refusals, bracket depth, and the FROM / FROM NAMED graphs.

    ``allowed`` None: the protocol replaces FROM, which is then read for its syntax only.
    """
    from_graphs: list[str] = []
    from_named: list[str] = []
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "other":
            depth = _nesting(depth, token.text)
            continue
        _refuse_hidden_service(tokens, index)
        if token.kind == "pname":
            _check_prefix(token, known)
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        if keyword in UPDATE_KEYWORDS:
            raise QueryRefusedError(
                f"the graph is read-only: SPARQL Update ({keyword}) is not accepted")
        if keyword == "FROM":
            named = index + 1 < len(tokens) and tokens[index + 1].text.upper() == "NAMED"
            target = tokens[index + 2] if named and index + 2 < len(tokens) else (
                tokens[index + 1] if not named and index + 1 < len(tokens) else None)
            iri = _graph_iri(target, known, base)
            if allowed is not None and iri not in allowed:
                raise QueryRefusedError(
                    f"FROM{' NAMED' if named else ''} <{iri}> is refused: this endpoint only"
                    " reads its own graphs (see the service description for their names)")
            (from_named if named else from_graphs).append(iri)
    return from_graphs, from_named


def _check_prefix(token: _Token, known: Mapping[str, str]) -> None:
    """An undeclared prefix, named (the engine would only say what it expected instead)."""
    prefix = token.text.partition(":")[0]
    if prefix != "_" and prefix not in known:
        names = ", ".join(sorted(p for p in known if p))
        raise QuerySyntaxError(
            f"undeclared prefix '{prefix[:40]}:' in {token.text[:60]}; declare it with"
            f" PREFIX {prefix[:40]}: <...> (predeclared: {names})")


def _nesting(depth: int, text: str) -> int:
    """The bracket depth after one punctuation token; QueryRefusedError past MAX_NESTING.

    Never below zero: closers the engine reads as something else (inside an escaped name)
    must not buy extra depth for the openers that follow.
    """
    if text in _OPENERS:
        depth += 1
        if depth > MAX_NESTING:
            raise QueryRefusedError(
                f"the query nests groups or expressions more than {MAX_NESTING} deep")
    elif text in _CLOSERS:
        depth = max(depth - 1, 0)
    return depth


def _refuse_hidden_service(tokens: list[_Token], index: int) -> None:
    """Refuse SERVICE however it is written, and IRIs the engine may read differently.

    See the module docstring: a word containing SERVICE, a prefixed name with SERVICE glued
    into its prefix before a group, and an IRI token that may really be code.
    """
    token = tokens[index]
    if token.kind == "word" and "SERVICE" in token.text.upper():
        raise QueryRefusedError(_SERVICE_REFUSED)
    if token.kind == "pname":
        before_group = index + 1 < len(tokens) and tokens[index + 1].text == "{"
        if before_group and _GLUED_SERVICE.search(token.text.partition(":")[0]):
            raise QueryRefusedError(_SERVICE_REFUSED)
    elif token.kind == "iri":
        inner = token.text[1:-1]
        if "'" in inner:
            raise QueryRefusedError(
                f"the IRI {token.text[:60]} holds a ' that the engine may read as the start of a"
                " string; write it as \\u0027")
        if _GLUED_SERVICE.search(inner):
            raise QueryRefusedError(
                f"the IRI {token.text[:60]} may hide the SERVICE keyword (after a '<' read as"
                " less-than); write its letters as \\u escapes, e.g. \\u0053ERVICE")


def _graph_iri(token: _Token | None, known: Mapping[str, str], base: str) -> str:
    """The absolute IRI a FROM clause names (an IRI reference or a prefixed name)."""
    if token is None:
        raise QuerySyntaxError("FROM must be followed by a graph IRI")
    if token.kind == "iri":
        return _resolve_iri(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix not in known:
            raise QuerySyntaxError(f"undeclared prefix {prefix!r} in FROM {token.text}")
        return known[prefix] + local.replace("\\", "")
    raise QuerySyntaxError(f"FROM must be followed by a graph IRI, found {token.text[:40]!r}")


def _resolve_iri(reference: str, base: str) -> str:
    """Resolve a relative IRI reference against BASE (left as is when there is no base)."""
    if not base:
        return reference
    try:
        return urljoin(base, reference)
    except ValueError as exc:  # e.g. an unclosed IPv6 host: "http://[x"
        raise QuerySyntaxError(f"the IRI <{reference[:60]}> cannot be resolved against"
                               f" BASE <{base[:60]}>: {exc}") from None


def _expect(tokens: list[_Token], position: int, kind: str, after: str) -> _Token:
    if position >= len(tokens) or tokens[position].kind != kind:
        found = tokens[position].text[:40] if position < len(tokens) else "the end"
        raise QuerySyntaxError(f"malformed {after} declaration near {found!r}")
    return tokens[position]
