"""Pattern rules: personal data, contact details that divert users off the platform, and links.

Numbers are found in the normalised text, where the disguises are already undone (壹叁捌 and
①③⑧ are digits, the spaces and dashes inside a number are gone), and reported by their span in
the original. Links are found in the original text, character-mapped to half width, because the
normaliser deletes the dots and slashes a URL is made of.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .normalize import Normalized
from .types import BLOCK, PLATFORMS, WARN, Rule

VERSION = "patterns@2026.11.1"
DOMAINS = Path(__file__).resolve().parent.parent / "data" / "domains.toml"

# Where contact details in a post divert users off the platform (the platforms forbid it);
# on an Official Account a business's own number is ordinary, so there it is a warning.
_DIVERTING = frozenset({"douyin", "wechat_channels", "livestream"})


def _diversion_severity(platform: str) -> str:
    return BLOCK if platform in _DIVERTING else WARN


PATTERN_RULES: tuple[Rule, ...] = (
    Rule(
        id="privacy.id_card",
        category="infringement_privacy",
        severity=BLOCK,
        source="视频号运营规范 五、2.2；GB 11643-1999",
        explanation="疑似居民身份证号码（校验位与出生日期均有效）。发布他人身份证号属于泄露个人信息，请删除或打码。",
        kind="pattern",
        must_match=(
            "中奖用户身份证：11010519491231002X",
            "证件号 3604 2619 9101 0100 71 请核对",
            "号码是叁陆零肆贰陆壹玖玖壹零壹零壹零零柒壹",
        ),
        must_not_match=(
            "订单号 110105194912310021",  # wrong check digit
            "编号 110105194913310028",  # no 13th month
            "2026年10月1日国庆",
        ),
    ),
    Rule(
        id="privacy.mobile",
        category="infringement_privacy",
        severity=BLOCK,
        source="视频号运营规范 四、8.1、五、2.2；抖音社区自律公约（站外导流）",
        explanation="手机号码：在抖音、视频号和直播中留手机号属于站外导流；他人的手机号属于个人信息。公众号上如是商家自己的电话，可说明后放行。",
        kind="pattern",
        must_match=(
            "咨询请打13812345678",
            "电话 138-1234-5678 随时联系",
            "加我 +86 139 0000 1111",
            "壹叁捌壹贰叁肆伍陆柒捌",
        ),
        must_not_match=(
            "订餐电话 0571-88886666",
            "订单号 213812345678 已发货",
            "会员卡 1381234567 号",
        ),
    ),
    Rule(
        id="privacy.bank_card",
        category="infringement_privacy",
        severity=WARN,
        source="视频号运营规范 五、2.2",
        explanation=(
            "疑似银行卡号（通过 Luhn 校验，或以 62 开头且前后提到卡号、转账）。"
            "公开银行卡号有泄露个人信息和诈骗风险，请确认。"
        ),
        kind="pattern",
        must_match=(
            "转账到 4111 1111 1111 1111",
            "银行卡号：6222021234567890123",
        ),
        must_not_match=(
            "物流单号 4111111111111112",
            "编号6222021234567890124已登记",
        ),
    ),
    Rule(
        id="offsite.contact_id",
        category="illegal_marketing",
        severity=BLOCK,
        source="视频号运营规范 四、8.1；抖音社区自律公约（站外导流）",
        explanation="留微信号、QQ 号引导用户到站外联系，属于站外导流；公众号上为警告。",
        kind="pattern",
        must_match=(
            "想要的加我微信：qinghe_2026",
            "加V信 abc12345 领资料",
            "扣扣 12345678 咨询",
            "加 薇❤信 shop888 下单",
        ),
        must_not_match=(
            "关注我们的微信公众号，了解更多",
            "微信支付满100减10",
            "QQ音乐同步上线",
        ),
    ),
    Rule(
        id="link.blocked",
        category="platform_security",
        severity=BLOCK,
        source="视频号运营规范 四、8.3、五、5.1",
        explanation="链接指向隐藏真实地址的短链接服务或已知违规域名，平台会限制传播，也可能被用于钓鱼。请换成原始地址。",
        kind="pattern",
        must_match=("点击 http://t.cn/A6abcd 领取", "详情见 dwz.cn/xyz"),
        must_not_match=("详情见 https://mp.weixin.qq.com/s/abc", "欢迎访问 www.gov.cn"),
    ),
    Rule(
        id="link.offsite_shop",
        category="illegal_marketing",
        severity=BLOCK,
        source="视频号运营规范 四、8.1；抖音社区自律公约（站外导流）",
        explanation="链接到站外电商平台，在抖音、视频号和直播中属于站外导流；公众号上为警告。",
        kind="pattern",
        must_match=("去 https://item.taobao.com/item.htm?id=1 下单", "京东链接 jd.com/123"),
        must_not_match=("在抖音商城搜索青禾", "淘宝店同名"),
    ),
    Rule(
        id="link.disguised",
        category="platform_security",
        severity=BLOCK,
        source="视频号运营规范 四、7、8.3",
        explanation="链接被空格、符号或不可见字符拆开，只有去掉这些字符才看得出来。用技术手段躲避平台检测属于恶意对抗，请删除或换成完整的原始地址。",
        kind="pattern",
        must_match=("点击 w\u200bw\u200bw.\u200bqinghe\u200b.com", "领取 d w z . c n / 8xK2"),
        must_not_match=("点击 http://www.qinghe-food.com", "我们的 http 接口文档"),
    ),
    Rule(
        id="link.external",
        category="platform_security",
        severity=WARN,
        source="视频号运营规范 四、8.3、五、5.1",
        explanation="外部链接：请确认目标安全、与内容相符，且平台允许外链。",
        kind="pattern",
        must_match=("官网 https://www.qinghe-food.com 有菜单", "报名 example.org/form"),
        must_not_match=(
            "见公众号文章 https://mp.weixin.qq.com/s/x",
            "抖音 https://www.douyin.com/user/1",
        ),
    ),
)

# -- numbers -----------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"  # normalised text is lower case
_DIGIT_RANGES = (("0", "9"),)
_ALNUM_RANGES = (("a", "z"), ("0", "9"))
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9][0-9]{9})")
_CARD_CUES = ("卡号", "银行卡", "转账", "汇款", "收款", "账号")


def valid_id_number(value: str, *, today: date | None = None) -> bool:
    """GB 11643-1999: 17 digits, a check character, and a real birth date."""
    value = value.lower()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def luhn(value: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(value)):
        number = int(digit)
        if index % 2:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


# -- contact ids ---------------------------------------------------------------------------------

# Words people use for WeChat and QQ when offering an id, in normal form (lower case, simplified,
# separators gone). Homophones and abbreviations are how these slip past filters.
_WECHAT = (
    "微信",
    "威信",
    "薇信",
    "徽信",
    "魏信",
    "v信",
    "vx",
    "wx",
    "weixin",
    "微心",
    "绿泡泡",
    "卫星",
)
_QQ = ("qq", "扣扣", "企鹅号", "球球")
_WECHAT_ID = re.compile(r"(?:号|id|是|为)?([a-z][a-z0-9]{5,19})")
_QQ_ID = re.compile(r"(?:号|是|为)?([1-9][0-9]{4,10})(?![0-9])")
_CUES = re.compile("|".join(re.escape(c) for c in sorted(_WECHAT + _QQ, key=len, reverse=True)))
# How far after the cue the id may start (in normalised characters): "加我微信哦 abc123".
_GAP = 3

# -- links -------------------------------------------------------------------------------------

_URL = re.compile(
    r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|cn|net|org|info|top|xyz|vip|shop|cc|me|io|co|tv|link|club|site|online|ltd|hk|tw)"
    r"(?![a-z0-9-])(?:[/?#][^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DomainLists:
    blocked: dict[str, str]
    offsite_shops: dict[str, str]
    allowed: dict[str, str]


@cache
def domain_lists() -> DomainLists:
    data = tomllib.loads(DOMAINS.read_text(encoding="utf-8"))

    def table(name: str) -> dict[str, str]:
        return {entry["domain"].lower(): entry["reason"] for entry in data.get(name, [])}

    return DomainLists(table("blocked"), table("offsite_shops"), table("allowed"))


def _listed(host: str, table: dict[str, str]) -> str | None:
    """The entry of ``table`` that ``host`` is or is a subdomain of."""
    parts = host.split(".")
    for index in range(len(parts) - 1):
        candidate = ".".join(parts[index:])
        if candidate in table:
            return candidate
    return None


_FULL_WIDTH = re.compile("[\uff01-\uff5e]")
_TO_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _half_width(text: str) -> str:
    """Full-width ASCII to half width, one character for one, so offsets stay the same."""
    if not _FULL_WIDTH.search(text):
        return text  # the usual case, and a search is far cheaper than a translation
    return text.translate(_TO_HALF_WIDTH)


@dataclass(frozen=True)
class PatternHit:
    rule: str
    start: int  # original offsets
    end: int
    severity: str
    term: str
    detail: str = ""


def _numbers(norm: Normalized, platform: str) -> list[PatternHit]:
    hits: list[PatternHit] = []
    text = norm.text
    for begin, stop in norm.runs(_DIGIT_RANGES, 11):
        if stop - begin > 19:
            continue  # longer than any number we look for: an order or tracking code
        if stop < len(text) and text[stop] == "x" and stop - begin == 17:
            stop += 1  # an ID number's check character
        value = text[begin:stop]
        if len(value) == 18 and valid_id_number(value):
            start, end = norm.span(begin, stop)
            hits.append(PatternHit("privacy.id_card", start, end, BLOCK, value.upper()))
            continue
        if value.endswith("x"):
            # Only an ID number ends in x; for anything else the letter is a separate word.
            value, stop = value[:-1], stop - 1
        start, end = norm.span(begin, stop)
        mobile = _MOBILE.fullmatch(value)
        if mobile:
            hits.append(
                PatternHit(
                    "privacy.mobile", start, end, _diversion_severity(platform), mobile.group(1)
                )
            )
            continue
        if value.isdigit() and 16 <= len(value) <= 19:
            if luhn(value):
                hits.append(
                    PatternHit("privacy.bank_card", start, end, WARN, value, "通过 Luhn 校验")
                )
            elif value.startswith("62"):
                before = text[max(0, begin - 8) : begin]
                if any(cue in before for cue in _CARD_CUES):
                    hits.append(
                        PatternHit(
                            "privacy.bank_card",
                            start,
                            end,
                            WARN,
                            value,
                            "未通过 Luhn 校验，但以 62 开头且提到卡号或转账",
                        )
                    )
    return hits


def _contact_cues(norm: Normalized) -> list[re.Match[str]]:
    """Cues followed by an id: an id is a run of at least five letters or digits, so only the
    few characters before each such run (and the run itself) are searched for a cue."""
    cues: list[re.Match[str]] = []
    for begin, stop in norm.runs(_ALNUM_RANGES, 5):
        cues.extend(_CUES.finditer(norm.text, max(0, begin - _GAP - 4), stop))
    return cues


def _contacts(norm: Normalized, platform: str) -> list[PatternHit]:
    hits: list[PatternHit] = []
    text = norm.text
    seen: set[int] = set()
    for cue in _contact_cues(norm):
        if cue.start() in seen:
            continue
        seen.add(cue.start())
        is_qq = cue.group() in _QQ
        pattern = _QQ_ID if is_qq else _WECHAT_ID
        for gap in range(_GAP + 1):
            found = pattern.match(text, cue.end() + gap)
            if found:
                break
        else:
            continue
        start, end = norm.span(cue.start(), found.end())
        hits.append(
            PatternHit(
                "offsite.contact_id",
                start,
                end,
                _diversion_severity(platform),
                f"{cue.group()}:{found.group(1)}",
                "QQ 号" if is_qq else "微信号",
            )
        )
    return hits


def _links(original: str, platform: str) -> tuple[list[PatternHit], list[tuple[int, int]]]:
    """Hits for the links in ``original``, and the span of every link (allowed ones too)."""
    if "." not in original and "．" not in original:
        return [], []
    lists = domain_lists()
    text = _half_width(original)
    hits: list[PatternHit] = []
    spans: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        spans.append(match.span())
        url = match.group()
        host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/")[0].split("?")[0]
        host = host.split("#")[0].lower()
        start, end = match.span()
        if _listed(host, lists.allowed) is not None:
            continue
        if (entry := _listed(host, lists.blocked)) is not None:
            hits.append(PatternHit("link.blocked", start, end, BLOCK, host, lists.blocked[entry]))
        elif (entry := _listed(host, lists.offsite_shops)) is not None:
            hits.append(
                PatternHit(
                    "link.offsite_shop",
                    start,
                    end,
                    _diversion_severity(platform),
                    host,
                    lists.offsite_shops[entry],
                )
            )
        else:
            hits.append(PatternHit("link.external", start, end, WARN, host))
    return hits, spans


@cache
def _disguise_markers() -> re.Pattern[str]:
    """What a link looks like once the normaliser has removed its dots and slashes: a scheme or
    "www" followed by letters and digits, or a listed host written without its dots."""
    from .normalize import normalize_term

    lists = domain_lists()
    hosts = {normalize_term(d) for d in (*lists.blocked, *lists.offsite_shops)}
    # Short forms ("tcn") would match ordinary words; the scheme catches links to them.
    hosts = {h for h in hosts if len(h) >= 5}
    listed = "|".join(re.escape(h) for h in sorted(hosts, key=len, reverse=True))
    return re.compile(rf"(?:https?|www)[a-z0-9]{{3,}}|(?<![a-z0-9])(?:{listed})[a-z0-9]*")


def _disguised_links(norm: Normalized, plain: list[tuple[int, int]]) -> list[PatternHit]:
    hits = []
    markers = _disguise_markers()
    # Only runs of letters and digits can hold a marker; numpy finds them far faster than the
    # marker alternation could scan the whole text.
    for begin, stop in norm.runs(_ALNUM_RANGES, 5):
        for match in markers.finditer(norm.text, begin, stop):
            start, end = norm.span(match.start(), match.end())
            if any(p_start < end and start < p_end for p_start, p_end in plain):
                continue  # written as a plain link, already judged by its host
            hits.append(PatternHit("link.disguised", start, end, BLOCK, match.group()))
    return hits


def find(norm: Normalized, *, platform: str) -> list[PatternHit]:
    """Every pattern hit in one text, in original offsets."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform}")
    links, spans = _links(norm.original, platform)
    # "weixin" inside mp.weixin.qq.com is part of an address, not an offer to add someone.
    contacts = [
        hit
        for hit in _contacts(norm, platform)
        if not any(start < hit.end and hit.start < end for start, end in spans)
    ]
    return [*_numbers(norm, platform), *contacts, *links, *_disguised_links(norm, spans)]
