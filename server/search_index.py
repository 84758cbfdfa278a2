"""An in-memory index of every label and synonym, built once per store and searched by bisection.

Why a suffix array rather than a regex per request: the store is read-only while it is served,
so the names can be normalised and sorted once; a query is then two binary searches over the
sorted suffixes (every substring of a name is a prefix of one of its suffixes), whatever the
size of the vocabulary.

Ranking, best first: exact label, exact synonym, prefix of a name, substring of a name (a match
at a word start before one inside a word); ties go to labels, then to shorter names.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.store import GraphStore

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TOP = "\U0010ffff"
EXACT_LABEL, EXACT_SYNONYM, PREFIX, SUBSTRING = range(4)


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: "Post-Traumatic" → "post traumatic"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


@dataclass(frozen=True)
class Entry:
    """One name of one resource."""

    iri: str
    label: str
    text: str
    kind: str  # "label" or "synonym"
    types: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A resource found by a query, with the name that matched and how well."""

    entry: Entry
    tier: int

    @property
    def matched(self) -> str:
        """The name (label or synonym) that matched, as written in the graph."""
        return self.entry.text


class SearchIndex:
    """Sorted suffixes of every normalised name, each pointing back at its entry."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        suffixes: list[tuple[str, int, int]] = []
        self._names: list[str] = []
        for number, entry in enumerate(self.entries):
            name = normalise(entry.text)
            self._names.append(name)
            suffixes += [(name[offset:], number, offset) for offset in range(len(name))
                         if name[offset] != " "]
        suffixes.sort()
        self._keys = [s[0] for s in suffixes]
        self._refs = [(s[1], s[2]) for s in suffixes]

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best-ranked resources whose label or synonym contains the query."""
        wanted = normalise(query)
        if not wanted:
            return []
        low = bisect_left(self._keys, wanted)
        high = bisect_left(self._keys, wanted + _TOP, lo=low)
        best: dict[str, tuple[tuple[int, int, int, int, str], Hit]] = {}
        for number, offset in self._refs[low:high]:
            entry, name = self.entries[number], self._names[number]
            tier = self._tier(entry, name, wanted, offset)
            inside_word = int(offset > 0 and name[offset - 1] != " ")
            score = (tier, int(entry.kind != "label"), inside_word, len(name), entry.label.lower())
            if entry.iri not in best or score < best[entry.iri][0]:
                best[entry.iri] = (score, Hit(entry, tier))
        ranked = sorted(best.values(), key=lambda pair: pair[0])
        return [hit for _, hit in ranked[:limit]]

    @staticmethod
    def _tier(entry: Entry, name: str, wanted: str, offset: int) -> int:
        if offset == 0 and name == wanted:
            return EXACT_LABEL if entry.kind == "label" else EXACT_SYNONYM
        return PREFIX if offset == 0 else SUBSTRING


_INDEXES: weakref.WeakKeyDictionary[GraphStore, SearchIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_for(store: GraphStore, load: Callable[[], Iterable[Entry]]) -> SearchIndex:
    """The index of a store, built on first use from the entries ``load()`` gives."""
    with _LOCK:
        index = _INDEXES.get(store)
        if index is None:
            index = SearchIndex(load())
            _INDEXES[store] = index
        return index
