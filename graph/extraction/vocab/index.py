"""All vocabulary terms as one table of names, cached on disk by the sources' versions.

A name is stored under its token key (``lexicon.form_keys``: lower case, capitals kept
for abbreviations), so the linker looks a span of text up with the same keys it uses for the
ontology's names. Reading the three sources takes a few seconds; the index is pickled under
``$KKG_CACHE_DIR`` (default ``$XDG_CACHE_HOME/ketamine-kg``, else ``~/.cache/ketamine-kg``)
keyed by their versions and this module's schema, so a build after the first loads it in a
fraction of a second. A cache that cannot be written is simply not kept.

Names that are ordinary words more often than names (``rules/vocabulary-stoplist.txt``), and
one-word names shorter than four letters that are not abbreviations, are never indexed: in a
vocabulary of 40,000 terms they would fire on every page.
"""

from __future__ import annotations

import os
import pickle  # noqa: S403 - the project's own cache file, written by this module
import tempfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from graph.extraction.lexicon import form_keys
from graph.extraction.model import slugify
from graph.extraction.vocab import drugs, hpo, mesh_diseases, sources
from graph.extraction.vocab.model import VocabularyTerm

SCHEMA = "vocab-index-4"
STOPLIST = Path(__file__).resolve().parents[1] / "rules" / "vocabulary-stoplist.txt"
MIN_WORD_LENGTH = 4
LOADERS = ((sources.HPO, hpo.load_hpo), (sources.MESH_DISEASES, mesh_diseases.load_mesh_diseases),
           (sources.DRUGS, drugs.load_drugs))


@dataclass
class VocabularyIndex:
    """Terms (as plain tuples, which unpickle fast), and for each name key the terms it names.

    ``forms[key]`` holds term numbers: ``n`` where the key is the term's label, ``-n - 1``
    where it is a synonym.
    """

    terms: list[tuple] = field(default_factory=list)
    forms: dict[str, tuple[int, ...]] = field(default_factory=dict)
    max_tokens: int = 0
    versions: dict[str, str] = field(default_factory=dict)

    def add(self, term: VocabularyTerm, stop: frozenset[str]) -> None:
        number = len(self.terms)
        self.terms.append((term.source, term.label, term.kind, term.xrefs, term.synonyms))
        for form, is_label in ((term.label, True), *((s, False) for s in term.synonyms)):
            keys = form_keys(form)
            if not keys or _ignored(form, keys, stop):
                continue
            key = " ".join(keys)
            entries = self.forms.get(key, ())
            if number not in entries and -number - 1 not in entries:
                self.forms[key] = (*entries, number if is_label else -number - 1)
            self.max_tokens = max(self.max_tokens, len(keys))

    def term(self, number: int) -> VocabularyTerm:
        return VocabularyTerm(*self.terms[number])

    @cached_property
    def _by_slug(self) -> dict[str, list[int]]:
        """Term numbers by the slug of their label (built on first use, never pickled)."""
        by_slug: dict[str, list[int]] = {}
        for number, row in enumerate(self.terms):
            by_slug.setdefault(slugify(row[1]), []).append(number)
        return by_slug

    def terms_named(self, slug: str) -> list[VocabularyTerm]:
        """The terms whose label gives ``slug`` (the IRI the linker mints for them)."""
        return [self.term(n) for n in self._by_slug.get(slug, [])]

    def lookup(self, key: str) -> list[tuple[VocabularyTerm, bool]]:
        """The terms a name key names (labels first)."""
        entries = sorted(self.forms.get(key, ()), key=lambda entry: entry < 0)
        return [(self.term(n if n >= 0 else -n - 1), n >= 0) for n in entries]

    def __len__(self) -> int:
        return len(self.terms)


def _ignored(form: str, keys: tuple[str, ...], stop: frozenset[str]) -> bool:
    if form.lower() in stop:
        return True
    if len(keys) == 1 and len(keys[0]) < MIN_WORD_LENGTH and not keys[0].startswith("="):
        return True
    return False


def read_stoplist(path: Path = STOPLIST) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def build_index() -> VocabularyIndex:
    """Read every source into a fresh index (no cache)."""
    stop = read_stoplist()
    index = VocabularyIndex(versions={s.name: s.version() for s, _ in LOADERS})
    for source, loader in LOADERS:
        for term in loader(source.file()):
            index.add(term, stop)
    return index


def cache_dir() -> Path:
    if os.environ.get("KKG_CACHE_DIR"):
        return Path(os.environ["KKG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ketamine-kg"


@lru_cache(maxsize=1)
def load_index() -> VocabularyIndex:
    """The index, from the cache when its key matches, else built and cached."""
    key = sources.fingerprint(SCHEMA + "|" + STOPLIST.read_text(encoding="utf-8"))
    path = cache_dir() / f"vocabulary-{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - written by _save below
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    index = build_index()
    _save(index, path)
    return index


def _save(index: VocabularyIndex, path: Path) -> None:
    """Write atomically (a rename), so that two builds at once never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        return
