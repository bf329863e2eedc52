"""Pattern rules on their own: checksums, dates, boundaries, severities per platform, spans."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.compliance.engine.normalize import normalize
from yunying.compliance.engine.patterns import find, luhn, valid_id_number


def hits(text, platform="douyin"):
    return [
        (h.rule, h.severity, text[h.start : h.end])
        for h in find(normalize(text), platform=platform)
    ]


def test_an_id_number_needs_its_check_character_and_a_real_birth_date():
    assert valid_id_number("11010519491231002X")
    assert valid_id_number("360426199101010071")
    assert not valid_id_number("110105194912310021")  # check character
    assert not valid_id_number("110105194902300028")  # 30 February
    assert not valid_id_number("110105209912310028", today=date(2026, 11, 22))  # not born yet


def test_luhn():
    assert luhn("4111111111111111")
    assert not luhn("4111111111111112")


def test_a_mobile_number_blocks_where_it_diverts_users_and_warns_on_an_official_account():
    text = "预约请打 138-1234-5678"
    assert hits(text, "douyin") == [("privacy.mobile", "block", "138-1234-5678")]
    assert hits(text, "wechat_oa") == [("privacy.mobile", "warn", "138-1234-5678")]


@pytest.mark.parametrize(
    "text",
    [
        "订座电话 0571-88886666，2026年10月1日起营业",
        "订单号 213812345678",
        "满100减20，人均59.9元",
        "会员卡号 1381234567",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert hits(text) == []


def test_a_number_written_in_chinese_numerals_is_found_in_its_original_form():
    text = "电话：壹叁捌壹贰叁肆伍陆柒捌"
    assert hits(text) == [("privacy.mobile", "block", "壹叁捌壹贰叁肆伍陆柒捌")]


def test_a_wechat_id_offered_for_contact_is_found_with_its_cue():
    assert hits("加我 薇❤信：shop_888 下单") == [("offsite.contact_id", "block", "薇❤信：shop_888")]
    assert hits("关注微信公众号青禾") == []


def test_links_are_judged_by_their_host():
    assert hits("详见 https://mp.weixin.qq.com/s/abc") == []
    assert hits("点这里 http://t.cn/A6x") == [("link.blocked", "block", "http://t.cn/A6x")]
    assert hits("淘宝店 item.taobao.com/1", "wechat_oa") == [
        ("link.offsite_shop", "warn", "item.taobao.com/1")
    ]
    assert hits("官网 ｗｗｗ．ｑｉｎｇｈｅ．ｃｏｍ") == [
        ("link.external", "warn", "ｗｗｗ．ｑｉｎｇｈｅ．ｃｏｍ")
    ]


def test_a_link_broken_up_by_invisible_characters_is_itself_a_finding():
    text = "点击 w\u200bw\u200bw.\u200bqinghe\u200b.com 领取"
    assert hits(text) == [("link.disguised", "block", "w\u200bw\u200bw.\u200bqinghe\u200b.com")]
    # A plain address next to a split scheme is judged by its host.
    assert [h[0] for h in hits("h\u200bt\u200btp://t.cn/x")] == ["link.blocked"]


def _id_number(draw_digits: str) -> str:
    total = sum(
        int(d) * w
        for d, w in zip(
            draw_digits, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True
        )
    )
    return draw_digits + "10X98765432"[total % 11]


@settings(max_examples=100, deadline=None)
@given(
    region=st.integers(110000, 659999),
    born=st.dates(date(1930, 1, 1), date(2010, 12, 31)),
    sequence=st.integers(0, 999),
    before=st.text(alphabet="中奖用户请核对：😀 ，。", max_size=12),
    after=st.text(alphabet="中奖用户请核对：😀 ，。", max_size=12),
    spaced=st.booleans(),
)
def test_a_valid_id_number_in_any_text_is_found_and_its_span_slices_back(
    region, born, sequence, before, after, spaced
):
    number = _id_number(f"{region}{born:%Y%m%d}{sequence:03d}")
    written = " ".join([number[:6], number[6:14], number[14:]]) if spaced else number
    text = before + "号" + written + "号" + after
    found = [h for h in find(normalize(text), platform="douyin") if h.rule == "privacy.id_card"]
    assert [text[h.start : h.end] for h in found] == [written]
