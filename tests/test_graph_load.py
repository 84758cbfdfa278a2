"""Stage 1, loading: one clear DocumentError for every bad input, text kept verbatim."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import DocumentError
from graph.extraction.load import load_document, load_documents
from graph.extraction.sentences import segment

ARTICLE = Path(__file__).resolve().parents[1] / "corpus" / "ketamine-uses.txt"


def test_article_is_read_verbatim() -> None:
    document = load_document(ARTICLE)
    data = ARTICLE.read_bytes()
    assert document.doc_id == "ketamine-uses"
    assert str(document.iri) == "https://w3id.org/ketamine-kg/document/ketamine-uses"
    assert document.text == data.decode("utf-8")
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_document(tmp_path / "absent.txt")
    with pytest.raises(DocumentError, match="no such file"):
        load_documents(tmp_path / "absent")


def test_directory_without_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(DocumentError, match=r"no \.txt or \.md documents"):
        load_documents(tmp_path)


def test_directory_is_read_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# B\n\nSecond text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First text.", encoding="utf-8")
    (tmp_path / "c.csv").write_text("x,y", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.txt").write_text("Nested.", encoding="utf-8")
    assert [d.doc_id for d in load_documents(tmp_path)] == ["a", "b"]


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Uses.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "uses.md").write_text("Two.", encoding="utf-8")
    with pytest.raises(DocumentError, match="document id 'uses'"):
        load_documents(tmp_path)


def test_non_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Ketamine – café".encode("latin-1", errors="replace") + b"\xe9")
    with pytest.raises(DocumentError, match=r"not UTF-8 text \(byte 0x"):
        load_document(path)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", "\ufeff \n".encode()])
def test_empty_documents(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match="empty"):
        load_document(path)


def test_byte_order_mark_is_dropped_and_offsets_point_into_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle Line\n\nKetamine helps. It works.".encode())
    document = load_document(path)
    assert document.text.startswith("Title")
    sentence = segment(document).sentences[0]
    assert document.text[sentence.start:sentence.end] == sentence.text == "Ketamine helps."


def test_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as info:
        load_document(tmp_path / "absent.txt")
    assert "\n" not in str(info.value)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=400).map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from([
        "Ketamine", " ", "\n", "\n\n", "\r\n", ".", "e.g.", "Dr.", "(TRD)", "1. ", ":",
        "’", "“", "”", "?", "!", "…", "it's", "Final Thoughts:", "#", "- ", "\u2028", "\ufeff",
    ]), max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
))
def test_loader_and_splitter_only_raise_document_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        document = load_document(path)
    except DocumentError:
        return
    parts = segment(document)
    for sentence in parts.sentences:
        assert 0 <= sentence.start < sentence.end <= len(document.text)
        assert document.text[sentence.start:sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
    for section in parts.sections:
        assert document.text[section.heading_start:section.heading_end] == (section.heading or "")
    for left, right in zip(parts.sentences, parts.sentences[1:], strict=False):
        assert left.end <= right.start


@pytest.mark.parametrize(("content", "fragment"), [
    (b"\0" * 100, "control character U+0000 at offset 0"),
    (b"Ketamine\x01 relieves pain.", "control character U+0001 at offset 8"),
    (b"%PDF-1.7\n%%EOF\n", "a PDF file, not a text document"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF file, not a text document"),  # binary PDF
    (b"PK\x03\x04rest", "a ZIP archive"),
], ids=["nul-bytes", "a-control-byte", "ascii-pdf", "binary-pdf", "zip"])
def test_what_is_not_text_is_refused_whatever_its_name(tmp_path: Path, content: bytes,
                                                        fragment: str) -> None:
    path = tmp_path / "looks-like-text.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=re.escape(fragment)):
        load_document(path)


def test_tabs_form_feeds_and_line_separators_are_still_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Ketamine\trelieves pain.\x0c\nIt\u2028works.\r\n".encode())
    assert load_document(path).text.startswith("Ketamine\t")
