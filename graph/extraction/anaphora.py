"""Who "it" and "these conditions" are: the focus drug and the antecedents of plural phrases.

Why: articles of this genre name their drug once per paragraph and then write "its ability
to …", "it's not a standalone cure for these conditions". Without resolving these, half the
article's claims would have no subject or object. The resolution is deliberately simple and
explainable:

* the *focus drug* is the drug the title names, else the drug mentioned most often (ties:
  by IRI, so the choice is deterministic); pronouns ("it", "its", "it's") refer to it, and so
  does a sentence that names no drug at all;
* a plural phrase such as "these conditions" refers to the objects of the latest use claims in
  the same section, else to the conditions the section heading names.

The words are data (``graph/extraction/rules/anaphora.tsv``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.extraction.model import Mention, Sense, Sentence
from graph.namespaces import expand_curie

RULES_FILE = Path(__file__).resolve().parent / "rules" / "anaphora.tsv"


@dataclass(frozen=True)
class AnaphoraRules:
    """Pronoun pattern and plural antecedent phrases (with the classes they refer to)."""

    pronoun: re.Pattern[str]
    antecedents: tuple[tuple[re.Pattern[str], frozenset[URIRef]], ...]


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> AnaphoraRules:
    """Read anaphora.tsv."""
    pronouns: list[str] = []
    antecedents = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in ("pronoun", "antecedent"):
            raise ValueError(
                f"{path}:{number}: expected 'pronoun|antecedent<TAB>regex<TAB>classes'")
        kind, pattern, classes = fields
        if kind == "pronoun":
            pronouns.append(pattern)
        else:
            iris = frozenset(URIRef(expand_curie(c.strip())) for c in classes.split("|"))
            antecedents.append((re.compile(pattern, re.IGNORECASE), iris))
    return AnaphoraRules(re.compile("|".join(pronouns) or "(?!)", re.IGNORECASE),
                         tuple(antecedents))


def focus_drug(title_mentions: Iterable[Mention], mentions: Iterable[Mention],
               drug_class: URIRef) -> Mention | None:
    """A mention of the document's focus drug: the title's drug, else the most mentioned."""
    for mention in title_mentions:
        if drug_class in mention.types:
            return mention
    drugs = [m for m in mentions if drug_class in m.types]
    if not drugs:
        return None
    counts = Counter(m.entity for m in drugs)
    best = min(counts, key=lambda iri: (-counts[iri], str(iri)))
    return next(m for m in drugs if m.entity == best)


def pronoun_mentions(sentence: Sentence, focus: Mention | None,
                     rules: AnaphoraRules) -> list[Mention]:
    """Mentions of the focus drug for each pronoun of the sentence."""
    if focus is None:
        return []
    return [
        Mention(sentence.start + m.start(), sentence.start + m.end(), m.group(), focus.entity,
                focus.types, candidate=focus.candidate, source="pronoun",
                senses=(Sense(focus.entity, focus.types, "pronoun"),))
        for m in rules.pronoun.finditer(sentence.text)
    ]


def antecedent_mentions(sentence: Sentence, recent: list[Mention], heading: list[Mention],
                        rules: AnaphoraRules) -> list[Mention]:
    """One mention per antecedent for each plural phrase ("these conditions") of the sentence."""
    found: list[Mention] = []
    for pattern, classes in rules.antecedents:
        for match in pattern.finditer(sentence.text):
            targets = [m for m in recent if m.types & classes] or \
                      [m for m in heading if m.types & classes]
            seen: set[URIRef] = set()
            for target in targets:
                if target.entity in seen:
                    continue
                seen.add(target.entity)
                found.append(Mention(
                    sentence.start + match.start(), sentence.start + match.end(), match.group(),
                    target.entity, target.types, candidate=target.candidate, source="anaphora",
                    senses=(Sense(target.entity, target.types, "anaphora"),)))
    return found
