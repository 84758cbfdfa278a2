"""Stage 2: a Document → its title, sections and sentences, by exact character offsets.

Why a hand-written splitter: no NLP model may be downloaded, and the genre (web articles
with a title line, numbered headings ending in a colon, short paragraphs) is regular enough
that a few explicit rules beat a general model. The rules:

* a paragraph is a run of non-blank lines;
* the first paragraph is the title when it is one short line without a full stop;
* a paragraph's first line is a heading when it is a Markdown heading (``## …``), a short
  line ending in a colon (``1. Anesthetic and Analgesic Properties:``, ``Final Thoughts:``),
  or a short single-line paragraph without closing punctuation, or a line in capitals
  (a news story's "BACK PAIN", "HOW DOES IT WORK?");
* inside a paragraph a sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus any closing quotes
  or brackets) followed by white space and a capital, digit or opening quote, unless the full
  stop closes an abbreviation (``rules/abbreviations.txt``, initials, ``e.g.``) or sits
  inside a pair of brackets (``(see Fig. 2.)``);
* a line that starts with a list bullet starts a new sentence;
* citation markers right after the full stop (``…pain.[12] Methadone``, ``[3][4]``,
  ``[note 2]``, ``[citation needed]``) belong to the sentence they close, so encyclopedia
  text splits where its sentences end instead of running on for a whole paragraph;
* a first line of front matter (``# source: REPO@COMMIT PATH``, ``source: …``) is metadata
  about the file, neither title nor heading.

Headings are not sentences: they name the section every sentence below them carries.
Every span satisfies ``document.text[start:end] == value``; nothing is normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.extraction.model import Document, Section, Sentence

RULES_DIR = Path(__file__).resolve().parent / "rules"
TERMINATORS = ".!?…"
CLOSERS = "\"'”’)]}»"
OPENERS = "\"'“‘([{«"
MAX_HEADING_WORDS = 14
MAX_TITLE_LINE_WORDS = 8  # a heading line directly above its body (no blank line) is shorter
_LIST_OPENERS = frozenset({"including", "include", "includes", "follows", "following",
                           "like", "are", "is", "were", "was"})
_CONTINUING_WORDS = frozenset(
    "a an the and or but of for in on at to with by from as than that which who is are was "
    "were be been has have had its their this these those".split()
)
MAX_TITLE_WORDS = 20
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+\S")
# The mark that opens a bulleted sentence ("-   Euphoria", "2) Nausea"): the later stages read
# such a sentence as the rest of the list its lead sentence opens.
LIST_MARK = re.compile(r"\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+")
_DOTTED_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_CITATION = re.compile(r"(?:[ \t]?\[\s*(?:\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*|[a-z]"
                       r"|(?:note|nb|n)\s*\d{1,3}|citation needed"
                       r"|clarification needed|who\?|when\?|according to whom\?)"
                       r"\s*\])+", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"^\s*#?\s*(?:source|url|retrieved|license|licence)\s*:\s*\S",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Segmentation:
    """The parts of one document: title span, sections and body sentences."""

    title: tuple[int, int] | None
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]


@lru_cache(maxsize=4)
def load_abbreviations(path: Path | None = None) -> frozenset[str]:
    """Lower-case abbreviations (with their full stop) that never end a sentence."""
    path = path or RULES_DIR / "abbreviations.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line break."""
    spans, start = [], 0
    for match in _NEWLINE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines (a first line of front matter left out)."""
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    lines = _lines(text)
    first = next((i for i, (s, e) in enumerate(lines) if text[s:e].strip()), None)
    if first is not None and _FRONT_MATTER.match(text[lines[first][0]:lines[first][1]]):
        lines = lines[first + 1:]
    for start, end in lines:
        if text[start:end].strip():
            current.append((start, end))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _strip_span(text: str, start: int, end: int, chars: str | None = None) -> tuple[int, int]:
    """Shrink a span past leading/trailing white space (and ``chars`` at the end)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or (chars and text[end - 1] in chars)):
        end -= 1
    return start, end


def _heading_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The heading words of a heading line: no ``#`` marks, no closing colon."""
    start, end = _strip_span(text, start, end, ":")
    while start < end and text[start] == "#":
        start += 1
    return _strip_span(text, start, end, ":")


def _is_heading(text: str, paragraph: list[tuple[int, int]]) -> bool:
    start, end = paragraph[0]
    line = text[start:end].strip()
    if _MARKDOWN_HEADING.match(line):
        return True
    if len(line.split()) > MAX_HEADING_WORDS or line.startswith(("-", "*", "•")):
        return False
    if line.endswith(":"):
        return not _introduces_a_list(line)
    if _is_capitals_line(line) and len(paragraph) == 1:
        return True  # a news story's "BACK PAIN" or "HOW DOES IT WORK?"
    first = line[0]
    if not (first.isupper() or first.isdigit()) or line[-1] in TERMINATORS + CLOSERS + ",;":
        return False
    return len(paragraph) == 1 or _is_heading_over_body(text, line, paragraph)


def _is_capitals_line(line: str) -> bool:
    """A short line in capitals (a question mark allowed): a news story's subheading."""
    letters = [char for char in line if char.isalpha()]
    return (len(letters) >= 3 and all(char.isupper() for char in letters)
            and line[-1] not in ".!,;")


def _introduces_a_list(line: str) -> bool:
    """A sentence ending in a colon that opens a list ("… conditions, including:").

    Why: it reads like a heading (short, closing colon) but it is the sentence the list items
    complete; a heading has no comma and does not end on a function word or "including".
    """
    words = line.rstrip(":").split()
    last = words[-1].lower() if words else ""
    return "," in line or last in _CONTINUING_WORDS or last in _LIST_OPENERS


def _is_heading_over_body(text: str, line: str, paragraph: list[tuple[int, int]]) -> bool:
    """A short title line written directly above its body, with no blank line between.

    Why: many articles put ``Neuropathic Pain`` on the line above its paragraph. A hard-wrapped
    body line is told apart by its length, by ending on a word that continues a sentence
    ("and", "of", "the"), or by the next line going on in lower case.
    """
    words = line.split()
    if len(words) > MAX_TITLE_LINE_WORDS or words[-1].lower() in _CONTINUING_WORDS:
        return False
    next_start, next_end = paragraph[1]
    following = text[next_start:next_end].lstrip()
    return bool(following) and (following[0].isupper() or following[0].isdigit())


def find_title(text: str) -> tuple[int, int] | None:
    """The span of the title: a first paragraph of one short line without a full stop."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) < 2 or len(paragraphs[0]) != 1:
        return None
    start, end = paragraphs[0][0]
    line = text[start:end].strip()
    if _MARKDOWN_HEADING.match(line):
        return _heading_span(text, start, end)
    if len(line.split()) > MAX_TITLE_WORDS or line[-1] in TERMINATORS + ",;":
        return None
    return _heading_span(text, start, end)


def _bracket_mask(text: str, start: int, end: int) -> list[bool]:
    """True for positions strictly inside a matched pair of brackets."""
    mask = [False] * (end - start)
    stack: list[int] = []
    pairs = {")": "(", "]": "[", "}": "{"}
    for i in range(start, end):
        char = text[i]
        if char in "([{":
            stack.append(i)
        elif char in pairs and stack and text[stack[-1]] == pairs[char]:
            opened = stack.pop()
            for j in range(opened + 1, i):
                mask[j - start] = True
    return mask


def _closes_abbreviation(text: str, start: int, stop: int, abbreviations: frozenset[str]) -> bool:
    """Whether the full stop at ``stop`` ends an abbreviation rather than a sentence."""
    begin = stop
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    token = text[begin:stop + 1].lstrip(OPENERS)
    return (token.lower() in abbreviations or bool(_DOTTED_ACRONYM.match(token))
            or bool(_INITIAL.match(token)))


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in OPENERS


def _boundaries(text: str, start: int, end: int, abbreviations: frozenset[str]) -> list[int]:
    """Offsets inside [start, end) where one sentence ends and the next may begin."""
    inside = _bracket_mask(text, start, end)
    cuts: list[int] = []
    i = start
    while i < end:
        if text[i] not in TERMINATORS or inside[i - start]:
            i += 1
            continue
        j = i + 1
        while j < end and text[j] in TERMINATORS:
            j += 1
        while j < end and text[j] in CLOSERS:
            j += 1
        citation = _CITATION.match(text, j, end)
        if citation:
            j = citation.end()
        if j == end or text[j].isspace():
            single_stop = text[i] == "." and j == i + 1
            if not (single_stop and _closes_abbreviation(text, start, i, abbreviations)):
                k = j
                while k < end and text[k].isspace():
                    k += 1
                if k < end and _starts_sentence(text[k]):
                    cuts.append(j)
        i = j
    return cuts


def _sentence_spans(text: str, lines: list[tuple[int, int]],
                    abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph body (a list of its lines)."""
    start, end = lines[0][0], lines[-1][1]
    cuts = set(_boundaries(text, start, end, abbreviations))
    cuts.update(line_start for line_start, line_end in lines[1:]
                if _BULLET.match(text[line_start:line_end]))
    spans = []
    edges = [start, *sorted(cuts), end]
    for left, right in zip(edges, edges[1:], strict=False):
        s, e = _strip_span(text, left, right)
        if any(char.isalnum() for char in text[s:e]):
            spans.append((s, e))
    return spans


def segment(document: Document, abbreviations: frozenset[str] | None = None) -> Segmentation:
    """Title, sections and sentences of a document."""
    text = document.text
    abbreviations = load_abbreviations() if abbreviations is None else abbreviations
    title = find_title(text)
    paragraphs = _paragraphs(text)
    if title is not None:
        paragraphs = paragraphs[1:]
    sections: list[Section] = []
    heading: tuple[str | None, int, int] = (None, 0, 0)
    body_start = title[1] if title else 0
    sentences: list[Sentence] = []
    for paragraph in paragraphs:
        if _is_heading(text, paragraph):
            p_start = paragraph[0][0]
            sections.append(Section(len(sections), heading[0], heading[1], heading[2],
                                    body_start, p_start))
            h_start, h_end = _heading_span(text, *paragraph[0])
            heading = (text[h_start:h_end], h_start, h_end)
            body_start = paragraph[0][1]
            paragraph = paragraph[1:]
        if not paragraph:
            continue
        for s, e in _sentence_spans(text, paragraph, abbreviations):
            sentences.append(Sentence(document.doc_id, s, e, text[s:e], heading[0],
                                      len(sections), len(sentences)))
    sections.append(Section(len(sections), heading[0], heading[1], heading[2],
                            body_start, len(text)))
    return Segmentation(title, tuple(sections), tuple(sentences))


def split_sentences(document: Document) -> list[Sentence]:
    """The body sentences of a document, in text order."""
    return list(segment(document).sentences)


def split_sections(document: Document) -> list[Section]:
    """The sections of a document; section 0 is the stretch before the first heading."""
    return list(segment(document).sections)
