"""How terms read on the contract page: sections of labelled rows, and what a version changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunying.metrics import definitions as metric_defs

from .terms import CLAUSES, Terms

PLATFORM_LABELS: dict[str, str | Promise] = {
    "douyin": gettext_lazy("Douyin"),
    "wechat_oa": gettext_lazy("WeChat Official Account"),
    "wechat_channels": gettext_lazy("WeChat Channels"),
    "store": gettext_lazy("E-commerce store"),
    "livestream": gettext_lazy("Livestream room"),
}
# Deliverable kinds the examples use; any other kind is shown as written in the terms.
KIND_LABELS: dict[str, str | Promise] = {
    "video": gettext_lazy("short videos"),
    "article": gettext_lazy("articles"),
    "image": gettext_lazy("image posts"),
    "live": gettext_lazy("livestreams"),
}
ROUNDING_LABELS: dict[str, str | Promise] = {
    "floor": gettext_lazy("only whole blocks count"),
    "ceil": gettext_lazy("a part block counts as a whole one"),
}


@dataclass(frozen=True)
class Section:
    """One block of the readable terms: a title and rows of (label, value)."""

    title: str
    rows: list[tuple[str, str]]


def _yuan(amount: Decimal | None) -> str:
    return "—" if amount is None else _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f} %"


def _share(value: Decimal) -> str:
    return f"{(value * 100).normalize():f} %"


def describe(terms: Terms) -> list[Section]:
    """The terms as readable sections; empty sections are left out."""
    sections = [
        Section(_("Period"), _period(terms)),
        Section(_("Accounts"), _accounts(terms)),
        Section(_("Services"), [(str(i + 1), s) for i, s in enumerate(terms.services)]),
        Section(_("Fees"), list(_fees(terms))),
        Section(_("Quotas"), list(_quotas(terms))),
        Section(_("KPIs"), list(_kpis(terms))),
        Section(_("Settlement tiers"), list(_tiers(terms))),
        Section(_("Deductions"), list(_deductions(terms))),
        Section(_("Penalties"), list(_penalties(terms))),
        Section(_("Windows"), list(_windows(terms))),
        Section(_("Termination"), list(_termination(terms))),
        Section(_("Clauses"), [(code, CLAUSES.get(code, code)) for code in terms.clauses]),
    ]
    return [s for s in sections if s.rows]


def _period(terms: Terms) -> list[tuple[str, str]]:
    rows = [
        (_("Period"), f"{terms.period.start.isoformat()} – {terms.period.end.isoformat()}"),
        (_("Kind"), terms.kind_label),
        (_("Terms id"), terms.id),
    ]
    if terms.signed_on is not None:
        rows.append((_("Signed on"), terms.signed_on.isoformat()))
    if terms.renewal_notice_days is not None:
        rows.append(
            (_("Renewal notice"), _("%(n)d days before the end") % {"n": terms.renewal_notice_days})
        )
    return rows


def _accounts(terms: Terms) -> list[tuple[str, str]]:
    return [
        (key, f"{account.name} ({PLATFORM_LABELS.get(account.platform, account.platform)})")
        for key, account in terms.accounts.items()
    ]


def _fees(terms: Terms) -> Iterator[tuple[str, str]]:
    fees = terms.fees
    if fees.fixed_monthly is not None:
        yield _("Fixed monthly fee"), _yuan(fees.fixed_monthly)
    for kind, amount in fees.per_item.items():
        yield _("Per item: %(kind)s") % {"kind": kind}, _yuan(amount)
    if fees.per_session is not None:
        yield _("Per session"), _yuan(fees.per_session)
    if fees.commission_percent is not None:
        yield _("Sales commission"), _pct(fees.commission_percent)
    if fees.ad_revenue_share_percent is not None:
        yield _("Ad-revenue share"), _pct(fees.ad_revenue_share_percent)
    if fees.yearly is not None:
        yield _("Yearly fee"), _yuan(fees.yearly)
    if fees.contract_amount is not None:
        yield _("Contract amount"), _yuan(fees.contract_amount)
    if fees.prepayment_percent is not None:
        yield _("Prepayment"), _pct(fees.prepayment_percent)
    for fee in fees.one_off:
        yield (
            fee.label,
            _("%(amount)s, due %(n)d working days after signing")
            % {"amount": _yuan(fee.amount), "n": fee.due_working_days},
        )


def _quotas(terms: Terms) -> Iterator[tuple[str, str]]:
    for q in terms.quotas:
        parts = []
        if q.per_month is not None:
            parts.append(_("%(n)d a month") % {"n": q.per_month})
        if q.per_week is not None:
            parts.append(_("at least %(n)d a week") % {"n": q.per_week})
        if q.min_likes:
            parts.append(_("counts only with %(n)d likes or more") % {"n": q.min_likes})
        if q.missing_item_deduction is not None:
            parts.append(
                _("%(amount)s less per missing item") % {"amount": _yuan(q.missing_item_deduction)}
            )
        yield f"{q.account} · {KIND_LABELS.get(q.kind, q.kind)}", "；".join(parts)


def _kpis(terms: Terms) -> Iterator[tuple[str, str]]:
    for k in terms.kpis:
        target = "—" if k.target is None else metric_defs.plain(k.target)
        yield (
            f"{k.id} · {k.account}",
            _(
                "%(metric)s: target %(target)s, performance pay %(pay)s, cap %(cap)s, "
                "weight %(weight)s"
            )
            % {
                "metric": metric_defs.label(k.metric),
                "target": target,
                "pay": _yuan(k.performance_pay),
                "cap": _share(k.cap),
                "weight": metric_defs.plain(k.weight),
            },
        )


def _tiers(terms: Terms) -> Iterator[tuple[str, str]]:
    for tier in terms.tiers:
        when = (
            _("attainment above %(x)s") % {"x": _share(tier.above)}
            if tier.above is not None
            else _("otherwise")
        )
        pay = _("%(share)s of the fixed fee") % {"share": _share(tier.fixed_share)}
        if tier.performance:
            pay += _(", plus performance pay")
        yield when, pay


def _deductions(terms: Terms) -> Iterator[tuple[str, str]]:
    for s in terms.follower_shortfall:
        yield (
            _("Follower shortfall · %(account)s") % {"account": s.account},
            _("target %(target)d; %(pct)s of the fixed fee per %(block)d followers short (%(r)s)")
            % {
                "target": s.target,
                "pct": _pct(s.percent_of_fixed),
                "block": s.block,
                "r": ROUNDING_LABELS.get(s.rounding, s.rounding),
            },
        )


def _penalties(terms: Terms) -> Iterator[tuple[str, str]]:
    p = terms.penalties
    if p.late_delivery is not None:
        text = _("%(pct)s a day") % {"pct": _pct(p.late_delivery.percent_per_day)}
        if p.late_delivery.refund_after_days is not None:
            text += _("; refund after %(n)d days") % {"n": p.late_delivery.refund_after_days}
        yield _("Late delivery"), text
    if p.late_payment is not None:
        yield (
            _("Late payment"),
            _("%(pct)s a day from day %(n)d after notice")
            % {"pct": _pct(p.late_payment.percent_per_day), "n": p.late_payment.from_day},
        )
    if p.late_checkin is not None:
        yield _("Late check-in"), _yuan(p.late_checkin)


def _windows(terms: Terms) -> Iterator[tuple[str, str]]:
    w = terms.windows
    if w.review_working_days is not None:
        yield _("Client review"), _("within %(n)d working days") % {"n": w.review_working_days}
    if w.max_revision_rounds is not None:
        yield _("Revision rounds"), _("at most %(n)d") % {"n": w.max_revision_rounds}
    if w.report_day is not None:
        yield _("Data report"), _("by day %(n)d of the next month") % {"n": w.report_day}
    if w.payment_day is not None:
        yield _("Payment"), _("by day %(n)d of the next month") % {"n": w.payment_day}


def _termination(terms: Terms) -> Iterator[tuple[str, str]]:
    t = terms.termination
    if t.agency_idle_days is not None:
        yield _("Agency idle"), _("more than %(n)d days") % {"n": t.agency_idle_days}
    if t.account_unusable_days is not None:
        yield _("Account unusable"), _("more than %(n)d days") % {"n": t.account_unusable_days}
    if t.client_silent_working_days is not None:
        yield (
            _("Client silent"),
            _("more than %(n)d working days") % {"n": t.client_silent_working_days},
        )


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """The YAML paths whose values differ between two versions' terms (added, removed, changed)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                out.append(sub)
            else:
                out += changed_paths(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            sub = f"{path}[{i}]"
            if i >= len(old) or i >= len(new):
                out.append(sub)
            else:
                out += changed_paths(old[i], new[i], sub)
        return out
    return [] if old == new else [path or "（根）"]
