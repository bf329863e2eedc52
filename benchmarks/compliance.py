"""Figures for the compliance engine: speed of the whole pipeline, lexicon build, corpus quality.

Run: ``.venv/bin/python benchmarks/compliance.py [--chars N]`` (pure Python, no database). Prints
figures; asserts nothing about time.

* Speed: characters per second on generated Chinese text (10 million characters by default) with
  generated lexicons of 20,000 and 100,000 terms, for
  - the whole pipeline (``scan``: normalisation, lexicon, patterns, whitelists, span mapping),
  - the raw matcher alone (ahocorasick-rs over the raw text, same terms),
  - a naive regular-expression alternation of the same terms (on a slice of 200,000 and 20,000
    characters: it is two to three orders of magnitude slower; a full run would take hours),
  all in the same run on the same text.
* Build: seconds to normalise and compile each generated lexicon (aim: under 2 s for 100,000).
* Quality: recall per category on the labelled corpus (plain and obfuscated violations) and the
  share of clean texts with a blocking finding (aims: ≥ 95 % and < 1 %).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ahocorasick_rs as ac

from yunying.compliance.engine import corpus
from yunying.compliance.engine.lexicon import builtin, common_characters, parse
from yunying.compliance.engine.normalize import warm_up
from yunying.compliance.engine.scanner import scan

SEED = 20261122
REGEX_SAMPLE = {20_000: 200_000, 100_000: 20_000}
# Sentence punctuation and the odd disguise, in roughly the proportions of real posts.
PUNCTUATION = "，，，，。。！？、：“”（）"
DISGUISES = ["\u200b", " ", "😀", "❤", "·"]


def make_terms(rng: random.Random, chars: list[str], count: int) -> list[str]:
    terms: set[str] = set()
    while len(terms) < count:
        terms.add("".join(rng.choices(chars, k=rng.randint(2, 5))))
    return sorted(terms)


def make_text(rng: random.Random, chars: list[str], terms: list[str], size: int) -> str:
    """Filler words with punctuation, dates and prices, and about one planted (often disguised)
    term per 2,000 characters."""
    parts: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.0005:
            term = rng.choice(terms)
            piece = rng.choice(DISGUISES).join(term) if rng.random() < 0.5 else term
        elif roll < 0.12:
            piece = rng.choice(PUNCTUATION)
        elif roll < 0.125:
            piece = f"{rng.randint(2020, 2026)}年{rng.randint(1, 12)}月"
        elif roll < 0.13:
            piece = f"{rng.randint(9, 999)}元"
        else:
            piece = "".join(rng.choices(chars, k=rng.randint(1, 4)))
        parts.append(piece)
        length += len(piece)
    return "".join(parts)[:size]


def lexicon_document(terms: list[str]) -> dict[str, Any]:
    return {
        "version": f"bench-{len(terms)}",
        "category": "prohibited_by_law",
        "rules": [
            {
                "id": "bench.term",
                "severity": "block",
                "source": "benchmark",
                "explanation": "generated term",
                "terms": [{"term": t, "reason": "generated"} for t in terms],
            }
        ],
    }


def rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1e6:6.2f} M chars/s ({seconds:.2f} s)"


def best_of(runs: int, fn: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def speed(size: int) -> None:
    rng = random.Random(SEED)  # noqa: S311 - reproducible text, not secrets
    chars = common_characters()
    start = time.perf_counter()
    warm_up()
    print(f"normaliser tables built in {time.perf_counter() - start:.2f} s (once per process)")
    all_terms = make_terms(rng, chars, 100_000)
    text = make_text(rng, chars, all_terms[:20_000], size)
    print(f"text: {len(text):,} characters ({len(text.encode()) / 1e6:.1f} MB UTF-8)")
    for count in (20_000, 100_000):
        terms = all_terms[:count]
        build, lexicon = best_of(1, lambda t=terms: parse([("bench", lexicon_document(t))]))
        print(f"\n{count:,} terms — lexicon build (normalise + compile): {build:.2f} s")
        seconds, found = best_of(2, lambda lx=lexicon: scan(text, platform="douyin", lexicon=lx))
        print(f"  whole pipeline (scan)        {rate(len(text), seconds)}, {len(found):,} findings")
        raw = ac.AhoCorasick(terms, matchkind=ac.MATCHKIND_LEFTMOST_LONGEST)
        seconds, matches = best_of(2, lambda m=raw: m.find_matches_as_indexes(text))
        print(f"  raw matcher (ahocorasick-rs) {rate(len(text), seconds)}, {len(matches):,} hits")
        # The alternation is so slow that a slice has to do (100,000 terms: minutes per MB).
        sample = text[: REGEX_SAMPLE[count]]
        pattern = re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))))
        seconds, _ = best_of(1, lambda p=pattern, t=sample: p.findall(t))
        print(
            f"  naive regex alternation      {rate(len(sample), seconds)}, "
            f"on {len(sample):,} characters"
        )


def quality() -> None:
    start = time.perf_counter()
    lexicon = builtin()
    print(
        f"\nbuilt-in lexicons: {lexicon.term_count:,} terms, {len(lexicon.rules)} rules, "
        f"{len(lexicon.main.keys):,} automaton keys with variants and cues, "
        f"built in {time.perf_counter() - start:.2f} s ({lexicon.version})"
    )
    report = corpus.evaluate(scan)
    print(report.render())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=10_000_000)
    args = parser.parse_args()
    speed(args.chars)
    quality()


if __name__ == "__main__":
    main()
