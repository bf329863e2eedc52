"""The normaliser undoes the disguises people use, and maps every character back to the original."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.compliance.engine.normalize import normalize, normalize_term


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("微 信：ＡＢＣ＿１２３", "微信abc123"),  # spaces, full width, punctuation, case
        ("加❤薇❤信", "加薇信"),  # emoji between characters
        ("最\u200b佳\u200d", "最佳"),  # zero-width space and joiner
        ("國家級", "国家级"),  # traditional to simplified
        ("壹叁捌零零", "13800"),  # financial numerals
        ("一三八〇〇", "13800"),  # everyday numerals and the ideographic zero
        ("①⑴⒈➀Ⅳ²", "111142"),  # circled, parenthesised, full-stop, dingbat, Roman, superscript
        ("⑩", "10"),  # one character that stands for two digits
        ("1️⃣3️⃣8️⃣", "138"),  # keycap emoji
        ("100％", "100%"),  # the percent sign is kept: "100%" is a term
        ("ＮＯ．１", "no1"),
        ("ｅ\u0301", "e"),  # combining marks are dropped
    ],
)
def test_disguised_forms_normalise_to_the_plain_form(text, expected):
    assert normalize(text).text == expected


def test_every_normalised_character_maps_back_to_the_character_that_produced_it():
    text = "本店😀國家級好茶"
    norm = normalize(text)
    assert norm.text == "本店国家级好茶"
    start = norm.text.index("国家级")
    begin, end = norm.span(start, start + 3)
    assert text[begin:end] == "國家級"


def test_a_character_that_expands_maps_every_part_to_itself():
    text = "第⑩名"
    norm = normalize(text)
    assert norm.text == "第10名"
    assert norm.span(1, 3) == (1, 2)
    assert norm.span(0, 4) == (0, 3)


def test_repeats_collapse_only_when_asked_and_never_in_digits():
    assert normalize("微微信信").text == "微微信信"
    assert normalize("微微信信 13800138000", collapse_repeats=True).text == "微信13800138000"


def test_terms_go_through_the_same_normaliser():
    assert normalize_term("NO.1") == "no1"
    assert normalize_term("國家級") == normalize("国 家 级").text


_DISGUISES = st.sampled_from(["", " ", "\u200b", "😀", "，", "❤", "·", "\u3000", "\n", "～"])


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet="本店好茶欢迎光临ＡＢ１２😀 ，。", max_size=20),
    after=st.text(alphabet="本店好茶欢迎光临ＡＢ１２😀 ，。", max_size=20),
    separators=st.lists(_DISGUISES, min_size=2, max_size=2),
    traditional=st.booleans(),
)
def test_the_span_of_a_planted_term_slices_back_to_a_form_of_the_term(
    before, after, separators, traditional
):
    term = "國家級" if traditional else "国家级"
    planted = term[0] + separators[0] + term[1] + separators[1] + term[2]
    text = before + planted + after
    norm = normalize(text)
    index = norm.text.find("国家级", len(normalize(before).text))
    begin, end = norm.span(index, index + 3)
    assert begin == len(before)
    assert end == len(before) + len(planted)
    assert normalize(text[begin:end]).text == "国家级"
