"""Reminders are pure: dates from the terms, each with the arithmetic that produced it."""

from __future__ import annotations

import datetime as dt

from yunying.contracts import reminders, terms
from yunying.contracts.reminders import across_versions, due_for_notice, upcoming
from yunying.workdays.calendar import WorkdayCalendar

from .helpers import terms_data

D = dt.date
# 2026 with the National Day week as holidays and its make-up Saturday (enough for these dates).
CALENDAR = WorkdayCalendar(
    holidays=[D(2026, 10, d) for d in range(1, 8)],
    makeup_workdays=[D(2026, 10, 10)],
    years=[2026, 2027],
)
ADD = CALENDAR.add_working_days


def parsed(**changes: object) -> terms.Terms:
    return terms.parse_terms(terms_data({"A": ("wechat_oa", "号")}, **changes))


def kinds(found: list[reminders.Reminder]) -> list[tuple[dt.date, str]]:
    return [(r.date, r.kind) for r in found]


def test_the_renewal_window_opens_notice_days_before_the_end() -> None:
    found = upcoming(parsed(), today=D(2026, 11, 20), add_working_days=ADD)
    renewal = next(r for r in found if r.kind == reminders.RENEWAL_OPENS)
    assert renewal.date == D(2026, 12, 1)
    assert renewal.explanation == "2026-12-31 − 30 天续约通知期 = 2026-12-01"


def test_report_and_payment_days_fall_in_the_month_after_each_contract_month() -> None:
    found = upcoming(parsed(), today=D(2026, 11, 20), horizon_days=60, add_working_days=ADD)
    assert (D(2026, 12, 5), reminders.REPORT_DAY) in kinds(found)
    assert (D(2026, 12, 10), reminders.PAYMENT_DAY) in kinds(found)
    # December's data and money are due in January, after the period has ended.
    assert (D(2027, 1, 5), reminders.REPORT_DAY) in kinds(found)
    report = next(r for r in found if r.date == D(2026, 12, 5))
    assert report.explanation == "2026-11 月的数据报送：次月 5 日前 = 2026-12-05"
    assert report.ref == "2026-11"


def test_no_report_day_before_the_first_contract_month_is_over() -> None:
    found = upcoming(parsed(), today=D(2025, 12, 20), horizon_days=30, add_working_days=ADD)
    assert all(r.kind not in {reminders.REPORT_DAY, reminders.PAYMENT_DAY} for r in found)


def test_one_off_fees_fall_due_working_days_after_signing_across_holidays() -> None:
    signed = parsed(signed_on="2026-09-29")
    found = upcoming(signed, today=D(2026, 9, 29), add_working_days=ADD)
    fee = next(r for r in found if r.kind == reminders.ONE_OFF_DUE)
    # 9-30 is the first working day; the holiday week is skipped; 10-10 is a make-up day.
    assert fee.date == D(2026, 10, 12)
    assert fee.explanation == "签约日 2026-09-29 + 5 个工作日 = 2026-10-12"
    assert "开通费" in fee.message


def test_unsigned_terms_have_no_fee_reminders() -> None:
    found = upcoming(parsed(), today=D(2026, 1, 1), add_working_days=ADD)
    assert reminders.ONE_OFF_DUE not in {r.kind for r in found}


def test_a_missing_calendar_year_is_reported_not_hidden() -> None:
    signed = parsed(signed_on="2027-12-28")
    found = upcoming(signed, today=D(2027, 12, 28), horizon_days=10, add_working_days=ADD)
    missing = [r for r in found if r.kind == reminders.CALENDAR_MISSING]
    assert missing
    assert "2028" in missing[0].explanation


def test_the_contract_end_is_a_reminder_and_nothing_outside_the_horizon_is() -> None:
    found = upcoming(parsed(), today=D(2026, 12, 1), horizon_days=45, add_working_days=ADD)
    assert (D(2026, 12, 31), reminders.CONTRACT_END) in kinds(found)
    assert all(D(2026, 12, 1) <= r.date <= D(2027, 1, 15) for r in found)
    assert kinds(found) == sorted(kinds(found), key=lambda k: k[0])


def test_an_amendment_that_extends_the_period_replaces_the_end_date() -> None:
    first = parsed()
    longer = parsed(period={"start": "2026-01-01", "end": "2027-06-30"})
    found = across_versions(
        [(D(2026, 1, 1), first), (D(2026, 12, 1), longer)],
        today=D(2026, 12, 1),
        add_working_days=ADD,
    )
    assert reminders.CONTRACT_END not in {r.kind for r in found}
    assert reminders.RENEWAL_OPENS not in {r.kind for r in found}


def test_reminders_are_noticed_only_within_their_lead_time() -> None:
    end = reminders.Reminder(D(2026, 12, 31), reminders.CONTRACT_END, "", "")
    assert not due_for_notice(end, D(2026, 11, 30))
    assert due_for_notice(end, D(2026, 12, 1))
    assert not due_for_notice(end, D(2027, 1, 1))
    assert end.key == "contract_end:2026-12-31:"
