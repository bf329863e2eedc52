"""The compliance pages: findings marked in place, the rule catalogue, the clients' lists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from yunying.compliance import actions
from yunying.compliance.engine.types import Finding
from yunying.compliance.models import LexiconEntry
from yunying.compliance.views import marked
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db

MARK = re.compile(r'<mark class="finding (block|warn)" title="([^"]*)">(.*?)</mark>', re.DOTALL)


def _finding(start, end, text, severity="block", rule="ad.absolute_term"):
    return Finding(
        rule=rule,
        category="ad_absolute_terms",
        severity=severity,
        start=start,
        end=end,
        text=text[start:end],
        message="说明",
        source="来源",
        lexicon_version="v1",
    )


def _check(browser, text, platform="douyin", client=""):
    response = browser.post(
        reverse("compliance:check"), {"text": text, "platform": platform, "client": client}
    )
    assert response.status_code == 200
    return response.content.decode()


# --- Marking ----------------------------------------------------------------------------------


def test_overlapping_findings_share_one_mark_that_blocks_when_any_of_them_blocks():
    text = "甲乙丙丁戊"
    html = marked(text, [_finding(1, 3, text, "warn"), _finding(2, 4, text, "block", "x.y")])
    [(severity, title, inside)] = MARK.findall(html)
    assert (severity, inside) == ("block", "乙丙丁")
    assert "ad.absolute_term" in title
    assert "x.y" in title
    assert html.startswith("甲")
    assert html.endswith("戊")


def test_the_text_around_and_inside_marks_is_escaped():
    text = "<b>最佳</b>"
    html = marked(text, [_finding(3, 5, text)])
    assert "<b>" not in html
    assert html.startswith("&lt;b&gt;<mark")
    assert MARK.findall(html)[0][2] == "最佳"


def test_each_mark_links_to_its_row_of_the_table():
    text = "一最佳二最好"
    html = marked(text, [_finding(1, 3, text), _finding(4, 6, text, "warn")])
    assert '<a href="#finding-1">1</a>' in html
    assert '<a href="#finding-2">2</a>' in html


def test_the_check_page_marks_the_exact_span_in_text_with_emoji_and_traditional_characters(
    world, login
):
    browser = login(world.alpha.staff[Role.COPYWRITER])
    text = "👍🏻新品😀上市，本店國 家 級好茶"
    html = _check(browser, text, platform="wechat_oa")
    [row] = re.findall(
        r'data-rule="ad.absolute_term" data-severity="block" '
        r'data-start="(\d+)" data-end="(\d+)"',
        html,
    )
    start, end = int(row[0]), int(row[1])
    assert text[start:end] == "國 家 級"
    marks = MARK.findall(html)
    assert ("block", "國 家 級") in [(severity, inside) for severity, _title, inside in marks]


def test_blocking_and_warning_findings_are_marked_differently(world, login):
    browser = login(world.alpha.staff[Role.SUPERVISOR])
    client = world.alpha.clients[0].client
    actions.add_entry(
        actor=actor(world.alpha.staff[Role.SUPERVISOR]),
        client=client,
        kind="term",
        term="某某口服液",
        category="illegal_marketing",
        severity="warn",
        reason="需要药品广告审查批准文号",
    )
    html = _check(browser, "国家级的某某口服液", client=str(client.pk))
    severities = {inside: severity for severity, _title, inside in MARK.findall(html)}
    assert severities["国家级"] == "block"
    assert severities["某某口服液"] == "warn"
    title = next(t for _s, t, inside in MARK.findall(html) if inside == "某某口服液")
    # The hover names the rule, the reason and the list's version.
    assert "client.term" in title
    assert "需要药品广告审查批准文号" in title
    assert "v" in title.rsplit("·", 1)[-1]


def test_a_clean_text_says_so(world, login):
    browser = login(world.alpha.staff[Role.EDITOR])
    html = _check(browser, "今天店里到了一批新茶，欢迎来尝。")
    assert 'data-verdict="clean"' in html
    assert "<mark" not in html


def test_the_form_posts_through_htmx_and_the_page_holds_the_swapped_part(world, login):
    browser = login(world.alpha.staff[Role.EDITOR])
    html = browser.get(reverse("compliance:check")).content.decode()
    assert f'hx-post="{reverse("compliance:check")}"' in html
    assert 'hx-select="#check"' in html
    posted = _check(browser, "最佳")
    assert '<div id="check">' in posted


# --- Rule catalogue ---------------------------------------------------------------------------


def test_the_rule_catalogue_filters_by_category_and_names_platforms(world, login):
    browser = login(world.alpha.staff[Role.COPYWRITER])
    html = browser.get(reverse("compliance:rules"), {"category": "livestream"}).content.decode()
    categories = set(re.findall(r'data-category="([a-z_]+)"', html))
    assert categories == {"livestream"}
    everything = browser.get(reverse("compliance:rules")).content.decode()
    assert len(set(re.findall(r'data-category="([a-z_]+)"', everything))) > 5
    assert gettext("Livestream script") in html


# --- Client lists -----------------------------------------------------------------------------


def test_the_list_of_client_lists_shows_each_lists_size_and_version(world, login):
    supervisor = world.alpha.staff[Role.SUPERVISOR]
    client = world.alpha.clients[1].client
    for term in ("甲药", "乙药"):
        entry = actions.add_entry(
            actor=actor(supervisor),
            client=client,
            kind="term",
            term=term,
            category="illegal_marketing",
            severity="block",
            reason="处方药",
        )
    actions.remove_entry(actor=actor(supervisor), entry=entry)
    html = login(supervisor).get(reverse("compliance:lexicons")).content.decode()
    row = re.search(rf'<tr data-client="{client.pk}">(.*?)</tr>', html, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[1:] == ["1", "v3"]


def test_the_history_shows_every_version_newest_first(world, login):
    supervisor = world.alpha.staff[Role.SUPERVISOR]
    client = world.alpha.clients[1].client
    entry = actions.add_entry(
        actor=actor(supervisor), client=client, kind="whitelist", term="青禾国酒", reason="商标"
    )
    actions.remove_entry(actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]), entry=entry)
    html = login(supervisor).get(reverse("compliance:lexicon", args=[client.pk])).content.decode()
    rows = re.findall(r'data-version="(\d+)" data-change="(add|remove)"', html)
    assert rows == [("2", "remove"), ("1", "add")]
    assert 'data-term="青禾国酒"' not in html  # no longer among the active entries


def test_removing_an_entry_twice_says_so_instead_of_failing(world, login):
    supervisor = world.alpha.staff[Role.SUPERVISOR]
    entry = actions.add_entry(
        actor=actor(supervisor),
        client=world.alpha.clients[0].client,
        kind="whitelist",
        term="某某商标",
        reason="注册商标",
    )
    browser = login(supervisor)
    url = reverse("compliance:entry_remove", args=[entry.pk])
    assert browser.post(url).status_code == 302
    response = browser.post(url, follow=True)
    assert response.status_code == 200
    assert gettext("This entry was already removed.") in response.content.decode()
    assert LexiconEntry.objects.get(pk=entry.pk).removed_in == 2


def test_content_roles_read_the_list_without_the_forms_and_cannot_post(world, login):
    client = world.alpha.clients[0].client
    browser = login(world.alpha.staff[Role.EDITOR])
    url = reverse("compliance:lexicon", args=[client.pk])
    response = browser.get(url)
    assert response.status_code == 200
    assert gettext("Add an entry") not in response.content.decode()
    posted = browser.post(
        url, {"kind": "whitelist", "term": "某词", "reason": "理由", "category": "", "severity": ""}
    )
    assert posted.status_code == 403
    assert not LexiconEntry.objects.filter(term="某词").exists()


def test_a_bad_entry_on_the_page_names_its_field(world, login):
    client = world.alpha.clients[0].client
    browser = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = browser.post(
        reverse("compliance:lexicon", args=[client.pk]),
        {"kind": "term", "term": "！！", "category": "", "severity": "block", "reason": "x"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"term", "category"} <= set(errors)


def test_the_check_page_takes_a_million_chinese_characters_and_no_more(world, login):
    browser = login(world.alpha.staff[Role.EDITOR])
    text = "好" * 999_997 + "最佳"
    html = _check(browser, text + "。")
    [row] = re.findall(r'data-start="(\d+)" data-end="(\d+)"', html)
    assert row == ("999997", "999999")
    response = browser.post(
        reverse("compliance:check"), {"text": text + "。。", "platform": "douyin", "client": ""}
    )
    assert "text" in response.context["form"].errors


def test_the_text_is_checked_as_typed_with_its_leading_spaces(world, login):
    browser = login(world.alpha.staff[Role.EDITOR])
    html = _check(browser, "  \n最佳")
    assert re.findall(r'data-start="(\d+)" data-end="(\d+)"', html) == [("3", "5")]
