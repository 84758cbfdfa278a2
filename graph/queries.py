"""Named SPARQL queries: ``queries/**/*.rq`` files with a ``#+`` header, run by name.

A query file stays valid, standalone SPARQL (it can be pasted into YASGUI or sent with curl);
its header comments say what it answers and which variables are parameters::

    #+ title: Conditions a drug is used for
    #+ description: One row per (drug, indication) use, with its certainty.
    #+ param: drug iri kke:ketamine -- the drug
    #+ param: min_rank integer 1 -- lowest certainty rank to keep (1 hypothesised … 5 established)

A parameter line is ``name kind default -- description`` where kind is one of
iri/string/integer/decimal/boolean and default ``-`` means the parameter is optional and left
unbound when not given. Values are bound as RDF terms (SEP-0007 substitution), never pasted
into the query text, so no value can change what the query does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

import ketamine_kg_data
from graph.errors import QueryNotFoundError, QueryParameterError
from graph.namespaces import expand_curie

KINDS = ("iri", "string", "integer", "decimal", "boolean")
XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(\S+)(?:\s+--\s*(.*))?$")
_IRI_OK = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def queries_dir() -> Path:
    """Where the query files are: ``$KKG_QUERIES_DIR`` or the shipped ``queries/``.

    ``ketamine_kg_data`` decides (checkout or installed package), so an installed wheel
    finds its queries too.
    """
    return ketamine_kg_data.queries_dir()


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a named query."""

    name: str
    kind: str
    default: str | None
    description: str = ""

    def to_term(self, value: str) -> ox.NamedNode | ox.Literal:
        """Turn a user's string into the RDF term this parameter expects."""
        try:
            return _convert(self.kind, value)
        except (ValueError, InvalidOperation) as exc:
            raise QueryParameterError(
                f"parameter '{self.name}' expects {self.kind}, got {value!r}"
            ) from exc


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its header parsed."""

    name: str
    path: Path
    kind: str
    title: str
    description: str
    text: str
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def is_check(self) -> bool:
        """A ``*-violation`` query: a check that must return no rows."""
        return self.name.endswith("-violation")

    def bindings(self, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Validate user values against the header and convert them to RDF terms."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise QueryParameterError(
                f"query '{self.name}' has no parameter {', '.join(unknown)}"
                f" (it takes: {', '.join(declared) or 'none'})"
            )
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, param in declared.items():
            raw = values.get(name, param.default)
            if raw is not None:
                bound[name] = param.to_term(raw)
        return bound


def _convert(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    if kind == "iri":
        iri = expand_curie(value.strip())
        if not _IRI_OK.match(iri):
            raise ValueError("not an IRI or known CURIE")
        return ox.NamedNode(iri)
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError("not true/false")
        return ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    return ox.Literal(value)


def parse_query_file(path: Path, kind: str) -> NamedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            params.append(_parse_param(path, value))
        else:
            meta[key] = value
    return NamedQuery(
        name=path.stem,
        path=path,
        kind=kind,
        title=meta.get("title", path.stem),
        description=meta.get("description", ""),
        text=text,
        params=tuple(params),
    )


def _parse_param(path: Path, spec: str) -> Parameter:
    match = _PARAM.match(spec)
    if not match or match.group(2) not in KINDS:
        raise ValueError(f"{path}: bad '#+ param:' line {spec!r}")
    name, kind, default, description = match.groups()
    return Parameter(name, kind, None if default == "-" else default, description or "")


def load_queries(root: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query under ``root`` by name; subfolders give their kind."""
    root = root or queries_dir()
    found: dict[str, NamedQuery] = {}
    for path in sorted(root.rglob("*.rq")):
        kind = path.parent.name if path.parent != root else "api"
        query = parse_query_file(path, kind)
        if query.name in found:
            raise ValueError(f"two queries are named {query.name!r}: {path}")
        found[query.name] = query
    return found


def get_query(name: str, root: Path | None = None) -> NamedQuery:
    """One named query, or QueryNotFoundError naming the ones that exist."""
    queries = load_public_queries(root)  # at least one, or an error saying where none were
    every = load_queries(root)
    if name not in every:
        raise QueryNotFoundError(f"no query named {name!r} (known: {', '.join(queries)})")
    return every[name]


def load_public_queries(root: Path | None = None) -> dict[str, NamedQuery]:
    """The api and checks queries by name; QueryNotFoundError when the folder holds none.

    Why an error: an empty list from a wrong ``KKG_QUERIES_DIR`` or a broken install looked
    like success (``query list`` printed nothing and exited 0).
    """
    root = root or queries_dir()
    public = {n: q for n, q in load_queries(root).items() if q.kind in ("api", "checks")}
    if not public:
        raise QueryNotFoundError(f"no named queries in {root}: check KKG_QUERIES_DIR, or "
                                 "reinstall ketamine-kg")
    return public


def read_query_text(relative: str, root: Path | None = None) -> str:
    """The text of a query file by its path under ``queries/`` (for internal callers).

    A missing file is a broken install or a wrong ``KKG_QUERIES_DIR``: ResourceMissingError
    says which file, instead of a bare FileNotFoundError.
    """
    path = (root or queries_dir()) / relative
    if not path.is_file():
        raise ketamine_kg_data.ResourceMissingError(
            f"{path}: query file missing (check KKG_QUERIES_DIR, or reinstall ketamine-kg)")
    return path.read_text(encoding="utf-8")
