"""The label search index (server/search_index.py): ranking, early stops, and a brute-force check.

Quick unit tests only: the index's speed at a million triples is measured by ``bench.run``
(docs/benchmarks.md), never asserted here.
"""

from __future__ import annotations

import random

import pytest

from server.search_index import (
    EXACT_LABEL,
    EXACT_SYNONYM,
    PREFIX,
    SUBSTRING,
    Entry,
    SearchIndex,
    normalise,
)


def _entry(iri: str, text: str, kind: str = "label", label: str | None = None) -> Entry:
    return Entry(iri, label or text, text, kind, ())


def test_tiers_exact_prefix_word_inside() -> None:
    index = SearchIndex([
        _entry("inside", "antipain"),
        _entry("word", "chronic pain"),
        _entry("prefix", "painful bladder"),
        _entry("synonym", "Pain", "synonym", "nociception"),
        _entry("exact", "pain"),
    ])
    hits = index.search("PAIN")
    assert [h.entry.iri for h in hits] == ["exact", "synonym", "prefix", "word", "inside"]
    assert [h.tier for h in hits] == [EXACT_LABEL, EXACT_SYNONYM, PREFIX, SUBSTRING, SUBSTRING]
    assert hits[1].matched == "Pain"


def test_one_hit_per_resource_with_its_best_name() -> None:
    index = SearchIndex([
        _entry("k", "ketamine"),
        _entry("k", "Ketalar", "synonym", "ketamine"),
        _entry("k", "ketamine hydrochloride", "synonym", "ketamine"),
    ])
    hits = index.search("keta")
    assert len(hits) == 1 and hits[0].matched == "ketamine" and hits[0].tier == PREFIX


def test_labels_before_synonyms_then_shorter_then_alphabetical() -> None:
    index = SearchIndex([
        _entry("s", "veloxa", "synonym", "zz"),
        _entry("long", "velorazine extended"),
        _entry("b", "velob"),
        _entry("a", "veloa"),
    ])
    assert [h.entry.iri for h in index.search("velo")] == ["a", "b", "long", "s"]


def test_limit_stops_early_and_inside_words_only_fill_in() -> None:
    entries = [_entry(f"p{i}", f"azine prefixed {i}") for i in range(30)]
    entries += [_entry(f"i{i}", f"velorazine {i}") for i in range(30)]
    index = SearchIndex(entries)
    assert all(h.tier == PREFIX for h in index.search("azine", limit=20))
    hits = index.search("azine", limit=40)
    assert len(hits) == 40 and {h.entry.iri[0] for h in hits[30:]} == {"i"}
    assert index.search("azine", limit=0) == []


def test_case_accents_and_punctuation_are_ignored() -> None:
    index = SearchIndex([_entry("ptsd", "Post-Traumatic Stress Disorder"),
                         _entry("sj", "Sjögren syndrome")])
    assert [h.entry.iri for h in index.search("post traumatic")] == ["ptsd"]
    assert [h.entry.iri for h in index.search("traumatic-stress")] == ["ptsd"]
    assert [h.entry.iri for h in index.search("SJOGREN")] == ["sj"]
    assert index.search("   ") == [] and index.search("--") == []
    assert normalise("Ketamine  (HCl)") == "ketamine hcl"


def _reference(entries: list[Entry], query: str, limit: int) -> list[tuple[str, int]]:
    """What the index must answer, by brute force over every name."""
    wanted = normalise(query)
    best: dict[str, tuple[tuple[int, int, int, int, str], int]] = {}
    for entry in entries:
        name = normalise(entry.text)
        offset = name.find(wanted)
        if not wanted or offset < 0:
            continue
        if name == wanted:
            tier, inside = (EXACT_LABEL if entry.kind == "label" else EXACT_SYNONYM), 0
        elif offset == 0:
            tier, inside = PREFIX, 0
        else:
            starts = [i for i in range(len(name)) if name.startswith(wanted, i)]
            inside = int(all(name[i - 1] != " " for i in starts))
            tier = SUBSTRING
        key = (tier, inside, int(entry.kind != "label"), len(name), entry.label.lower())
        if entry.iri not in best or key < best[entry.iri][0]:
            best[entry.iri] = (key, tier)
    ranked = sorted(best.items(), key=lambda item: item[1][0])
    return [(iri, tier) for iri, (_key, tier) in ranked[:limit]]


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    syllables = ["ka", "ta", "mi", "ne", "pa", "in", "ro", "ve"]
    entries = []
    for number in range(300):
        words = ["".join(rng.choices(syllables, k=rng.randint(1, 3)))
                 for _ in range(rng.randint(1, 3))]
        entries.append(_entry(f"r{number % 120}", " ".join(words).capitalize(),
                              rng.choice(["label", "synonym"]), f"label {number % 120}"))
    index = SearchIndex(entries)
    for query in ["ka", "a", "ne pa", "tami", "in", "Ro", "vev", "kata", "zz", "e"]:
        for limit in (1, 5, 20, 500):
            got = [(h.entry.iri, h.tier) for h in index.search(query, limit)]
            assert got == _reference(entries, query, limit), (query, limit)
