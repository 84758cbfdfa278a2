"""Stage 6: how firmly a sentence states what it states (certainty level + negation).

Why cue phrases: the article's hedges are lexical ("has shown remarkable success",
"preliminary research", "is believed to"), and a curator wants to see *which words* set the
level (``kkg:hedgeCue``). The cues, levels, ranks and precedence are data
(``graph/extraction/rules/certainty.tsv``); this module only applies them.

Where the certainty comes from, in order:

1. the claim's own sentence: the cue with the highest precedence, then the lowest rank (a
   hedge weakens: "demonstrated promising results" is *promising*), then the longest;
2. when the sentence has no cue and the claim is about a drug, the section's opening cue: the
   heading, else the section's first sentence. A section that opens "Research into …" frames
   everything under it as preliminary, and a sentence such as "Ketamine infusions are repeated
   weekly" in that section inherits that framing;
3. otherwise the default level of a plain author statement (*supported*).

Negation is separate (``kkg:negated``): "no evidence", "failed to", "not effective".
Negation words that do not deny the claim ("have not responded well", "not yet fully
understood") are deliberately not negation cues. A *limitation* ("not a standalone cure",
"not a first-line treatment") limits a use without denying it: it is kept on the claim as its
own words (``kkg:limitation``) and the claim stays positive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.namespaces import KKG

RULES_FILE = Path(__file__).resolve().parent / "rules" / "certainty.tsv"


@dataclass(frozen=True)
class Cue:
    """One cue row: a regex that sets a level (or negation) with a precedence."""

    level: str
    precedence: int
    regex: re.Pattern[str]


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text."""

    level: str
    text: str
    start: int


@dataclass(frozen=True)
class CertaintyRules:
    """The parsed certainty.tsv."""

    ranks: dict[str, int]
    default: str
    cues: tuple[Cue, ...]
    negations: tuple[Cue, ...]
    limitations: tuple[Cue, ...] = ()

    def iri(self, level: str) -> URIRef:
        """The certainty level individual (``kkg:supported`` …)."""
        return KKG[level]

    def rank(self, level: str) -> int:
        return self.ranks[level]


@dataclass(frozen=True)
class Assessment:
    """The certainty of the claims of one sentence, and why."""

    level: str
    cue: str | None
    source: str  # "sentence", "section" or "default"
    negation_cue: str | None
    limitation: str | None = None

    @property
    def negated(self) -> bool:
        return self.negation_cue is not None


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> CertaintyRules:
    """Parse certainty.tsv (levels, default, cues, negation cues)."""
    ranks: dict[str, int] = {}
    default = ""
    cues: list[Cue] = []
    negations: list[Cue] = []
    limitations: list[Cue] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated fields")
        kind, name, value, pattern = fields
        if kind == "level":
            ranks[name] = int(value)
        elif kind == "default":
            default = name
        elif kind in ("cue", "negation", "limitation"):
            cue = Cue(name, int(value), re.compile(pattern, re.IGNORECASE))
            {"cue": cues, "negation": negations, "limitation": limitations}[kind].append(cue)
        else:
            raise ValueError(f"{path}:{number}: unknown kind {kind!r}")
    unknown = {cue.level for cue in cues} - set(ranks)
    if unknown or default not in ranks:
        raise ValueError(f"{path}: cues name unknown levels {sorted(unknown | {default})}")
    return CertaintyRules(ranks, default, tuple(cues), tuple(negations), tuple(limitations))


def find_cue(text: str, rules: CertaintyRules | None = None) -> CueMatch | None:
    """The deciding certainty cue of ``text`` (None when it has none)."""
    rules = rules or load_rules()
    found = []
    for cue in rules.cues:
        for match in cue.regex.finditer(text):
            key = (-cue.precedence, rules.rank(cue.level), -len(match.group()), match.start())
            found.append((key, CueMatch(cue.level, match.group(), match.start())))
    return min(found, key=lambda item: item[0])[1] if found else None


def find_limitation(text: str, rules: CertaintyRules | None = None) -> str | None:
    """The words that limit a use without denying it ("not a standalone cure"), if any."""
    rules = rules or load_rules()
    found = [(match.start(), match.group())
             for cue in rules.limitations for match in cue.regex.finditer(text)]
    return min(found)[1] if found else None


def find_negation(text: str, rules: CertaintyRules | None = None) -> str | None:
    """The negation cue of ``text``, if it denies what it says."""
    rules = rules or load_rules()
    found = [(-cue.precedence, match.start(), match.group())
             for cue in rules.negations for match in cue.regex.finditer(text)]
    return min(found)[2] if found else None


def section_cue(heading: str | None, first_sentence: str | None,
                rules: CertaintyRules | None = None) -> CueMatch | None:
    """The cue a section opens with: in its heading, else in its first sentence."""
    for text in (heading, first_sentence):
        if text:
            cue = find_cue(text, rules)
            if cue:
                return cue
    return None


def assess(text: str, opening: CueMatch | None = None, inherit: bool = True,
           rules: CertaintyRules | None = None) -> Assessment:
    """Certainty and negation of a sentence (``opening``: its section's opening cue)."""
    rules = rules or load_rules()
    limitation = find_limitation(text, rules)
    negation = find_negation(text, rules)
    cue = find_cue(text, rules)
    if cue:
        return Assessment(cue.level, cue.text, "sentence", negation, limitation)
    if inherit and opening:
        return Assessment(opening.level, opening.text, "section", negation, limitation)
    return Assessment(rules.default, None, "default", negation, limitation)
