"""Stage 5b: a list a cue introduces → one mention per item (open recognition of names).

Why: real articles name most of what a drug does in lists ("Common side effects include
headache, anxiety, trouble sleeping, and nausea", "used in the treatment of epilepsy and
neuropathic pain"), and many items are phrases no vocabulary lists ("trouble sleeping",
"harm to the baby", "decreased bone marrow function"). A list frame (``rules/lists.tsv``)
says where a list starts and what kind of thing its items are; this module finds where the
list ends and cuts it into items, so that nothing the text lists is silently dropped. Each
item becomes a known mention when the lexicon names the whole item, else a candidate term
typed by the frame's class. The relation rules then decide the relation, as for any name.

How a list is read (all on the sentence's own text, offsets kept):

* it ends at a clause break: ``;``, a full stop, ``:``, a dash, or a word that opens a new
  clause ("which", "because", "but", "when", a finite verb such as "is" or "can");
* items are separated by commas and by "and", "or", "and/or"; a parenthesis that opens with
  "including"/"such as"/"e.g." is a list of its own (its items are kinds of the item before
  it), any other parenthesis (an abbreviation, a gloss) is left out of the item;
* "X such as Y" and "X due to Y" inside an item give two items, X and Y;
* leading determiners and quantifiers ("a", "the", "other", "some") are not part of a name;
* a piece of more than six words is a clause, not a name, and ends the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.extraction.candidates import candidate_label
from graph.extraction.lexicon import TOKEN, Lexicon
from graph.extraction.linking import link_text, plural_variants, resolve_overlaps
from graph.extraction.model import Mention, Sense, Sentence, slugify
from graph.extraction.rule_files import read_typed_regexes
from graph.extraction.sentences import LIST_MARK
from graph.namespaces import KKE, KKG

RULES_FILE = Path(__file__).resolve().parent / "rules" / "lists.tsv"
MAX_ITEM_WORDS = 6
SOURCE_PREFIX = "candidate:list-"
_END = re.compile(
    r"[;:!?\u2014]|\{\{|\.(?=\W|$)|\s[\u2013-]\s|\s\[\d|\b(?:which|that|who|whom|whose|when|where|"
    r"while|whereas|because|since|although|though|but|however|if|unless|until|so|thus|"
    r"therefore|then|after|before|than|is|are|was|were|has|have|had|can|could|may|might|"
    r"will|would|should|must|do|does|did|being|according|meaning|particularly|especially|"
    r"as\s+well\s+as\s+(?:to|in|for)|compared|versus|vs)\b",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s*,\s*(?:(?:and|or|and/or|as\s+well\s+as)\s+)?|\s+(?:and/or|and|or|"
                        r"as\s+well\s+as|&)\s+|\s*/\s*", re.IGNORECASE)
_SPLIT_INSIDE = re.compile(r"\s+(?:such\s+as|like|including|e\.g\.,?|due\s+to|caused\s+by|"
                           r"associated\s+with|resulting\s+from|secondary\s+to)\s+", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:a|an|the|some|other|another|certain|various|its|their|his|her|"
                      r"any|all|both|either|more|less|many|several|few|very|also|often|"
                      r"sometimes|usually|rarely|possibly|potentially|mostly|mainly|"
                      r"(?:the\s+)?(?:treatment|management|prevention|relief|therapy|history)"
                      r"\s+of|treat|treating|prevent|preventing|manage|managing|relieve|"
                      r"relieving)\s+)+", re.IGNORECASE)
# Words after which the rest of an item is about where or when, not part of the name
# ("noradrenaline in parts of the brain", "use on certain missions").
_CUT = re.compile(r"\s+(?:in|during|among|for|from|at|on|within|after|before|over|under|"
                  r"when|while|by|via|through|into|across|throughout|outside|beyond|without|except)\s+",
                  re.IGNORECASE)
_APPOSITION = re.compile(r"\b(?:called|named|known\s+as|termed|referred\s+to)\b", re.IGNORECASE)
# A piece that opens with a preposition is a circumstance ("and in emergency situations").
_PREPOSITION_START = re.compile(r"^(?:in|on|at|for|during|with|without|among|after|before|"
                                r"from|by|via|under|within)\b", re.IGNORECASE)
_SHARED_HEAD = re.compile(
    r"(?:problems?|diseases?|disorders?|seizures?|reactions?|infections?|injur(?:y|ies)|"
    r"failure|damage|episodes?|symptoms?|conditions?|cancers?|tumou?rs?|pain|dysfunction|"
    r"abnormalit(?:y|ies)|impairment|insufficiency|effects?|attacks?|illness(?:es)?)",
    re.IGNORECASE)
_CONDITION_SHAPE = re.compile(r"(?:itis|osis|emia|aemia|algia|pathy|plegia|oma|ia|ism)$",
                              re.IGNORECASE)
_FINITE = re.compile(r"^(?:is|are|was|were|has|have|had|can|could|may|might|will|would|"
                     r"should|must|do|does|did)$", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s*\[[^\]]{0,30}\])+$|[\s,.'\"”’)]+$|\s+(?:etc|among\s+others)\.?$",
                       re.IGNORECASE)
_SUBLIST = re.compile(r"\(\s*(?:including|such\s+as|e\.g\.,?|like|especially)\s+",
                      re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"^(?:it|they|them|this|these|those|that|he|she|we|you|one|ones|others?|people|patients|"
    r"users|things?|stuff|effects?|symptoms?|conditions?|problems?|issues?|cases?|"
    r"(?:medical|clinical|human|recreational|therapeutic|off-label)?\s*uses?|"
    r"more|less|much|many|few|none|all|both|each|either|neither|which|what)$",
    re.IGNORECASE,
)
_VERB_START = re.compile(r"^(?:[a-z]+ing\s+(?:the|a|an|its|their|his|her|our|this|these|those)\b|"
                         r"to|be|been|being|is|are|was|were|has|have|had|can|could|may|"
                         r"might|will|would|should|must|do|does|did|not|no|also|then)\b",
                         re.IGNORECASE)


@dataclass(frozen=True)
class ListFrame:
    """One frame row: the cue that opens a list and the class its items default to."""

    frame_id: str
    cls: URIRef
    regex: re.Pattern[str]


@lru_cache(maxsize=4)
def load_frames(path: Path = RULES_FILE) -> tuple[ListFrame, ...]:
    """Read and compile lists.tsv (macros expanded in file order)."""
    return tuple(ListFrame(name, cls, regex)
                 for name, cls, regex in read_typed_regexes(path, "frame"))


def frame_classes(frames: tuple[ListFrame, ...] | None = None) -> dict[str, URIRef]:
    """``list-<frame id>`` → class, for naming the candidate terms a frame found."""
    return {f"list-{f.frame_id}": f.cls for f in (frames or load_frames())}


def _list_end(text: str, start: int) -> tuple[int, str]:
    """Where the list that starts at ``start`` ends (a clause break, else the sentence end),
    and the break that ended it."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return i, ")"
            depth -= 1
        elif depth == 0:
            found = _END.match(text, i)
            at_word = i == start or not text[i - 1].isalnum()
            if found and (at_word or not found.group()[0].isalpha()):
                return i, found.group()
        i += 1
    return len(text), ""


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading determiners and trailing punctuation or citation marks."""
    piece = text[start:end]
    lead = _LEADING.match(piece)
    if lead:
        start += lead.end()
    piece = text[start:end]
    trail = _TRAILING.search(piece)
    if trail:
        end = start + trail.start()
    while start < end and text[start] in " \t\"'“‘(":
        start += 1
    return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_sub_item) of the pieces of a list region; parentheses handled."""
    pieces: list[tuple[int, int, bool]] = []
    cursor, i, piece_start = start, start, start
    while i < end:
        if text[i] == "(":
            close = text.find(")", i, end)
            close = end if close < 0 else close
            pieces += [(s, e, False) for s, e in _split(text, piece_start, i)]
            sub = _SUBLIST.match(text, i)
            if sub:
                pieces += [(s, e, True) for s, e in _split(text, sub.end(), close)]
            i = piece_start = close + 1
            cursor = i
            continue
        i += 1
    if cursor < end:
        pieces += [(s, e, False) for s, e in _split(text, piece_start, end)]
    return pieces


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The item spans between separators in [start, end), inner "such as"/"due to" split too."""
    spans: list[tuple[int, int]] = []
    edges = [start]
    for match in _SEPARATOR.finditer(text, start, end):
        edges += [match.start(), match.end()]
    edges.append(end)
    for left, right in zip(edges[::2], edges[1::2], strict=False):
        inner = [left]
        for match in _SPLIT_INSIDE.finditer(text, left, right):
            inner += [match.start(), match.end()]
        inner.append(right)
        spans += [(a, b) for a, b in zip(inner[::2], inner[1::2], strict=False) if b > a]
    return spans


def _merge_shared_heads(text: str, pieces: list[tuple[int, int, bool]],
                        known: frozenset[str]) -> list[tuple[int, int, bool]]:
    """Join "absence or myoclonic seizures", "kidney or liver problems" into one item.

    A one-word conjunct that names nothing by itself, joined by "and"/"or" (no comma) to a
    longer one whose head is a noun such names share (problems, seizures, reactions...),
    shares that head: the pair is one name. A one-word conjunct the lexicon knows, or one
    shaped like a condition's name ("epilepsy and neuropathic pain", "arthritis and back
    pain") stays an item of its own.
    """
    merged: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(pieces):
        start, end, sub = pieces[i]
        if i + 1 < len(pieces):
            nxt_start, nxt_end, nxt_sub = pieces[i + 1]
            gap = text[end:nxt_start]
            one = TOKEN.findall(text[start:end])
            forms = {one[0].lower(), *(v.lower() for v in plural_variants(one[0]))} \
                if one else set()
            other = TOKEN.findall(text[nxt_start:nxt_end])
            if (len(one) == 1 and not forms & known and sub == nxt_sub
                    and not _CONDITION_SHAPE.search(one[0])
                    and re.fullmatch(r"\s+(?:and|or|and/or)\s+", gap, re.IGNORECASE)
                    and len(other) >= 2 and _SHARED_HEAD.fullmatch(other[-1])):
                merged.append((start, nxt_end, sub))
                i += 2
                continue
        merged.append((start, end, sub))
        i += 1
    return merged


def list_items(text: str, start: int, known: frozenset[str] = frozenset()
               ) -> list[tuple[int, int]]:
    """Spans (in ``text``) of the names listed from ``start`` on, in text order.

    ``known``: lower-case one-word names the lexicon has (they never share a head noun).
    When a finite verb ends the list, its last item is that verb's subject ("…, and
    metformin is recommended"), not an item.
    """
    end, stop = _list_end(text, start)
    items: list[tuple[int, int]] = []
    pieces = [(a, b, sub) for a, b, sub in _pieces(text, start, end)]
    trimmed = []
    for piece_start, piece_end, is_sub in pieces:
        cut = _CUT.search(text, piece_start, piece_end)
        trimmed.append((piece_start, cut.start() if cut else piece_end, is_sub))
    trimmed = _merge_shared_heads(text, trimmed, known)
    if _FINITE.match(stop.strip()) and len([p for p in trimmed if not p[2]]) > 1:
        last = max(i for i, p in enumerate(trimmed) if not p[2])
        trimmed = trimmed[:last] + [p for p in trimmed[last + 1:] if p[2]]
    for piece_start, piece_end, is_sub in trimmed:
        s, e = _trim(text, piece_start, piece_end)
        if _APPOSITION.search(text, s, e):
            break
        words = TOKEN.findall(text[s:e])
        if not words:
            continue
        if len(words) > MAX_ITEM_WORDS or _VERB_START.match(text[s:e]):
            if is_sub:
                continue
            break
        if (_NOT_A_NAME.match(text[s:e]) or _PREPOSITION_START.match(text[s:e])
                or all(w.isdigit() for w in words)):
            continue
        items.append((s, e))
    return items


def _item_mention(sentence: Sentence, start: int, end: int, frame: ListFrame,
                  lexicon: Lexicon) -> Mention:
    """A known mention when the lexicon names the whole item, else a candidate term."""
    text = sentence.text[start:end]
    absolute = sentence.start + start
    whole = [m for m in link_text(text, absolute, lexicon)
             if m.start == absolute and m.end == absolute + len(text)]
    if whole:
        return whole[0]
    label = candidate_label(text, at_sentence_start=start == 0)
    iri = URIRef(f"{KKE}{slugify(label)}")
    if iri in lexicon.entities:
        sense = Sense(iri, lexicon.entities[iri].types, "label")
    else:
        sense = Sense(iri, lexicon.closure({frame.cls}) | {KKG.CandidateTerm}, "candidate")
    return Mention(absolute, absolute + len(text), text, iri, sense.types,
                   candidate=sense.kind == "candidate",
                   source=SOURCE_PREFIX + frame.frame_id, senses=(sense,))


def find_list_items(sentence: Sentence, lexicon: Lexicon,
                    frames: tuple[ListFrame, ...] | None = None) -> list[Mention]:
    """Mentions of the items of every list a frame opens in ``sentence``."""
    frames = load_frames() if frames is None else frames
    found: list[Mention] = []
    taken: set[tuple[int, int]] = set()
    for frame in frames:
        for match in frame.regex.finditer(sentence.text):
            for start, end in list_items(sentence.text, match.end(), lexicon.single_words):
                if (start, end) in taken or not slugify(sentence.text[start:end]):
                    continue
                taken.add((start, end))
                found.append(_item_mention(sentence, start, end, frame, lexicon))
    return resolve_overlaps(found)


def find_bullet_items(lead: Sentence, item: Sentence, lexicon: Lexicon,
                      frames: tuple[ListFrame, ...] | None = None) -> list[Mention]:
    """Mentions of the names a bulleted item lists, when its lead sentence opens a list.

    "The desired effects … have been reported to include:" followed by "- Euphoria – a sense
    of well-being" and "- Relaxation and reduced anxiety": each bullet is the rest of the
    lead's list, so it is read with the lead's frame (its class), from after the bullet mark.
    """
    frames = load_frames() if frames is None else frames
    lead_text = lead.text.rstrip() + " "
    marker = LIST_MARK.match(item.text)
    if marker is None:
        return []
    for frame in frames:
        opened = [m for m in frame.regex.finditer(lead_text) if m.end() >= len(lead_text) - 1]
        if opened:
            return resolve_overlaps([
                _item_mention(item, start, end, frame, lexicon)
                for start, end in list_items(item.text, marker.end(), lexicon.single_words)])
    return []


def bullets_with_leads(sentences: Iterable[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """(lead, bullet) for each bulleted sentence under a lead that ends with a colon."""
    pairs: list[tuple[Sentence, Sentence]] = []
    lead: Sentence | None = None
    for sentence in sentences:
        if LIST_MARK.match(sentence.text):
            if lead is not None and sentence.section_index == lead.section_index:
                pairs.append((lead, sentence))
        else:
            lead = sentence if sentence.text.rstrip().endswith(":") else None
    return pairs
