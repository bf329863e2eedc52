"""Lexicons: the rule data files, read, checked and compiled into one Aho-Corasick automaton.

The built-in lexicons are TOML files in ``compliance/data/lexicons`` (one per category, each with
its own version). Every term, whitelist phrase and context cue goes through the same normaliser as
the texts, so a disguised form of a term meets the term in normal form. High-risk terms may ask for
pinyin and homophone variants, generated here at build time.

An agency's own terms for one client (a hospital's drug names, a liquor brand's trademark as a
whitelist) compile into a small lexicon of their own (:func:`compile_extra`), scanned beside the
built-in one, so a change to one client's list never rebuilds the big automaton.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import ahocorasick_rs as ac
import numpy as np

from .normalize import normalize
from .types import BLOCK, CATEGORIES, PLATFORMS, SEVERITIES, WARN, Rule

DATA = Path(__file__).resolve().parent.parent / "data" / "lexicons"

# What an automaton key is for.
TERM = "term"  # a finding when it matches
CUE = "cue"  # a word a co-occurrence rule or a guard looks for; no finding of its own
WHITELIST = "whitelist"  # suppresses the hits it contains


class LexiconError(ValueError):
    """A data file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class Entry:
    """What one normalised key of an automaton stands for (a key can stand for several)."""

    role: str
    rule: str  # the rule the key belongs to ("" for a client whitelist: it covers every rule)
    term: str  # as written in the lexicon
    severity: str = BLOCK
    reason: str = ""
    variant: str = ""  # "拼音" or "谐音" when generated
    # For co-occurrence cues: which side of the pair ("a" or "b"); for guards: "guard".
    side: str = ""
    # A client term's category (built-in terms take their rule's).
    category: str = ""


@dataclass(frozen=True)
class Cooccurrence:
    rule: str
    window: int


@dataclass(frozen=True)
class Exemption:
    rule: str
    applies_to: frozenset[str]
    severity: str
    window: int


@dataclass(frozen=True)
class Guard:
    rule: str
    applies_to: frozenset[str]
    window: int


@dataclass
class Automaton:
    """Normalised keys and what each stands for."""

    keys: list[str]
    entries: list[tuple[Entry, ...]]
    matcher: Any  # ahocorasick_rs.AhoCorasick (untyped)
    overlapping: bool
    # For keys that begin or end with an ASCII letter or digit: the class a neighbour must not
    # share ("a" letters, "d" digits), so "top1" does not match inside "stop1" or "100%" in "1100%".
    edges: list[tuple[str, str]] = field(default_factory=list)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(key index, start, end) of every match in ``text`` (normalised)."""
        if not self.keys or not text:
            return []
        found: list[tuple[int, int, int]] = self.matcher.find_matches_as_indexes(
            text, overlapping=self.overlapping
        )
        return found


def _automaton(pairs: Iterable[tuple[str, Entry]], *, overlapping: bool) -> Automaton:
    # A dict per key keeps each key's entries unique and in order.
    grouped: dict[str, dict[Entry, None]] = {}
    for key, entry in pairs:
        if key:
            grouped.setdefault(key, {})[entry] = None
    keys = list(grouped)
    kind = ac.MATCHKIND_STANDARD if overlapping else ac.MATCHKIND_LEFTMOST_LONGEST
    # The contiguous NFA matched Chinese lexicons fastest here (benchmarks/compliance.py).
    matcher = (
        ac.AhoCorasick(keys, matchkind=kind, implementation=ac.Implementation.ContiguousNFA)
        if keys
        else None
    )
    edges = [(char_class(k[0]), char_class(k[-1])) for k in keys]
    return Automaton(keys, [tuple(grouped[k]) for k in keys], matcher, overlapping, edges)


def char_class(char: str) -> str:
    """ "a" for an ASCII letter, "d" for an ASCII digit, "" otherwise."""
    if not char.isascii():
        return ""
    if char.isalpha():
        return "a"
    return "d" if char.isdigit() else ""


def normalize_many(terms: Sequence[str]) -> list[str]:
    """Terms in normal form, normalised in one pass (100,000 in a fraction of a second)."""
    if not terms:
        return []
    offsets = np.cumsum([0, *(len(t) for t in terms)])
    joined = normalize("".join(terms))
    cuts = np.searchsorted(joined.origin, offsets)
    return [joined.text[cuts[i] : cuts[i + 1]] for i in range(len(terms))]


def common_characters() -> list[str]:
    """GB 2312 level 1: the 3,755 most common characters."""
    out = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            if high == 0xD7 and low > 0xF9:
                break
            out.append(bytes((high, low)).decode("gb2312"))
    return out


@cache
def _homophone_table() -> dict[str, tuple[str, ...]]:
    """Common characters grouped by toned pinyin, for homophone variants."""
    from pypinyin import Style, pinyin

    common = common_characters()
    readings: dict[str, list[str]] = defaultdict(list)
    for char, reading in zip(common, pinyin(common, style=Style.TONE3), strict=True):
        readings[reading[0]].append(char)
    return {reading: tuple(chars) for reading, chars in readings.items()}


# A term asking for variants gets at most this many homophone forms, so one term cannot flood
# the automaton (and the clean texts) with near-words.
_MAX_HOMOPHONES = 24


def variants(term: str) -> list[tuple[str, str]]:
    """(variant, kind) pairs for a high-risk term: pinyin, mixed pinyin/hanzi, homophones."""
    from pypinyin import Style, lazy_pinyin, pinyin

    chars = [c for c in term if "\u4e00" <= c <= "\u9fff"]
    if len(chars) != len(term) or not 2 <= len(term) <= 5:
        return []
    plain = lazy_pinyin(term, style=Style.NORMAL)
    out: list[tuple[str, str]] = []
    for choice in product((0, 1), repeat=len(term)):
        if any(choice):
            mixed = (p if c else h for h, p, c in zip(term, plain, choice, strict=True))
            out.append(("".join(mixed), "拼音"))
    table = _homophone_table()
    toned = [r[0] for r in pinyin(term, style=Style.TONE3)]
    homophones = []
    for index, reading in enumerate(toned):
        for other in table.get(reading, ()):
            if other != term[index]:
                homophones.append(term[:index] + other + term[index + 1 :])
    out.extend((h, "谐音") for h in homophones[:_MAX_HOMOPHONES])
    return out


def _require(data: dict[str, Any], key: str, where: str, kind: type = str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is str and not value):
        raise LexiconError(f"{where}: “{key}” is required ({kind.__name__})")
    return value


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{where}: “{key}” must be a list of non-empty strings")
    return tuple(value)


def _rule(data: dict[str, Any], *, category: str, kind: str, where: str) -> Rule:
    rule_id = _require(data, "id", where)
    where = f"{where} {rule_id}"
    severity = _require(data, "severity", where)
    if severity not in SEVERITIES:
        raise LexiconError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    platforms = _strings(data, "platforms", where) or PLATFORMS
    unknown = set(platforms) - set(PLATFORMS)
    if unknown:
        raise LexiconError(f"{where}: unknown platforms {sorted(unknown)}")
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        source=_require(data, "source", where),
        explanation=_require(data, "explanation", where),
        kind=kind,
        platforms=frozenset(platforms),
        must_match=_strings(data, "must_match", where),
        must_not_match=_strings(data, "must_not_match", where),
    )


def _window(data: dict[str, Any], where: str) -> int:
    window = data.get("window", 0)
    if not isinstance(window, int) or window < 0:
        raise LexiconError(f"{where}: “window” must be a whole number ≥ 0")
    return window


@dataclass
class Lexicon:
    """Everything the scanner needs from a set of lexicon files, compiled."""

    version: str
    versions: dict[str, str]  # rule id -> "category@version" of the file it came from
    rules: dict[str, Rule]
    main: Automaton  # terms and co-occurrence cues, leftmost-longest
    context: Automaton  # whitelists and exemption cues, overlapping, read around hits only
    cooccurrences: list[Cooccurrence] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    longest_context_key: int = 0
    term_count: int = 0


def parse(documents: Iterable[tuple[str, dict[str, Any]]]) -> Lexicon:
    """Check and compile parsed lexicon files ((name, TOML data) pairs)."""
    rules: dict[str, Rule] = {}
    versions: dict[str, str] = {}
    main: list[tuple[str, Entry]] = []
    context: list[tuple[str, Entry]] = []
    cooccurrences: list[Cooccurrence] = []
    exemptions: list[Exemption] = []
    guards: list[Guard] = []
    digest = hashlib.sha256()
    wanted_variants: list[tuple[str, Entry]] = []

    def add_rule(rule: Rule, file_version: str, where: str) -> None:
        if rule.id in rules:
            raise LexiconError(f"{where}: rule id {rule.id} is used twice")
        rules[rule.id] = rule
        versions[rule.id] = file_version

    raw_main: list[tuple[str, Entry]] = []
    raw_context: list[tuple[str, Entry]] = []
    for name, data in documents:
        category = _require(data, "category", name)
        if category not in CATEGORIES:
            raise LexiconError(f"{name}: unknown category {category}")
        file_version = f"{category}@{_require(data, 'version', name)}"
        digest.update(f"{name}:{file_version};".encode())
        for index, item in enumerate(data.get("rules", [])):
            where = f"{name} rules[{index}]"
            rule = _rule(item, category=category, kind="lexicon", where=where)
            add_rule(rule, file_version, where)
            terms = item.get("terms", [])
            if not isinstance(terms, list) or not terms:
                raise LexiconError(f"{where} {rule.id}: “terms” must list at least one term")
            for t_index, term in enumerate(terms):
                t_where = f"{where} {rule.id} terms[{t_index}]"
                text = _require(term, "term", t_where)
                severity = term.get("severity", rule.severity)
                if severity not in SEVERITIES:
                    raise LexiconError(f"{t_where}: severity must be block or warn")
                entry = Entry(TERM, rule.id, text, severity, _require(term, "reason", t_where))
                raw_main.append((text, entry))
                if term.get("variants"):
                    wanted_variants.append((text, entry))
            for phrase in _strings(item, "whitelist", where):
                raw_context.append((phrase, Entry(WHITELIST, rule.id, phrase)))
        for index, item in enumerate(data.get("cooccurrence", [])):
            where = f"{name} cooccurrence[{index}]"
            rule = _rule(item, category=category, kind="cooccurrence", where=where)
            add_rule(rule, file_version, where)
            for side in ("a", "b"):
                words = _strings(item, side, where)
                if not words:
                    raise LexiconError(f"{where} {rule.id}: “{side}” must list words")
                raw_main.extend(
                    (w, Entry(CUE, rule.id, w, rule.severity, side=side)) for w in words
                )
            # Phrases that contain either word and mean the opposite ("未成年人请勿饮酒").
            for phrase in _strings(item, "whitelist", where):
                raw_context.append((phrase, Entry(WHITELIST, rule.id, phrase)))
            cooccurrences.append(Cooccurrence(rule.id, _window(item, where)))
        for index, item in enumerate(data.get("exemptions", [])):
            where = f"{name} exemptions[{index}]"
            rule = _rule(item, category=category, kind="exemption", where=where)
            add_rule(rule, file_version, where)
            applies = frozenset(_strings(item, "applies_to", where))
            for cue in _strings(item, "cues", where):
                raw_context.append((cue, Entry(CUE, rule.id, cue, rule.severity, side="exempt")))
            exemptions.append(Exemption(rule.id, applies, rule.severity, _window(item, where)))
        for index, item in enumerate(data.get("guards", [])):
            where = f"{name} guards[{index}]"
            guard_id = _require(item, "id", where)
            applies = frozenset(_strings(item, "applies_to", where))
            for cue in _strings(item, "cues", where):
                raw_main.append((cue, Entry(CUE, guard_id, cue, WARN, side="guard")))
            guards.append(Guard(guard_id, applies, _window(item, where)))

    for exemption in exemptions:
        for target in exemption.applies_to | {g for guard in guards for g in guard.applies_to}:
            if target not in rules:
                raise LexiconError(f"{exemption.rule}: applies to unknown rule {target}")

    for text, entry in wanted_variants:
        for variant, kind in variants(text):
            raw_main.append(
                (variant, Entry(TERM, entry.rule, entry.term, entry.severity, entry.reason, kind))
            )
    main_keys = normalize_many([t for t, _ in raw_main])
    main.extend(zip(main_keys, (e for _, e in raw_main), strict=True))
    context_keys = normalize_many([t for t, _ in raw_context])
    context.extend(zip(context_keys, (e for _, e in raw_context), strict=True))
    for key, (text, entry) in zip(main_keys, raw_main, strict=True):
        if not key and not entry.variant:
            raise LexiconError(f"{entry.rule}: “{text}” is empty once normalised")
    return Lexicon(
        version="builtin-" + digest.hexdigest()[:12],
        versions=versions,
        rules=rules,
        main=_automaton(main, overlapping=False),
        context=_automaton(context, overlapping=True),
        cooccurrences=cooccurrences,
        exemptions=exemptions,
        guards=guards,
        longest_context_key=max((len(k) for k in context_keys), default=0),
        term_count=sum(1 for _, e in raw_main if e.role == TERM and not e.variant),
    )


def load_files(directory: Path = DATA) -> list[tuple[str, dict[str, Any]]]:
    documents = []
    for path in sorted(directory.glob("*.toml")):
        try:
            documents.append((path.name, tomllib.loads(path.read_text(encoding="utf-8"))))
        except tomllib.TOMLDecodeError as error:
            raise LexiconError(f"{path.name}: {error}") from error
    return documents


@cache
def builtin() -> Lexicon:
    """The shipped lexicons, compiled once per process."""
    return parse(load_files())


# -- an agency's own terms for one client -----------------------------------------------------

CLIENT_RULE = "client.term"


@dataclass(frozen=True)
class ExtraEntry:
    term: str
    kind: str  # TERM or WHITELIST
    category: str
    severity: str
    reason: str


@dataclass
class ExtraLexicon:
    version: str
    terms: Automaton
    whitelist: Automaton
    longest_whitelist: int


def compile_extra(entries: Iterable[ExtraEntry], *, version: str) -> ExtraLexicon:
    """A client's own terms and whitelist phrases, compiled on their own."""
    entries = list(entries)
    keys = normalize_many([e.term for e in entries])
    terms: list[tuple[str, Entry]] = []
    whitelist: list[tuple[str, Entry]] = []
    for key, entry in zip(keys, entries, strict=True):
        if entry.kind == WHITELIST:
            whitelist.append((key, Entry(WHITELIST, "", entry.term)))
        else:
            terms.append(
                (
                    key,
                    Entry(
                        TERM,
                        CLIENT_RULE,
                        entry.term,
                        entry.severity,
                        entry.reason,
                        category=entry.category,
                    ),
                )
            )
    return ExtraLexicon(
        version=version,
        terms=_automaton(terms, overlapping=False),
        whitelist=_automaton(whitelist, overlapping=True),
        longest_whitelist=max((len(k) for k, _ in whitelist), default=0),
    )
