"""Stage 7: linked sentences → Claims, by the data-driven rules of relations.tsv.

Why rules and not a model: every claim must say which rule made it (``kkg:rule``) so a
curator can see why it exists, and fixing a wrong claim must be a reviewable edit of a data
file. The engine, per sentence and in text order:

1. adds mentions for pronouns (the focus drug) and for "these conditions" (anaphora.py);
2. fills the sentence's qualifiers (route, setting, adjunct, mechanism, onset) from the
   qualifier rows; they do not use mentions up;
3. runs the edge rows in file order: for each object (and subject) mention of the rule's
   classes whose cue holds, a claim from the nearest drug (or the focus drug when the
   sentence names none) to the object, and to the names coordinated with it; a mention that
   took part in an edge is used up for later rows;
4. runs the section rows: a *use sentence* (a use cue or a qualifier) that names nothing of
   a section row's object class takes the object from its section heading
   ("3. Treatment-Resistant Depression": "Ketamine infusion therapy has shown remarkable
   success …" is about TRD);
5. gives every claim the sentence's certainty (certainty.py) and every use claim the
   sentence's qualifiers plus the settings its section heading names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rdflib import URIRef

from graph.extraction import anaphora, certainty
from graph.extraction.lists import bullets_with_leads
from graph.extraction.model import Claim, Mention, Qualifiers, Sentence
from graph.extraction.relation_rules import RelationRule, load_rules
from graph.extraction.sentences import LIST_MARK
from graph.namespaces import KKG

DRUG = KKG.Drug  # the subject class whose claims inherit a section's opening certainty
_COORDINATION = re.compile(
    r"\s*(?:\)\s*)?(?:,\s*(?:and\s+|or\s+)?|(?:and|or|&)\s+|\(\s*|,?\s*as\s+well\s+as\s+)"
    r"(?:(?:other|severe|mild|acute|chronic|related)\s+)?"
)


@dataclass
class SectionContext:
    """What a section contributes to its sentences: heading mentions and opening cue."""

    heading: list[Mention] = field(default_factory=list)
    opening: certainty.CueMatch | None = None
    recent: list[Mention] = field(default_factory=list)  # objects of the latest use claims


@dataclass
class Context:
    """Document-level inputs of the engine."""

    text: str
    focus: Mention | None
    sections: dict[int, SectionContext]
    rules: tuple[RelationRule, ...] = field(default_factory=load_rules)
    certainty_rules: certainty.CertaintyRules = field(default_factory=certainty.load_rules)
    anaphora_rules: anaphora.AnaphoraRules = field(default_factory=anaphora.load_rules)


def _fits(mention: Mention, classes: frozenset[URIRef]) -> URIRef | None:
    sense = mention.sense_of(classes)
    return sense.entity if sense else None


_LIST_BREAK = re.compile(r"[;:.!?]|\b(?:but|although|though|while|whereas|however|not|no|"
                         r"unlike|except|rather|instead|from|like|such|via|due|because|"
                         r"which|that|who|whom|resulting|caused|leading)\b", re.IGNORECASE)
_LIST_ITEM_WORDS = 5


def _is_list_gap(gap: str) -> bool:
    """Whether the text between two names keeps them in one list.

    Plain separators ("A, B and C") always do. A gap that also holds a few unlinked items
    ("hypertension, thyrotoxicosis, capillary hemangiomas, and essential tremors") does when
    it is made of commas and short chunks with no clause break ("but", "not", ";").
    """
    if _COORDINATION.fullmatch(gap):
        return True
    if "," not in gap or _LIST_BREAK.search(gap):
        return False
    chunks = re.split(r",|\b(?:and|or)\b", gap)
    return all(len(chunk.split()) <= _LIST_ITEM_WORDS for chunk in chunks)


def coordinated(mention: Mention, mentions: list[Mention], classes: frozenset[URIRef],
                text: str, keep_to_brackets: bool = False) -> list[Mention]:
    """``mention`` and the mentions of ``classes`` listed with it ("A, B (C), and D").

    ``keep_to_brackets``: the list ends where a parenthesis opens or closes ("epilepsy
    (including A, B and C), trigeminal neuralgia": A, B and C are kinds of epilepsy, not of
    everything listed after them); otherwise brackets are part of the list.
    """
    ordered = sorted(mentions, key=lambda m: m.start)
    group = [mention]
    for step in (1, -1):
        current = mention
        while True:
            if step == 1:
                after = [m for m in ordered if m.start >= current.end]
                nxt = after[0] if after else None
                gap = text[current.end:nxt.start] if nxt else ""
            else:
                before = [m for m in ordered if m.end <= current.start]
                nxt = before[-1] if before else None
                gap = text[nxt.end:current.start] if nxt else ""
            if nxt is None or not _fits(nxt, classes) or not _is_list_gap(gap):
                break
            if keep_to_brackets and _crosses_bracket(gap, step) and \
                    nxt.entity != current.entity:
                # "epilepsy (including A, B and C), trigeminal neuralgia": the kinds listed
                # in the brackets and the names listed around them are two lists
                break
            group.append(nxt)
            current = nxt
    return sorted(group, key=lambda m: m.start)


def _crosses_bracket(gap: str, step: int) -> bool:
    """Whether a gap leaves or enters a parenthesis (``")"`` forward, ``"("`` backward)."""
    return (")" in gap) if step == 1 else ("(" in gap)


_LEADING_WORDS = 4  # a name this close to the sentence's start is its grammatical subject
_NOT_SUBJECT_LEAD = re.compile(
    r"\b(?:unlike|like|with|without|after|before|compared|than|as|besides|including|such|"
    r"from|to|in|into|of|for|by|versus|vs|alongside|plus|and|or|whereas|while|if|when)\b",
    re.IGNORECASE)


# What follows a sentence's subject: punctuation, a bracket, or a verb (a finite form, or a
# word in -s/-ed: "Metformin reduces", "Esketamine was developed", "Ketamine, first …").
_SUBJECT_FOLLOWER = re.compile(
    r"\s*(?:[,;:(\u2013\u2014-]|\s(?:is|are|was|were|has|have|had|can|could|may|might|must|"
    r"should|will|would|does|did|do|also|often|usually|typically|remains?|acts?|works?|"
    r"appears?|seems?|became|becomes?|belongs?)\b|\s[a-z]+(?:s|ed)\b)", re.IGNORECASE)


def clause_subject(subjects: list[Mention], text: str, sentence_start: int) -> Mention | None:
    """The subject mention that opens the sentence ("Esketamine was developed for …").

    Why: a sentence that names the document's drug in passing ("Esketamine, the
    S-enantiomer of ketamine, was developed for treatment-resistant depression") is about the
    drug it opens with. A name after a preposition ("Unlike ketamine, …") is not the subject.
    """
    ordered = sorted(subjects, key=lambda m: m.start)
    if not ordered or ordered[0].source in ("pronoun", "anaphora"):
        return None
    first = ordered[0]
    lead = text[sentence_start:first.start]
    if len(lead.split()) > _LEADING_WORDS or _NOT_SUBJECT_LEAD.search(lead):
        return None
    if not _SUBJECT_FOLLOWER.match(text, first.end):
        return None  # a name used as a modifier ("the amphetamine quality of MDMA")
    return first


def _subject_for(obj: Mention, subjects: list[Mention], focus: Mention | None,
                 classes: frozenset[URIRef], opener: Mention | None = None) -> URIRef | None:
    if opener is not None and (entity := _fits(opener, classes)):
        return entity
    if focus is not None and any(m.entity == focus.entity for m in subjects):
        # "Metformin is an alternative to insulin for gestational diabetes": the document's
        # drug, when the sentence names it, is the one the statement is about.
        entity = _fits(focus, classes)
        if entity:
            return entity
    before = [m for m in subjects if m.end <= obj.start]
    after = [m for m in subjects if m.start >= obj.end]
    for mention in ([before[-1]] if before else []) + after[:1]:
        entity = _fits(mention, classes)
        if entity:
            return entity
    return _fits(focus, classes) if focus is not None else None


def _qualifiers(sentence: Sentence, mentions: list[Mention], ctx: Context) -> Qualifiers:
    values: dict[str, list] = {slot: [] for slot in ("route", "setting", "adjunct",
                                                      "mechanism", "onset")}
    for rule in ctx.rules:
        if not rule.is_qualifier or rule.scope != "sentence":
            continue
        if not rule.object_classes:
            match = rule.holds(sentence.text, sentence.start)
            if match and "onset" in match.re.groupindex and match.group("onset"):
                values[rule.slot].append(match.group("onset"))
            continue
        for mention in mentions:
            entity = _fits(mention, rule.object_classes)
            if entity and rule.holds(sentence.text, sentence.start, obj=mention):
                values[rule.slot].append(entity)
    return Qualifiers(**{k: tuple(dict.fromkeys(v)) for k, v in values.items()})


def _edge_group(rule: RelationRule, subj: Mention | None, obj: Mention, free: list[Mention],
                subjects: list[Mention], ctx: Context, sentence_start: int
                ) -> tuple[list[tuple[URIRef, URIRef]], list[Mention]]:
    """The (subject, object) pairs one cue match yields, with the mentions it uses up.

    Names coordinated with the matched subject or object take part too; without a
    ``{subject}`` in the cue each object gets the drug nearest to it (or the focus drug).
    """
    # a shared edge (a subtype named in passing) keeps to the bracketed list it is read from
    objects = coordinated(obj, free, rule.object_classes, ctx.text, rule.shares_mentions)
    if subj is not None:
        subject_mentions = coordinated(subj, free, rule.subject_classes, ctx.text,
                                       rule.shares_mentions)
        subject_sets = [[_fits(m, rule.subject_classes) for m in subject_mentions]] * len(objects)
    else:
        subject_mentions = []
        opener = clause_subject(subjects, ctx.text, sentence_start)
        subject_sets = [[_subject_for(o, subjects, ctx.focus, rule.subject_classes, opener)]
                        for o in objects]
    pairs = [(s_iri, o_iri)
             for object_mention, subject_iris in zip(objects, subject_sets, strict=True)
             if (o_iri := _fits(object_mention, rule.object_classes))
             for s_iri in subject_iris if s_iri and s_iri != o_iri]
    spent = objects + [m for m in subject_mentions
                       if m.source != "pronoun" and DRUG not in m.types]
    return pairs, spent


def _edges(sentence: Sentence, mentions: list[Mention], ctx: Context
           ) -> list[tuple[RelationRule, URIRef, URIRef]]:
    """(rule, subject, object) for every edge row whose cue holds in the sentence."""
    found: list[tuple[RelationRule, URIRef, URIRef]] = []
    used: set[Mention] = set()
    found += _heading_edges(sentence, mentions, used, ctx)
    for rule in ctx.rules:
        if rule.is_qualifier or rule.scope != "sentence":
            continue
        subjects = [m for m in mentions if _fits(m, rule.subject_classes)]
        for obj in [m for m in mentions if m not in used and _fits(m, rule.object_classes)]:
            candidates = [s for s in subjects if s not in used and s is not obj] \
                if rule.needs_subject else [None]
            for subj in candidates:
                if obj in used or not rule.holds(sentence.text, sentence.start, subj, obj):
                    continue
                free = [m for m in mentions if m not in used]
                pairs, spent = _edge_group(rule, subj, obj, free, subjects, ctx,
                                           sentence.start)
                found += [(rule, s_iri, o_iri) for s_iri, o_iri in pairs]
                if not rule.shares_mentions:
                    used.update(spent)
    return found


def _heading_edges(sentence: Sentence, mentions: list[Mention], used: set[Mention],
                   ctx: Context) -> list[tuple[RelationRule, URIRef, URIRef]]:
    """Edges a section's heading decides: under "Adverse effects" a condition is one.

    A heading-scope rule's cue is matched against the heading; when it holds, every mention
    of its object classes in the section's sentences becomes its object (the drug of the
    sentence, or the document's focus, its subject), before any sentence rule can read
    "nausea is common" as a use. The mentions are used up.
    """
    if not sentence.section:
        return []
    found = []
    for rule in ctx.rules:
        if rule.scope != "heading" or rule.is_qualifier or not rule.holds(sentence.section, 0):
            continue
        subjects = [m for m in mentions if _fits(m, rule.subject_classes)]
        for obj in [m for m in mentions if m not in used and _fits(m, rule.object_classes)]:
            subject = _subject_for(obj, subjects, ctx.focus, rule.subject_classes)
            entity = _fits(obj, rule.object_classes)
            if subject and entity and subject != entity:
                found.append((rule, subject, entity))
                used.add(obj)
    return found


def _section_edges(sentence: Sentence, mentions: list[Mention], has_qualifiers: bool,
                   ctx: Context) -> list[tuple[RelationRule, URIRef, URIRef]]:
    """Edges whose object is named by the section heading (see the module docstring)."""
    section = ctx.sections.get(sentence.section_index)
    if section is None:
        return []
    found = []
    for rule in ctx.rules:
        if rule.scope != "section" or rule.is_qualifier:
            continue
        if any(_fits(m, rule.object_classes) for m in mentions):
            continue
        if not (has_qualifiers or rule.holds(sentence.text, sentence.start)):
            continue
        subjects = [m for m in mentions if _fits(m, rule.subject_classes)]
        subject = _fits(subjects[0], rule.subject_classes) if subjects else (
            _fits(ctx.focus, rule.subject_classes) if ctx.focus else None)
        for heading_mention in section.heading:
            entity = _fits(heading_mention, rule.object_classes)
            if subject and entity and all(f[2] != entity for f in found):
                found.append((rule, subject, entity))
    return found


def _heading_qualifiers(sentence: Sentence, ctx: Context) -> Qualifiers:
    """Qualifiers the section heading names ("6. Palliative Care": a setting)."""
    section = ctx.sections.get(sentence.section_index)
    values: dict[str, list[URIRef]] = {"route": [], "setting": [], "adjunct": [],
                                       "mechanism": []}
    for rule in ctx.rules:
        if rule.scope == "section" and rule.slot in values and section:
            values[rule.slot] += [e for m in section.heading
                                  if (e := _fits(m, rule.object_classes))]
    return Qualifiers(**{k: tuple(dict.fromkeys(v)) for k, v in values.items()})


def _with_anaphora(sentence: Sentence, mentions: list[Mention], ctx: Context) -> list[Mention]:
    section = ctx.sections.get(sentence.section_index, SectionContext())
    extra = anaphora.pronoun_mentions(sentence, ctx.focus, ctx.anaphora_rules)
    extra += anaphora.antecedent_mentions(sentence, section.recent, section.heading,
                                          ctx.anaphora_rules)
    kept = [m for m in mentions if m.types and
            all(m.end <= e.start or e.end <= m.start for e in extra)]
    return sorted(kept + extra, key=lambda m: (m.start, m.end, str(m.entity)))


_CLAUSE_BREAK = re.compile(r"\b(?:because|due to|owing to|since|whereas|while|but|although|"
                           r"though|except|unlike)\b", re.IGNORECASE)


def _negation_reaches(sentence: Sentence, cue: str | None, obj: URIRef,
                      mentions: list[Mention]) -> bool:
    """Whether the sentence's negation cue governs the claim about ``obj``.

    "Aspirin is not recommended in children because of the risk of Reye syndrome" denies a
    use, not the risk: a clause break ("because", "but", "although") between the cue and the
    object's mention keeps that claim positive. An object named only by the heading (no
    mention in the sentence) stays under the sentence's negation.
    """
    if cue is None:
        return True
    text = sentence.text
    at = text.lower().find(cue.lower())
    spots = [m.start - sentence.start for m in mentions if m.entity == obj]
    if at < 0 or not spots:
        return True
    nearest = min(spots, key=lambda spot: abs(spot - at))
    between = text[min(at, nearest):max(at, nearest)]
    if _in_leading_clause(text, at) and not _in_leading_clause(text, nearest):
        return False
    return not _CLAUSE_BREAK.search(between)


_LEADING_CLAUSE = re.compile(
    r"^\s*(?:for\s+(?:those|people|patients|anyone|individuals)\b|if|when|whenever|while|"
    r"although|though|because|since|after|before|unless|whereas|in\s+(?:those|people|"
    r"patients|cases)\b)[^,;]*,", re.IGNORECASE)


def _in_leading_clause(text: str, position: int) -> bool:
    """Whether ``position`` lies in a subordinate clause that opens the sentence.

    "For those for whom other drugs do not work, ketamine is approved for depression": the
    "not" describes the patients, and stops at the clause's comma; the main clause after it
    is positive. (medspaCy's ConText, tried with its bundled rules, negates this use too:
    its scope runs to the end of the sentence.)
    """
    match = _LEADING_CLAUSE.match(text)
    return bool(match) and position < match.end()


def sentence_claims(sentence: Sentence, mentions: list[Mention], ctx: Context) -> list[Claim]:
    """The claims of one sentence (updates the section's anaphora state)."""
    mentions = _with_anaphora(sentence, mentions, ctx)
    qualifiers = _qualifiers(sentence, mentions, ctx)
    edges = _edges(sentence, mentions, ctx)
    edges += _section_edges(sentence, mentions, bool(qualifiers), ctx)
    section = ctx.sections.get(sentence.section_index, SectionContext())
    qualifiers = qualifiers.merged(_heading_qualifiers(sentence, ctx))
    claims: dict[tuple[URIRef, URIRef, URIRef], Claim] = {}
    for rule, subject, obj in edges:
        inherit = DRUG in rule.subject_classes and rule.makes_use
        verdict = certainty.assess(sentence.text, section.opening, inherit, ctx.certainty_rules)
        claim = Claim(
            subject=subject, predicate=rule.predicate, object=obj,  # type: ignore[arg-type]
            sentence=sentence, certainty=ctx.certainty_rules.iri(verdict.level),
            hedge_cue=verdict.cue, rule_id=rule.rule_id,
            negated=verdict.negated and not rule.owns_negation
            and _negation_reaches(sentence, verdict.negation_cue, obj, mentions),
            qualifiers=qualifiers if rule.makes_use else Qualifiers(),
            negation_cue=verdict.negation_cue, certainty_source=verdict.source,
            makes_use=rule.makes_use, limitation=verdict.limitation if rule.makes_use else None,
        )
        key = (subject, claim.predicate, obj)
        if key in claims:
            merged = claims[key].qualifiers.merged(claim.qualifiers)
            claims[key] = replace(claims[key], qualifiers=merged)
        else:
            claims[key] = claim
    uses = [c for c in claims.values() if c.makes_use]
    objects = [m for m in mentions if any(c.object == m.entity for c in uses)]
    objects += [m for m in section.heading if any(c.object == m.entity for c in uses)
                and all(o.entity != m.entity for o in objects)]
    if objects:
        section.recent = objects
    return list(claims.values())


def extract_claims(sentences: list[Sentence], mentions: dict[int, list[Mention]],
                   ctx: Context) -> list[Claim]:
    """Claims of a document's sentences, in text order.

    A bullet that says nothing by itself ("- Hypertension") completes the sentence that
    introduced the list ("Propranolol is used for treating various conditions, including:").
    """
    leads = {item.index: lead for lead, item in bullets_with_leads(sentences)}
    claims: list[Claim] = []
    for sentence in sentences:
        own = sentence_claims(sentence, mentions.get(sentence.index, []), ctx)
        if not own and sentence.index in leads:
            own = _list_item_claims(sentence, leads[sentence.index], mentions, ctx)
        claims += own
    return claims


def _list_item_claims(item: Sentence, lead: Sentence, mentions: dict[int, list[Mention]],
                      ctx: Context) -> list[Claim]:
    """Claims of a list item read as the end of its lead sentence.

    The rules run on "lead item" as one virtual sentence whose offsets line up with the
    item's own mentions (the lead's mentions are shifted in front of it); the claims then
    cite the real span from the lead to the item, so the evidence is the document's text.
    """
    marker = LIST_MARK.match(item.text)
    item_text = item.text[marker.end():] if marker else item.text
    lead_text = lead.text.rstrip().rstrip(":")
    virtual_start = item.start + (marker.end() if marker else 0) - len(lead_text) - 1
    shift = virtual_start - lead.start
    virtual = replace(item, start=virtual_start, text=f"{lead_text} {item_text}")
    shifted = [replace(m, start=m.start + shift, end=m.end + shift)
               for m in mentions.get(lead.index, []) if m.end <= lead.start + len(lead_text)]
    section = ctx.sections.get(item.section_index, SectionContext())
    recent = section.recent
    found = sentence_claims(virtual, shifted + mentions.get(item.index, []), ctx)
    section.recent = recent  # a list item does not change what "it" refers to
    evidence = replace(item, start=lead.start, text=ctx.text[lead.start:item.end])
    return [replace(claim, sentence=evidence) for claim in found
            if any(m.entity == claim.object for m in mentions.get(item.index, []))]
