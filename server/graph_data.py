"""The JSON the graph view draws: nodes with a category, edges with their evidence.

Why the evidence travels with the edges: clicking an edge must show its sentence at once, and
the whole evidence of the seed graph (~60 claims) is a few kilobytes. An edge's evidence is
the claims that state it (same subject, predicate, object), else the claims about the same
pair of nodes (an inferred ``usedFor`` next to an asserted ``treats``), else, for an edge of a
use node, the claims supporting that use.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.namespaces import expand_curie
from server.viewkit import (
    CERTAINTY_ORDER,
    Row,
    certainty_key,
    curie,
    display_label,
    hedge_segments,
    href,
    local_name,
    run_view,
    value,
)

CATEGORIES_FILE = Path(__file__).resolve().parent / "data" / "node-categories.json"
MAX_NODES = 400
RANK = {key: len(CERTAINTY_ORDER) - i for i, key in enumerate(CERTAINTY_ORDER)}


@dataclass(frozen=True)
class Category:
    """A node colour and shape for a set of classes (``server/data/node-categories.json``)."""

    key: str
    label: str
    color: str
    shape: str
    hidden: bool
    classes: frozenset[str]


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    """The categories in the order they are tried."""
    data = json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Category(c["key"], c["label"], c["color"], c.get("shape", "ellipse"),
                 bool(c.get("hidden")), frozenset(expand_curie(x) for x in c["classes"]))
        for c in data["categories"]
    )


def categorise(types: set[str]) -> Category:
    """The first category one of whose classes is among a node's types (or superclasses)."""
    for category in categories():
        if category.classes & types:
            return category
    return categories()[-1]


class GraphBuilder:
    """Collects nodes and edges from view rows, then attaches evidence to the edges."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}

    def add_node(self, iri: str, label: object, types: object, certainty: object) -> None:
        """Add a node once; its category comes from its types and their superclasses."""
        if iri in self.nodes:
            return
        category = categorise(set((value(types) or "").split()))
        self.nodes[iri] = {
            "id": iri, "label": display_label(value(label), iri), "curie": curie(iri),
            "category": category.key, "color": category.color, "shape": category.shape,
            "certainty": certainty_key(value(certainty)), "href": href(iri),
        }

    def add_edge_row(self, row: Row, known_only: bool = False) -> None:
        """One row of neighbourhood.rq or graph-edges.rq: an edge and both its ends.

        ``known_only`` keeps the edge only if both ends are already nodes (the edges among
        the outermost ring, which make a use sit between its drug and its indication).
        """
        s, p, o = value(row["s"]) or "", value(row["p"]) or "", value(row["o"]) or ""
        if known_only and (s not in self.nodes or o not in self.nodes):
            return
        self.add_node(s, row["sLabel"], row["sTypes"], row["sCertainty"])
        self.add_node(o, row["oLabel"], row["oTypes"], row["oCertainty"])
        self._add_edge(s, p, o, row)

    def add_ring_edge(self, row: Row, shown: set[str]) -> None:
        """One row of neighbourhood-ring.rq: an edge between two nodes already drawn, kept
        when at least one end is shown by default (two claims are not worth an edge)."""
        s, p, o = value(row["s"]) or "", value(row["p"]) or "", value(row["o"]) or ""
        if s in self.nodes and o in self.nodes and (s in shown or o in shown):
            self._add_edge(s, p, o, row)

    def _add_edge(self, s: str, p: str, o: str, row: Row) -> None:
        key = f"{s} {p} {o}"
        if key not in self.edges:
            self.edges[key] = {  # a short id that stays the same across requests
                "id": "e" + hashlib.sha1(key.encode()).hexdigest()[:16],  # noqa: S324
                "source": s, "target": o, "predicate": p,
                "label": value(row["pLabel"]) or local_name(p),
                # "1": engines that keep booleans as integers (Virtuoso) answer MAX() so
                "asserted": (value(row["asserted"]) or "true") in ("true", "1"),
            }

    def attach_evidence(self) -> None:
        """Give every edge its claims, certainty (best non-negated claim) and negation.

        An edge lists claim IRIs; each claim's evidence is sent once, in ``claims``.
        """
        by_triple, by_pair, by_use, by_claim = _evidence_tables()
        for edge in self.edges.values():
            s, p, o = edge["source"], edge["predicate"], edge["target"]
            found = (by_triple.get((s, p, o)) or by_pair.get((s, o))
                     or by_claim.get(s) or by_use.get(s) or [])
            edge["evidence"] = [claim["claim"] for claim in found]
            edge["certainty"], edge["negated"] = _edge_certainty(found, self.nodes[s])
            for claim in found:
                self.claims[claim["claim"]] = claim

    def as_json(self, focus: str | None) -> dict[str, Any]:
        """The document /graph/data returns."""
        present = {n["category"] for n in self.nodes.values()}
        return {
            "focus": focus,
            "nodes": sorted(self.nodes.values(), key=lambda n: n["id"]),
            "edges": sorted(self.edges.values(), key=lambda e: e["id"]),
            "claims": self.claims,
            "categories": [
                {"key": c.key, "label": c.label, "color": c.color, "shape": c.shape,
                 "hidden": c.hidden, "count": sum(1 for n in self.nodes.values()
                                                  if n["category"] == c.key)}
                for c in categories() if c.key in present
            ],
            "certainty": list(CERTAINTY_ORDER),
        }


def _edge_certainty(found: list[dict[str, Any]], source: dict[str, Any]) -> tuple[str | None, bool]:
    positive = [e for e in found if not e["negated"] and e["certainty"]]
    if positive:
        return max(positive, key=lambda e: RANK[e["certainty"]])["certainty"], False
    negative = [e for e in found if e["certainty"]]
    if negative:
        return max(negative, key=lambda e: RANK[e["certainty"]])["certainty"], True
    return source.get("certainty"), False


def _evidence_tables() -> tuple[dict, dict, dict, dict]:
    """Every claim's evidence, indexed by (s, p, o), by (s, o), by supported use and by claim."""
    claims: dict[str, dict[str, Any]] = {}
    uses: dict[str, set[str]] = defaultdict(set)
    for row in run_view("graph-evidence"):
        iri = value(row["claim"]) or ""
        claim = claims.get(iri)
        if claim is None:
            claim = claims[iri] = _claim_json(row)
        cue = value(row["cue"])
        if cue and cue not in claim["cues"]:
            claim["cues"].append(cue)
        if row["use"] is not None:
            uses[value(row["use"]) or ""].add(iri)
    by_triple: dict = defaultdict(list)
    by_pair: dict = defaultdict(list)
    for claim in claims.values():
        claim["segments"] = hedge_segments(claim.pop("text"), claim["cues"])
        by_triple[(claim["subject"], claim["predicate"], claim["object"])].append(claim)
        by_pair[(claim["subject"], claim["object"])].append(claim)
    by_use = {use: [claims[c] for c in sorted(ids)] for use, ids in uses.items()}
    by_claim = {iri: [claim] for iri, claim in claims.items()}
    return by_triple, by_pair, by_use, by_claim


def _claim_json(row: Row) -> dict[str, Any]:
    claim, document = value(row["claim"]) or "", value(row["document"])
    return {
        "claim": claim, "claimHref": href(claim), "label": value(row["claimLabel"]) or "",
        "subject": value(row["subject"]), "predicate": value(row["predicate"]),
        "object": value(row["object"]),
        "certainty": certainty_key(value(row["certainty"])),
        "certaintyLabel": value(row["certaintyLabel"]) or "unrated",
        "negated": (value(row["negated"]) or "").lower() in ("true", "1"),
        "cues": [], "text": value(row["sentenceText"]) or "",
        "section": value(row["section"]), "document": document,
        "documentLabel": display_label(value(row["documentLabel"]), document),
        "documentHref": href(document), "start": value(row["start"]), "end": value(row["end"]),
    }


def neighbourhood(focus: str, depth: int = 1) -> dict[str, Any] | None:
    """The nodes within ``depth`` edges of ``focus``; None if the graph does not know it.

    Expansion goes through shown-by-default nodes only: walking through claims would pull in
    every claim of every document within two steps. At depth 1 (the view's usual start) the
    whole ring costs two queries, the edges of the focus and the edges among its neighbours,
    whatever the number of neighbours; deeper rings are expanded node by node.
    """
    builder = GraphBuilder()
    info = run_view("node-info", node=focus)
    if not info:
        return None
    builder.add_node(focus, info[0]["label"], info[0]["types"], info[0]["certainty"])
    hidden = {c.key for c in categories() if c.hidden}
    if depth == 1:
        _first_ring(builder, focus, hidden)
    else:
        _rings(builder, focus, depth, hidden)
    builder.attach_evidence()
    return builder.as_json(focus)


def _first_ring(builder: GraphBuilder, focus: str, hidden: set[str]) -> None:
    """The focus's edges, then the edges among its neighbours: two queries in all."""
    for row in run_view("neighbourhood", focus=focus):
        builder.add_edge_row(row)
    shown = {iri for iri, node in builder.nodes.items() if node["category"] not in hidden}
    for row in run_view("neighbourhood-ring", focus=focus):
        builder.add_ring_edge(row, shown)


def _rings(builder: GraphBuilder, focus: str, depth: int, hidden: set[str]) -> None:
    """Deeper views: each ring expanded node by node, then the outermost ring's own edges."""
    frontier, seen = [focus], {focus}
    for _ in range(depth):
        next_frontier: list[str] = []
        for iri in frontier:
            for row in run_view("neighbourhood", focus=iri):
                builder.add_edge_row(row)
        for iri, node in builder.nodes.items():
            if iri not in seen and node["category"] not in hidden:
                seen.add(iri)
                next_frontier.append(iri)
        frontier = next_frontier
        if not frontier or len(builder.nodes) > MAX_NODES:
            break
    for iri in frontier:  # the edges among the outermost ring, without new nodes
        for row in run_view("neighbourhood", focus=iri):
            builder.add_edge_row(row, known_only=True)


def whole_graph() -> dict[str, Any]:
    """Every node and edge the graph view draws (schema terms and sentences left out)."""
    builder = GraphBuilder()
    for row in run_view("graph-edges"):
        builder.add_edge_row(row)
    builder.attach_evidence()
    return builder.as_json(None)
