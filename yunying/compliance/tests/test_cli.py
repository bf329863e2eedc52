"""`yunying check` and `yunying check-name`: output, JSON shape and exit codes (0, 1, 2)."""

import json
import os
import subprocess
import sys

import pytest

CLEAN = "青禾餐厅本周推出春笋套餐，欢迎预约。"
BLOCKED = "本店是國家級😀老字号。"


def run(*args, stdin=None, data_dir):
    env = {**os.environ, "YUNYING_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "yunying.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def test_a_clean_file_exits_0(tmp_path, data_dir):
    path = tmp_path / "post.txt"
    path.write_text(CLEAN, encoding="utf-8")
    result = run("check", str(path), data_dir=data_dir)
    assert result.returncode == 0, result.stderr.decode()


def test_a_blocking_finding_exits_1_and_json_gives_the_span_in_the_original(tmp_path, data_dir):
    path = tmp_path / "post.txt"
    path.write_text(BLOCKED, encoding="utf-8")
    result = run("check", "--platform", "wechat_oa", "--json", str(path), data_dir=data_dir)
    assert result.returncode == 1, result.stderr.decode()
    findings = json.loads(result.stdout)["findings"]
    assert {"rule", "category", "severity", "start", "end", "text", "message", "source"} <= set(
        findings[0]
    )
    [hit] = [f for f in findings if f["severity"] == "block"]
    assert BLOCKED[hit["start"] : hit["end"]] == hit["text"] == "國家級"


def test_standard_input_is_read_for_a_dash(data_dir):
    result = run("check", "-", stdin=BLOCKED.encode(), data_dir=data_dir)
    assert result.returncode == 1
    assert "國家級".encode() in result.stdout


@pytest.mark.parametrize(
    ("args", "content"),
    [
        (["check", "{missing}"], None),
        (["check", "{file}"], "本店最佳".encode("gb18030")),  # not UTF-8
        (["check", "--platform", "weibo", "{file}"], CLEAN.encode()),
        (["check"], None),
    ],
)
def test_bad_input_exits_2(tmp_path, data_dir, args, content):
    path = tmp_path / "post.txt"
    if content is not None:
        path.write_bytes(content)
    args = [
        a.replace("{file}", str(path)).replace("{missing}", str(tmp_path / "nope.txt"))
        for a in args
    ]
    result = run(*args, data_dir=data_dir)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr


def test_check_name_refuses_a_state_name_and_accepts_a_shop_name(data_dir):
    refused = run("check-name", "--json", "中华人民共和国美食", data_dir=data_dir)
    assert refused.returncode == 1
    [finding, *_] = json.loads(refused.stdout)["findings"]
    assert finding["severity"] == "block"
    assert finding["source"]
    accepted = run("check-name", "青禾小馆", data_dir=data_dir)
    assert accepted.returncode == 0, accepted.stdout.decode()


def test_check_name_of_an_empty_name_exits_2(data_dir):
    assert run("check-name", "  ", data_dir=data_dir).returncode == 2


def test_the_system_check_is_still_reachable(data_dir):
    result = run("systemcheck", data_dir=data_dir)
    assert result.returncode == 0, result.stderr.decode()
