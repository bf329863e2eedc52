"""The scanner on a small lexicon of ours: terms, whitelists, co-occurrence, exemptions, spans."""

import copy
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.compliance.engine.lexicon import (
    ExtraEntry,
    LexiconError,
    compile_extra,
    parse,
)
from yunying.compliance.engine.normalize import normalize
from yunying.compliance.engine.scanner import ScanContext, UnknownPlatform, scan

LEXICON = tomllib.loads(
    """
version = "t1"
category = "ad_absolute_terms"

[[rules]]
id = "t.absolute"
severity = "block"
source = "广告法第九条"
explanation = "绝对化用语"
whitelist = ["最佳男主角"]
  [[rules.terms]]
  term = "最佳"
  reason = "法条列举"
  [[rules.terms]]
  term = "国家级"
  reason = "法条列举"
  [[rules.terms]]
  term = "NO.1"
  reason = "英文的第一"
  [[rules.terms]]
  term = "顶级"
  reason = "语境决定"
  severity = "warn"

[[rules]]
id = "t.fans"
severity = "block"
platforms = ["douyin"]
source = "视频号运营规范"
explanation = "刷量"
  [[rules.terms]]
  term = "刷粉"
  reason = "刷量"
  variants = true

[[cooccurrence]]
id = "t.luck"
severity = "block"
source = "s"
explanation = "转发换好运"
a = ["转发"]
b = ["好运", "抽奖"]
window = 10

[[exemptions]]
id = "t.absolute.award"
applies_to = ["t.absolute"]
severity = "warn"
source = "2023 指南"
explanation = "获奖称号"
cues = ["荣获", "被评为"]
window = 8

[[guards]]
id = "t.guard.medical"
applies_to = ["t.absolute"]
cues = ["治疗"]
window = 0
"""
)


@pytest.fixture(scope="module")
def lexicon():
    return parse([("t.toml", LEXICON)])


def found(lexicon, text, platform="douyin", context=None):
    return [
        (f.rule, f.severity, f.text)
        for f in scan(text, platform=platform, lexicon=lexicon, context=context)
    ]


def test_a_disguised_term_is_found_with_its_span_in_the_original(lexicon):
    text = "本店國家 級😀好茶"
    [finding] = scan(text, platform="douyin", lexicon=lexicon)
    assert (finding.start, finding.end, finding.text) == (2, 6, "國家 級")
    assert finding.rule == "t.absolute"
    assert finding.severity == "block"
    assert finding.lexicon_version == "ad_absolute_terms@t1"
    assert finding.source == "广告法第九条"


def test_a_whitelisted_phrase_suppresses_the_hit_it_contains(lexicon):
    assert found(lexicon, "他是最佳男主角") == []
    assert found(lexicon, "最佳男主角，最佳口味") == [("t.absolute", "block", "最佳")]


def test_ascii_terms_do_not_match_inside_longer_words(lexicon):
    assert found(lexicon, "我们是ＮＯ．１！") == [("t.absolute", "block", "ＮＯ．１")]
    assert found(lexicon, "casino.1x") == []


def test_a_term_can_carry_its_own_severity(lexicon):
    assert found(lexicon, "顶级食材") == [("t.absolute", "warn", "顶级")]


def test_a_rule_applies_only_on_its_platforms(lexicon):
    assert found(lexicon, "专业刷粉", platform="douyin") == [("t.fans", "block", "刷粉")]
    assert found(lexicon, "专业刷粉", platform="wechat_oa") == []


def test_pinyin_variants_of_a_high_risk_term_are_found(lexicon):
    assert found(lexicon, "专业 shua fen") == [("t.fans", "block", "shua fen")]
    assert found(lexicon, "专业刷FEN") == [("t.fans", "block", "刷FEN")]


def test_cooccurrence_needs_both_words_within_the_window(lexicon):
    assert found(lexicon, "转发这条，好运连连") == [("t.luck", "block", "转发这条，好运")]
    assert found(lexicon, "转发" + "的" * 20 + "好运") == []


def test_an_exemption_cue_in_the_same_sentence_lowers_the_severity(lexicon):
    assert found(lexicon, "荣获2025年度最佳餐厅") == [("t.absolute.award", "warn", "最佳")]
    # A cue in another sentence does not count.
    assert found(lexicon, "荣获奖项。最佳口味") == [("t.absolute", "block", "最佳")]


def test_a_guard_keeps_the_exemption_away_from_medical_claims(lexicon):
    assert found(lexicon, "荣获最佳，治疗效果好") == [("t.absolute", "block", "最佳")]


def test_client_terms_and_whitelists_join_the_scan(lexicon):
    extra = compile_extra(
        [
            ExtraEntry("布洛芬", "term", "illegal_marketing", "block", "处方药名"),
            ExtraEntry("最佳拍档", "whitelist", "", "", "客户的注册商标"),
        ],
        version="青禾 v2",
    )
    findings = scan(
        "布 洛 芬与最佳拍档", platform="douyin", lexicon=lexicon, context=ScanContext(extra=extra)
    )
    assert [(f.rule, f.category, f.text, f.message, f.lexicon_version) for f in findings] == [
        ("client.term", "illegal_marketing", "布 洛 芬", "处方药名", "青禾 v2")
    ]


def test_collapsing_repeats_finds_doubled_characters_when_asked(lexicon):
    assert found(lexicon, "国国家家级级") == []
    assert found(lexicon, "国国家家级级", context=ScanContext(collapse_repeats=True)) == [
        ("t.absolute", "block", "国国家家级级")
    ]


def test_an_unknown_platform_is_refused(lexicon):
    with pytest.raises(UnknownPlatform):
        scan("x", platform="weibo", lexicon=lexicon)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"][0].pop("source"), "source"),
        (lambda d: d["rules"][0]["terms"][0].pop("reason"), "reason"),
        (lambda d: d["rules"][0].update(severity="fatal"), "severity"),
        (lambda d: d["rules"][0].update(platforms=["weibo"]), "platforms"),
        (lambda d: d.update(category="gossip"), "category"),
        (lambda d: d["rules"][1].update(id="t.absolute"), "twice"),
    ],
)
def test_a_wrong_data_file_is_refused_naming_the_field(change, message):
    data = copy.deepcopy(LEXICON)
    change(data)
    with pytest.raises(LexiconError, match=message):
        parse([("t.toml", data)])


_NOISE = st.text(alphabet="本店欢迎光临好茶ＡＢ１２😀🍵 ，。！\u200b", max_size=30)
_SEPARATORS = st.sampled_from(["", " ", "\u200b", "😀", "，", "❤", "\u3000", "～"])


@settings(max_examples=150, deadline=None)
@given(
    before=_NOISE,
    after=_NOISE,
    separator=_SEPARATORS,
    form=st.sampled_from(["国家级", "國家級", "ＮＯ．１", "最佳"]),
)
def test_the_reported_span_of_a_planted_term_normalises_to_the_term(
    lexicon, before, after, separator, form
):
    planted = separator.join(form)
    # A Chinese character on each side: the noise may hold letters and digits, and an ASCII
    # term glued to more letters or digits is (rightly) not a match.
    text = before + "的" + planted + "的" + after
    findings = scan(text, platform="douyin", lexicon=lexicon)
    start = len(before) + 1
    [hit] = [f for f in findings if f.start == start]
    assert hit.end == start + len(planted)
    assert normalize(text[hit.start : hit.end]).text == normalize(form).text
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
