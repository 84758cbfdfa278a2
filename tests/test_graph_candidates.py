"""Stage 5, candidates: unknown terms are typed and kept, never silently dropped."""

from __future__ import annotations

from graph_fixtures import PSILOCYBIN, document_from_text, extract_text, extraction, lexicon

from graph.extraction.candidates import (
    candidate_label,
    collect_terms,
    find_candidates,
    load_patterns,
    merge,
)
from graph.extraction.linking import link_text
from graph.extraction.model import Sentence
from graph.namespaces import KKE, KKG


def _candidates(text: str) -> list[tuple[str, str, str]]:
    sentence = Sentence("d", 0, len(text), text)
    known = link_text(text, 0, lexicon())
    found = find_candidates(sentence, known, lexicon())
    for mention in found:
        assert text[mention.start:mention.end] == mention.text
    return [(m.text, str(m.entity).rsplit("/", 1)[-1],
             sorted(str(t).rsplit("/", 1)[-1] for t in m.types if t != KKG.CandidateTerm)[0])
            for m in found]


def test_patterns_are_data_with_a_term_group() -> None:
    patterns = load_patterns()
    assert {p.pattern_id for p in patterns} >= {"condition-disorder", "receptor", "drug-therapy"}
    assert all("term" in p.regex.groupindex for p in patterns)


def test_unknown_condition_and_receptor() -> None:
    assert _candidates("It eases demoralization syndrome and acts on 5-HT2C receptors.") == [
        ("demoralization syndrome", "demoralization-syndrome", "Condition"),
        ("5-HT2C receptors", "5-ht2c-receptor", "MolecularTarget"),
    ]


def test_unknown_pain_neuralgia_and_drug_names() -> None:
    found = _candidates("Treatment with zorbapine helped glossopharyngeal neuralgia and "
                        "neurogenic pain, unlike frobnizole therapy.")
    assert [f[:2] for f in found] == [
        ("zorbapine", "zorbapine"), ("glossopharyngeal neuralgia", "glossopharyngeal-neuralgia"),
        ("neurogenic pain", "neurogenic-pain"), ("frobnizole", "frobnizole")]


def test_known_names_win_over_candidates() -> None:
    assert _candidates("Conditions like complex regional pain syndrome and severe bipolar "
                       "disorder respond to ketamine therapy at the NMDA receptor.") == []


def test_a_more_specific_candidate_beats_a_shorter_known_name() -> None:
    found = _candidates("Ketamine may act on glutamate receptors.")
    assert [f[:2] for f in found] == [("glutamate receptors", "glutamate-receptor")]


def test_no_candidates_from_function_words_or_verbs() -> None:
    assert _candidates("It can treat a disorder, reduce pain relief and help the syndrome.") == []
    assert _candidates("Activating receptors matters, as does providing pain relief.") == []


def test_labels_are_singular_lower_case_except_names() -> None:
    assert candidate_label("Demoralization syndromes", at_sentence_start=True) == \
        "demoralization syndrome"
    assert candidate_label("Kleine-Levin Syndrome", at_sentence_start=False) == \
        "Kleine-Levin Syndrome"
    assert candidate_label("5-HT2C receptors", at_sentence_start=False) == "5-HT2C receptor"
    assert candidate_label("therapies", at_sentence_start=False) == "therapy"


def test_candidate_terms_are_counted_with_their_first_sentence() -> None:
    text = ("Title\n\nDemoralization syndrome is common. Ketamine may help demoralization "
            "syndrome. Demoralization syndrome (DS) is distressing. DS responds.")
    result = extract_text(text)
    (term,) = result.candidates
    assert term.iri == KKE["demoralization-syndrome"]
    assert term.label == "demoralization syndrome"
    assert term.mention_count == 5  # three spelled out, two by its abbreviation
    assert term.first_sentence.text == "Demoralization syndrome is common."
    assert KKG.Disease in term.types and KKG.CandidateTerm in term.types
    assert result.counts["candidates"] == 1


def test_candidates_take_part_in_relations_and_are_written() -> None:
    result = extraction(PSILOCYBIN)
    labels = {t.label for t in result.candidates}
    assert {"demoralization syndrome", "5-HT2C receptor"} <= labels
    triples = {(c.subject, c.predicate, c.object) for c in result.claims}
    assert (KKE.psilocybin, KKG.treats, KKE["demoralization-syndrome"]) in triples
    assert (KKE.psilocybin, KKG.modulates, KKE["5-ht2c-receptor"]) in triples
    graph = result.graph
    term = KKE["demoralization-syndrome"]
    assert (term, KKG.curationStatus, None) in graph
    assert str(graph.value(term, KKG.curationStatus)) == "candidate"
    assert int(graph.value(term, KKG.mentionCount)) == 1
    assert (term, None, KKG.CandidateTerm) in graph


def test_merge_replaces_what_a_candidate_covers() -> None:
    text = "acts on glutamate receptors"
    document = document_from_text(text)
    sentence = Sentence(document.doc_id, 0, len(text), text)
    known = link_text(text, 0, lexicon())
    found = find_candidates(sentence, known, lexicon())
    merged = merge(known, found)
    assert [m.text for m in merged] == ["glutamate receptors"]
    assert collect_terms([(sentence, merged)])[0].mention_count == 1
