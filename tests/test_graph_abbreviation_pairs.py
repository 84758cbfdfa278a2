"""Abbreviations an article defines, found by Schwartz–Hearst and linked through the lexicon."""

from __future__ import annotations

from graph_fixtures import extract_text, lexicon

from graph.extraction.abbreviation_pairs import definition_pairs, learn
from graph.namespaces import KKE


def test_schwartz_hearst_finds_the_pairs() -> None:
    text = ("Carbamazepine (CBZ) treats trigeminal neuralgia. Stevens-Johnson syndrome (SJS) "
            "is rare.")
    assert definition_pairs(text) == {"CBZ": "Carbamazepine", "SJS": "Stevens-Johnson syndrome"}


def test_a_defined_abbreviation_stands_for_its_definition_everywhere() -> None:
    text = ("Drug Notes\n\nSerious side effects include Stevens-Johnson syndrome (SJS). "
            "Carbamazepine can cause SJS in some patients.")
    learned = learn(text, [], lexicon())
    assert learned["SJS"][0].entity == KKE["stevens-johnson-syndrome"]
    claims = extract_text(text).claims
    sentences = {c.sentence.text.split()[0] for c in claims
                 if c.object == KKE["stevens-johnson-syndrome"]}
    assert sentences == {"Serious", "Carbamazepine"}


def test_a_linked_name_the_algorithm_rejects_still_defines_its_abbreviation() -> None:
    text = "3,4-METHYLENEDIOXYMETHAMPHETAMINE (MDMA) is a drug. MDMA is taken by mouth."
    assert "MDMA" not in definition_pairs(text)
    from graph.extraction.linking import link_text

    mentions = link_text(text, 0, lexicon())
    assert learn(text, mentions, lexicon())["MDMA"][0].entity == KKE.mdma
