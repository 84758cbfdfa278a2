"""Article styles other than the seed's: bullet lists, headings above their body, long lists
with names the ontology lacks. Found by running unseen articles (gabapentin, propranolol)
through the build; each case is a sentence or two of that kind, run through the whole
pipeline with the real ontology."""

from __future__ import annotations

from graph_fixtures import extract_text

from graph.namespaces import KKE, KKG


def _facts(text: str) -> set[tuple[str, str, str, bool]]:
    return {(str(c.subject).removeprefix(str(KKE)), str(c.predicate).removeprefix(str(KKG)),
             str(c.object).removeprefix(str(KKE)), c.negated)
            for c in extract_text(text).claims}


def test_bullets_complete_the_sentence_that_introduces_them() -> None:
    text = ("Propranolol\n\n## Medical uses\n\nPropranolol is used for treating various "
            "conditions, including:\n\n- Hypertension\n- Atrial fibrillation\n"
            "- Essential tremor\n")
    extraction = extract_text(text)
    found = {(str(c.object).removeprefix(str(KKE))) for c in extraction.claims}
    assert {"hypertension", "atrial-fibrillation", "essential-tremor"} <= found
    for claim in extraction.claims:  # the evidence is the document's own text, lead to item
        assert claim.sentence.text.startswith("Propranolol is used for treating")
        assert text[claim.sentence.start:claim.sentence.end] == claim.sentence.text


def test_a_long_list_keeps_going_past_names_the_ontology_lacks() -> None:
    facts = _facts("Propranolol is used to treat high blood pressure, thyrotoxicosis, "
                   "capillary hemangiomas, performance anxiety, and essential tremors.")
    objects = {obj for _s, _p, obj, _n in facts}
    assert {"hypertension", "thyrotoxicosis", "capillary-hemangioma", "performance-anxiety",
            "essential-tremor"} <= objects


def test_a_clause_break_ends_the_list() -> None:
    facts = _facts("Chronic pain, often resulting from conditions like fibromyalgia, "
                   "neuropathy, and complex regional pain syndrome, can be debilitating.")
    assert ("chronic-pain", "causesCondition", "fibromyalgia", False) not in facts
    assert ("fibromyalgia", "causesCondition", "chronic-pain", False) in facts


def test_headings_above_their_body_scope_certainty() -> None:
    text = ("Gabapentin Uses\n\nGabapentin was first approved in 1993 for epilepsy.\n\n"
            "Fibromyalgia\nSome studies suggest that gabapentin may relieve fibromyalgia.\n")
    claims = extract_text(text).claims
    levels = {str(c.object).removeprefix(str(KKE)): str(c.certainty).removeprefix(str(KKG))
              for c in claims}
    assert levels.get("epilepsy") == "established"
    assert levels.get("fibromyalgia") == "preliminary"


def test_denials_are_negated() -> None:
    facts = _facts("Gabapentin does not treat bipolar disorder.")
    assert ("gabapentin", "treats", "bipolar-disorder", True) in facts


def test_side_effects_are_not_uses() -> None:
    facts = _facts("Lithium is used for bipolar disorder. Long-term use of lithium can cause "
                   "hypothyroidism.")
    assert ("lithium", "hasAdverseEffect", "hypothyroidism", False) in facts
    assert not any(obj == "hypothyroidism" and pred == "treats" for _s, pred, obj, _n in facts)


def test_gold_standard_and_disease_modifying_wording() -> None:
    claims = extract_text("Lithium has been the gold standard for the treatment of bipolar "
                          "disorder. Preliminary evidence suggests lithium may slow the "
                          "progression of Alzheimer's disease.").claims
    levels = {str(c.object).removeprefix(str(KKE)): str(c.certainty).removeprefix(str(KKG))
              for c in claims}
    assert levels["bipolar-disorder"] == "established"
    assert levels["alzheimer-s-disease"] == "preliminary"


def test_unknown_enzymes_become_candidate_targets() -> None:
    extraction = extract_text("Although its mechanism is not fully understood, lithium "
                              "inhibits inositol monophosphatase.")
    assert [c.label for c in extraction.candidates] == ["inositol monophosphatase"]
    claim = next(c for c in extraction.claims if str(c.predicate) == str(KKG.modulates))
    assert str(claim.certainty) == str(KKG.hypothesised)


def test_an_adverse_effects_section_makes_its_conditions_adverse_effects() -> None:
    text = ("Metformin\n\nMetformin is the first-line medication for type 2 diabetes.\n\n"
            "Adverse effects\nGastrointestinal upset, including diarrhoea and nausea, is "
            "common.\n")
    facts = _facts(text)
    assert ("metformin", "hasAdverseEffect", "nausea", False) in facts
    assert not any(pred == "treats" and obj == "nausea" for _s, pred, obj, _n in facts)


def test_the_documents_drug_is_the_subject_of_a_comparison() -> None:
    text = ("Metformin\n\nMetformin is widely used.\nMetformin is an alternative to insulin "
            "for polycystic ovary syndrome.\n")
    subjects = {s for s, _p, obj, _n in _facts(text) if obj == "polycystic-ovary-syndrome"}
    assert subjects == {"metformin"}


def test_trials_that_showed_no_benefit_deny_the_use() -> None:
    facts = _facts("Randomised trials of metformin in breast cancer, however, showed no "
                   "benefit.")
    assert ("metformin", "treats", "breast-cancer", True) in facts


def test_regulatory_wording_is_established_and_warnings_are_adverse_effects() -> None:
    text = ("Sertraline\n\nSertraline was approved by the FDA in 1991 for major depressive "
            "disorder. Sertraline is indicated for panic disorder.\n\nChildren\nIn children, "
            "sertraline is approved only for obsessive-compulsive disorder. A boxed warning "
            "notes that sertraline carries an increased risk of suicidal ideation.\n")
    claims = extract_text(text).claims
    by_object = {str(c.object).removeprefix(str(KKE)): c for c in claims}
    for condition in ("major-depressive-disorder", "panic-disorder",
                      "obsessive-compulsive-disorder"):
        assert by_object[condition].certainty == KKG.established, condition
    warning = by_object["suicidal-ideation"]
    assert warning.predicate == KKG.hasAdverseEffect
    # a plain statement of fact, not the approval the section opens with
    assert warning.certainty_source == "default"


def test_an_article_about_a_drug_the_ontology_lacks() -> None:
    text = ("Brexanolide for Postpartum Depression\n\nBrexanolide is an oral neuroactive "
            "steroid. It was approved for postpartum depression in 2023.\n\nSafety\n"
            "Brexanolide can cause dizziness.\n")
    extraction = extract_text(text)
    assert [(t.label, KKG.Drug in t.types) for t in extraction.candidates] == [
        ("brexanolide", True)]
    facts = {(s, p, o) for s, p, o, _n in _facts(text)}
    assert ("brexanolide", "treats", "postpartum-depression") in facts


def test_a_title_word_that_is_not_a_drug_is_left_alone() -> None:
    extraction = extract_text("Understanding Chronic Pain\n\nChronic pain is common. "
                              "Ketamine relieves chronic pain.\n")
    assert extraction.candidates == []


def test_a_negation_stops_at_a_clause_break() -> None:
    facts = _facts("Aspirin is not recommended in children with infections because of the "
                   "risk of Reye syndrome.")
    assert ("aspirin", "hasAdverseEffect", "reye-syndrome", False) in facts


def test_evidence_that_does_not_support_a_use_denies_it() -> None:
    facts = _facts("Evidence does not support aspirin for the primary prevention of "
                   "heart disease in healthy older adults.")
    assert facts and all(negated for _s, _p, _o, negated in facts)
