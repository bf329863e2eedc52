"""``yunying metrics import``: counts, each rejection with row and column, exit codes."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yunying.audit.models import AuditEntry
from yunying.metrics.models import DailyMetric

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("metrics", "import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def test_a_good_file_prints_its_counts_and_exits_0(douyin: Any) -> None:
    code, out, _err = run(
        "--mapping", "douyin", "--account", "douyin:dy_test", str(GOLDEN / "douyin_creator.xlsx")
    )
    assert code == 0
    assert "每日指标：新增 14，更新 0，未变 0" in out
    assert "作品：新增 2，更新 0，未变 0" in out
    assert DailyMetric.objects.filter(account=douyin).count() == 14
    assert AuditEntry.objects.get(action="metrics.import_file").actor_label == "system"


def test_the_same_file_again_is_all_unchanged(douyin: Any) -> None:
    path = str(GOLDEN / "douyin_creator.xlsx")
    run("--mapping", "douyin", "--account", "douyin:dy_test", path)
    code, out, _err = run("--mapping", "douyin", "--account", "douyin:dy_test", "--json", path)
    assert code == 0
    payload = json.loads(out)
    assert payload["metrics"] == {"created": 0, "updated": 0, "unchanged": 14}
    assert payload["posts"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_rejected_file_lists_each_problem_and_exits_2(douyin: Any) -> None:
    code, out, err = run(
        "--mapping",
        "douyin",
        "--account",
        "douyin:dy_test",
        "--json",
        str(GOLDEN / "douyin_bad.csv"),
    )
    assert code == 2
    assert "没有写入任何数据" in err
    payload = json.loads(out)
    assert payload["status"] == "rejected"
    assert payload["rejected_rows"] == 4
    assert [(p["row"], p["column"]) for p in payload["problems"]] == [
        (3, "点赞量"),
        (4, "日期"),
        (5, "点赞量"),
        (5, "净增粉丝"),
        (6, "日期"),
    ]
    assert DailyMetric.objects.filter(account=douyin).count() == 0


def test_keeping_the_good_rows_writes_them_and_exits_1(douyin: Any) -> None:
    code, out, _err = run(
        "--mapping",
        "douyin",
        "--account",
        "douyin:dy_test",
        "--keep-good-rows",
        str(GOLDEN / "douyin_bad.csv"),
    )
    assert code == 1
    assert "第 3 行 点赞量 列：不是数字：“五百”" in out
    assert DailyMetric.objects.filter(account=douyin).count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--mapping", "douyin", "--account", "douyin-dy_cli", "x"), "平台:平台账号ID"),
        (("--mapping", "douyin", "--account", "douyin:nobody", "GOLDEN"), "找不到账号"),
        (("--mapping", "nope", "--account", "douyin:dy_test", "GOLDEN"), "未知的导入格式"),
        (("--mapping", "wechat_oa", "--account", "douyin:dy_test", "GOLDEN"), "--mapping"),
        (("--mapping", "douyin", "--account", "douyin:dy_test", "/nonexistent.csv"), "无法读取"),
    ],
)
def test_bad_input_exits_2_with_a_message(douyin: Any, args: tuple[str, ...], message: str) -> None:
    args = tuple(str(GOLDEN / "douyin_creator.xlsx") if a == "GOLDEN" else a for a in args)
    code, _out, err = run(*args)
    assert code == 2
    assert message in err
