"""Stage 7, relations: data-driven rules, subjects by pronoun/focus, objects by heading."""

from __future__ import annotations

from graph_fixtures import ARTICLE, extract_text, extraction, lexicon

from graph.extraction.anaphora import load_rules as load_anaphora
from graph.extraction.model import Mention
from graph.extraction.relation_rules import load_rules, mark
from graph.namespaces import KKE, KKG


def _triples(text: str) -> set[tuple[str, str, str]]:
    return {(_short(c.subject), _short(c.predicate), _short(c.object))
            for c in extract_text(text).claims}


def _short(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_rules_are_data_and_name_classes_the_ontology_has() -> None:
    rules = load_rules()
    assert {"drug-treats-condition", "drug-has-role", "drug-modulates-target", "use-route",
            "use-setting", "use-adjunct", "use-mechanism", "use-onset",
            "condition-causes-condition", "drug-treats-section-condition"} <= {
                r.rule_id for r in rules}
    known = set(lexicon().ancestors)
    for rule in rules:
        assert rule.subject_classes <= known, rule
        assert rule.object_classes <= known, rule
        assert rule.predicate is None or str(rule.predicate).startswith(str(KKG))
    assert load_anaphora().pronoun.search("it’s")


def test_cue_placeholders_mean_exactly_one_mention() -> None:
    text = "pain, then pain again"
    second = Mention(11, 15, "pain", KKE.pain, frozenset())
    assert mark(text, 0, None, second) == "pain, then \ue000OBJECT\ue001 again"


def test_pronouns_and_sentences_without_a_drug_refer_to_the_focus_drug() -> None:
    text = ("Ketamine in Practice\n\nEsketamine is mentioned once. Esketamine again. "
            "Its ability to provide pain relief is clear. It is a preferred choice for "
            "anesthetic induction. Such patients respond to anesthetic induction.")
    triples = _triples(text)
    assert ("ketamine", "hasEffect", "analgesia") in triples
    assert ("ketamine", "usedFor", "anaesthetic-induction") in triples
    assert not any(s == "esketamine" for s, _, _ in triples)


def test_focus_drug_is_the_most_mentioned_without_a_title_drug() -> None:
    text = ("A Review\n\nEsketamine is discussed. Ketamine is common. Ketamine is old. "
            "It is used as an analgesic.")
    assert ("ketamine", "hasRole", "analgesic") in _triples(text)


def test_heading_names_the_condition_of_use_sentences() -> None:
    text = ("Ketamine Today\n\n3. Treatment-Resistant Depression:\n\n"
            "Ketamine infusion therapy has shown remarkable success, often within hours or days. "
            "TRD refers to cases where standard antidepressant medications have shown limited "
            "efficacy.")
    claims = extract_text(text).claims
    (claim,) = [c for c in claims if c.object == KKE["treatment-resistant-depression"]]
    assert claim.predicate == KKG.treats and claim.rule_id == "drug-treats-section-condition"
    assert claim.qualifiers.route == (KKE["intravenous-infusion"],)
    assert claim.qualifiers.onset == ("within hours or days",)
    assert claim.certainty == KKG.supported and claim.hedge_cue == "remarkable success"
    assert claim.sentence.text.startswith("Ketamine infusion therapy")


def test_these_conditions_points_back_at_the_last_use_objects() -> None:
    text = ("Ketamine Research\n\n5. Other Conditions:\n\nKetamine is being explored for "
            "bipolar disorder and obsessive-compulsive disorder (OCD). Clinical trials are "
            "ongoing to determine the effectiveness of ketamine for these conditions.")
    claims = extract_text(text).claims
    second = {_short(c.object) for c in claims if c.sentence.text.startswith("Clinical")}
    assert second == {"bipolar-disorder", "obsessive-compulsive-disorder"}


def test_causes_use_up_their_mentions_so_no_use_is_invented() -> None:
    text = ("Ketamine and Pain\n\nChronic pain, often resulting from conditions like "
            "fibromyalgia, neuropathy, and complex regional pain syndrome, can be debilitating "
            "and resistant to conventional treatments.")
    assert _triples(text) == {
        ("fibromyalgia", "causesCondition", "chronic-pain"),
        ("neuropathy", "causesCondition", "chronic-pain"),
        ("complex-regional-pain-syndrome", "causesCondition", "chronic-pain"),
    }


def test_beyond_lists_are_not_objects() -> None:
    text = ("Ketamine Research\n\nBeyond depression, PTSD, and anxiety, ketamine’s potential is "
            "being explored for a range of other mental health disorders, including bipolar "
            "disorder, obsessive-compulsive disorder (OCD), and borderline personality disorder.")
    objects = {o for _, p, o in _triples(text) if p == "treats"}
    assert objects == {"bipolar-disorder", "obsessive-compulsive-disorder",
                       "borderline-personality-disorder"}


def test_a_limitation_limits_the_use_and_adjunct_therapy_qualifies_it() -> None:
    """"not a standalone cure for these conditions" limits the uses; it does not deny them."""
    text = ("Ketamine for PTSD\n\n4. Post-Traumatic Stress Disorder (PTSD) and Anxiety:\n\n"
            "Research into ketamine for PTSD and severe anxiety continues. It’s important to "
            "note that while ketamine shows promise, it’s not a standalone cure for these "
            "conditions. Rather, it could be integrated into a treatment plan that includes "
            "psychotherapy.")
    claims = extract_text(text).claims
    assert not [c for c in claims if c.negated]
    limited = [c for c in claims if c.limitation]
    assert {_short(c.object) for c in limited} >= {"post-traumatic-stress-disorder",
                                                   "anxiety-disorder"}
    assert all(c.limitation == "not a standalone cure" and c.certainty == KKG.promising
               for c in limited)
    adjunct = [c for c in claims if c.qualifiers.adjunct]
    assert {_short(c.object) for c in adjunct} >= {"post-traumatic-stress-disorder",
                                                   "anxiety-disorder"}
    assert all(c.qualifiers.adjunct == (KKE.psychotherapy,) for c in adjunct)


def test_not_responding_to_other_therapies_is_not_a_negation() -> None:
    text = ("Ketamine and Pain\n\n2. Chronic Pain Management:\n\nKetamine infusions have "
            "demonstrated promising results in providing significant pain relief for certain "
            "individuals who have not responded well to other therapies.")
    claims = extract_text(text).claims
    use = [c for c in claims if c.object == KKE["chronic-pain"]]
    assert use and not any(c.negated for c in claims)
    assert use[0].predicate == KKG.relievesSymptom and use[0].certainty == KKG.promising


def test_mechanism_roles_receptors_and_settings_in_the_article() -> None:
    claims = extraction(ARTICLE).claims
    triples = {(_short(c.subject), _short(c.predicate), _short(c.object)) for c in claims}
    assert ("ketamine", "modulates", "nmda-receptor") in triples
    assert ("ketamine", "hasRole", "anaesthetic") in triples
    assert ("ketamine", "hasRole", "analgesic") in triples
    pain = [c for c in claims if c.object == KKE["chronic-pain"] and c.qualifiers.mechanism]
    assert pain and pain[0].qualifiers.mechanism == (KKE["nmda-receptor"],)
    palliative = [c for c in claims if c.object == KKE.delirium]
    assert set(palliative[0].qualifiers.setting) == {KKE["palliative-care"],
                                                     KKE["end-of-life-care"]}
    assert all(c.certainty != KKG.hypothesised for c in claims
               if c.predicate == KKG.hasRole)


def test_route_and_setting_qualify_the_use_of_their_sentence() -> None:
    text = ("Ketamine Today\n\nEsketamine is given as an intranasal spray for treatment-resistant "
            "depression. Ketamine is used for anaesthesia in surgical procedures and in "
            "emergency situations.")
    claims = extract_text(text).claims
    (spray,) = [c for c in claims if c.subject == KKE.esketamine and c.makes_use]
    assert spray.object == KKE["treatment-resistant-depression"]
    assert spray.qualifiers.route == (KKE["intranasal-administration"],)
    (surgery,) = [c for c in claims if c.object == KKE.anaesthesia]
    assert surgery.predicate == KKG.usedFor and surgery.subject == KKE.ketamine
    assert surgery.qualifiers.setting == (KKE.surgery, KKE["emergency-medicine"])


def test_qualifiers_only_go_to_use_claims() -> None:
    text = ("Ketamine Today\n\nKetamine infusions act as an analgesic and relieve severe pain "
            "within hours.")
    claims = extract_text(text).claims
    by_predicate = {c.predicate: c for c in claims}
    assert by_predicate[KKG.relievesSymptom].qualifiers.onset == ("within hours",)
    assert not by_predicate[KKG.hasRole].qualifiers


def test_the_drug_a_sentence_opens_with_is_its_subject() -> None:
    """Issue 9: "Esketamine was developed … for TRD" is esketamine's use, not ketamine's."""
    text = ("Ketamine Today\n\nKetamine is used for anaesthesia. Esketamine, the S-enantiomer "
            "of ketamine, was developed for treatment-resistant depression.")
    claims = extract_text(text).claims
    (trd,) = [c for c in claims if c.object == KKE["treatment-resistant-depression"]]
    assert trd.subject == KKE.esketamine


def test_a_negation_in_an_opening_clause_does_not_deny_the_main_clause() -> None:
    """Issue 9: "for those for whom other drugs do not work" is not a denied use."""
    text = ("Ketamine Today\n\nFor those for whom other drugs do not work, ketamine is "
            "approved for treatment-resistant depression. Ketamine did not improve "
            "fibromyalgia in the trial.")
    by_object = {_short(c.object): c for c in extract_text(text).claims}
    assert not by_object["treatment-resistant-depression"].negated
    assert by_object["fibromyalgia"].negated
