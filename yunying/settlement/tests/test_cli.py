"""``yunying settle`` on files: the agreed output, and bad input exits 2 without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "examples/seed-002-kpi"
DOUYIN = ROOT / "examples/douyin-monthly"


def settle(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"YUNYING_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "settle", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_agreed_example_prints_the_expected_json(tmp_path: Path) -> None:
    result = settle(
        "--terms",
        str(SEED / "kpi-contract.yaml"),
        "--metrics",
        str(SEED / "metrics-2026-10.csv"),
        "--period",
        "2026-10",
        "--json",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    expected = json.loads((SEED / "expected-2026-10.json").read_text("utf-8"))
    assert printed["total"] == expected["total"] == "4200.00"
    assert [(x["code"], x["amount"]) for x in printed["lines"]] == [
        (x["code"], x["amount"]) for x in expected["lines"]
    ]
    for line in printed["lines"]:
        assert set(line) == {"code", "description", "amount", "formula", "inputs"}


def test_the_text_output_shows_formulas_and_notices(tmp_path: Path) -> None:
    result = settle(
        "--terms",
        str(DOUYIN / "terms.yaml"),
        "--metrics",
        str(DOUYIN / "metrics.csv"),
        "--posts",
        str(DOUYIN / "posts.csv"),
        "--period",
        "2026-09",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "4,640.00" in result.stdout
    assert "缺 4 件 × 每件扣减 300.00" in result.stdout
    assert "注意：" in result.stdout


@pytest.mark.parametrize(
    ("files", "period", "message"),
    [
        ({"terms.yaml": "schema: yunying.terms/1\nid: X\n"}, "2026-10", "period"),
        ({"terms.yaml": "id: [\n"}, "2026-10", "YAML"),
        (
            {"metrics.csv": "date,account,metric,value\n2026-10-01,A,calls,abc\n"},
            "2026-10",
            "第 2 行 value 列",
        ),
        ({"metrics.csv": "date,account,value\n"}, "2026-10", "metric 列"),
        ({}, "2026-13", "--period"),
        ({}, "2027-03", "不在合同期内"),
        (
            {"metrics.csv": "date,account,metric,value\n2026-10-01,A,calls,5\n"},
            "2026-10",
            "a_growth",
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_no_traceback(
    tmp_path: Path, files: dict[str, str], period: str, message: str
) -> None:
    terms = tmp_path / "terms.yaml"
    metrics = tmp_path / "metrics.csv"
    terms.write_text((SEED / "kpi-contract.yaml").read_text("utf-8"), "utf-8")
    metrics.write_text((SEED / "metrics-2026-10.csv").read_text("utf-8"), "utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    result = settle(
        "--terms", str(terms), "--metrics", str(metrics), "--period", period, tmp_path=tmp_path
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = settle(
        "--terms",
        str(tmp_path / "nope.yaml"),
        "--metrics",
        str(tmp_path / "m.csv"),
        "--period",
        "2026-10",
        tmp_path=tmp_path,
    )
    assert result.returncode == 2
    assert "不存在" in result.stderr
    assert "Traceback" not in result.stderr
