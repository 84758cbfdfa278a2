"""Stretches of a document that are markup left in the text, not prose to read claims from.

Why: encyclopedia dumps keep wiki templates in the running text ("{{#tag:ref|The FDA's
'breakthrough therapy' designation is not intended to imply … serious or life-threatening
diseases| group="note"}}"). A footnote's words are about the note, not about the drug the
sentence is about, and read as prose they make claims the article never makes. The text is
kept verbatim (offsets point into it); only names found inside these stretches are dropped.
"""

from __future__ import annotations

import re

_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_WIKI_LINK_TAIL = re.compile(r"\[\[(?:File|Image):[^\]]*\]\]|\S+\.(?:jpg|jpeg|png|svg|gif)\)?\]\]",
                             re.IGNORECASE)


def markup_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every wiki template and image link in ``text``."""
    return [m.span() for pattern in (_TEMPLATE, _WIKI_LINK_TAIL) for m in pattern.finditer(text)]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)
