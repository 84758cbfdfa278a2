"""Stage 6, certainty: cue phrases set the level; negation is a separate flag."""

from __future__ import annotations

import pytest

from graph.extraction.certainty import assess, find_cue, find_negation, load_rules, section_cue
from graph.namespaces import KKG


def _level(text: str) -> str | None:
    cue = find_cue(text)
    return cue.level if cue else None


@pytest.mark.parametrize(("text", "level", "cue"), [
    ("ketamine has remained a valuable tool", "established", "remained a valuable tool"),
    ("has made it a preferred choice for anesthetic induction", "established", "preferred choice"),
    ("Ketamine infusion therapy has shown remarkable success in providing rapid relief",
     "supported", "remarkable success"),
    ("ketamine can play a role in managing distressing symptoms", "supported", "can play a role"),
    ("ketamine has gained attention as an alternative", "promising", "gained attention"),
    ("Ketamine infusions have demonstrated promising results", "promising", "promising"),
    ("Preliminary research and clinical trials are ongoing", "preliminary", None),
    ("Studies suggest that ketamine may help", "preliminary", None),
    ("ketamine’s potential is being explored for bipolar disorder", "preliminary",
     "being explored"),
    ("it is believed to involve synaptic plasticity", "hypothesised", "believed to"),
    ("is still under study", "hypothesised", "still under study"),
    ("is complex and not yet fully understood", "hypothesised", "not yet fully understood"),
    ("It has shown promise for alcohol use disorder", "promising", "shown promise"),
    ("an anticonvulsant first approved in 1993 for partial seizures", "established",
     "first approved in 1993 for"),
    ("larger trials are needed", "preliminary", "larger trials are needed"),
])
def test_cues(text: str, level: str, cue: str | None) -> None:
    found = find_cue(text)
    assert found is not None and found.level == level
    if cue:
        assert found.text == cue


def test_remarkable_success_outranks_preliminary_research() -> None:
    rules = load_rules()
    strong = rules.rank(_level("has shown remarkable success"))
    weak = rules.rank(_level("preliminary research suggests"))
    assert strong > weak
    assert [rules.rank(level) for level in
            ("established", "supported", "promising", "preliminary", "hypothesised")] == \
        [5, 4, 3, 2, 1]
    assert rules.iri("supported") == KKG.supported


def test_a_hedge_weakens_and_weak_cues_only_count_alone() -> None:
    assert _level("demonstrated promising results") == "promising"
    assert _level("its potential is being explored") == "preliminary"
    assert _level("Its capacity to maintain stability has made it a preferred choice") == \
        "established"
    assert _level("Its ability to provide pain relief") == "supported"


@pytest.mark.parametrize(("text", "cue"), [
    ("There is no evidence that it helps", "no evidence"),
    ("Ketamine was not effective in this trial", "was not effective"),
    ("The drug failed to improve sleep", "failed to"),
    ("but it does not act on GABA receptors", "does not act on"),
    ("trials in that condition were negative", "were negative"),
])
def test_negation_cues(text: str, cue: str) -> None:
    assert find_negation(text) == cue


@pytest.mark.parametrize("text", [
    "for certain individuals who have not responded well to other therapies",
    "is complex and not yet fully understood",
    "Its capacity to maintain cardiovascular stability",
])
def test_negative_words_that_deny_nothing(text: str) -> None:
    assert find_negation(text) is None


def test_sentence_cue_beats_section_opening_which_beats_default() -> None:
    opening = section_cue("5. Research into Other Mental Health Conditions", "Whatever.")
    assert opening is not None and opening.level == "preliminary"
    own = assess("Ketamine has shown remarkable success.", opening)
    assert (own.level, own.source) == ("supported", "sentence")
    inherited = assess("Ketamine infusions are repeated weekly.", opening)
    assert (inherited.level, inherited.cue, inherited.source) == (
        "preliminary", "Research into", "section")
    plain = assess("Chronic pain can be debilitating.", opening, inherit=False)
    assert (plain.level, plain.cue, plain.source) == ("established", None, "default")


def test_section_opening_comes_from_the_first_sentence_without_a_heading_cue() -> None:
    opening = section_cue("4. Post-Traumatic Stress Disorder (PTSD) and Anxiety",
                          "Research into the use of ketamine has extended to PTSD.")
    assert opening is not None and opening.level == "preliminary"
    assert section_cue(None, "In the realm of medicine, substances find uses.") is None


def test_negation_is_separate_from_the_level() -> None:
    verdict = assess("while ketamine shows promise, it has failed to help in trials")
    assert verdict.level == "promising" and verdict.negated
    assert verdict.negation_cue == "failed to"


def test_a_limitation_is_not_a_negation() -> None:
    """"Not a standalone cure" limits the use the sentence states; it does not deny it."""
    verdict = assess("while ketamine shows promise, it’s not a standalone cure")
    assert verdict.level == "promising" and not verdict.negated
    assert verdict.limitation == "not a standalone cure"


def test_not_a_cure_is_a_limitation() -> None:
    verdict = assess("Experts warned that it is not a cure for back pain.")
    assert not verdict.negated and verdict.limitation == "not a cure"
