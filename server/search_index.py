"""An in-memory index of every label and synonym, built once per store and searched by bisection.

Why an index rather than a regex per request: a SPARQL engine answers "labels containing
'ketam'" by scanning every literal with a regex (Oxigraph: a few requests per second at a
million triples). The store is read-only while it is served, so the names are normalised
and sorted once, and a query is a few binary searches whose cost depends on how many names
match, not on how many there are.

Three sorted structures, searched best tier first, stopping as soon as ``limit`` resources
are certain (a later stage can only find worse-ranked names):

1. the names themselves, sorted: exact matches and prefixes (one range by bisection);
2. every word start inside a name (``"chronic pain"`` → ``"pain"``), sorted: a match at a
   word boundary (one range by bisection);
3. all names joined into one string: a match inside a word (``str.find``, in C), needed only
   when stages 1 and 2 found fewer than ``limit`` resources.

Ranking, best first: exact label, exact synonym, prefix of a name, a word of a name, inside a
word; within a tier labels before synonyms, then shorter names, then alphabetical.
Case-, accent- and punctuation-insensitive (see ``normalise``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TOP = "\U0010ffff"
_SEPARATOR = "\n"  # never inside a normalised name (whitespace runs become one space)
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
    """Sorted names, sorted word starts and one joined string of every normalised name."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self._names = [normalise(entry.text) for entry in self.entries]
        self._synonym = bytes(entry.kind != "label" for entry in self.entries)
        self._sort_labels = [entry.label.lower() for entry in self.entries]
        # the order within a tier: labels before synonyms, shorter names first, then A-Z
        order = sorted(range(len(self._names)), key=lambda number: (
            self._synonym[number], len(self._names[number]), self._sort_labels[number]))
        self._rank = [0] * len(order)
        for rank, number in enumerate(order):
            self._rank[number] = rank
        # 1. names sorted (entry numbers in name order, and the names in that order)
        self._by_name = sorted(range(len(self._names)), key=self._names.__getitem__)
        self._sorted_names = [self._names[number] for number in self._by_name]
        # 2. word starts after the first word: (rest of the name from there, entry number)
        words = sorted((name[offset + 1:], number) for number, name in enumerate(self._names)
                       for offset in _spaces(name))
        self._word_keys = [word for word, _ in words]
        self._word_refs = [number for _, number in words]
        # 3. every name in one string; _starts[i] is where name i begins
        self._haystack = _SEPARATOR.join(self._names)
        self._starts: list[int] = []
        position = 0
        for name in self._names:
            self._starts.append(position)
            position += len(name) + 1

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best-ranked resources whose label or synonym contains the query."""
        wanted = normalise(query)
        if not wanted or limit <= 0:
            return []
        found = _Collector(self.entries, limit)
        low = bisect_left(self._sorted_names, wanted)
        high = bisect_left(self._sorted_names, wanted + _TOP, lo=low)
        exact = low
        while exact < high and self._sorted_names[exact] == wanted:
            exact += 1
        # exact matches sort first in the range; labels rank before synonyms (EXACT_*)
        for number in self._ranked(self._by_name[low:exact]):
            if found.add(number, EXACT_SYNONYM if self._synonym[number] else EXACT_LABEL):
                return found.hits
        if found.take(self._ranked(self._by_name[exact:high]), PREFIX):
            return found.hits
        low = bisect_left(self._word_keys, wanted)
        high = bisect_left(self._word_keys, wanted + _TOP, lo=low)
        if found.take(self._ranked(self._word_refs[low:high]), SUBSTRING):
            return found.hits
        found.take(self._ranked(list(self._inside_words(wanted))), SUBSTRING)
        return found.hits

    def _ranked(self, numbers: list[int]) -> list[int]:
        """Entry numbers in rank order (labels first, then shorter names, then A-Z)."""
        return sorted(numbers, key=self._rank.__getitem__)

    def _inside_words(self, wanted: str) -> Iterable[int]:
        """Entry numbers with ``wanted`` inside a word (not at a name or word start)."""
        haystack, find = self._haystack, self._haystack.find
        position = find(wanted)
        last = -1
        while position >= 0:
            if position > 0 and haystack[position - 1] not in (" ", _SEPARATOR):
                number = bisect_left(self._starts, position + 1) - 1
                if number != last:
                    last = number
                    yield number
            position = find(wanted, position + 1)


class _Collector:
    """Hits in the order they are offered, one per resource, up to a limit."""

    def __init__(self, entries: list[Entry], limit: int) -> None:
        self.entries, self.limit = entries, limit
        self.hits: list[Hit] = []
        self._seen: set[str] = set()

    def add(self, number: int, tier: int) -> bool:
        """Keep this entry if its resource is new; True once the limit is reached."""
        entry = self.entries[number]
        if entry.iri not in self._seen:
            self._seen.add(entry.iri)
            self.hits.append(Hit(entry, tier))
        return len(self.hits) >= self.limit

    def take(self, numbers: Iterable[int], tier: int) -> bool:
        """Offer entries in order; True once the limit is reached."""
        return any(self.add(number, tier) for number in numbers)


def _spaces(name: str) -> Iterable[int]:
    """Offsets of the spaces of a normalised name (each is followed by a word)."""
    position = name.find(" ")
    while position >= 0:
        yield position
        position = name.find(" ", position + 1)


# Keyed by the store object (embedded or remote): a new store generation gets a new index.
_INDEXES: weakref.WeakKeyDictionary[object, SearchIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_for(store: object, load: Callable[[], Iterable[Entry]]) -> SearchIndex:
    """The index of a store, built on first use from the entries ``load()`` gives."""
    with _LOCK:
        index = _INDEXES.get(store)
        if index is None:
            index = SearchIndex(load())
            _INDEXES[store] = index
        return index
