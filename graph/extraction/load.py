"""Stage 1: a path on disk → Document values, or one clear DocumentError.

The text is kept exactly as written (no Unicode normalisation, no newline conversion):
every later offset points into it, and the sentence-text check in ``queries/checks`` compares
evidence against it character by character. Only a UTF-8 byte-order mark is dropped, because
it is an encoding artefact, not text. The checksum is of the file's bytes, so it identifies
the very file that was read.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from rdflib import URIRef

from graph.errors import DocumentError
from graph.extraction.model import Document, slugify
from graph.namespaces import KKD

SUFFIXES = (".txt", ".md")
_BOM = "\ufeff"
FORMATS_FILE = Path(__file__).resolve().parent / "rules" / "binary-formats.tsv"
# C0 controls other than tab, newlines, vertical tab and form feed, and DEL: text has none,
# and a file of NUL bytes decodes as valid UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@cache
def _signatures() -> tuple[tuple[bytes, str], ...]:
    """(leading bytes, format name) of the non-text formats people mistake for documents."""
    rows = []
    for line in FORMATS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            signature, name = line.split("\t", 1)
            rows.append((bytes.fromhex(signature), name.strip()))
    return tuple(rows)


def refuse_non_text(path: Path, data: bytes, text: str) -> None:
    """DocumentError when the file is not text: a known binary format, or control bytes.

    Why: UTF-8 decoding alone accepted a file of NUL bytes and an ASCII-only PDF, which were
    then built into the graph as documents of "0 claims".
    """
    for signature, name in _signatures():
        if data.startswith(signature):
            raise DocumentError(f"{path}: {name}, not a text document; extract its text into "
                                "a .txt or .md file first")
    control = _CONTROL.search(text)
    if control:
        raise DocumentError(f"{path}: not a text document (control character "
                            f"U+{ord(control.group()):04X} at offset {control.start()})")


def load_document(path: Path | str) -> Document:
    """Read one UTF-8 text file as a Document."""
    path = Path(path)
    try:
        if not path.exists():
            raise DocumentError(f"{path}: no such file")
        if path.is_dir():
            raise DocumentError(f"{path}: is a directory, not a document")
        if not path.is_file():  # a device or a pipe: /dev/zero would be read forever
            raise DocumentError(f"{path}: not a regular file")
    except (OSError, ValueError) as exc:  # a name too long, or one the system cannot encode
        raise DocumentError(f"{str(path)[:200]}: cannot be read ({exc})") from exc
    doc_id = slugify(path.stem)
    if not doc_id:
        raise DocumentError(f"{path}: the file name gives an empty document id; rename it")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        refuse_non_text(path, data, "")  # a PDF is better named than by its first odd byte
        raise DocumentError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    refuse_non_text(path, data, text)
    if text.startswith(_BOM):
        text = text[len(_BOM):]
    if not text.strip():
        raise DocumentError(f"{path}: the document is empty")
    return Document(
        doc_id=doc_id,
        iri=URIRef(f"{KKD}{doc_id}"),
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def load_documents(path: Path | str) -> list[Document]:
    """A file → [its Document]; a directory → its *.txt / *.md documents sorted by name.

    A directory is read one level deep: sub-folders are usually drafts or attachments, and
    silently ingesting them would be a surprise.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise DocumentError(f"{path}: no such file or directory")
        if not path.is_dir():
            return [load_document(path)]
        files = sorted(
            child for child in path.iterdir()
            if child.is_file() and child.suffix.lower() in SUFFIXES
        )
    except (OSError, ValueError) as exc:  # unreadable folder, a name too long or unencodable
        raise DocumentError(f"{str(path)[:200]}: cannot be read ({exc})") from exc
    if not files:
        raise DocumentError(f"{path}: no {' or '.join(SUFFIXES)} documents in this directory")
    documents = [load_document(child) for child in files]
    refuse_duplicate_ids(documents)
    return documents


def refuse_duplicate_ids(documents: list[Document]) -> None:
    """Refuse two documents that would share an id (and so one named graph)."""
    seen: dict[str, Path] = {}
    for document in documents:
        if document.doc_id in seen:
            raise DocumentError(
                f"{seen[document.doc_id]} and {document.path} would both get the document id "
                f"{document.doc_id!r}; rename one"
            )
        seen[document.doc_id] = document.path


load_path = load_documents
