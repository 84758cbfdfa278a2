"""Stage 4: text spans → Mentions of lexicon entities (dictionary linking, no model).

Why longest match over tokens: the ontology's names are multi-word ("treatment-resistant
depression", "complex regional pain syndrome") and often contain shorter names ("pain",
"depression"); the longest name that fits is the one the author meant. Variants the
article writes but the ontology need not list are handled here, once, for every name:

* case: lower case everywhere, except tokens the ontology writes in capitals (``PTSD``),
  which must match exactly so that e.g. "Ocd" or the word "it" never fire;
* English plurals and possessives on the last word ("infusions", "ketamine's",
  "ketamine’s"; the possessive is left out of the mention's span);
* hyphen or space between words ("post-traumatic" = "post traumatic");
* abbreviations defined in brackets after a linked name ("… disorder (OCD)"): later uses
  of the abbreviation in the same document link to the same entity.

Overlapping matches are resolved by length (longest wins, then the earlier one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.extraction.lexicon import (
    KIND_ORDER,
    TERMINAL,
    TOKEN,
    Lexicon,
    is_capitals,
    strip_possessive,
)
from graph.extraction.model import Mention, Sense

GAP = re.compile(r"[ \t\u00a0\-‐‑]+|\r?\n")
_DEFINITION = re.compile(r"\s*\(\s*([^\W_][\w\-]{0,11})\s*\)")


def plural_variants(token: str) -> set[str]:
    """Singular forms an English plural token may come from (caller checks the lexicon)."""
    variants: set[str] = set()
    lower = token.lower()
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) > 3:
        variants.add(token[:-1])
        if lower.endswith("es"):
            variants.add(token[:-2])
            variants.add(token[:-2] + "is")
        if lower.endswith("ies"):
            variants.add(token[:-3] + "y")
    return variants


def token_keys(token: str, terminal: bool) -> set[str]:
    """The lexicon keys a token of the text may match (plurals only for a name's last word).

    The ontology's trie and the vocabularies' index are keyed alike, so both use these.
    """
    bare = strip_possessive(token)
    forms = {bare} | (plural_variants(bare) if terminal else set())
    keys = {form.lower() for form in forms}
    return keys | {"=" + form for form in forms if is_capitals(form)}


def _matches(text: str, offset: int, lexicon: Lexicon) -> list[Mention]:
    """Every lexicon name found in ``text`` (overlaps included)."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    found: list[Mention] = []
    for i in range(len(tokens)):
        nodes = [lexicon.trie]
        for j in range(i, len(tokens)):
            start, end, token = tokens[j]
            if j > i and not GAP.fullmatch(text[tokens[j - 1][1]:start]):
                break
            for node in nodes:
                for key in token_keys(token, terminal=True):
                    senses = node.get(key, {}).get(TERMINAL)
                    if senses:
                        stop = end - (len(token) - len(strip_possessive(token)))
                        found.append(_mention(text, offset, tokens[i][0], stop, senses))
            nodes = [node[key] for node in nodes for key in token_keys(token, False) if key in node]
            if not nodes:
                break
    return found


def _mention(text: str, offset: int, start: int, end: int, senses: Iterable[Sense],
             source: str = "lexicon") -> Mention:
    senses = tuple(senses)
    best = senses[0]
    return Mention(offset + start, offset + end, text[start:end], best.entity, best.types,
                   candidate=best.kind == "candidate", source=source, senses=senses)


def _length(mention: Mention) -> int:
    return len(TOKEN.findall(mention.text))


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions, in words (then the earliest, then the longest
    in characters); return them in text order.

    Counting words, not characters, makes "chronic pain management" the condition "chronic
    pain" (first of two two-word names) rather than "pain management".
    """
    kept: list[Mention] = []
    ranked = sorted(mentions, key=lambda m: (-_length(m), m.start, -(m.end - m.start),
                                             m.candidate, str(m.entity)))
    for mention in ranked:
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: (m.start, m.end))


def link_text(text: str, offset: int, lexicon: Lexicon) -> list[Mention]:
    """Mentions in ``text``, whose first character is at ``offset`` in the document.

    The ontology's names and, when the lexicon carries one, the public vocabularies' names
    are matched alike; where both name the same span their senses are pooled, best first
    (lexicon.KIND_ORDER: an ontology label or exact synonym, a vocabulary's label, an
    ontology related synonym, a vocabulary synonym);
    where the ontology has the span as a label or exact synonym, only its senses are kept.
    """
    found = _matches(text, offset, lexicon)
    if lexicon.vocabulary is not None:
        from graph.extraction.vocab.match import vocabulary_mentions

        found += vocabulary_mentions(text, offset, lexicon, lexicon.vocabulary)
    return resolve_overlaps(pool_senses(found))


def pool_senses(mentions: list[Mention]) -> list[Mention]:
    """One mention per span, holding every sense any matcher found for it, best first."""
    by_span: dict[tuple[int, int], list[Mention]] = {}
    for mention in mentions:
        by_span.setdefault((mention.start, mention.end), []).append(mention)
    pooled = []
    for group in by_span.values():
        if len(group) == 1:
            pooled.append(group[0])
            continue
        senses: list[Sense] = []
        for mention in group:
            for sense in mention.senses or (Sense(mention.entity, mention.types, "label"),):
                if all(s.entity != sense.entity for s in senses):
                    senses.append(sense)
        senses.sort(key=lambda s: KIND_ORDER.get(s.kind, 9))
        if any(s.kind in ("label", "exact") for s in senses):
            # The ontology names the span itself: its curated senses decide, and no rule
            # may pick a vocabulary sense of the same words instead.
            senses = [s for s in senses if not s.kind.startswith("vocabulary")]
        best = senses[0]
        chosen = next(m for m in group if m.entity == best.entity)
        pooled.append(Mention(chosen.start, chosen.end, chosen.text, best.entity, best.types,
                              candidate=best.kind == "candidate", source=chosen.source,
                              senses=tuple(senses)))
    return pooled


def learn_abbreviations(doc_text: str, mentions: Iterable[Mention]) -> dict[str, tuple[Sense, ...]]:
    """``<linked name> (ABBR)`` → ``{"ABBR": senses of the name}`` for one document."""
    learned: dict[str, tuple[Sense, ...]] = {}
    for mention in mentions:
        match = _DEFINITION.match(doc_text, mention.end)
        if not match or mention.source in ("pronoun", "anaphora"):
            continue
        abbreviation = match.group(1)
        uppers = sum(1 for char in abbreviation if char.isupper())
        if uppers < 2 or abbreviation[0].upper() != mention.text[:1].upper():
            continue
        senses = mention.senses or (Sense(mention.entity, mention.types, "label"),)
        learned.setdefault(abbreviation, tuple(
            Sense(s.entity, s.types, "candidate" if s.kind == "candidate" else "abbreviation")
            for s in senses))
    return learned


def _replaceable(mention: Mention, start: int, end: int) -> bool:
    """A candidate mention of exactly this span: an abbreviation's link beats it."""
    return mention.candidate and mention.start == start and mention.end == end


def link_abbreviations(text: str, offset: int, mentions: list[Mention],
                       abbreviations: dict[str, tuple[Sense, ...]]) -> list[Mention]:
    """``mentions`` plus every use of a learned abbreviation not already covered."""
    if not abbreviations:
        return mentions
    added = []
    for match in TOKEN.finditer(text):
        token = strip_possessive(match.group())
        word = token if token in abbreviations else token[:-1] if token.endswith("s") else ""
        if word not in abbreviations:
            continue
        start = offset + match.start()
        end = start + len(token)
        if any(m.start < end and start < m.end and not _replaceable(m, start, end)
               for m in mentions):
            continue
        # a candidate read from the same letters (a list item "SJS") is the abbreviation
        mentions = [m for m in mentions if not _replaceable(m, start, end)]
        added.append(_mention(text, offset, match.start(), match.start() + len(token),
                              abbreviations[word], source="abbreviation"))
    return sorted(mentions + added, key=lambda m: (m.start, m.end))
