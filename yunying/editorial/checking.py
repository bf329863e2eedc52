"""The compliance gate's interface: what the pipeline asks before review and before scheduling.

The compliance engine plugs in by naming its class in the setting ``EDITORIAL_CHECKER``
(``yunying.compliance.checker.EngineChecker``, the default). :class:`BasicChecker` is the small
stand-in the pipeline was built with: the Advertising Law's three named absolute terms (Art. 9
(3): 国家级, 最高级, 最佳) block and a few common superlatives warn. Tests that are about the
workflow rather than the rules can still name it. Pure of Django except for reading the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Protocol

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # BLOCK or WARN
    message: str
    # Which part of the item (title, body, script, subtitles, voiceover, music) and where in it.
    field: str
    start: int
    end: int
    text: str
    source: str = ""

    @property
    def fingerprint(self) -> str:
        """Identifies the same finding in a later check of the same text (for overrides)."""
        return f"{self.rule}:{self.field}:{self.text}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "source": self.source,
        }


class Checker(Protocol):
    def check(
        self, parts: dict[str, str], *, platform: str, client_id: int | None = None
    ) -> list[Finding]:
        """Findings for each named text part of one item on one platform (for one client, whose
        agency may keep its own terms)."""
        ...


# Advertising Law of the PRC, Art. 9 (3): these three words are named in the law itself.
_LAW_TERMS = ("国家级", "最高级", "最佳")
# Superlatives that are often, but not always, unlawful (awards, own-brand comparisons).
_WARN_TERMS = ("第一", "唯一", "顶级", "首选", "100%")


class BasicChecker:
    """A stand-in checker with the law's named terms (the compliance engine is the real one)."""

    def check(
        self, parts: dict[str, str], *, platform: str, client_id: int | None = None
    ) -> list[Finding]:
        findings: list[Finding] = []
        for field, text in parts.items():
            for terms, severity, rule, message, source in (
                (
                    _LAW_TERMS,
                    BLOCK,
                    "ad.absolute_term",
                    "广告不得使用“国家级”“最高级”“最佳”等用语",
                    "《广告法》第九条第（三）项",
                ),
                (
                    _WARN_TERMS,
                    WARN,
                    "ad.superlative",
                    "绝对化用语，须有奖项、排名等依据，否则按《广告法》第九条处理",
                    "《广告法》第九条",
                ),
            ):
                for term in terms:
                    start = text.find(term)
                    while start != -1:
                        findings.append(
                            Finding(
                                rule=rule,
                                severity=severity,
                                message=message,
                                field=field,
                                start=start,
                                end=start + len(term),
                                text=term,
                                source=source,
                            )
                        )
                        start = text.find(term, start + len(term))
        return sorted(findings, key=lambda f: (f.field, f.start))


@cache
def _load(path: str) -> Checker:
    module, _, name = path.rpartition(".")
    cls = getattr(import_module(module), name)
    instance: Checker = cls()
    return instance


def get_checker() -> Checker:
    from django.conf import settings

    return _load(getattr(settings, "EDITORIAL_CHECKER", "yunying.compliance.checker.EngineChecker"))


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == BLOCK]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == WARN]
