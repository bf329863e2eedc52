"""``scan``: every finding for one text on one platform, with spans in the original text.

The text is normalised once; the built-in automaton (terms and co-occurrence cues) runs over the
whole normalised text in one pass, and so do the patterns. Everything else (whitelists, the 2023
guideline's exemptions, guards) is read only in a small window around each hit, because hits are
rare and windows are cheap: the cost of the scan stays the cost of one automaton pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from . import patterns
from .lexicon import (
    CLIENT_RULE,
    CUE,
    TERM,
    WHITELIST,
    Automaton,
    Entry,
    Exemption,
    ExtraLexicon,
    Lexicon,
    builtin,
    char_class,
)
from .normalize import Normalized, normalize
from .types import BLOCK, PLATFORMS, Finding, Rule

# An exemption cue and the term it excuses must sit in one sentence.
_SENTENCE_ENDS = frozenset("。！？!?；;\n")
CLIENT_SOURCE = "机构为该客户维护的词库"


@dataclass(frozen=True)
class ScanContext:
    """What besides the text and platform a scan may use."""

    # The agency's own terms and whitelist for the client (compliance.services builds it).
    extra: ExtraLexicon | None = None
    # Also match with runs of one character folded (微微信信 -> 微信); a second pass.
    collapse_repeats: bool = False


class UnknownPlatform(ValueError):
    pass


@cache
def _pattern_rules() -> dict[str, Rule]:
    return {rule.id: rule for rule in patterns.PATTERN_RULES}


def _edges_ok(text: str, start: int, end: int, edges: tuple[str, str]) -> bool:
    left, right = edges
    if left and start > 0 and char_class(text[start - 1]) == left:
        return False
    return not (right and end < len(text) and char_class(text[end]) == right)


def _matches(automaton: Automaton, text: str) -> list[tuple[tuple[Entry, ...], int, int]]:
    out = []
    for index, start, end in automaton.find(text):
        if _edges_ok(text, start, end, automaton.edges[index]):
            out.append((automaton.entries[index], start, end))
    return out


class _Scan:
    def __init__(
        self,
        norm: Normalized,
        platform: str,
        lexicon: Lexicon,
        extra: ExtraLexicon | None,
    ) -> None:
        self.norm = norm
        self.platform = platform
        self.lexicon = lexicon
        self.extra = extra
        self.findings: list[Finding] = []

    # -- helpers ----------------------------------------------------------------------------

    def _finding(
        self,
        rule: Rule,
        start: int,
        end: int,
        *,
        severity: str,
        term: str,
        detail: str,
        version: str,
        category: str = "",
        message: str = "",
    ) -> Finding:
        begin, finish = self.norm.span(start, end)
        return Finding(
            rule=rule.id,
            category=category or rule.category,
            severity=severity,
            start=begin,
            end=finish,
            text=self.norm.original[begin:finish],
            message=message or rule.explanation,
            source=rule.source,
            lexicon_version=version,
            term=term,
            detail=detail,
        )

    def _whitelisted(self, rule: str, start: int, end: int) -> bool:
        """A whitelist phrase of the rule (or of the client) contains the hit."""
        text = self.norm.text
        # The rule's own whitelist, then the client's, which covers every rule.
        sources = [(self.lexicon.context, self.lexicon.longest_context_key, False)]
        if self.extra:
            sources.append((self.extra.whitelist, self.extra.longest_whitelist, True))
        for automaton, longest, any_rule in sources:
            if not longest:
                continue
            low = max(0, end - longest)
            window = text[low : start + longest]
            for entries, w_start, w_end in _matches(automaton, window):
                if low + w_start <= start and low + w_end >= end:
                    for entry in entries:
                        if entry.role == WHITELIST and (any_rule or entry.rule == rule):
                            return True
        return False

    def _same_sentence(self, first: tuple[int, int], second: tuple[int, int]) -> bool:
        (a_start, a_end), (b_start, b_end) = sorted((first, second))
        gap_start = self.norm.span(a_start, a_end)[1]
        gap_end = self.norm.span(b_start, b_end)[0]
        return not any(char in _SENTENCE_ENDS for char in self.norm.original[gap_start:gap_end])

    def _exemption(
        self, rule: str, start: int, end: int, guards: dict[str, list[tuple[int, int]]]
    ) -> tuple[Exemption, str] | None:
        """The exemption of the 2023 guideline that applies to this hit, with its cue."""
        candidates = [e for e in self.lexicon.exemptions if rule in e.applies_to]
        if not candidates:
            return None
        for guard in self.lexicon.guards:
            if rule in guard.applies_to:
                for g_start, g_end in guards.get(guard.rule, ()):
                    if not guard.window or (
                        g_start - end <= guard.window and start - g_end <= guard.window
                    ):
                        return None
        widest = max(e.window for e in candidates)
        low = max(0, start - widest)
        window = self.norm.text[low : end + widest]
        by_id = {e.rule: e for e in candidates}
        for entries, c_start, c_end in _matches(self.lexicon.context, window):
            c_start, c_end = c_start + low, c_end + low
            for entry in entries:
                exemption = by_id.get(entry.rule)
                if entry.role != CUE or exemption is None:
                    continue
                near = c_start - end <= exemption.window and start - c_end <= exemption.window
                if near and self._same_sentence((start, end), (c_start, c_end)):
                    return exemption, entry.term
        return None

    # -- passes -----------------------------------------------------------------------------

    def lexicon_pass(self) -> None:
        lexicon, platform = self.lexicon, self.platform
        cues: dict[str, list[tuple[str, int, int, str]]] = defaultdict(list)
        guards: dict[str, list[tuple[int, int]]] = defaultdict(list)
        terms: list[tuple[Entry, int, int]] = []
        for entries, start, end in _matches(lexicon.main, self.norm.text):
            for entry in entries:
                if entry.role == TERM:
                    if platform in lexicon.rules[entry.rule].platforms:
                        terms.append((entry, start, end))
                elif entry.side == "guard":
                    guards[entry.rule].append((start, end))
                else:
                    cues[entry.rule].append((entry.side, start, end, entry.term))
        for entry, start, end in terms:
            if self._whitelisted(entry.rule, start, end):
                continue
            rule = lexicon.rules[entry.rule]
            version = lexicon.versions[rule.id]
            detail = entry.reason + (f"；{entry.variant}变体" if entry.variant else "")
            exempted = self._exemption(rule.id, start, end, guards)
            if exempted:
                exemption, cue = exempted
                self.findings.append(
                    self._finding(
                        lexicon.rules[exemption.rule],
                        start,
                        end,
                        severity=exemption.severity,
                        term=entry.term,
                        detail=f"“{cue}”；{detail}",
                        version=version,
                        category=rule.category,
                    )
                )
                continue
            self.findings.append(
                self._finding(
                    rule,
                    start,
                    end,
                    severity=entry.severity,
                    term=entry.term,
                    detail=detail,
                    version=version,
                )
            )
        for pair in lexicon.cooccurrences:
            rule = lexicon.rules[pair.rule]
            if platform not in rule.platforms or pair.rule not in cues:
                continue
            sides = cues[pair.rule]
            a_hits = [c for c in sides if c[0] == "a"]
            b_hits = [c for c in sides if c[0] == "b"]
            for _, a_start, a_end, a_term in a_hits:
                for _, b_start, b_end, b_term in b_hits:
                    if pair.window and (
                        b_start - a_end > pair.window or a_start - b_end > pair.window
                    ):
                        continue
                    if self._whitelisted(pair.rule, a_start, a_end) or self._whitelisted(
                        pair.rule, b_start, b_end
                    ):
                        continue
                    start, end = (
                        (min(a_start, b_start), max(a_end, b_end))
                        if pair.window
                        else (a_start, a_end)
                    )
                    self.findings.append(
                        self._finding(
                            rule,
                            start,
                            end,
                            severity=rule.severity,
                            term=f"{a_term}+{b_term}",
                            detail=f"“{a_term}”与“{b_term}”同时出现",
                            version=lexicon.versions[rule.id],
                        )
                    )
                    break

    def extra_pass(self) -> None:
        if self.extra is None:
            return
        rule_template = Rule(
            id=CLIENT_RULE,
            category="",
            severity="",
            source=CLIENT_SOURCE,
            explanation="",
            kind="lexicon",
        )
        for entries, start, end in _matches(self.extra.terms, self.norm.text):
            if self._whitelisted(CLIENT_RULE, start, end):
                continue
            for entry in entries:
                self.findings.append(
                    self._finding(
                        rule_template,
                        start,
                        end,
                        severity=entry.severity,
                        term=entry.term,
                        detail="",
                        version=self.extra.version,
                        category=entry.category,
                        message=entry.reason,
                    )
                )

    def pattern_pass(self) -> None:
        rules = _pattern_rules()
        version = getattr(patterns, "VERSION", "patterns")
        for hit in patterns.find(self.norm, platform=self.platform):
            rule = rules[hit.rule]
            self.findings.append(
                Finding(
                    rule=rule.id,
                    category=rule.category,
                    severity=hit.severity,
                    start=hit.start,
                    end=hit.end,
                    text=self.norm.original[hit.start : hit.end],
                    message=rule.explanation,
                    source=rule.source,
                    lexicon_version=version,
                    term=hit.term,
                    detail=hit.detail,
                )
            )


def scan(
    text: str,
    *,
    platform: str,
    context: ScanContext | None = None,
    lexicon: Lexicon | None = None,
) -> list[Finding]:
    """Every finding for ``text`` on ``platform``, sorted by position.

    ``lexicon`` replaces the built-in lexicons (the benchmark's generated ones, tests' own).
    """
    if platform not in PLATFORMS:
        raise UnknownPlatform(f"unknown platform “{platform}”; one of {', '.join(PLATFORMS)}")
    context = context or ScanContext()
    lexicon = lexicon or builtin()
    forms = [normalize(text)]
    if context.collapse_repeats:
        forms.append(normalize(text, collapse_repeats=True))
    seen: set[tuple[str, int, int]] = set()
    findings: list[Finding] = []
    for _index, norm in enumerate(forms):
        run = _Scan(norm, platform, lexicon, context.extra)
        run.lexicon_pass()
        run.extra_pass()
        run.pattern_pass()
        for finding in run.findings:
            key = (finding.rule, finding.start, finding.end)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return sorted(findings, key=lambda f: (f.start, f.end, f.rule))


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == BLOCK]
