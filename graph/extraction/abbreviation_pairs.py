"""Abbreviations an article defines ("treatment-resistant depression (TRD)") → what they name.

The pairs come from the Schwartz–Hearst algorithm (Schwartz & Hearst, PSB 2003), as the
``abbreviations`` package implements and tests it: an abbreviation in brackets after its
definition, its letters found in order in the definition's words. Each definition is then linked
like any text (ontology names, public vocabularies); an abbreviation whose definition names a
known thing stands for it everywhere in the document.

Measured on the dev set and the project's articles (2026-12-08): Schwartz–Hearst finds 10 pairs
(CBZ, OSA, PTSD, MDA, MDEA, TRD, OCD, MDD …); the project's older reader of "<linked name>
(ABBR)" (``linking.learn_abbreviations``) finds one more that Schwartz–Hearst rejects
("3,4-METHYLENEDIOXYMETHAMPHETAMINE (MDMA)": the digits break its letter match), so it stays as
a fallback for names the lexicon already links.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from graph.extraction.lexicon import Lexicon
from graph.extraction.linking import learn_abbreviations, link_text
from graph.extraction.model import Mention, Sense

logging.getLogger("abbreviations.schwartz_hearst").setLevel(logging.WARNING)


def definition_pairs(text: str) -> dict[str, str]:
    """Abbreviation → its first definition in ``text`` (Schwartz–Hearst)."""
    from abbreviations import schwartz_hearst

    return schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text,
                                                                 first_definition=True)


def _senses_of(definition: str, mentions: list[Mention], lexicon: Lexicon
               ) -> tuple[Sense, ...]:
    """The senses of a definition: a mention of exactly those words, else its whole link."""
    wanted = definition.casefold()
    for mention in mentions:
        if mention.text.casefold() == wanted and mention.types:
            return mention.senses or (Sense(mention.entity, mention.types, "label"),)
    whole = [m for m in link_text(definition, 0, lexicon)
             if m.start == 0 and m.end == len(definition) and m.types]
    return whole[0].senses if whole else ()


def learn(text: str, mentions: Iterable[Mention], lexicon: Lexicon
          ) -> dict[str, tuple[Sense, ...]]:
    """Abbreviation → the senses of what it abbreviates, for one document."""
    mentions = list(mentions)
    learned: dict[str, tuple[Sense, ...]] = {}
    for abbreviation, definition in definition_pairs(text).items():
        senses = _senses_of(definition, mentions, lexicon)
        if senses and not any(s.kind == "candidate" for s in senses):
            learned[abbreviation] = tuple(Sense(s.entity, s.types, "abbreviation")
                                          for s in senses)
    for abbreviation, senses in learn_abbreviations(text, mentions).items():
        learned.setdefault(abbreviation, senses)
    return learned
