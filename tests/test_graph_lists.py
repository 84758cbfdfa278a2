"""Stage 5b, list frames: every item of a list a cue opens becomes a mention."""

from __future__ import annotations

import pytest

from graph.extraction.lexicon import Lexicon
from graph.extraction.lists import find_list_items, list_items
from graph.extraction.model import Sentence
from graph.extraction.pipeline import load_ontology


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_graph(load_ontology())


def _items(text: str, lexicon: Lexicon) -> list[str]:
    sentence = Sentence("doc", 100, 100 + len(text), text)
    mentions = find_list_items(sentence, lexicon)
    for mention in mentions:
        assert text[mention.start - 100:mention.end - 100] == mention.text
    return [m.text for m in mentions]


@pytest.mark.parametrize(("text", "expected"), [
    ("Common side effects include dizziness, dry mouth, weight gain, and blurred eyesight.",
     ["dizziness", "dry mouth", "weight gain", "blurred eyesight"]),
    ("Serious adverse reactions may include liver failure, low white cell counts or "
     "severe skin reactions such as toxic epidermal necrolysis.[4]",
     ["liver failure", "low white cell counts", "severe skin reactions",
      "toxic epidermal necrolysis"]),
    ("It is not recommended in people with glaucoma, severe kidney disease, or a history of "
     "seizures.", ["glaucoma", "severe kidney disease", "seizures"]),
    ("Deaths have been reported due to heatstroke and low sodium levels.",
     ["heatstroke", "low sodium levels"]),
])
def test_items_of_a_list(text: str, expected: list[str], lexicon: Lexicon) -> None:
    assert _items(text, lexicon) == expected


def test_a_verb_after_the_list_takes_its_last_item_as_subject(lexicon: Lexicon) -> None:
    text = ("It lowers the risk of heart attacks or kidney damage, and the drug is "
            "recommended first.")
    assert _items(text, lexicon) == ["heart attacks", "kidney damage"]


def test_a_shared_head_noun_is_one_item(lexicon: Lexicon) -> None:
    text = "Care is needed in those with kidney or liver problems."
    assert _items(text, lexicon) == ["kidney or liver problems"]


def test_a_parenthesis_of_kinds_lists_them_and_a_gloss_is_left_out() -> None:
    text = ("approved uses are migraine (including chronic migraine and cluster headache), "
            "gout (GT).")
    start = text.index("are ") + 4
    spans = [text[s:e] for s, e in list_items(text, start)]
    assert spans == ["migraine", "chronic migraine", "cluster headache", "gout"]


def test_an_item_of_where_or_when_keeps_only_the_name(lexicon: Lexicon) -> None:
    text = "It increases the neurotransmitters serotonin and noradrenaline in parts of the brain."
    assert _items(text, lexicon) == ["serotonin", "noradrenaline"]


def test_unknown_items_are_typed_candidates(lexicon: Lexicon) -> None:
    text = "Side effects include frightening dreams."
    sentence = Sentence("doc", 0, len(text), text)
    (mention,) = find_list_items(sentence, lexicon)
    assert mention.candidate and mention.source == "candidate:list-adverse-effects"
    assert str(mention.entity).endswith("/frightening-dream")


def test_bullets_continue_the_list_their_lead_opens(lexicon: Lexicon) -> None:
    from graph.extraction.lists import bullets_with_leads, find_bullet_items

    lead = Sentence("doc", 0, 40, "Its desired effects have been reported to include:")
    items = [Sentence("doc", 50, 80, "-   Calm – a sense of ease"),
             Sentence("doc", 90, 120, "-   Warmth and reduced fear[3]")]
    pairs = bullets_with_leads([lead, *items])
    assert [item.text for _lead, item in pairs] == [i.text for i in items]
    names = [m.text for _lead, item in pairs for m in find_bullet_items(lead, item, lexicon)]
    assert names == ["Calm", "Warmth", "reduced fear"]


def test_adulterants_are_not_drugs_taken_together() -> None:
    from graph_fixtures import extract_text

    claims = extract_text("MDMA Forms\n\nMDMA is often sold mixed with other substances such "
                          "as ephedrine and caffeine. It is taken in conjunction with LSD.").claims
    used_with = {str(c.object).rsplit("/", 1)[-1] for c in claims if str(c.predicate).endswith(
        "usedWith")}
    assert used_with == {"lsd"}
