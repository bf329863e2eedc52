"""Account names against the platforms' naming rules (WeChat Channels operating rules, part 3).

A name is normalised first (so "騰_訊" is 腾讯), then each rule's words are looked for: anywhere in
the name ("contains") or as the whole name, give or take a generic suffix ("whole": 养生号 is as
generic as 养生). Two exemptions are written out because the rules name them: a foreign or joint
enterprise's "brand + 中国" (6.1), and the full name of a foreign mission in China (6.2).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .normalize import normalize, normalize_term
from .types import PLATFORMS, SEVERITIES, Finding, Rule

DATA = Path(__file__).resolve().parent.parent / "data" / "names" / "naming.toml"
# What may follow a generic word or place name and leave it as generic.
_GENERIC_SUFFIXES = ("", "号", "君", "菌", "酱", "帮", "圈", "吧", "网", "市", "省", "区", "县")
# "国际" (international) is not a country: 华英国际 contains 英国 only by accident.
_NOT_A_COUNTRY = re.compile(r"国际")
_MISSION = re.compile(r"驻华(?:大使馆|总领事馆|领事馆|代表处|代表团)")
_BRAND_CHINA = re.compile(r"^[a-z\u4e00-\u9fff]{2,}中国$")


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def version() -> str:
    return f"names@{_data()['version']}"


@cache
def _rules() -> tuple[tuple[Rule, str, tuple[tuple[str, str], ...]], ...]:
    out = []
    for item in _data()["rules"]:
        if item["severity"] not in SEVERITIES:
            raise ValueError(f"{DATA.name} {item['id']}: severity must be block or warn")
        rule = Rule(
            id=item["id"],
            category="account_name",
            severity=item["severity"],
            source=item["source"],
            explanation=item["explanation"],
            kind="name",
            platforms=frozenset(PLATFORMS),
            must_match=tuple(item.get("must_match", ())),
            must_not_match=tuple(item.get("must_not_match", ())),
        )
        terms = tuple((normalize_term(t), t) for t in item["terms"])
        out.append((rule, item["match"], terms))
    return tuple(out)


def _name_rules() -> tuple[Rule, ...]:
    return tuple(rule for rule, _, _ in _rules())


def _exempt(rule_id: str, text: str, start: int, end: int) -> bool:
    if rule_id == "name.state_symbols" and _BRAND_CHINA.match(text) and end == len(text):
        return True
    if rule_id in ("name.foreign_country", "name.state_symbols"):
        for match in _NOT_A_COUNTRY.finditer(text):
            if match.start() <= end - 1 < match.end():
                return True
    return rule_id == "name.foreign_country" and bool(_MISSION.search(text))


def check_name(name: str) -> list[Finding]:
    """Findings for a proposed account name, each citing the clause that refuses or doubts it."""
    norm = normalize(name)
    text = norm.text
    findings: list[Finding] = []
    for rule, how, terms in _rules():
        for key, term in terms:
            if not key:
                continue
            if how == "whole":
                if any(text == key + suffix for suffix in _GENERIC_SUFFIXES):
                    findings.append(_finding(rule, norm, 0, len(text), term))
                continue
            start = text.find(key)
            while start != -1:
                end = start + len(key)
                if not _exempt(rule.id, text, start, end):
                    findings.append(_finding(rule, norm, start, end, term))
                start = text.find(key, end)
    return sorted(findings, key=lambda f: (f.start, f.rule))


def _finding(rule: Rule, norm: Any, start: int, end: int, term: str) -> Finding:
    begin, finish = norm.span(start, end)
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity,
        start=begin,
        end=finish,
        text=norm.original[begin:finish],
        message=rule.explanation,
        source=rule.source,
        lexicon_version=version(),
        term=term,
    )


NAME_RULES: tuple[Rule, ...] = _name_rules()
