"""The contract linter: what a contract still lacks before it can be signed.

Pure: imports nothing from Django, so the ``settle`` command, the contract pages and the tests
all run the same rules. ``terms.parse_terms`` already rejects documents that are malformed; the
linter reads a *valid* document and asks whether it states the essentials every managed-operation
contract must state (seed 004 §2 and §6: duties, timeline, fees and liability for breach).

An ``error`` blocks signing; a ``warning`` is shown but the contract may still be signed. Codes are
stable (the UI and API key on them); messages are Chinese and shown to agency staff as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from yunying.contracts.terms import Terms

ERROR = "error"
WARNING = "warning"

# The longest period a contract may run before the linter asks whether that was meant: longer
# terms usually hide a typo in the end year, and a price fixed for years rarely survives.
MAX_YEARS = 3


@dataclass(frozen=True)
class Finding:
    """One missing essential (or doubtful point) of a contract, at a YAML path."""

    code: str
    path: str
    message: str
    severity: str = ERROR

    @property
    def blocks_signing(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        return f"{self.path or '（根）'}：{self.message}"


def lint(terms: Terms) -> list[Finding]:
    """Every finding for these terms, errors and warnings, in the order of the document."""
    return [
        *_accounts(terms),
        *_deliverables(terms),
        *_fees(terms),
        *_kpis(terms),
        *_windows(terms),
        *_liability(terms),
        *_termination(terms),
        *_period(terms),
    ]


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that keep a contract from being marked signed."""
    return [f for f in findings if f.blocks_signing]


# -- rules -------------------------------------------------------------------------------------


def _accounts(terms: Terms) -> Iterator[Finding]:
    if not terms.accounts:
        yield Finding("no_accounts", "accounts", "未列明服务的平台账号（平台及账号名称）")


def _deliverables(terms: Terms) -> Iterator[Finding]:
    fees = terms.fees
    if not (terms.quotas or terms.services or fees.per_item or fees.per_session is not None):
        yield Finding(
            "no_deliverable",
            "services",
            "未约定乙方交付什么：服务事项（services）、内容数量（quotas）、"
            "计件费或场次费至少填写一项",
        )


def _fees(terms: Terms) -> Iterator[Finding]:
    fees = terms.fees
    # Fees that land on a monthly statement (the yearly fee on the first month's, the prepayment on
    # the signing month's) are paid by the statement's payment day; one-off fees carry their own
    # due date; a bare contract amount is paid by neither unless one-off instalments cover it.
    on_statement = [
        label
        for label, present in (
            ("固定月费", fees.fixed_monthly is not None),
            ("计件费", bool(fees.per_item)),
            ("场次费", fees.per_session is not None),
            ("销售佣金", fees.commission_percent is not None),
            ("广告收入分成", fees.ad_revenue_share_percent is not None),
            ("年度服务费", fees.yearly is not None),
            ("预付款", fees.prepayment_percent is not None),
            ("绩效费", any(kpi.performance_pay > 0 for kpi in terms.kpis)),
        )
        if present
    ]
    if not on_statement and not fees.one_off and fees.contract_amount is None:
        yield Finding("no_fee", "fees", "未约定任何费用")
        return
    if terms.windows.payment_day is None:
        if on_statement:
            yield Finding(
                "no_payment_date",
                "windows.payment_day",
                f"{'、'.join(on_statement)}按月结算，但未约定每月付款日（windows.payment_day）",
            )
        elif fees.contract_amount is not None and not fees.one_off:
            yield Finding(
                "no_payment_date",
                "windows.payment_day",
                "约定了合同总额，但既无分期（fees.one_off）也无付款日，无法确定何时付款",
            )
    raw_one_off = _raw(terms, "fees", "one_off")
    for i, fee in enumerate(fees.one_off):
        stated = i < len(raw_one_off) and "due_working_days" in (raw_one_off[i] or {})
        if fee.due_working_days == 0 and not stated:
            yield Finding(
                "one_off_without_due_date",
                f"fees.one_off[{i}].due_working_days",
                f"一次性费用“{fee.label}”未约定在签订后几个工作日内支付",
            )


def _kpis(terms: Terms) -> Iterator[Finding]:
    for i, kpi in enumerate(terms.kpis):
        if kpi.target is None:
            yield Finding(
                "kpi_without_target",
                f"kpis[{i}].target",
                f"考核指标“{kpi.id}”没有目标值，达成率无法计算",
            )
    if terms.kpis and not terms.tiers:
        yield Finding(
            "kpis_without_tiers",
            "settlement.tiers",
            "设有考核指标但未设结算档位：固定服务费将全额支付，绩效费按各指标达成率分别计算，"
            "请确认这是双方的约定",
            WARNING,
        )
    if terms.tiers and not terms.kpis:
        yield Finding(
            "tiers_without_kpis",
            "settlement.tiers",
            "设有结算档位但没有考核指标，档位不会生效",
            WARNING,
        )


def _windows(terms: Terms) -> Iterator[Finding]:
    windows = terms.windows
    if terms.quotas and windows.review_working_days is None:
        yield Finding(
            "no_review_window",
            "windows.review_working_days",
            "约定了内容数量，但未约定甲方在几个工作日内给出审核意见",
        )
    if terms.quotas and windows.max_revision_rounds is None:
        yield Finding(
            "no_revision_limit",
            "windows.max_revision_rounds",
            "未约定修改轮次上限，返工次数将无从限制",
            WARNING,
        )
    data_based = bool(terms.kpis) or any(
        p is not None for p in (terms.fees.commission_percent, terms.fees.ad_revenue_share_percent)
    )
    if data_based and windows.report_day is None:
        yield Finding(
            "no_report_day",
            "windows.report_day",
            "考核或分成依据运营数据，但未约定每月提交数据的日期",
            WARNING,
        )


def _liability(terms: Terms) -> Iterator[Finding]:
    if not terms.penalties and "liability" not in terms.clauses:
        yield Finding(
            "no_liability",
            "penalties",
            "未约定违约责任：既无违约金条款（penalties），"
            "也未列入违约责任条款（clauses: liability）",
        )
    fees = terms.fees
    if (
        terms.penalties.late_delivery
        and fees.contract_amount is None
        and fees.fixed_monthly is None
    ):
        yield Finding(
            "late_delivery_without_base",
            "penalties.late_delivery",
            "逾期交付违约金按合同总额或固定月费计算，但两者均未填写",
        )


def _termination(terms: Terms) -> Iterator[Finding]:
    t = terms.termination
    if (
        t.agency_idle_days is None
        and t.account_unusable_days is None
        and t.client_silent_working_days is None
    ):
        yield Finding(
            "no_termination_triggers",
            "termination",
            "未约定可单方解除合同的情形，合同只能协商解除",
            WARNING,
        )
    if "dispute" not in terms.clauses:
        yield Finding("no_dispute_clause", "clauses", "未列入争议解决条款（dispute）", WARNING)


def _period(terms: Terms) -> Iterator[Finding]:
    start, end = terms.period.start, terms.period.end
    if end > _add_years(start, MAX_YEARS):
        yield Finding(
            "long_period",
            "period.end",
            f"服务期限超过 {MAX_YEARS} 年（{start} 至 {end}），请确认结束日期",
            WARNING,
        )
    recurring = terms.fees.fixed_monthly is not None or terms.fees.yearly is not None
    if recurring and terms.renewal_notice_days is None:
        yield Finding(
            "no_renewal_notice",
            "renewal.notice_days",
            "按月或按年收费的合同未约定续约需提前几日通知",
            WARNING,
        )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _raw(terms: Terms, *keys: str) -> list[Any]:
    """A list from the document as written, to tell an omitted key from a value of zero."""
    value: Any = terms.data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []
