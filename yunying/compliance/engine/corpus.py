"""The labelled corpus (tests/compliance/corpus/) and the figures computed on it.

* Recall per category: a violating text counts as found when the scan reports a finding of its
  category (blocking or warning: either way a person looks at it before it goes out). Reported
  on the texts as written and on every disguised form (engine/obfuscate.py).
* False positives: the share of clean texts with a BLOCKING finding (a warning on a clean text
  costs a supervisor a click; a block stops a post that should go out).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .obfuscate import variants
from .scanner import ScanContext
from .types import BLOCK, CATEGORIES, Finding

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "compliance" / "corpus"

Scan = Callable[..., list[Finding]]


def load(name: str) -> list[dict[str, Any]]:
    texts: list[dict[str, Any]] = tomllib.loads(
        (CORPUS / f"{name}.toml").read_text(encoding="utf-8")
    )["texts"]
    return texts


@dataclass
class Report:
    plain: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    disguised: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_method: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    clean_total: int = 0
    clean_blocked: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _share(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 1.0

    def recall(self, table: dict[str, list[int]]) -> float:
        found = sum(p[0] for p in table.values())
        total = sum(p[1] for p in table.values())
        return found / total if total else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.clean_blocked) / self.clean_total if self.clean_total else 0.0

    def render(self) -> str:
        lines = ["", "corpus: recall per category (as written / disguised forms)"]
        for category in CATEGORIES:
            if category in self.plain:
                plain, disguised = self.plain[category], self.disguised[category]
                lines.append(
                    f"  {category:22} {plain[0]:3}/{plain[1]:<3} {self._share(plain):6.1%}"
                    f"   {disguised[0]:4}/{disguised[1]:<4} {self._share(disguised):6.1%}"
                )
        lines.append(
            f"  {'all':22} {self.recall(self.plain):14.1%}   {self.recall(self.disguised):12.1%}"
        )
        lines.append("disguised recall by method")
        for method, pair in self.by_method.items():
            lines.append(f"  {method:22} {pair[0]:4}/{pair[1]:<4} {self._share(pair):6.1%}")
        lines.append(
            f"clean texts with a blocking finding: {len(self.clean_blocked)}/{self.clean_total}"
            f" = {self.false_positive_rate:.1%}"
        )
        lines.extend(f"  false positive: {item}" for item in self.clean_blocked)
        lines.extend(f"  miss: {item}" for item in self.misses[:30])
        return "\n".join(lines)


def evaluate(scan: Scan, *, seed: int = 0) -> Report:
    report = Report()
    for entry in load("violations"):
        category, platform = entry["category"], entry["platform"]
        found = any(f.category == category for f in scan(entry["text"], platform=platform))
        report.plain[category][0] += found
        report.plain[category][1] += 1
        if not found:
            report.misses.append(f"{entry['id']} (as written): {entry['text']}")
        for method, text in variants(entry["text"], seed):
            context = ScanContext(collapse_repeats=method == "repeats")
            hit = any(
                f.category == category for f in scan(text, platform=platform, context=context)
            )
            for table, key in ((report.disguised, category), (report.by_method, method)):
                table[key][0] += hit
                table[key][1] += 1
            if not hit:
                report.misses.append(f"{entry['id']} ({method}): {text}")
    for entry in load("clean"):
        report.clean_total += 1
        blocking = [
            f for f in scan(entry["text"], platform=entry["platform"]) if f.severity == BLOCK
        ]
        if blocking:
            report.clean_blocked.append(
                f"{entry['id']}: " + ", ".join(f"{f.rule} “{f.text}”" for f in blocking)
            )
    return report
