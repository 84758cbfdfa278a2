"""Stage 5: spans the ontology does not name → candidate terms (never silently dropped).

Why: an article about another drug names conditions and receptors the ontology has never
seen ("demoralization syndrome", "5-HT2A receptor"). Dropping them would lose the claims they
take part in; inventing ontology entries would hide that nobody checked them. Instead each
becomes a *candidate term*: an IRI the contract's slug rule gives (so adding the term to the
ontology later keeps its IRI), typed by the class its pattern names, marked
``kkg:curationStatus "candidate"``, counted, and tied to the first sentence it was seen in.
Candidate mentions take part in relations exactly like known ones.

The patterns are data (``rules/candidates.tsv``): regexes with a ``term`` group, typed
by a kkg: class, with ``{MACRO}`` pieces (stop words, drug-name shapes) defined in the file.

A known name wins over a candidate when it is the same span, contains the candidate, or is a
multi-word name covering the candidate's head word ("complex regional pain syndrome" beats a
candidate "regional pain syndrome"); otherwise the candidate is the more specific name and
wins ("cancer pain" over "pain", "glutamate receptor" over "glutamate").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.extraction.lexicon import TOKEN, Lexicon, is_capitals, strip_possessive
from graph.extraction.linking import link_text, resolve_overlaps
from graph.extraction.model import CandidateTerm, Mention, Sense, Sentence, slugify
from graph.extraction.rule_files import read_typed_regexes
from graph.namespaces import KKE, KKG

RULES_FILE = Path(__file__).resolve().parent / "rules" / "candidates.tsv"
_SPACE = re.compile(r"\s+")
_QUOTES = re.compile(r"[\"“”‘]|(?<!\w)['’]|['’](?!\w)")


@dataclass(frozen=True)
class CandidatePattern:
    """One row of candidates.tsv."""

    pattern_id: str
    cls: URIRef
    regex: re.Pattern[str]


@lru_cache(maxsize=4)
def load_patterns(path: Path = RULES_FILE) -> tuple[CandidatePattern, ...]:
    """Read and compile the candidate patterns (macros expanded in file order)."""
    patterns = []
    for name, cls, regex in read_typed_regexes(path, "pattern"):
        if "term" not in regex.groupindex:
            raise ValueError(f"{path}: pattern {name} has no (?P<term>…) group")
        patterns.append(CandidatePattern(name, cls, regex))
    return tuple(patterns)


def candidate_label(text: str, at_sentence_start: bool) -> str:
    """The label of a new term: singular head, lower case except names and capitals."""
    words = [m.group() for m in TOKEN.finditer(text)]
    out = text
    for index, word in enumerate(words):
        keep = is_capitals(word) or any(c.isdigit() for c in word) or (
            word[:1].isupper() and not (index == 0 and at_sentence_start))
        if not keep:
            out = out.replace(word, word.lower(), 1)
    out = _SPACE.sub(" ", _QUOTES.sub("", out).strip())
    last = strip_possessive(words[-1]) if words else ""
    if is_capitals(last):  # an abbreviation ("SJS", "NSAIDs" aside) keeps its letters
        return out
    if last.lower().endswith("ies"):
        out = out[: len(out) - 3] + "y"
    elif last.lower().endswith("s") and not last.lower().endswith(("ss", "us", "is")):
        out = out[:-1]
    return out


_GENERIC_HEAD = re.compile(r"^(?P<modifier>.+?)\s+(?:drug|medication|medicine|agent|compound)$",
                           re.IGNORECASE)
_NOUN_CATEGORY = re.compile(r"^[\w-]+(?:ant|ist|oid)$", re.IGNORECASE)


def category_label(label: str, lexicon: Lexicon) -> str:
    """The name of a drug category without a generic head noun where it names it alone.

    "anticonvulsant medication" is the category "anticonvulsant" (known to the ontology, or a
    noun in -ant/-ist/-oid); "psychoactive drug" and "recreational drug" keep their head,
    since the adjective alone names no category.
    """
    match = _GENERIC_HEAD.match(label)
    if not match:
        return label
    modifier = match.group("modifier")
    if URIRef(f"{KKE}{slugify(modifier)}") in lexicon.entities or \
            _NOUN_CATEGORY.match(modifier):
        return modifier
    return label


def _head_start(text: str, start: int, end: int) -> int:
    tokens = list(TOKEN.finditer(text, start, end))
    return tokens[-1].start() if tokens else start


def _token_count(mention: Mention) -> int:
    return len(TOKEN.findall(mention.text))


def _beaten(candidate: Mention, head: int, known: Iterable[Mention]) -> bool:
    for other in known:
        if other.end <= candidate.start or candidate.end <= other.start:
            continue
        if other.start <= candidate.start and candidate.end <= other.end:
            return True
        covers_head = other.start <= head < other.end
        if covers_head and _token_count(other) >= 2:
            return True
        if other.end > candidate.end:
            return True
    return False


def find_candidates(sentence: Sentence, known: list[Mention], lexicon: Lexicon,
                    patterns: tuple[CandidatePattern, ...] | None = None) -> list[Mention]:
    """Candidate mentions in one sentence that no known mention beats."""
    patterns = load_patterns() if patterns is None else patterns
    text, found = sentence.text, []
    for pattern in patterns:
        for match in pattern.regex.finditer(text):
            start, end = match.span("term")
            end -= len(text[start:end]) - len(strip_possessive(text[start:end]))
            label = candidate_label(text[start:end], at_sentence_start=start == 0)
            if pattern.cls == KKG.DrugRole:
                label = category_label(label, lexicon)
            iri = URIRef(f"{KKE}{slugify(label)}")
            if not slugify(label):
                continue
            if iri in lexicon.entities:
                info = lexicon.entities[iri]
                sense = Sense(iri, info.types, "label")
            else:
                sense = Sense(iri, lexicon.closure({pattern.cls}) | {KKG.CandidateTerm},
                              "candidate")
            mention = Mention(sentence.start + start, sentence.start + end, text[start:end],
                              iri, sense.types, candidate=sense.kind == "candidate",
                              source="candidate:" + pattern.pattern_id, senses=(sense,))
            if pattern.pattern_id.startswith(PHRASE_PATTERN) and any(
                    mention.start <= k.start and k.end <= mention.end and k.types
                    for k in known):
                continue  # a phrase naming known things is read through those names
            if not _beaten(mention, sentence.start + _head_start(text, start, end), known):
                found.append(mention)
    return resolve_overlaps(found)


def merge(known: list[Mention], candidates: list[Mention]) -> list[Mention]:
    """Known mentions with the surviving candidates in place of what they overlap."""
    kept = [m for m in known
            if all(m.end <= c.start or c.end <= m.start for c in candidates)]
    return sorted(kept + candidates, key=lambda m: (m.start, m.end))


def collect_terms(mentions_by_sentence: Iterable[tuple[Sentence, list[Mention]]],
                  patterns: tuple[CandidatePattern, ...] | None = None) -> list[CandidateTerm]:
    """One CandidateTerm per new IRI: label and sentence of its first mention, its count."""
    from graph.extraction.lists import frame_classes

    classes = {p.pattern_id: p.cls for p in (load_patterns() if patterns is None else patterns)}
    classes[TITLE_DRUG_PATTERN] = KKG.Drug
    classes.update(frame_classes())
    first: dict[URIRef, tuple[Mention, Sentence]] = {}
    counts: dict[URIRef, int] = {}
    types: dict[URIRef, frozenset[URIRef]] = {}
    for sentence, mentions in mentions_by_sentence:
        for mention in mentions:
            if not mention.candidate:
                continue
            first.setdefault(mention.entity, (mention, sentence))
            counts[mention.entity] = counts.get(mention.entity, 0) + 1
            pattern_id = mention.source.partition(":")[2]
            if pattern_id in classes:
                types[mention.entity] = types.get(mention.entity, frozenset()) | {
                    classes[pattern_id], KKG.CandidateTerm}
    terms = []
    for iri in sorted(first):
        mention, sentence = first[iri]
        at_start = mention.start == sentence.start
        terms.append(CandidateTerm(
            iri=iri,
            label=candidate_label(mention.text, at_start),
            types=types.get(iri, frozenset({KKG.CandidateTerm})),
            mention_count=counts[iri],
            first_sentence=sentence,
            pattern_id=mention.source.partition(":")[2] or mention.source,
        ))
    return terms


TITLE_DRUG_PATTERN = "title-drug"
# Patterns whose term is a whole phrase ("blocking the nerve signals that tell muscles to
# contract"): kept only where the phrase names nothing the linker knows.
PHRASE_PATTERN = "phrase-"
_TITLE_WORD = re.compile(r"\b[A-Z][a-z][a-z0-9\-]{2,}\b")
_MIN_BODY_SENTENCES = 2


def title_drug_mentions(title: str | None, title_start: int, sentences: Iterable[Sentence],
                        mentions: dict[int, list[Mention]], lexicon: Lexicon
                        ) -> tuple[list[Mention], dict[int, list[Mention]]]:
    """Mentions of the drug a document's title names when the ontology does not know it.

    Why: an article about a new drug ("Brexanolide for Postpartum Depression") would
    otherwise yield nothing, since every relation rule needs a drug subject. A capitalised
    title word that the lexicon does not know, repeated in at least two body sentences,
    becomes a candidate kkg:Drug; every body mention of it is linked (where no known mention
    covers it). Returns the title mention (for the focus drug) and the new body mentions.
    """
    if not title:
        return [], {}
    sentences = list(sentences)
    best: tuple[int, str] | None = None
    for word in dict.fromkeys(_TITLE_WORD.findall(title)):
        if word.lower() in _TITLE_STOP or link_text(word, 0, lexicon):
            continue
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        hits = sum(1 for s in sentences if pattern.search(s.text))
        if hits >= _MIN_BODY_SENTENCES and (best is None or hits > best[0]):
            best = (hits, word)
    if best is None:
        return [], {}
    word = best[1]
    iri = URIRef(f"{KKE}{slugify(word.lower())}")
    if iri in lexicon.entities:
        return [], {}
    types = lexicon.closure({KKG.Drug}) | {KKG.CandidateTerm}
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)

    def mention(start: int, text: str) -> Mention:
        return Mention(start, start + len(text), text, iri, types, candidate=True,
                       source=f"candidate:{TITLE_DRUG_PATTERN}",
                       senses=(Sense(iri, types, "candidate"),))

    title_match = pattern.search(title)
    title_mentions = [mention(title_start + title_match.start(), title_match.group())] \
        if title_match else []
    found: dict[int, list[Mention]] = {}
    for sentence in sentences:
        taken = mentions.get(sentence.index, [])
        for match in pattern.finditer(sentence.text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if all(m.end <= start or end <= m.start for m in taken):
                found.setdefault(sentence.index, []).append(mention(start, match.group()))
    return title_mentions, found


# Title words that are never the drug ("Uses", "Review", "Understanding", ...).
_TITLE_STOP = frozenset(
    "uses use review overview introduction understanding exploring potential therapeutic "
    "therapy therapies treatment treatments medicine medicines medication medications drug "
    "drugs clinical evidence role roles guide update beyond against versus with from into "
    "about what when where which how why their this that these those current emerging new "
    "many multifaceted medical health benefits risks effects pharmacology applications".split()
)
