"""The Chinese contract document generated from a contract's terms, as DOCX and PDF.

``build_document`` turns validated terms into a neutral structure (title, parties, articles with
numbered clauses, annex tables, signature block); ``render_docx`` and ``render_pdf`` only lay that
structure out, so both files always say the same thing. Every sentence is ours, written for the
terms format: nothing is copied from the seed contracts, and a test checks that.

Articles appear only when the terms give them something to say: a contract without KPIs has no
article on KPIs, rather than an empty one.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from yunying.contracts.terms import CLAUSES, Account, ContractKind, Terms
from yunying.core.pdf import html_to_pdf
from yunying.metrics import definitions as metric_defs

PARTY_CLIENT = "甲方（委托方）"
PARTY_AGENCY = "乙方（服务方）"

PLATFORM_LABELS: dict[str, str] = {
    "douyin": "抖音",
    "wechat_oa": "微信公众号",
    "wechat_channels": "微信视频号",
    "store": "网店",
    "livestream": "直播间",
}
# Content kinds used in quotas and per-item fees; unknown kinds are shown as written.
ITEM_LABELS: dict[str, str] = {
    "video": "短视频",
    "article": "图文文章",
    "image": "图片",
    "post": "动态",
    "live": "直播",
}

# Document titles by contract kind; the kind labels themselves read awkwardly before 合同.
TITLES: dict[str, str] = {
    ContractKind.ACCOUNT_OPERATION: "账号代运营服务合同",
    ContractKind.VIDEO_PRODUCTION: "短视频制作服务合同",
    ContractKind.LIVESTREAM_SESSION: "直播代播服务合同",
    ContractKind.LIVESTREAM_COMMISSION: "直播带货合作合同",
    ContractKind.STORE_PART_TIME: "店铺兼职运营服务合同",
    ContractKind.REGIONAL_OPERATOR: "区域渠道运营合作合同",
    ContractKind.YEARLY_HOSTING: "年度托管服务合同",
}

# What the agency provides, by contract kind, as it reads in "提供…服务".
SERVICE_NAMES: dict[str, str] = {
    ContractKind.ACCOUNT_OPERATION: "账号代运营",
    ContractKind.VIDEO_PRODUCTION: "短视频制作",
    ContractKind.LIVESTREAM_SESSION: "直播代播",
    ContractKind.LIVESTREAM_COMMISSION: "直播带货",
    ContractKind.STORE_PART_TIME: "店铺兼职运营",
    ContractKind.REGIONAL_OPERATOR: "区域渠道运营",
    ContractKind.YEARLY_HOSTING: "账号年度托管",
}

# (Latin, East Asian) font of DOCX body text and headings.
DOCX_BODY_FONT = ("Times New Roman", "宋体")
DOCX_HEADING_FONT = ("Times New Roman", "黑体")


@dataclass(frozen=True)
class Party:
    role: str
    name: str


@dataclass(frozen=True)
class Article:
    """One numbered article; ``number`` is 1-based and shown as 第一条, 第二条…"""

    number: int
    heading: str
    clauses: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"第{chinese_number(self.number)}条　{self.heading}"


@dataclass(frozen=True)
class Table:
    """An annex table; every cell is already formatted text."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ContractDocument:
    """What the contract says, independent of the file format it is rendered to."""

    title: str
    subtitle: str
    number: str
    version: int
    effective_from: dt.date
    parties: tuple[Party, ...]
    preamble: tuple[str, ...]
    articles: tuple[Article, ...]
    annexes: tuple[Table, ...] = ()
    signatures: tuple[Party, ...] = ()
    signed_on: dt.date | None = None
    meta: tuple[tuple[str, str], ...] = field(default=())

    def text(self) -> str:
        """All the words of the document, one paragraph a line (for search and tests)."""
        lines = [self.title, self.subtitle]
        lines += [f"{k}：{v}" for k, v in self.meta]
        lines += [f"{p.role}：{p.name}" for p in self.parties]
        lines += list(self.preamble)
        for article in self.articles:
            lines.append(article.title)
            lines += [f"{i}. {c}" for i, c in enumerate(article.clauses, 1)]
        for table in self.annexes:
            lines.append(table.title)
            lines += ["　".join(row) for row in (table.columns, *table.rows)]
        return "\n".join(line for line in lines if line)


# -- numbers and money -------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"
_CAPITALS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿", "万亿")


def chinese_number(n: int) -> str:
    """1..99 in ordinary Chinese numerals (一, 十, 十一, 二十三), for article and annex numbers."""
    if not 0 < n < 100:
        raise ValueError(f"chinese_number supports 1..99, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


def _capital_group(n: int) -> str:
    """0 < n < 10000 in capital numerals, zeros inside the group collapsed to one 零."""
    out = ""
    pending_zero = False
    for size, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // size % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _CAPITALS[digit] + unit
    return out


def yuan_in_words(amount: Decimal) -> str:
    """An amount in capital numerals as written on Chinese contracts and invoices.

    ``3000`` → ``叁仟元整``, ``100000.01`` → ``壹拾万元零壹分``; the caller adds 人民币.
    Following the PBoC rules for written amounts: 整 after 元 or 角, never after 分; one 零
    for each run of zeros between non-zero digits, including across the 万 and 亿 groups.
    """
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= 10**16:
        raise ValueError(f"amount too large: {amount}")
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words = ""
    pending_zero = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        pending_zero = False
        words += _capital_group(group) + _GROUP_UNITS[index]
    if not words:
        if not rest:
            return "零元整"
        return (f"{_CAPITALS[jiao]}角" if jiao else "") + (f"{_CAPITALS[fen]}分" if fen else "整")
    words += "元"
    if not rest:
        return words + "整"
    if jiao:
        words += f"{_CAPITALS[jiao]}角"
    elif fen:
        words += "零"
    return words + (f"{_CAPITALS[fen]}分" if fen else "整")


def money(amount: Decimal) -> str:
    """¥3,000.00"""
    return f"¥{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def money_in_full(amount: Decimal) -> str:
    """¥3,000.00（人民币叁仟元整）: the form used for the main fees."""
    return f"{money(amount)}（人民币{yuan_in_words(amount)}）"


def percent(value: Decimal) -> str:
    """A percentage as written in the terms: 0.05 → 0.05%."""
    return f"{metric_defs.plain(value)}%"


def percent_per_day(value: Decimal) -> str:
    """0.05 → 0.05%（即每日万分之五）; the gloss only for a whole number of 千分之 or 万分之."""
    text = f"每日{percent(value)}"
    for scale, word in ((10, "千分之"), (100, "万分之")):
        scaled = value * scale
        if scaled == scaled.to_integral_value() and 0 < scaled < 100:
            return f"{text}（即每日{word}{chinese_number(int(scaled))}）"
    return text


def share(value: Decimal) -> str:
    """A ratio of 0..1 as a percentage: 0.7 → 70%."""
    return percent(value * 100)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _join(items: Iterable[str]) -> str:
    return "；".join(items)


# -- building ----------------------------------------------------------------------------------


def build_document(
    terms: Terms, *, number: str, version: int, effective_from: dt.date, note: str = ""
) -> ContractDocument:
    """The contract document for one version of the terms.

    ``number`` is the contract number shown on every page; ``version`` 1 is the contract itself,
    later versions are supplementary agreements effective from ``effective_from``.
    """
    builder = _Builder(terms)
    sections = [
        ("服务内容", builder.services()),
        ("服务期限与续约", builder.period()),
        ("费用与支付", builder.fees()),
        ("考核指标与结算", builder.kpis()),
        ("审核与修改", builder.review()),
        ("违约责任", builder.liability()),
        ("合同解除", builder.termination()),
        *builder.standard_clauses(),
        ("其他", builder.final(version, effective_from, note)),
    ]
    articles = tuple(
        Article(i, heading, tuple(clauses))
        for i, (heading, clauses) in enumerate(((h, c) for h, c in sections if c), 1)
    )
    title = TITLES.get(terms.kind, f"{terms.kind_label}合同")
    subtitle = ""
    preamble = [
        f"甲方委托乙方提供{_service_name(terms)}服务。双方遵循平等、自愿、公平和诚信原则，"
        "依照《中华人民共和国民法典》等法律法规，经协商一致订立本合同，以资共同信守。"
    ]
    if version > 1:
        subtitle = f"第{chinese_number(version - 1)}号补充协议"
        preamble.insert(
            0,
            f"本协议是合同编号 {number} 的第{chinese_number(version - 1)}号补充协议（合同第 "
            f"{version} 版），自{chinese_date(effective_from)}起生效。自该日起双方按本协议"
            "所列的全部条款履行；此前已经履行完毕的部分不受影响。",
        )
    return ContractDocument(
        title=title,
        subtitle=subtitle,
        number=number,
        version=version,
        effective_from=effective_from,
        meta=(
            ("合同编号", number),
            ("版本", f"第 {version} 版"),
            ("生效日期", chinese_date(effective_from)),
        ),
        parties=(Party(PARTY_CLIENT, terms.client), Party(PARTY_AGENCY, terms.agency)),
        preamble=tuple(preamble),
        articles=articles,
        annexes=builder.annexes(),
        signatures=(Party("甲方（盖章）", terms.client), Party("乙方（盖章）", terms.agency)),
        signed_on=terms.signed_on,
    )


class _Builder:
    """Writes the clauses of each article from the terms; an empty list drops the article."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms

    def account_name(self, key: str) -> str:
        return self.terms.accounts[key].name if key in self.terms.accounts else key

    def account(self, key: str) -> str:
        account = self.terms.accounts.get(key, Account("", key))
        return f"{PLATFORM_LABELS.get(account.platform, account.platform)}账号“{account.name}”"

    # Article: services ------------------------------------------------------------------------

    def services(self) -> list[str]:
        t = self.terms
        clauses = []
        if t.accounts:
            names = "、".join(self.account(key) for key in t.accounts)
            clauses.append(f"甲方委托乙方为{names}提供{_service_name(t)}服务。")
        if t.services:
            items = _join(f"（{chinese_number(i)}）{s}" for i, s in enumerate(t.services, 1))
            clauses.append(f"乙方负责的具体事项如下：{items}。")
        for q in t.quotas:
            kind = ITEM_LABELS.get(q.kind, q.kind)
            amounts = []
            if q.per_month:
                amounts.append(f"每月不少于 {q.per_month} 条")
            if q.per_week:
                amounts.append(f"每周不少于 {q.per_week} 条")
            text = f"乙方在{self.account(q.account)}发布{kind}，{'，且'.join(amounts)}。"
            if q.min_likes:
                text += f"单条{kind}点赞数不足 {q.min_likes} 的，不计入完成数量。"
            if q.missing_item_deduction is not None and q.per_month:
                text += (
                    f"当月完成数量少于约定数量的，每缺一条从当月费用中扣减"
                    f"{money(q.missing_item_deduction)}。"
                )
            clauses.append(text)
        if clauses:
            clauses.append(
                "甲方应及时提供开展服务所需的资料、素材和账号权限，并指定专人对接；"
                "乙方应按本合同约定的数量和标准完成服务，对甲方的合理意见及时作出回应。"
            )
        return clauses

    # Article: period ---------------------------------------------------------------------------

    def period(self) -> list[str]:
        t = self.terms
        start, end = t.period.start, t.period.end
        text = f"服务期限自{chinese_date(start)}起至{chinese_date(end)}止"
        months = _whole_months(start, end)
        text += f"，共 {months} 个月。" if months else "。"
        clauses = [text]
        if t.renewal_notice_days is not None:
            clauses.append(
                f"如需续约，甲方应在服务期限届满前 {t.renewal_notice_days} 日书面告知乙方，"
                "双方另行签订续约合同；期满前未告知且未另行签约的，本合同于期满之日终止。"
            )
        return clauses

    # Article: fees -----------------------------------------------------------------------------

    def fees(self) -> list[str]:
        t, fees = self.terms, self.terms.fees
        clauses = []
        if fees.fixed_monthly is not None:
            clauses.append(f"固定服务费每月{money_in_full(fees.fixed_monthly)}。")
        if fees.per_item:
            prices = "；".join(
                f"{ITEM_LABELS.get(kind, kind)}每条{money_in_full(price)}"
                for kind, price in fees.per_item.items()
            )
            clauses.append(f"计件服务费按当月实际发布并计入完成数量的条数结算：{prices}。")
        if fees.per_session is not None:
            clauses.append(
                f"直播服务费按实际完成的场次结算，每场{money_in_full(fees.per_session)}。"
            )
        if fees.commission_percent is not None:
            clauses.append(
                f"乙方按当月{metric_defs.label('sales')}的 {percent(fees.commission_percent)} "
                "收取销售佣金，销售额以平台后台数据为准。"
            )
        if fees.ad_revenue_share_percent is not None:
            agency = fees.ad_revenue_share_percent
            clauses.append(
                f"账号产生的{metric_defs.label('ad_revenue')}由双方分成：乙方得 {percent(agency)}，"
                f"甲方得 {percent(100 - agency)}。"
            )
        if fees.yearly is not None:
            clauses.append(
                f"年度服务费{money_in_full(fees.yearly)}，列入服务期首月的结算单一并结算。"
            )
        for fee in fees.one_off:
            when = (
                f"于本合同签订之日起 {fee.due_working_days} 个工作日内"
                if fee.due_working_days
                else "于本合同签订当日"
            )
            clauses.append(f"{fee.label}{money_in_full(fee.amount)}，甲方{when}支付。")
        if fees.contract_amount is not None:
            text = f"本合同总额{money_in_full(fees.contract_amount)}。"
            if fees.prepayment_percent is not None:
                prepaid = fees.contract_amount * fees.prepayment_percent / 100
                balance = fees.contract_amount - prepaid.quantize(Decimal("0.01"), ROUND_HALF_UP)
                text += (
                    f"甲方预付合同总额的 {percent(fees.prepayment_percent)}，即{money(prepaid)}，"
                    f"列入签订当月的结算单；余款{money(balance)}在乙方交付全部成果的当月结算。"
                )
            clauses.append(text)
        if t.windows.report_day is not None:
            clauses.append(
                f"乙方应于每月 {t.windows.report_day} 日前向甲方提交上月运营数据和结算单，"
                "列明各项费用、扣减及其计算方法。"
            )
        if t.windows.payment_day is not None:
            clauses.append(f"甲方应于每月 {t.windows.payment_day} 日前支付上月结算单所列款项。")
        if clauses:
            clauses.append("乙方收款后应向甲方开具合法有效的发票。")
        return clauses

    # Article: KPIs -----------------------------------------------------------------------------

    def kpis(self) -> list[str]:
        t = self.terms
        clauses = []
        for kpi in t.kpis:
            text = f"{self.account(kpi.account)}的{metric_defs.label(kpi.metric)}："
            if kpi.target is not None:
                text += f"每月目标 {metric_defs.plain(kpi.target)}，"
            text += f"绩效费{money(kpi.performance_pay)}，达成率最高按 {share(kpi.cap)} 计"
            if kpi.weight != 1:
                text += f"，权重 {metric_defs.plain(kpi.weight)}"
            clauses.append(text + "。")
        if t.kpis:
            clauses.append(
                "各指标的达成率为当月实际值除以目标值；"
                "该指标的绩效费乘以达成率（不超过其上限），即为应付的绩效费。"
            )
        if t.tiers:
            clauses.append(
                "综合达成率为各指标达成率的加权平均，其中单项超过 100% 的按 100% 计入。"
                "固定服务费和绩效费按综合达成率所在的档位支付："
                + _join(self.tier_text(i) for i in range(len(t.tiers)))
                + "。"
            )
        for rule in t.follower_shortfall:
            rest = "不足一档的部分不扣" if rule.rounding == "floor" else "不足一档的部分按一档扣"
            clauses.append(
                f"{self.account(rule.account)}当月粉丝净增长低于 {rule.target} 人的，"
                f"每差 {rule.block} 人扣减当月固定服务费的 {percent(rule.percent_of_fixed)}，"
                f"{rest}。"
            )
        if clauses:
            clauses.append("考核数据以平台后台统计为准，乙方在提交结算单时一并附上数据来源。")
        return clauses

    def tier_text(self, index: int) -> str:
        tier = self.terms.tiers[index]
        condition = f"综合达成率{self.tier_range(index)} 的"
        if tier.fixed_share == 0 and not tier.performance:
            return f"{condition}，固定服务费和绩效费均不支付"
        if tier.fixed_share == 1:
            fixed = "支付全额固定服务费"
        elif tier.fixed_share == 0:
            fixed = "不支付固定服务费"
        else:
            fixed = f"支付固定服务费的 {share(tier.fixed_share)}"
        performance = "并按各指标达成率支付绩效费" if tier.performance else "不支付绩效费"
        return f"{condition}，{fixed}，{performance}"

    def tier_range(self, index: int) -> str:
        """The attainments a tier covers; tiers are tried from the top, thresholds exclusive."""
        above = self.terms.tiers[index].above
        upper = self.terms.tiers[index - 1].above if index else None
        if above is None:
            return f"不高于 {share(upper)}" if upper is not None else "不论高低"
        if upper is not None:
            return f"高于 {share(above)} 且不高于 {share(upper)}"
        return f"高于 {share(above)}"

    # Article: review ---------------------------------------------------------------------------

    def review(self) -> list[str]:
        w = self.terms.windows
        clauses = []
        if w.review_working_days is not None:
            consequence = (
                "甲方逾期未答复的，该内容视为审核通过，乙方可按计划发布。"
                if w.client_silence == "deemed_approval"
                else "甲方逾期答复的，相应的交付或发布时间顺延，由此产生的延误和数量不足"
                "不算乙方违约。"
            )
            clauses.append(
                f"乙方提交审核的内容，甲方应在 {w.review_working_days} 个工作日内给出通过或"
                f"修改意见；{consequence}"
            )
        if w.max_revision_rounds is not None:
            clauses.append(
                f"同一内容甲方最多可提出 {w.max_revision_rounds} 轮修改意见；"
                "超出部分或方向性的重新创作，由双方另行商定。"
            )
        if clauses:
            clauses.append("本合同所称工作日，按国务院公布的法定节假日和调休安排确定。")
        return clauses

    # Article: liability ------------------------------------------------------------------------

    def liability(self) -> list[str]:
        p = self.terms.penalties
        fees = self.terms.fees
        clauses = []
        if p.late_delivery is not None:
            base = "合同总额" if fees.contract_amount is not None else "固定月费"
            text = (
                f"乙方未按约定日期交付的，每逾期一日，按{base}的"
                f"{percent_per_day(p.late_delivery.percent_per_day).removeprefix('每日')}"
                "向甲方支付违约金"
            )
            if p.late_delivery.refund_after_days is not None:
                text += (
                    f"；逾期超过 {p.late_delivery.refund_after_days} 日的，甲方可以解除合同，"
                    "并要求乙方退还已收取的相应费用"
                )
            clauses.append(text + "。")
        if p.late_payment is not None:
            clauses.append(
                "甲方未按期付款的，自乙方书面催告之日后第 "
                f"{p.late_payment.from_day} 日起，按未付金额"
                f"{percent_per_day(p.late_payment.percent_per_day)}向乙方支付滞纳金，"
                "计至实际付款之日。"
            )
        if p.late_checkin is not None:
            clauses.append(
                f"主播每迟到一次，从当月直播服务费中扣减{money_in_full(p.late_checkin)}。"
            )
        if "liability" in self.terms.clauses:
            clauses.append(
                "一方不履行或不完全履行本合同的，应赔偿对方因此遭受的实际损失；"
                "约定的违约金低于实际损失的，受损方可以就差额继续要求赔偿。"
            )
        return clauses

    # Article: termination ----------------------------------------------------------------------

    def termination(self) -> list[str]:
        t = self.terms.termination
        clauses = ["经双方书面协商一致，可以提前解除本合同。"]
        if t.agency_idle_days is not None:
            clauses.append(
                f"乙方无正当理由连续 {t.agency_idle_days} 日未提供服务的，甲方可以书面通知"
                "乙方解除本合同。"
            )
        if t.account_unusable_days is not None:
            clauses.append(
                f"约定账号因平台处罚或其他原因连续 {t.account_unusable_days} 日无法使用的，"
                "任何一方均可书面通知对方解除本合同。"
            )
        if t.client_silent_working_days is not None:
            clauses.append(
                f"甲方连续 {t.client_silent_working_days} 个工作日不回复乙方的审核或确认请求的，"
                "乙方可以书面通知甲方解除本合同。"
            )
        clauses.append(
            "合同解除的，已经提供的服务按实际服务期间和完成数量结算，各方的违约责任不因解除而免除。"
        )
        return clauses

    # Standard clauses --------------------------------------------------------------------------

    def standard_clauses(self) -> list[tuple[str, list[str]]]:
        # liability is folded into the article on breach above, so it is not an article itself.
        return [
            (CLAUSES[code], list(STANDARD_CLAUSES[code]))
            for code in self.terms.clauses
            if code in STANDARD_CLAUSES
        ]

    def final(self, version: int, effective_from: dt.date, note: str) -> list[str]:
        clauses = []
        if version > 1:
            clauses.append(
                f"本补充协议自{chinese_date(effective_from)}起生效，与原合同具有同等效力；"
                "原合同与本补充协议不一致的，以本补充协议为准。"
            )
        else:
            clauses.append(
                f"本合同经双方签字或盖章后成立，自{chinese_date(effective_from)}起生效。"
            )
        if self.annex_count():
            clauses.append("本合同的附件是合同的组成部分，与正文效力相同。")
        clauses.append("本合同未尽事宜，双方可另行书面约定。本合同一式两份，甲乙双方各持一份。")
        if note.strip():
            clauses.append(f"补充说明：{note.strip()}")
        return clauses

    # Annexes -----------------------------------------------------------------------------------

    def annex_count(self) -> int:
        return len(self.annexes())

    def annexes(self) -> tuple[Table, ...]:
        tables = [
            ("费用明细", ("费用项目", "金额", "大写", "结算方式"), self.fee_rows()),
            (
                "内容数量",
                ("账号", "内容类别", "每月不少于", "每周不少于", "最低点赞数", "每缺一条扣减"),
                self.quota_rows(),
            ),
            (
                "考核指标",
                ("编号", "账号", "指标", "每月目标", "绩效费", "达成率上限", "权重"),
                self.kpi_rows(),
            ),
            ("结算档位", ("综合达成率", "固定服务费", "绩效费"), self.tier_rows()),
        ]
        present = [(title, columns, rows) for title, columns, rows in tables if rows]
        return tuple(
            Table(f"附件{chinese_number(i)}　{title}", columns, tuple(rows))
            for i, (title, columns, rows) in enumerate(present, 1)
        )

    def fee_rows(self) -> list[tuple[str, ...]]:
        fees = self.terms.fees
        rows: list[tuple[str, ...]] = []

        def add(label: str, amount: Decimal, how: str) -> None:
            rows.append((label, money(amount), f"人民币{yuan_in_words(amount)}", how))

        if fees.fixed_monthly is not None:
            add("固定服务费", fees.fixed_monthly, "每月")
        for kind, price in fees.per_item.items():
            add(f"计件费（{ITEM_LABELS.get(kind, kind)}）", price, "每条")
        if fees.per_session is not None:
            add("直播服务费", fees.per_session, "每场")
        if fees.yearly is not None:
            add("年度服务费", fees.yearly, "服务期首月")
        for fee in fees.one_off:
            add(fee.label, fee.amount, f"签订后 {fee.due_working_days} 个工作日内")
        if fees.contract_amount is not None:
            add("合同总额", fees.contract_amount, "预付及尾款" if fees.prepayment_percent else "—")
        if fees.commission_percent is not None:
            rows.append(("销售佣金", percent(fees.commission_percent), "按销售额", "每月"))
        if fees.ad_revenue_share_percent is not None:
            rows.append(
                (
                    "广告收入分成（乙方）",
                    percent(fees.ad_revenue_share_percent),
                    "按广告收入",
                    "每月",
                )
            )
        return rows

    def quota_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                self.account_name(q.account),
                ITEM_LABELS.get(q.kind, q.kind),
                str(q.per_month) if q.per_month else "—",
                str(q.per_week) if q.per_week else "—",
                str(q.min_likes) if q.min_likes else "—",
                money(q.missing_item_deduction) if q.missing_item_deduction is not None else "—",
            )
            for q in self.terms.quotas
        ]

    def kpi_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                k.id,
                self.account_name(k.account),
                metric_defs.label(k.metric),
                metric_defs.plain(k.target) if k.target is not None else "未定",
                money(k.performance_pay),
                share(k.cap),
                metric_defs.plain(k.weight),
            )
            for k in self.terms.kpis
        ]

    def tier_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                self.tier_range(i),
                share(tier.fixed_share),
                "按达成率支付" if tier.performance else "不支付",
            )
            for i, tier in enumerate(self.terms.tiers)
        ]


STANDARD_CLAUSES: dict[str, tuple[str, ...]] = {
    "confidentiality": (
        "一方因履行本合同而知悉的对方经营信息、用户数据、账号密码及本合同内容，"
        "未经对方书面同意，不得向第三方披露，也不得用于本合同以外的目的。",
        "保密义务在本合同终止后两年内继续有效；依法律规定或监管要求作出的披露除外。",
    ),
    "force_majeure": (
        "因地震、洪水、疫情、政府行为、平台规则重大调整等双方无法预见、无法避免且无法克服的"
        "情形致使本合同不能履行的，受影响一方不承担违约责任。",
        "受影响一方应在事件发生后及时通知对方，并在合理期限内提供证明；"
        "影响持续超过三十日的，双方可以协商变更或解除本合同。",
    ),
    "content_compliance": (
        "乙方制作和发布的内容应遵守《中华人民共和国广告法》《网络信息内容生态治理规定》"
        "及各平台规则，不得含有虚假夸大、诱导互动、侵犯他人权利的内容。",
        "甲方提供的资料、产品信息和资质证明应真实、合法；因甲方提供的资料不实导致的处罚"
        "或纠纷，由甲方承担责任。",
        "内容发布前须经甲方确认；平台提示违规的，乙方应立即整改并告知甲方。",
    ),
    "intellectual_property": (
        "乙方为履行本合同创作的文案、图片、视频等成果，在甲方付清相应费用后，著作权中的"
        "财产权利归甲方所有；乙方可在作品署名及业务展示中合理使用，但甲方书面反对的除外。",
        "甲方提供的商标、图片、素材由甲方保证权利完整；乙方使用第三方素材的，应取得合法授权。",
    ),
    "dispute": (
        "本合同适用中华人民共和国法律。",
        "因本合同发生的争议，双方先行协商；协商不成的，任何一方可向甲方住所地有管辖权的"
        "人民法院提起诉讼。",
    ),
}


def _service_name(terms: Terms) -> str:
    return SERVICE_NAMES.get(terms.kind, terms.kind_label)


def _whole_months(start: dt.date, end: dt.date) -> int | None:
    """Months from the first of a month to the last day of a month; None otherwise."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


# -- rendering ---------------------------------------------------------------------------------


def render_docx(doc: ContractDocument) -> bytes:
    """The document as a Word file: A4, bold headings, bordered annex tables.

    Word picks the font for Chinese characters from the East Asian slot of each run (w:eastAsia),
    not from the font name python-docx sets, so both are set on every style and run. The DOCX is
    opened on the client's machine, where 宋体 and 黑体 are always present and Noto usually is not.
    """
    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    normal = word.styles["Normal"]
    normal.font.size = Pt(11)
    _fonts(normal.element.get_or_add_rPr(), DOCX_BODY_FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    word.core_properties.title = doc.title

    _paragraph(word, doc.title, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.subtitle:
        _paragraph(word, doc.subtitle, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        word, "　".join(f"{k}：{v}" for k, v in doc.meta), size=9, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    for party in doc.parties:
        _paragraph(word, f"{party.role}：{party.name}", bold=True)
    for text in doc.preamble:
        _paragraph(word, text).paragraph_format.first_line_indent = Pt(22)
    for article in doc.articles:
        heading = _paragraph(word, article.title, size=12, bold=True)
        heading.paragraph_format.space_before = Pt(10)
        heading.paragraph_format.keep_with_next = True
        for i, clause in enumerate(article.clauses, 1):
            para = _paragraph(word, f"{i}. {clause}")
            para.paragraph_format.left_indent = Pt(16)
            para.paragraph_format.first_line_indent = Pt(-16)
    _paragraph(word, "（以下为签署栏）", size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    signatures = word.add_table(rows=3, cols=len(doc.signatures))
    date = chinese_date(doc.signed_on) if doc.signed_on else "　　　　年　　月　　日"
    for col, party in enumerate(doc.signatures):
        lines = (f"{party.role}：{party.name}", "法定代表人或授权代表（签字）：", f"日期：{date}")
        for line, text in enumerate(lines):
            cell = signatures.cell(line, col)
            cell.text = ""
            _run(cell.paragraphs[0], text, bold=line == 0)
    if doc.annexes:
        word.add_page_break()
    for table in doc.annexes:
        _paragraph(word, table.title, size=12, bold=True).paragraph_format.space_before = Pt(10)
        grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
        grid.style = word.styles["Table Grid"]
        for row_index, row in enumerate((table.columns, *table.rows)):
            for col, text in enumerate(row):
                cell = grid.cell(row_index, col)
                cell.text = ""
                _run(cell.paragraphs[0], text, size=9, bold=row_index == 0)
    _footer(word, doc.number)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _fonts(rpr: Any, fonts: tuple[str, str]) -> None:
    latin, east_asia = fonts
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _run(para: Any, text: str, *, size: float | None = None, bold: bool = False) -> Any:
    run = para.add_run(text)
    if bold:
        run.bold = True
    if size is not None:
        run.font.size = Pt(size)
    _fonts(run._element.get_or_add_rPr(), DOCX_HEADING_FONT if bold else DOCX_BODY_FONT)
    return run


def _paragraph(
    word: Any, text: str, *, size: float | None = None, bold: bool = False, align: Any = None
) -> Any:
    para = word.add_paragraph()
    if align is not None:
        para.alignment = align
    _run(para, text, size=size, bold=bold)
    return para


def _footer(word: Any, number: str) -> None:
    """合同编号 … 第 N 页, with N a PAGE field so Word counts the pages."""
    para = word.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(para, f"合同编号 {number}　第 ", size=9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(_run(para, "1", size=9)._element)
    para._p.append(field)
    _run(para, " 页", size=9)


def render_pdf(doc: ContractDocument) -> bytes:
    """The document as PDF, laid out by WeasyPrint from ``contracts/document.html``."""
    from django.template.loader import render_to_string

    return html_to_pdf(render_to_string("contracts/document.html", {"doc": doc}))
