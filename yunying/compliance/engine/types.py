"""The compliance engine's vocabulary: categories, platforms, severities, rules and findings.

Pure Python (no Django): the engine is used by the CLI, the API, the editorial gate and the
benchmark alike. User-facing strings here (category labels, explanations in the data files) are
Chinese, because findings are shown to Chinese operators and clients as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCK = "block"
WARN = "warn"
SEVERITIES = (BLOCK, WARN)

# The platforms a rule can apply to; the same machine names as accounts.choices.Platform
# (a livestream script is checked under "livestream").
PLATFORMS = ("douyin", "wechat_oa", "wechat_channels", "livestream")

# Seed 003's families of forbidden content, plus the Advertising Law's absolute terms and the
# livestream marketing measures. Keys are stable ids used in data files, findings and the API.
CATEGORIES: dict[str, str] = {
    "prohibited_by_law": "法律法规禁止的内容",
    "infringement_privacy": "侵权与个人信息",
    "false_information": "谣言与不实信息",
    "sensational": "煽动、夸大、惊悚用语",
    "induced_sharing": "诱导分享、集赞",
    "fake_engagement": "刷量刷粉",
    "illegal_marketing": "违法营销与禁售商品",
    "minors": "有损未成年人",
    "extreme_discomfort": "令人极度不适",
    "platform_security": "危害平台安全的链接",
    "ad_absolute_terms": "广告绝对化用语",
    "livestream": "直播营销义务",
    "account_name": "帐号名称",
}


@dataclass(frozen=True)
class Rule:
    """One rule: what it catches, how bad it is, where it applies, and why (its source).

    ``must_match`` and ``must_not_match`` are example texts; a test runs every rule's examples
    through the whole scanner (or the name checker for ``account_name`` rules), so an example is
    a specification that cannot rot.
    """

    id: str
    category: str
    severity: str
    source: str
    explanation: str
    kind: str  # "lexicon", "pattern", "cooccurrence", "exemption" or "name"
    platforms: frozenset[str] = frozenset(PLATFORMS)
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One thing found, with its span in the ORIGINAL text (code-point offsets, end exclusive)."""

    rule: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    message: str
    source: str
    lexicon_version: str = ""
    # What matched in normalised form (a lexicon term, or the pattern's canonical value).
    term: str = ""
    # Extra words of explanation (which exemption applied, the check digit that failed ...).
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of the CLI and the API."""
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message if not self.detail else f"{self.message}（{self.detail}）",
            "source": self.source,
            "lexicon_version": self.lexicon_version,
        }
