"""The top of an entity page: what a reader wants first, and the evidence folded by sentence.

Why: a drug's page used to list every claim flat (44 for ketamine, one sentence repeated once
per condition it names), so the answer to "what is it used for, how sure is that" was
12,000 pixels down. The summary gives each use (indication × certainty, with route, setting,
adjunct therapy and mechanism), then the targets, mechanisms, effects and adverse effects the
text states; the evidence follows, one fold per sentence listing the claims it supports.
The claims are those ``entity_data.load_evidence`` already read; only the uses cost a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.namespaces import KKG
from server.viewkit import certainty_key, hedge_segments, run_view, value

# Relations of a drug the summary lists, in reading order: predicate → heading.
RELATIONS = (
    (str(KKG.modulates), "Targets"),
    (str(KKG.affectsProcess), "Mechanisms"),
    (str(KKG.hasEffect), "Effects"),
    (str(KKG.hasAdverseEffect), "Adverse effects"),
    (str(KKG.hasRole), "Roles"),
)
SLOTS = {str(KKG.hasRoute): "route", str(KKG.inSetting): "setting",
         str(KKG.hasAdjunctTherapy): "adjunct", str(KKG.mechanismInvolves): "mechanism"}


@dataclass
class Use:
    """One use of the drug: indication and certainty, with its details by slot."""

    use: object  # entity_data.Node (not imported: entity_data imports this module)
    indication: object
    certainty: str | None
    certainty_label: str
    rank: int
    details: dict[str, list[object]] = field(default_factory=dict)


@dataclass
class Stated:
    """One thing the text says the drug does to an object, with the firmest certainty."""

    object: object
    certainty: str | None
    certainty_label: str
    rank: int
    claims: int = 1


@dataclass
class SentenceGroup:
    """One evidence sentence and the claims it supports (a fold on the page)."""

    key: str
    segments: list[tuple[str, bool]]
    cues: list[str]
    claims: list = field(default_factory=list)  # entity_data.Evidence, best first

    @property
    def first(self):  # noqa: ANN201 - entity_data.Evidence
        """The claim whose place in the document and certainty head the fold."""
        return self.claims[0]


@dataclass
class Summary:
    """The uses and the stated relations, by heading; empty for a resource that is no drug."""

    uses: list[Use] = field(default_factory=list)
    relations: list[tuple[str, list[Stated]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.uses or any(items for _, items in self.relations))


def load_summary(iri: str, evidence: list, node) -> Summary:  # noqa: ANN001
    """The summary of a resource from its uses (one query) and its claims (already read)."""
    summary = Summary(uses=_uses(iri, node))
    for predicate, heading in RELATIONS:
        summary.relations.append((heading, _stated(iri, predicate, evidence)))
    if not summary:
        return Summary()
    return summary


def _uses(iri: str, node) -> list[Use]:  # noqa: ANN001
    uses: dict[str, Use] = {}
    for row in run_view("drug-uses", resource=iri):
        key = value(row["use"]) or ""
        use = uses.get(key)
        if use is None:
            certainty = certainty_key(value(row["certainty"]))
            use = uses[key] = Use(
                use=node(row["use"]), indication=node(row["indication"], row["indicationLabel"]),
                certainty=certainty,
                certainty_label=value(row["certaintyLabel"]) or certainty or "unrated",
                rank=int(value(row["rank"]) or 0))
        slot = SLOTS.get(value(row["slot"]) or "")
        if slot and row["value"] is not None:
            found = node(row["value"], row["valueLabel"])
            if found not in use.details.setdefault(slot, []):
                use.details[slot].append(found)
    return sorted(uses.values(), key=lambda u: (-u.rank, u.indication.text.lower()))


def _stated(iri: str, predicate: str, evidence: list) -> list[Stated]:
    """The objects of the drug's non-negated claims with this predicate, firmest first."""
    found: dict[str, Stated] = {}
    for ev in evidence:
        if ev.negated or ev.subject.iri != iri or ev.predicate.iri != predicate:
            continue
        key = ev.object.iri or ev.object.text
        stated = found.get(key)
        if stated is None:
            found[key] = Stated(ev.object, ev.certainty, ev.certainty_label, ev.rank)
            continue
        stated.claims += 1
        if ev.rank > stated.rank:
            stated.certainty, stated.certainty_label, stated.rank = (
                ev.certainty, ev.certainty_label, ev.rank)
    return sorted(found.values(), key=lambda s: (-s.rank, s.object.text.lower()))


def group_by_sentence(evidence: list) -> list[SentenceGroup]:
    """The claims folded under their sentence, in the order of each sentence's best claim.

    A claim without a sentence is a fold of its own. Certainty cues of all the sentence's
    claims are marked in it.
    """
    groups: dict[str, SentenceGroup] = {}
    for ev in evidence:  # already best first
        key = (ev.sentence.iri if ev.sentence else None) or ev.claim.iri or str(id(ev))
        group = groups.get(key)
        if group is None:
            group = groups[key] = SentenceGroup(key, ev.segments, [])
        group.claims.append(ev)
        for cue in ev.cues:
            if cue not in group.cues:
                group.cues.append(cue)
    for group in groups.values():
        text = "".join(run for run, _ in group.segments)
        group.segments = hedge_segments(text, group.cues)
    return list(groups.values())
