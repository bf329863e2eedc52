"""Account names against the naming clauses: refusals cite their clause; exemptions hold."""

import pytest

from yunying.compliance.engine.names import check_name


def rules(name):
    return [(f.rule, f.severity, f.text) for f in check_name(name)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("中国好茶", [("name.state_symbols", "block", "中国")]),
        ("宝洁中国", []),  # brand + 中国 of a foreign enterprise
        ("日本料理之家", [("name.foreign_country", "block", "日本")]),
        ("日本驻华大使馆", []),
        ("华英国际", []),  # 英国 only by accident
        ("中部第一酒", [("name.exaggeration", "block", "第一")]),
        ("海_底_捞官方", [("name.impersonation", "block", "海_底_捞")]),
        ("騰訊客服", [("name.impersonation", "block", "騰訊")]),
        ("养生", [("name.generic_word", "warn", "养生")]),
        ("青禾养生馆", []),
        ("杭州市", [("name.bare_place", "warn", "杭州市")]),
        ("杭州青禾餐饮", []),
        ("青禾招商加盟", [("name.marketing", "warn", "招商"), ("name.marketing", "warn", "加盟")]),
    ],
)
def test_a_name_gets_exactly_the_findings_of_the_clauses_it_breaks(name, expected):
    assert rules(name) == expected


def test_every_refusal_names_its_clause():
    [finding] = check_name("天安门小吃")
    assert finding.source.endswith("三、6.1")
    assert finding.lexicon_version.startswith("names@")
