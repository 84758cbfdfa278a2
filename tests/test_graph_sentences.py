"""Stage 2, sentences: title, headings and sentences by exact offsets."""

from __future__ import annotations

from pathlib import Path

from graph_fixtures import ARTICLE, document_from_text

from graph.extraction.load import load_document
from graph.extraction.sentences import find_title, segment, split_sections, split_sentences


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(document_from_text(text))]


def test_article_title_sections_and_sentences() -> None:
    document = load_document(ARTICLE)
    parts = segment(document)
    assert parts.title is not None
    title = document.text[parts.title[0]:parts.title[1]]
    assert title == "Exploring the Multifaceted Uses of Ketamine"
    assert [s.heading for s in parts.sections] == [
        None,
        "1. Anesthetic and Analgesic Properties",
        "2. Chronic Pain Management",
        "3. Treatment-Resistant Depression",
        "4. Post-Traumatic Stress Disorder (PTSD) and Anxiety",
        "5. Research into Other Mental Health Conditions",
        "6. Palliative Care",
        "Final Thoughts",
    ]
    assert len(parts.sentences) == 28
    for sentence in parts.sentences:
        assert document.text[sentence.start:sentence.end] == sentence.text
    trd = [s for s in parts.sentences if s.text.startswith("One of the most groundbreaking")]
    assert trd[0].text.endswith("treatment-resistant depression (TRD).")
    assert trd[0].section == "3. Treatment-Resistant Depression"
    curly = [s for s in parts.sentences if s.text.startswith("It’s important to note")]
    assert curly[0].text.endswith("not a standalone cure for these conditions.")


def test_headings_are_not_sentences() -> None:
    document = load_document(ARTICLE)
    texts = {s.text for s in split_sentences(document)}
    assert not any(t.startswith(("1. Anesthetic", "Final Thoughts")) for t in texts)
    assert all(section.start >= section.heading_end for section in split_sections(document))


def test_abbreviations_do_not_end_sentences() -> None:
    text = ("Title\n\nSome drugs, e.g. ketamine, act fast. Others, i.e. SSRIs, do not. "
            "Dr. Smith compared ketamine vs. placebo in 2020. J. Doe agreed.")
    assert _texts(text) == [
        "Some drugs, e.g. ketamine, act fast.",
        "Others, i.e. SSRIs, do not.",
        "Dr. Smith compared ketamine vs. placebo in 2020.",
        "J. Doe agreed.",
    ]


def test_brackets_and_quotes() -> None:
    text = ("Title\n\nIt helps in depression (TRD). The effect is rapid (see Fig. 2. Below.) "
            "in most patients. He said “it works.” Then he left. Why? Nobody knows… Really.")
    assert _texts(text) == [
        "It helps in depression (TRD).",
        "The effect is rapid (see Fig. 2. Below.) in most patients.",
        "He said “it works.”",
        "Then he left.",
        "Why?",
        "Nobody knows…",
        "Really.",
    ]


def test_decimals_and_lower_case_continuations_do_not_split() -> None:
    assert _texts("Title\n\nA dose of 0.5 mg/kg was used. it was fine. Next one.") == [
        "A dose of 0.5 mg/kg was used. it was fine.",
        "Next one.",
    ]


def test_markdown_headings_bullets_and_wrapped_lines() -> None:
    text = ("# Psilocybin notes\n\n## Uses\nPsilocybin is studied\nfor depression. It is "
            "promising.\n- first point\n- second point\n\nClosing words:\nDone here.")
    document = document_from_text(text)
    parts = segment(document)
    assert document.text[parts.title[0]:parts.title[1]] == "Psilocybin notes"
    assert [s.heading for s in parts.sections] == [None, "Uses", "Closing words"]
    assert [s.text for s in parts.sentences] == [
        "Psilocybin is studied\nfor depression.",
        "It is promising.",
        "- first point",
        "- second point",
        "Done here.",
    ]
    assert [s.section for s in parts.sentences][-1] == "Closing words"


def test_single_paragraph_has_no_title() -> None:
    assert find_title("Ketamine helps") is None
    assert _texts("Ketamine helps. It works.") == ["Ketamine helps.", "It works."]


def test_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Title\r\n\r\n1. Uses:\r\n\r\nKetamine helps. It works.\r\n")
    document = load_document(path)
    parts = segment(document)
    assert parts.sections[-1].heading == "1. Uses"
    assert [s.text for s in parts.sentences] == ["Ketamine helps.", "It works."]


def test_heading_line_directly_above_its_body() -> None:
    text = ("Gabapentin Uses\n\nNeuropathic Pain\nGabapentin relieves postherpetic neuralgia.\n"
            "It is taken orally.\n\nAn ordinary paragraph that is wrapped after the word of\n"
            "Many lines. Still one section.\n")
    segmentation = segment(document_from_text(text))
    headings = [s.heading for s in segmentation.sections]
    assert headings == [None, "Neuropathic Pain"]
    assert [s.text for s in segmentation.sentences][:2] == [
        "Gabapentin relieves postherpetic neuralgia.", "It is taken orally."]
    assert all(s.section == "Neuropathic Pain" for s in segmentation.sentences)


def test_citation_markers_close_the_sentence_they_follow() -> None:
    text = ("Title line\n\nIt is used for neuropathic pain.[12] Methadone is an opioid.[3][4] "
            "It is taken by mouth.[5] [6] Some say so.[citation needed] The end [note 2].")
    assert _texts(text) == [
        "It is used for neuropathic pain.[12]",
        "Methadone is an opioid.[3][4]",
        "It is taken by mouth.[5] [6]",
        "Some say so.[citation needed]",
        "The end [note 2].",
    ]


def test_front_matter_line_is_neither_title_nor_heading() -> None:
    text = ("# source: someone/repo@abc123 Page/Drug.md\nDRUG is a medication used for pain."
            "[1] It is taken by mouth.\n\nUses\n\nDrug is used for pain.")
    document = document_from_text(text)
    parts = segment(document)
    assert parts.title is None
    assert [s.heading for s in parts.sections] == [None, "Uses"]
    assert [s.text for s in parts.sentences][0] == "DRUG is a medication used for pain.[1]"


def test_a_news_storys_capitals_lines_are_headings() -> None:
    text = ("Drug helps back pain\n\nA drug eases pain, a study says.\n\nBACK PAIN\n\n"
            "It reduced back pain in a trial.\n\nHOW DOES IT WORK?\n\nIt blocks nerve signals.")
    parts = segment(document_from_text(text))
    assert [s.heading for s in parts.sections] == [None, "BACK PAIN", "HOW DOES IT WORK?"]
    assert [s.section for s in parts.sentences][1:] == ["BACK PAIN", "HOW DOES IT WORK?"]
