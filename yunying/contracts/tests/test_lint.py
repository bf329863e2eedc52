"""The contract linter: one test per rule, and a complete contract that passes them all."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from yunying.contracts.lint import ERROR, WARNING, Finding, blocking, lint
from yunying.contracts.terms import parse_terms

# A Douyin monthly operation contract that states everything the linter asks for.
COMPLETE_YAML = """
schema: yunying.terms/1
id: LINT-DY-001
kind: account_operation
client: 山城火锅餐饮管理有限公司
agency: 青禾数字传媒有限公司
period: {start: 2026-07-01, end: 2027-06-30}
renewal: {notice_days: 30}
accounts:
  D: {platform: douyin, name: 山城火锅官方号}
services:
  - 选题策划、脚本、拍摄剪辑与发布
  - 评论与私信回复
fees:
  fixed_monthly: "8000.00"
quotas:
  - {account: D, kind: video, per_month: 12, per_week: 2, min_likes: 100,
     missing_item_deduction: "300.00"}
kpis:
  - {id: growth, account: D, metric: followers_net_growth, target: 2000,
     performance_pay: "1000.00", cap: 2.0}
  - {id: likes, account: D, metric: likes, target: 20000, performance_pay: "1000.00", cap: 1.5}
settlement:
  tiers:
    - {above: 0.70, fixed_share: 1.0, performance: true}
    - {above: 0.50, fixed_share: 0.8, performance: false}
    - {fixed_share: 0.0, performance: false}
deductions:
  follower_shortfall:
    - {account: D, target: 2000, block: 100, percent_of_fixed: 1}
penalties:
  late_payment: {percent_per_day: 0.05, from_day: 16}
windows: {review_working_days: 3, max_revision_rounds: 3, report_day: 5, payment_day: 10}
termination:
  agency_idle_days: 7
  account_unusable_days: 7
  client_silent_working_days: 20
clauses: [liability, confidentiality, force_majeure, content_compliance, dispute]
"""


def complete() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPLETE_YAML)
    return data


def findings(change: Callable[[dict[str, Any]], object]) -> list[Finding]:
    data = complete()
    change(data)
    return lint(parse_terms(data))


def by_code(found: list[Finding], code: str) -> list[Finding]:
    return [f for f in found if f.code == code]


def only(found: list[Finding], code: str) -> Finding:
    matches = by_code(found, code)
    assert len(matches) == 1, found
    return matches[0]


def test_a_complete_contract_has_no_findings() -> None:
    assert lint(parse_terms(complete())) == []


def test_a_missing_signing_date_is_not_a_finding_because_signing_sets_it() -> None:
    data = complete()
    data.pop("signed_on", None)
    assert lint(parse_terms(data)) == []


def test_a_contract_without_accounts_cannot_be_signed() -> None:
    def change(d: dict[str, Any]) -> None:
        for key in ("accounts", "quotas", "kpis", "deductions"):
            d.pop(key)
        d.pop("settlement")

    finding = only(findings(change), "no_accounts")
    assert (finding.path, finding.severity) == ("accounts", ERROR)


def test_a_contract_that_delivers_nothing_cannot_be_signed() -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("services")
        d.pop("quotas")

    finding = only(findings(change), "no_deliverable")
    assert (finding.path, finding.severity) == ("services", ERROR)


@pytest.mark.parametrize(
    "deliverable",
    [
        {"services": ["代写公众号文章"]},
        {"fees": {"per_item": {"video": "800.00"}}},
        {"fees": {"per_session": "1500.00"}},
    ],
)
def test_services_or_per_item_or_per_session_fees_each_count_as_a_deliverable(
    deliverable: dict[str, Any],
) -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("services")
        d.pop("quotas")
        for key, value in deliverable.items():
            if key == "fees":
                d["fees"].update(value)
            else:
                d[key] = value

    assert by_code(findings(change), "no_deliverable") == []


def test_a_contract_without_any_fee_cannot_be_signed() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {}
        d.pop("deductions")
        for kpi in d["kpis"]:
            kpi["performance_pay"] = "0.00"

    found = findings(change)
    assert (only(found, "no_fee").path, only(found, "no_fee").severity) == ("fees", ERROR)
    assert by_code(found, "no_payment_date") == []


def test_performance_pay_alone_is_a_fee_that_needs_a_payment_day() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {}
        d.pop("deductions")
        d["windows"].pop("payment_day")

    found = findings(change)
    assert by_code(found, "no_fee") == []
    assert "绩效费" in only(found, "no_payment_date").message


def test_monthly_fees_without_a_payment_day_cannot_be_signed() -> None:
    finding = only(findings(lambda d: d["windows"].pop("payment_day")), "no_payment_date")
    assert (finding.path, finding.severity) == ("windows.payment_day", ERROR)
    assert "固定月费" in finding.message


def test_a_yearly_fee_is_paid_on_a_statement_so_it_needs_a_payment_day() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {"yearly": "36000.00"}
        d.pop("deductions")
        d.pop("kpis")
        d.pop("settlement")
        d["windows"].pop("payment_day")

    assert "年度服务费" in only(findings(change), "no_payment_date").message


def test_a_one_off_fee_with_due_days_carries_its_own_payment_date() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {"one_off": [{"label": "制作费", "amount": "5000.00", "due_working_days": 7}]}
        d.pop("deductions")
        d.pop("kpis")
        d.pop("settlement")
        d["windows"].pop("payment_day")

    found = findings(change)
    assert by_code(found, "no_payment_date") == []
    assert by_code(found, "one_off_without_due_date") == []


def test_a_one_off_fee_without_due_days_has_no_payment_date() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"]["one_off"] = [
            {"label": "开户费", "amount": "500.00", "due_working_days": 0},
            {"label": "制作费", "amount": "5000.00"},
        ]

    finding = only(findings(change), "one_off_without_due_date")
    assert (finding.path, finding.severity) == ("fees.one_off[1].due_working_days", ERROR)
    assert "制作费" in finding.message


def test_a_contract_amount_without_instalments_or_payment_day_has_no_payment_date() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {"contract_amount": "20000.00"}
        d.pop("deductions")
        d.pop("kpis")
        d.pop("settlement")
        d["windows"].pop("payment_day")

    assert only(findings(change), "no_payment_date").path == "windows.payment_day"


def test_a_kpi_without_a_target_names_its_path() -> None:
    finding = only(findings(lambda d: d["kpis"][1].pop("target")), "kpi_without_target")
    assert (finding.path, finding.severity) == ("kpis[1].target", ERROR)
    assert "likes" in finding.message


def test_kpis_without_tiers_are_a_warning() -> None:
    finding = only(findings(lambda d: d.pop("settlement")), "kpis_without_tiers")
    assert (finding.path, finding.severity) == ("settlement.tiers", WARNING)


def test_tiers_without_kpis_are_a_warning() -> None:
    finding = only(findings(lambda d: d.pop("kpis")), "tiers_without_kpis")
    assert finding.severity == WARNING


def test_a_contract_without_any_liability_cannot_be_signed() -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("penalties")
        d["clauses"].remove("liability")

    finding = only(findings(change), "no_liability")
    assert (finding.path, finding.severity) == ("penalties", ERROR)


def test_the_liability_clause_alone_states_liability() -> None:
    assert by_code(findings(lambda d: d.pop("penalties")), "no_liability") == []


def test_a_penalty_alone_states_liability() -> None:
    assert by_code(findings(lambda d: d["clauses"].remove("liability")), "no_liability") == []


def test_a_late_delivery_penalty_needs_an_amount_to_be_computed_on() -> None:
    def change(d: dict[str, Any]) -> None:
        d["fees"] = {"per_item": {"video": "800.00"}}
        d.pop("deductions")
        d["penalties"]["late_delivery"] = {"percent_per_day": 0.1}

    finding = only(findings(change), "late_delivery_without_base")
    assert finding.path == "penalties.late_delivery"


def test_a_late_delivery_penalty_on_the_monthly_fee_is_complete() -> None:
    def change(d: dict[str, Any]) -> None:
        d["penalties"]["late_delivery"] = {"percent_per_day": 0.1, "refund_after_days": 7}

    assert lint(parse_terms(complete())) == []
    assert findings(change) == []


def test_content_quotas_without_a_review_window_cannot_be_signed() -> None:
    found = findings(lambda d: d["windows"].pop("review_working_days"))
    finding = only(found, "no_review_window")
    assert (finding.path, finding.severity) == ("windows.review_working_days", ERROR)


def test_no_review_window_is_needed_without_content_quotas() -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("quotas")
        d["windows"].pop("review_working_days")
        d["windows"].pop("max_revision_rounds")

    found = findings(change)
    assert by_code(found, "no_review_window") == []
    assert by_code(found, "no_revision_limit") == []


def test_content_quotas_without_a_revision_limit_are_a_warning() -> None:
    finding = only(findings(lambda d: d["windows"].pop("max_revision_rounds")), "no_revision_limit")
    assert finding.severity == WARNING


def test_kpis_without_a_report_day_are_a_warning() -> None:
    finding = only(findings(lambda d: d["windows"].pop("report_day")), "no_report_day")
    assert (finding.path, finding.severity) == ("windows.report_day", WARNING)


def test_a_contract_without_termination_triggers_or_dispute_clause_gets_warnings() -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("termination")
        d["clauses"].remove("dispute")

    found = findings(change)
    assert only(found, "no_termination_triggers").severity == WARNING
    assert only(found, "no_dispute_clause").severity == WARNING
    assert blocking(found) == []


def test_a_period_longer_than_three_years_is_a_warning() -> None:
    def change(d: dict[str, Any]) -> None:
        d["period"]["end"] = "2029-07-02"

    finding = only(findings(change), "long_period")
    assert (finding.path, finding.severity) == ("period.end", WARNING)


def test_a_period_of_exactly_three_years_is_fine() -> None:
    def change(d: dict[str, Any]) -> None:
        d["period"]["end"] = "2029-07-01"

    assert by_code(findings(change), "long_period") == []


def test_a_monthly_contract_without_renewal_notice_is_a_warning() -> None:
    finding = only(findings(lambda d: d.pop("renewal")), "no_renewal_notice")
    assert (finding.path, finding.severity) == ("renewal.notice_days", WARNING)


def test_only_errors_block_signing() -> None:
    def change(d: dict[str, Any]) -> None:
        d.pop("renewal")
        d["windows"].pop("payment_day")

    found = findings(change)
    assert {f.code for f in found} == {"no_renewal_notice", "no_payment_date"}
    assert [f.code for f in blocking(found)] == ["no_payment_date"]


def test_every_message_is_chinese() -> None:
    def change(d: dict[str, Any]) -> None:
        for key in ("accounts", "quotas", "kpis", "deductions", "services", "settlement"):
            d.pop(key)
        d["fees"] = {}
        for key in ("penalties", "renewal", "termination", "windows"):
            d.pop(key)
        d["clauses"] = []

    found = findings(change)
    assert len(found) >= 5
    for finding in found:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in finding.message), finding


def test_the_linter_imports_nothing_from_django() -> None:
    # The package itself loads Celery (and with it parts of Django), so compare against that.
    code = (
        "import sys, yunying; before = set(sys.modules); import yunying.contracts.lint; "
        "new = set(sys.modules) - before; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in new))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_findings_are_frozen_and_hashable_so_the_ui_can_key_on_them() -> None:
    finding = Finding("no_fee", "fees", "未约定任何费用")
    with pytest.raises(AttributeError):
        finding.code = "other"  # type: ignore[misc]
    assert {finding, Finding("no_fee", "fees", "未约定任何费用")} == {finding}
