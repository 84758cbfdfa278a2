"""How much of a curator's knowledge the build finds: the dev set, article by article.

Each article of ``../shared/dev-set/`` is built alone (``ketamine-kg build FILE --fresh``, the
reasoner on, as a user would), exported as N-Triples, and judged by the dev set's own scripts,
used as black boxes: ``score_kg.py`` (entities, facts, facts with evidence: recall against the
curator's gold) and ``claim_precision.py`` (claims whose two ends a gold fact joins). It prints
the table docs/quality.md keeps, and ``--json`` writes the figures for the regression guard
(``tests/test_quality_devset.py``).

    .venv/bin/python -m bench.quality [--dev-set DIR] [--json OUT] [--articles NAME ...]

A benchmark, not a test: it measures; the test only guards the floor it reached.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV_SET = ROOT.parent / "shared" / "dev-set"
_RECALL = re.compile(r"entities (\d+)/(\d+), facts (\d+)/(\d+), with-evidence (\d+)/(\d+)")
_PRECISION = re.compile(r"claims (\d+), supported (\d+), precision ([\d.]+)")


@dataclass
class ArticleScore:
    """The figures of one article."""

    article: str
    entities: int
    entities_gold: int
    facts: int
    facts_gold: int
    with_evidence: int
    claims: int
    supported: int
    seconds: float

    def ratio(self, name: str) -> float:
        gold = self.entities_gold if name == "entities" else self.facts_gold
        return getattr(self, name) / gold if gold else 0.0

    @property
    def precision(self) -> float:
        return self.supported / self.claims if self.claims else 0.0


def articles(dev_set: Path) -> list[str]:
    """The article names of a dev set: every NAME.txt with a NAME.gold.yaml beside it."""
    return sorted(p.name[: -len(".gold.yaml")] for p in dev_set.glob("*.gold.yaml")
                  if (dev_set / (p.name[: -len(".gold.yaml")] + ".txt")).is_file())


def _run(args: list[str]) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}…: exit {done.returncode}: "
                           f"{(done.stderr or done.stdout).strip()[-400:]}")
    return done.stdout


def score_article(name: str, dev_set: Path, work: Path) -> ArticleScore:
    """Build one article alone, export it, and score it with the dev set's scripts."""
    python, home, out = sys.executable, work / name, work / f"{name}.nt"
    started = time.perf_counter()
    cli = [python, "-m", "server.cli"]
    _run([*cli, "build", str(dev_set / f"{name}.txt"), "--home", str(home), "--fresh"])
    _run([*cli, "export", "--format", "nt", "--home", str(home), "--out", str(out)])
    seconds = time.perf_counter() - started
    gold = str(dev_set / f"{name}.gold.yaml")
    recall = _RECALL.search(_run([python, str(dev_set / "score_kg.py"), "--gold", gold,
                                  "--rdf", str(out), "-q"]))
    precision = _PRECISION.search(_run([python, str(dev_set / "claim_precision.py"),
                                        "--gold", gold, "--rdf", str(out), "-q"]))
    if not recall or not precision:
        raise RuntimeError(f"{name}: the dev set's scripts printed no score line")
    ent, ent_gold, facts, facts_gold, evidence, _ = (int(g) for g in recall.groups())
    return ArticleScore(name, ent, ent_gold, facts, facts_gold, evidence,
                        int(precision.group(1)), int(precision.group(2)), round(seconds, 1))


def table(scores: list[ArticleScore]) -> str:
    """The Markdown table of docs/quality.md."""
    lines = ["| article | entities | facts | with evidence | claims | precision |",
             "|---|---|---|---|---|---|"]
    for s in scores:
        lines.append(
            f"| {s.article} | {s.entities}/{s.entities_gold} ({s.ratio('entities'):.0%}) "
            f"| {s.facts}/{s.facts_gold} ({s.ratio('facts'):.0%}) "
            f"| {s.with_evidence}/{s.facts_gold} ({s.ratio('with_evidence'):.0%}) "
            f"| {s.claims} | {s.precision:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dev-set", type=Path, default=DEFAULT_DEV_SET)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--articles", nargs="*", help="only these (names without .txt)")
    args = parser.parse_args(argv)
    if not (args.dev_set / "score_kg.py").is_file():
        print(f"quality: no dev set at {args.dev_set}", file=sys.stderr)
        return 1
    names = args.articles or articles(args.dev_set)
    with tempfile.TemporaryDirectory(prefix="kkg-quality-") as work:
        scores = [score_article(name, args.dev_set, Path(work)) for name in names]
    print(table(scores))
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in scores], indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
