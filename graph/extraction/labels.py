"""Labels of the evidence nodes the pipeline mints (claims and sentences): unique and readable.

Why: Protégé shows every entity by its ``rdfs:label``. The article says "ketamine has role
anaesthetic" in two sentences, so two claims labelled only by their statement look like one
entity listed twice, and a sentence without a label shows as a bare IRI. So:

* a claim is labelled by its statement *and* where it was read:
  ``ketamine has role anaesthetic, sentence 3 of ketamine-uses``;
* a sentence by the same reference and the start of its text:
  ``sentence 3 of ketamine-uses: “Ketamine has been a staple in anesthesia …”``.

The sentence number counts the document's body sentences from 1 (``Sentence.index + 1``) and
the document is named by its doc-id: both depend only on the document's text, so every build
gives the same labels. A claim's IRI hashes subject|predicate|object and the sentence's span,
so two claims with the same statement from the same sentence are one node: the label is unique
in the whole graph, across documents too. Every claim carries the reference, not only repeated
statements: whether a statement repeats depends on the other documents, and a label must not
change when a document is added.
"""

from __future__ import annotations

from graph.extraction.model import Sentence

MAX_QUOTE_CHARS = 60


def sentence_reference(sentence: Sentence) -> str:
    """``sentence 3 of ketamine-uses``: where a reader finds the sentence."""
    return f"sentence {sentence.index + 1} of {sentence.doc_id}"


def claim_label(statement: str, sentence: Sentence, *, negated: bool) -> str:
    """The statement, where it was read, and ``(negated)`` when the text denies it."""
    label = f"{statement}, {sentence_reference(sentence)}"
    return f"{label} (negated)" if negated else label


def sentence_label(sentence: Sentence) -> str:
    """The sentence's reference and the start of its text, cut at a word."""
    return f"{sentence_reference(sentence)}: “{quote(sentence.text)}”"


def quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` on one line, cut after at most ``limit`` characters at a word, with ``…``."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    head = words[:limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else words[:limit]
    return cut.rstrip(",;:") + " …"
