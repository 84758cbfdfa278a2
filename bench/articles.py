"""A seeded generator of synthetic articles for ``ketamine-kg build`` over many documents.

Each article varies the seed article (``corpus/ketamine-uses.txt``) the way another article on
another drug would: the drug is one of the ontology's drugs, every condition the seed names
is swapped for another condition of the same ontology class (so the relation rules, which
check classes, still apply), and the numbered sections are shuffled, some dropped and some
repeated with other conditions, so articles differ in length and content. The text is real
input for the pipeline, not a stand-in: building a folder of them exercises every stage.

    .venv/bin/python -m bench.articles --count 400      # bench/data/articles-400/*.txt
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import KKE, KKG, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE = ROOT / "corpus" / "ketamine-uses.txt"
ONTOLOGY = ROOT / "ontology" / "release" / "ketamine-kg.ttl"
DATA_DIR = ROOT / "bench" / "data"
DEFAULT_SEED = 5
_SECTION = re.compile(r"^(\d+)\. (.+):$")
_DRUG = re.compile(r"\bketamine\b", re.IGNORECASE)
_CONDITION_CLASS_ROOT = str(KKG) + "Condition"


@dataclass(frozen=True)
class SeedArticle:
    """The seed split into its parts: title, introduction, numbered sections, ending."""

    title: str
    intro: str
    sections: list[tuple[str, str]]  # (heading without number, paragraph)
    ending: str


def read_seed(path: Path = SEED_ARTICLE) -> SeedArticle:
    """Split the seed article at its numbered headings (``N. Heading:``)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
              if b.strip()]
    title, intro, rest = blocks[0], blocks[1], blocks[2:]
    sections: list[tuple[str, str]] = []
    ending: list[str] = []
    index = 0
    while index < len(rest):
        match = _SECTION.match(rest[index])
        if match and index + 1 < len(rest):
            sections.append((match.group(2), rest[index + 1]))
            index += 2
        else:
            ending.append(rest[index])
            index += 1
    return SeedArticle(title, intro, sections, "\n\n".join(ending))


def vocabulary() -> tuple[list[str], dict[str, list[str]]]:
    """The ontology's drug labels, and its condition labels grouped by their class."""
    labels: dict[str, str] = {}
    types: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    rdf_type, label = PREFIXES["rdf"] + "type", PREFIXES["rdfs"] + "label"
    for triple in ox.parse(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE):
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == label and isinstance(o, ox.Literal):
            labels[s.value] = o.value
        elif p == rdf_type and isinstance(o, ox.NamedNode):
            types.setdefault(s.value, set()).add(o.value)
        elif p == PREFIXES["rdfs"] + "subClassOf" and isinstance(o, ox.NamedNode):
            parents.setdefault(s.value, set()).add(o.value)

    simple = re.compile(r"[a-z][a-z-]+")  # one-word drug names read naturally in the text
    drugs = sorted(labels[i] for i, t in types.items() if str(KKG) + "Drug" in t
                   and i in labels and "ketamine" not in labels[i]  # the seed's own drug
                   and simple.fullmatch(labels[i]))
    by_class: dict[str, list[str]] = {}
    for individual, classes in sorted(types.items()):
        if not individual.startswith(str(KKE)) or individual not in labels:
            continue
        for cls in sorted(c for c in classes
                          if c.startswith(str(KKG)) and _under_condition(c, parents)):
            by_class.setdefault(cls, []).append(labels[individual])
    return drugs, by_class


def _under_condition(cls: str, parents: dict[str, set[str]]) -> bool:
    """Whether a class is ``kkg:Condition`` or one of its subclasses (transitively)."""
    todo, seen = [cls], set()
    while todo:
        current = todo.pop()
        if current == _CONDITION_CLASS_ROOT:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return False


class ArticleMaker:
    """Makes article ``n`` of a seeded series."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self.article = read_seed()
        self.drugs, by_class = vocabulary()
        text = "\n".join([self.article.intro, *(h + "\n" + p for h, p in self.article.sections)])
        # the condition labels the seed uses, each with the others of its class
        self.swaps: dict[str, list[str]] = {}
        for labels in by_class.values():
            for name in labels:
                if len(name) > 3 and re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
                    self.swaps.setdefault(name.lower(), [])
                    self.swaps[name.lower()] += [o for o in labels if o != name]
        names = sorted(self.swaps, key=len, reverse=True)  # longest first: one pass, no overlap
        self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b",
                                   re.IGNORECASE)

    def make(self, number: int) -> tuple[str, str]:
        """(file name, text) of article ``number``; the same number always gives the same text."""
        rng = random.Random(self.seed * 1_000_003 + number)  # noqa: S311 - reproducible text
        drug = rng.choice(self.drugs)
        chosen = {name: rng.choice(others) for name, others in sorted(self.swaps.items())
                  if others}
        sections = list(self.article.sections)
        rng.shuffle(sections)
        sections = sections[:len(sections) - rng.randint(0, 2)]
        sections += [rng.choice(self.article.sections) for _ in range(rng.randint(0, 3))]
        parts = [self.article.title, self.article.intro]
        for position, (heading, paragraph) in enumerate(sections, 1):
            # a repeated section talks about other conditions than its first appearance
            swap = chosen if position <= len(self.article.sections) else {
                name: rng.choice(others) for name, others in sorted(self.swaps.items()) if others}
            parts += [f"{position}. {self._swap(heading, swap)}:", self._swap(paragraph, swap)]
        parts += [self.article.ending]
        text = "\n\n".join(_DRUG.sub(lambda m: _same_case(m.group(0), drug), p) for p in parts)
        return f"article-{number:04d}-{drug}.txt", text + "\n"

    def _swap(self, text: str, chosen: dict[str, str]) -> str:
        return self._pattern.sub(
            lambda m: _same_case(m.group(0), chosen.get(m.group(0).lower(), m.group(0))), text)


def _same_case(original: str, replacement: str) -> str:
    """The replacement with the original's leading capital (sentence starts stay capitalised)."""
    if original[:1].isupper() and not replacement[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def write_articles(count: int, folder: Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write articles 0..count-1 into ``folder`` (replacing what was there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("article-*.txt"):
        old.unlink()
    maker = ArticleMaker(seed)
    paths = []
    for number in range(count):
        name, text = maker.make(number)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    folder = args.out or DATA_DIR / f"articles-{args.count}"
    paths = write_articles(args.count, folder, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{folder}: {len(paths)} articles, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
