"""Stage 4, linking: longest match over tokens with the variants articles write."""

from __future__ import annotations

from graph_fixtures import lexicon, mini_lexicon

from graph.extraction.linking import (
    learn_abbreviations,
    link_abbreviations,
    link_text,
    resolve_overlaps,
)
from graph.extraction.model import Mention
from graph.namespaces import KKE, KKG


def _links(text: str, lex=None) -> list[tuple[str, str]]:
    mentions = link_text(text, 0, lex or mini_lexicon())
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
    return [(m.text, str(m.entity).rsplit("/", 1)[-1]) for m in mentions]


def test_case_plural_and_possessive() -> None:
    assert _links("KETAMINE infusions; ketamine's and ketamine’s effects") == [
        ("KETAMINE", "ketamine"), ("infusions", "intravenous-infusion"),
        ("ketamine", "ketamine"), ("ketamine", "ketamine")]


def test_possessive_is_outside_the_span_and_offsets_are_absolute() -> None:
    text = "The mechanism behind ketamine’s pain-relieving effects"
    mention = link_text(text, 100, mini_lexicon())[0]
    assert (mention.start, mention.end, mention.text) == (121, 129, "ketamine")


def test_hyphen_or_space() -> None:
    assert _links("post traumatic stress disorder, Post-Traumatic Stress Disorder") == [
        ("post traumatic stress disorder", "post-traumatic-stress-disorder"),
        ("Post-Traumatic Stress Disorder", "post-traumatic-stress-disorder")]
    assert _links("treatment resistant depression") == [
        ("treatment resistant depression", "treatment-resistant-depression")]


def test_capital_abbreviations_match_case_sensitively() -> None:
    assert _links("PTSD and PTSDs") == [("PTSD", "post-traumatic-stress-disorder"),
                                        ("PTSDs", "post-traumatic-stress-disorder")]
    assert _links("ptsd or Ptsd") == []


def test_longest_match_wins() -> None:
    assert _links("treatment-resistant depression and chronic pain") == [
        ("treatment-resistant depression", "treatment-resistant-depression"),
        ("chronic pain", "chronic-pain")]


def test_words_count_before_characters() -> None:
    """Two two-word names overlap: the earlier wins ("chronic pain management")."""
    assert _links("for chronic pain management", lexicon()) == [("chronic pain", "chronic-pain")]


def test_no_match_across_punctuation() -> None:
    assert _links("chronic, pain") == [("pain", "pain")]


def test_overlaps_resolved_by_length() -> None:
    short = Mention(0, 7, "chronic", KKE.a, frozenset())
    long = Mention(0, 12, "chronic pain", KKE.b, frozenset())
    other = Mention(8, 20, "pain relief", KKE.c, frozenset())
    assert resolve_overlaps([short, other, long]) == [long]


def test_abbreviation_defined_in_brackets_links_later_uses() -> None:
    text = "obsessive-compulsive disorder (OCD) is common. OCD and OCDs respond."
    lex = mini_lexicon()
    mentions = link_text(text, 0, lex)
    learned = learn_abbreviations(text, mentions)
    assert set(learned) == {"OCD"}
    linked = link_abbreviations(text, 0, mentions, learned)
    assert [(m.text, m.source) for m in linked] == [
        ("obsessive-compulsive disorder", "lexicon"), ("OCD", "abbreviation"),
        ("OCD", "abbreviation"), ("OCDs", "abbreviation")]
    assert {m.entity for m in linked} == {KKE["obsessive-compulsive-disorder"]}


def test_brackets_that_are_not_abbreviations_are_ignored() -> None:
    text = "depression (see below) and depression (Dx)"
    assert learn_abbreviations(text, link_text(text, 0, mini_lexicon())) == {}


def test_types_come_with_the_mention() -> None:
    mention = link_text("NMDA receptors", 0, mini_lexicon())[0]
    assert mention.text == "NMDA receptors" and KKG.MolecularTarget in mention.types
