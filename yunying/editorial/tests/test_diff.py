"""The sanitiser and the version diff: pure functions, no database."""

from __future__ import annotations

from yunying.editorial.diff import DELETE, EQUAL, INSERT, Segment, diff_parts, diff_text, render
from yunying.editorial.sanitize import Mark, locate, render_text, sanitize, text_of
from yunying.editorial.sanitize import render as render_html

LIBRARY = ("/content/materials/",)


# --- Sanitiser -----------------------------------------------------------------------------------


def test_sanitiser_keeps_the_allowed_formatting():
    source = (
        "<h2>标题</h2><p>一段<strong>加粗</strong><em>斜体</em><b>b</b><i>i</i><u>u</u><br>"
        "</p><ul><li>甲</li></ul><ol><li>乙</li></ol><blockquote>引用</blockquote><h3>小标题</h3>"
    )
    assert sanitize(source) == source


def test_sanitiser_removes_scripts_with_their_content():
    cleaned = sanitize("<p>前<script>alert('x')</script>后</p><style>p{}</style>")
    assert cleaned == "<p>前后</p>"


def test_sanitiser_removes_event_handler_attributes():
    cleaned = sanitize('<p onclick="steal()" style="color:red">文<b onmouseover="x()">字</b></p>')
    assert cleaned == "<p>文<b>字</b></p>"


def test_sanitiser_drops_javascript_links_but_keeps_their_text():
    for href in ("javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:x"):
        cleaned = sanitize(f'<a href="{href}">点我</a>')
        assert cleaned == "<a>点我</a>", href


def test_sanitiser_keeps_http_links_with_a_safe_rel():
    cleaned = sanitize('<a href="https://example.com/a?b=1&amp;c=2" target="_top">链接</a>')
    assert cleaned == (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">链接</a>'
    )


def test_sanitiser_keeps_only_images_from_our_material_library():
    image = '<img src="/content/materials/7/thumbnail/" onerror="x()" alt="图">'
    assert sanitize(image, image_prefixes=LIBRARY) == (
        '<img src="/content/materials/7/thumbnail/" alt="图">'
    )
    for src in (
        "https://evil.example/x.png",
        "//evil.example/x.png",
        "/content/materials/../../admin/",
        "javascript:alert(1)",
        "",
    ):
        assert sanitize(f'<img src="{src}">', image_prefixes=LIBRARY) == "", src


def test_sanitiser_escapes_text_and_drops_unknown_tags():
    cleaned = sanitize('<div class="x">a &lt;b&gt; &amp; <span>c</span></div><iframe>x</iframe>')
    assert cleaned == "a &lt;b&gt; &amp; c"


def test_sanitiser_closes_what_is_left_open_and_ignores_stray_ends():
    assert sanitize("<p><strong>未闭合") == "<p><strong>未闭合</strong></p>"
    assert sanitize("文字</strong></p>") == "文字"


def test_sanitiser_text_is_what_the_browser_shows_with_source_offsets():
    source = "<p>新品&amp;<b>介绍</b></p>"
    shown = render_html(source)
    assert shown.text == "新品&介绍"
    assert [source[i] for i in shown.offsets] == ["新", "品", "&", "介", "绍"]


def test_marks_highlight_source_ranges_in_place_with_their_explanation():
    source = "<p>这是最佳选择</p>"
    start = source.index("最佳")
    shown = render_html(source, marks=[Mark(start, start + 2, "广告法第九条")])
    assert shown.html == '<p>这是<mark title="广告法第九条">最佳</mark>选择</p>'


def test_marks_on_plain_text_escape_everything_else():
    shown = render_text("<b>第一</b>", marks=[Mark(3, 5, 'say "why"')])
    assert shown.html == '&lt;b&gt;<mark title="say &quot;why&quot;">第一</mark>&lt;/b&gt;'


def test_overlapping_marks_become_one():
    shown = render_text("国家级最佳", marks=[Mark(0, 3, "a"), Mark(2, 5, "b")])
    assert shown.html == '<mark title="a\nb">国家级最佳</mark>'


def test_a_selected_passage_is_found_in_the_stored_html():
    source = "<p>第一段</p><p>新品<strong>介绍</strong>很好，新品上市</p>"
    shown = render_html(source)
    start = locate(shown, source, "新品", shown.text.rindex("新品"))
    assert start == source.rindex("新品")
    assert locate(shown, source, "介绍", None) == source.index("介绍")
    # Across a tag there is no single run of the source to point at.
    assert locate(shown, source, "品介", None) is None
    assert locate(shown, source, "没有的话", None) is None


def test_plain_text_offsets_follow_the_browser_reading_crlf_as_one_character():
    text = "第一行\r\n第二行"
    shown = render_text(text)
    assert shown.text == "第一行\n第二行"
    assert locate(shown, text, "第二行", 4) == text.index("第二行")


def test_text_of_puts_each_block_on_its_own_line():
    assert text_of("<h2>标题</h2><p>一<br>二</p>\n<ul><li>甲</li><li>乙</li></ul>") == (
        "标题\n一\n二\n甲\n乙"
    )


# --- Diff ----------------------------------------------------------------------------------------


def test_chinese_is_compared_character_by_character():
    segments = diff_text("今天天气很好，去公园。", "今天天气不错，去公园玩。")
    assert segments == (
        Segment(EQUAL, "今天天气"),
        Segment(DELETE, "很好"),
        Segment(INSERT, "不错"),
        Segment(EQUAL, "，去公园"),
        Segment(INSERT, "玩"),
        Segment(EQUAL, "。"),
    )


def test_unchanged_lines_stay_whole():
    segments = diff_text("第一段。\n第二段。\n", "第一段。\n第二段改了。\n")
    assert segments[0] == Segment(EQUAL, "第一段。\n第二段")
    assert Segment(INSERT, "改了") in segments


def test_a_single_shared_character_between_changes_is_folded_into_them():
    segments = diff_text("甲的乙", "丙的丁")
    assert segments == (Segment(DELETE, "甲的乙"), Segment(INSERT, "丙的丁"))


def test_render_marks_insertions_and_deletions_and_escapes():
    html = render([Segment(EQUAL, "<a>"), Segment(DELETE, "旧"), Segment(INSERT, "新&")])
    assert html == "&lt;a&gt;<del>旧</del><ins>新&amp;</ins>"


def test_html_parts_are_compared_on_their_text():
    old = {"title": "标题", "body": "<p>第一段</p><p>第二段</p>"}
    new = {"title": "标题", "body": "<p>第一段</p><p><strong>第二段</strong>加长</p>"}
    title, body = diff_parts(old, new, ["title", "body"], html_parts=["body"])
    assert not title.changed
    assert body.changed
    assert body.html == "第一段\n第二段<ins>加长</ins>"
