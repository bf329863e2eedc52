"""The terms format: every bad field gives a clear error at its YAML path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from yunying.contracts import terms as t

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SEED = EXAMPLES / "seed-002-kpi/kpi-contract.yaml"


def base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SEED.read_text("utf-8"))
    return data


def errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(t.TermsError) as caught:
        t.parse_terms(data)
    return {e.path: e.message for e in caught.value.errors}


def test_the_agreed_example_and_our_examples_are_valid() -> None:
    seed = t.load_yaml(SEED.read_text("utf-8"))
    assert seed.fees.fixed_monthly == Decimal("3000.00")
    assert [k.cap for k in seed.kpis] == [2, 2, 1, 1]
    assert seed.tiers[-1].above is None
    ours = t.load_yaml((EXAMPLES / "douyin-monthly/terms.yaml").read_text("utf-8"))
    assert ours.quotas[0].min_likes == 100
    assert ours.penalties.late_payment is not None


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["kpis"][1].update(metric="fans_magic"), "kpis[1].metric", "未知指标"),
        (lambda d: d["fees"].update(fixed_monthly="-1.00"), "fees.fixed_monthly", "负数"),
        (lambda d: d["fees"].update(fixed_monthly="12.345"), "fees.fixed_monthly", "两位小数"),
        (lambda d: d["kpis"][0].update(cap=0.5), "kpis[0].cap", "不能小于 1"),
        (lambda d: d["kpis"][0].update(target=0), "kpis[0].target", "大于 0"),
        (lambda d: d["kpis"][2].update(account="C"), "kpis[2].account", "未在 accounts 中定义"),
        (lambda d: d["kpis"][3].update(id="a_growth"), "kpis[3].id", "重复"),
        (
            lambda d: d["settlement"]["tiers"][1].update(above=0.9),
            "settlement.tiers[1].above",
            "档位顺序错误",
        ),
        (
            lambda d: d["settlement"]["tiers"][1].update(fixed_share=1.2),
            "settlement.tiers[1].fixed_share",
            "0 到 1",
        ),
        (
            lambda d: d["settlement"]["tiers"][2].update(above=0.1),
            "settlement.tiers[2].above",
            "最后一档",
        ),
        (
            lambda d: d.update(
                penalties={"late_payment": {"percent_per_day": 150, "from_day": 16}}
            ),
            "penalties.late_payment.percent_per_day",
            "0 到 100",
        ),
        (lambda d: d.update(windows={"payment_day": 31}), "windows.payment_day", "1 到 28"),
        (lambda d: d["period"].update(end="2025-01-01"), "period.end", "早于"),
        (lambda d: d["period"].update(start="2026-13-01"), "period.start", "YYYY-MM-DD"),
        (lambda d: d.update(kind="magic"), "kind", "未知的合同类型"),
        (lambda d: d.update(schema="yunying.terms/9"), "schema", "不支持"),
        (lambda d: d.update(fee={"x": 1}), "fee", "未知字段"),
        (lambda d: d["accounts"]["A"].update(platform="weibo"), "accounts.A.platform", "未知平台"),
        (
            lambda d: d.update(
                deductions={
                    "follower_shortfall": [
                        {
                            "account": "A",
                            "target": 10,
                            "block": 1,
                            "percent_of_fixed": 5,
                            "rounding": "round",
                        }
                    ]
                }
            ),
            "deductions.follower_shortfall[0].rounding",
            "floor",
        ),
        (lambda d: d.update(clauses=["liability", "loyalty"]), "clauses[1]", "未知条款"),
        (
            lambda d: d.update(windows={"review_working_days": 3, "client_silence": "ignore"}),
            "windows.client_silence",
            "deemed_approval",
        ),
    ],
)
def test_a_bad_field_is_named_by_its_yaml_path(change: Any, path: str, words: str) -> None:
    data = base()
    change(data)
    found = errors(data)
    assert path in found, found
    assert words in found[path]


def test_every_problem_is_reported_at_once() -> None:
    data = base()
    data["fees"]["fixed_monthly"] = "-5"
    data["kpis"][0]["cap"] = 0
    data["kpis"][1]["metric"] = "nope"
    assert {"fees.fixed_monthly", "kpis[0].cap", "kpis[1].metric"} <= set(errors(data))


def test_missing_required_fields_are_named() -> None:
    data = base()
    del data["period"]
    del data["kpis"][0]["performance_pay"]
    assert {"period", "kpis[0].performance_pay"} <= set(errors(data))


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(t.TermsError, match="第 3 行"):
        t.load_yaml("schema: yunying.terms/1\nid: a\n  kind: : x\n")


def test_export_keeps_the_meaning_and_reads_back_the_same() -> None:
    original = t.load_yaml((EXAMPLES / "douyin-monthly/terms.yaml").read_text("utf-8"))
    again = t.load_yaml(t.dump_yaml(original))
    assert again == original
    assert "示例餐饮" in t.dump_yaml(original)  # Chinese kept readable, not escaped


def test_the_stored_document_is_plain_json() -> None:
    import json

    terms = t.load_yaml((EXAMPLES / "douyin-monthly/terms.yaml").read_text("utf-8"))
    assert t.parse_terms(json.loads(json.dumps(terms.data))) == terms


def test_client_silence_is_unset_when_absent_and_accepts_both_meanings() -> None:
    data = base()
    data["windows"] = {"review_working_days": 3}
    assert t.parse_terms(data).windows.client_silence is None
    data["windows"]["client_silence"] = "escalate"
    assert t.parse_terms(data).windows.client_silence == "escalate"
    data["windows"]["client_silence"] = "deemed_approval"
    assert t.parse_terms(data).windows.client_silence == "deemed_approval"
