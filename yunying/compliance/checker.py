"""The editorial gate's checker, backed by the compliance engine (settings.EDITORIAL_CHECKER).

The gate asks about each text part of an item (title, body, script, subtitles ...) for each
platform the item goes to. Article bodies are stored HTML: tags and entities are blanked out with
spaces of the same length rather than removed, so every offset stays an offset into the stored
HTML (the item page marks findings there) while the markup itself is never matched. Link targets
are the exception: an ``href`` is where a reader is sent, so its value stays to be checked.
"""

from __future__ import annotations

import re

from yunying.compliance.engine.scanner import ScanContext, scan
from yunying.compliance.engine.types import PLATFORMS, Finding
from yunying.editorial import checking

_MARKUP = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;")
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
# An item with no account yet, or bound to a store, is checked under the strictest content rules.
_FALLBACK_PLATFORM = "douyin"


def _blank(match: re.Match[str]) -> str:
    tag = match.group()
    blanked = [" "] * len(tag)
    for link in _HREF.finditer(tag):
        blanked[link.start(2) : link.end(2)] = link.group(2)
    return "".join(blanked)


def blank_markup(html: str) -> str:
    """``html`` with its markup replaced by spaces (link targets kept), offsets unchanged."""
    return _MARKUP.sub(_blank, html)


def _gate_finding(finding: Finding, field: str) -> checking.Finding:
    return checking.Finding(
        rule=finding.rule,
        severity=finding.severity,
        message=str(finding.as_dict()["message"]),
        field=field,
        start=finding.start,
        end=finding.end,
        text=finding.text,
        source=f"{finding.source}（{finding.lexicon_version}）",
    )


class EngineChecker:
    """Findings of the compliance engine, with the client's own lexicon when there is one."""

    def check(
        self, parts: dict[str, str], *, platform: str, client_id: int | None = None
    ) -> list[checking.Finding]:
        platform = platform if platform in PLATFORMS else _FALLBACK_PLATFORM
        context = self._context(client_id)
        findings: list[checking.Finding] = []
        for field, text in parts.items():
            if not text:
                continue
            if field == "body":
                text = blank_markup(text)
            findings.extend(
                _gate_finding(f, field) for f in scan(text, platform=platform, context=context)
            )
        return findings

    @staticmethod
    def _context(client_id: int | None) -> ScanContext | None:
        if client_id is None:
            return None
        from yunying.compliance.services import scan_context
        from yunying.tenancy.models import Client

        client = Client.objects.filter(pk=client_id).first()
        return scan_context(client) if client else None
