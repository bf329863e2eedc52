"""Scoring pages: the supervisor's score form, the month's bonus table and its Excel export,
and the editorial settings page."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from yunying.editorial import actions
from yunying.editorial.choices import SilencePolicy, State
from yunying.editorial.models import EditorialSettings, Score
from yunying.editorial.tests.helpers import make_item, walk
from yunying.editorial.tests.scoring_helpers import GOOD, at, publish, score
from yunying.tenancy.choices import Role
from yunying.tenancy.models import User
from yunying.testing import actor

pytestmark = pytest.mark.django_db

NOW = "2026-10-20 10:00 +0800"


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _warm_calendar(monkeypatch: Any) -> None:
    """Load the holiday calendar once and keep it, so query counts measure the page."""
    from yunying.workdays import services

    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 3600)
    services.get_calendar()


def supervisor(world: Any) -> Any:
    return world.alpha.staff[Role.SUPERVISOR]


def score_url(item: Any) -> str:
    return reverse("editorial:score_item", args=[item.pk])


def marks_post(marks: dict[str, str], comment: str = "") -> dict[str, str]:
    return {**{f"mark_{k}": v for k, v in marks.items()}, "comment": comment}


def errors_of(body: str, field: str) -> str:
    """The text of the error list shown under ``field`` ("" when none)."""
    marker = f'data-field="{field}"'
    if marker not in body:
        return ""
    return body.split(marker, 1)[1].split("</ul>", 1)[0]


# --- The score form ------------------------------------------------------------------------


def test_supervisor_scores_a_published_item_and_sees_the_formula(world, login, frozen):
    item = publish(world, "已发布的文章", at("2026-10-19"))
    client = login(supervisor(world))
    response = client.post(score_url(item), marks_post(GOOD, "标题很好"))
    assert response.status_code == 302
    saved = Score.objects.get(item=item)
    assert saved.total == Decimal("84.00")
    assert saved.marks == {"content": "8", "layout": "9", "timeliness": "7", "compliance": "10"}
    assert saved.comment == "标题很好"
    assert saved.scored_by == supervisor(world)
    page = client.get(score_url(item)).content.decode()
    # Σ weight × mark ÷ max ÷ Σ weight × 100, with the numbers: (32 + 18 + 14 + 20) ÷ 100 × 100.
    assert "(40 × 8 ÷ 10 + 20 × 9 ÷ 10 + 20 × 7 ÷ 10 + 20 × 10 ÷ 10) ÷ 100 × 100" in page
    assert "84.00" in page


def test_the_form_has_one_number_per_rubric_criterion(world, login, frozen):
    actions.update_settings(
        actor=actor(world.alpha.admin),
        review_working_days=3,
        max_revision_rounds=3,
        client_silence=SilencePolicy.ESCALATE,
        rubric=[
            {"key": "idea", "label": "创意", "weight": 3, "max": 5},
            {"key": "copy", "label": "文字", "weight": 1, "max": 10},
        ],
    )
    item = publish(world, "自定评分表", at("2026-10-19"))
    page = login(supervisor(world)).get(score_url(item)).content.decode()
    assert 'name="mark_idea"' in page
    assert 'name="mark_copy"' in page
    assert 'name="mark_content"' not in page
    assert "创意" in page
    assert 'max="5"' in page
    # Before any mark, the formula shows where the marks go.
    assert "(3 × ? ÷ 5 + 1 × ? ÷ 10) ÷ 4 × 100" in page


def test_the_total_is_previewed_while_typing(world, login, frozen):
    item = publish(world, "预览总分", at("2026-10-19"))
    response = login(supervisor(world)).post(f"{score_url(item)}?preview=1", marks_post(GOOD))
    assert response.status_code == 200
    body = response.content.decode()
    assert "÷ 100 × 100" in body
    assert "84.00" in body
    assert not Score.objects.filter(item=item).exists()


def test_copywriter_cannot_score(world, login, frozen):
    item = publish(world, "文案不能评分", at("2026-10-19"))
    client = login(world.alpha.staff[Role.COPYWRITER])
    assert client.get(score_url(item)).status_code == 403
    assert client.post(score_url(item), marks_post(GOOD)).status_code == 403
    assert not Score.objects.filter(item=item).exists()


def test_another_agencys_supervisor_gets_not_found(world, login, frozen):
    item = publish(world, "别家的文章", at("2026-10-19"))
    client = login(world.beta.staff[Role.SUPERVISOR])
    assert client.get(score_url(item)).status_code == 404
    assert client.post(score_url(item), marks_post(GOOD)).status_code == 404
    assert not Score.objects.filter(item=item).exists()


def test_an_item_not_yet_published_is_refused_with_a_message(world, login, frozen):
    item = walk(world, make_item(world, title="还在排期"), State.SCHEDULED)
    client = login(supervisor(world))
    page = client.get(score_url(item)).content.decode()
    message = gettext("Only published items are scored.")
    assert message in page
    assert 'id="score-form"' not in page
    response = client.post(score_url(item), marks_post(GOOD))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Score.objects.filter(item=item).exists()


def test_marks_out_of_range_are_reported_by_field(world, login, frozen):
    item = publish(world, "分数超范围", at("2026-10-19"))
    marks = {**GOOD, "content": "11", "layout": "-1", "timeliness": "abc"}
    response = login(supervisor(world)).post(score_url(item), marks_post(marks))
    assert response.status_code == 200
    body = response.content.decode()
    assert "10" in errors_of(body, "mark_content")
    assert errors_of(body, "mark_layout")
    assert errors_of(body, "mark_timeliness")
    assert not errors_of(body, "mark_compliance")
    assert not Score.objects.filter(item=item).exists()


def test_the_actions_refusal_of_a_mark_lands_on_its_field(world, login, frozen):
    """The form checks ranges too, but the action is the judge: its errors keyed by criterion
    appear under that criterion's field."""
    from yunying.editorial.views.scoring import ScoreForm

    criteria = [{"key": "content", "label": "内容", "weight": 1, "max": 10}]
    form = ScoreForm({"mark_content": "5"}, criteria=criteria)
    assert form.is_valid()
    form.add_score_errors(ValidationError({"content": "Between 0 and 10."}))
    assert form.errors["mark_content"] == ["Between 0 and 10."]


def test_scoring_again_replaces_the_score(world, login, frozen):
    item = publish(world, "重新评分", at("2026-10-19"))
    client = login(supervisor(world))
    client.post(score_url(item), marks_post(GOOD))
    client.post(score_url(item), marks_post({**GOOD, "content": "10"}))
    assert Score.objects.get(item=item).total == Decimal("92.00")


# --- The scores page: to score, and the month's bonus table ----------------------------------


def test_the_to_score_list_holds_recent_unscored_published_items(world, login, frozen):
    recent = publish(world, "最近未评分", at("2026-10-18"))
    old = publish(world, "两个多月前", at("2026-08-01"))
    done = publish(world, "已评分", at("2026-10-17"))
    score(world, done)
    walk(world, make_item(world, title="尚未发布"), State.SCHEDULED)
    page = login(supervisor(world)).get(reverse("editorial:scores")).content.decode()
    listed = page.split('id="to-score"', 1)[1].split("</section>", 1)[0]
    assert recent.title in listed
    assert score_url(recent) in listed
    assert old.title not in listed
    assert done.title not in listed
    assert "尚未发布" not in listed


@pytest.mark.parametrize("role", [Role.COPYWRITER, Role.EDITOR, Role.FINANCE])
def test_the_scores_page_is_for_supervisors_and_managers(world, login, role):
    assert login(world.alpha.staff[role]).get(reverse("editorial:scores")).status_code == 403
    url = reverse("editorial:scores_export")
    assert login(world.alpha.staff[role]).get(url).status_code == 403


def test_client_reviewer_cannot_see_scores(world, login):
    reviewer = world.alpha.clients[0].reviewer
    assert login(reviewer).get(reverse("editorial:scores")).status_code == 403


def october(world: Any) -> dict[str, Any]:
    """Three scored October items and one of September.

    Items made by the account manager have no editor: the copywriter alone gets their score.
    """
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    first = publish(world, "十月一", at("2026-10-08"))
    score(world, first, {**GOOD, "content": "10"}, comment="开头好")  # 92.00
    second = publish(world, "十月二", at("2026-10-15"))
    score(world, second, GOOD)  # 84.00
    side = world.alpha.clients[1]
    item = actions.create_item(
        actor=manager,
        client=side.client,
        kind="wechat_article",
        draft=actions.Draft(title="十月三"),
        accounts=[side.account],
    )
    walk(world, item, State.SCHEDULED, side=side)
    actions.record_publication(
        actor=actor(world.alpha.staff[Role.COPYWRITER]),
        item=item,
        url="https://mp.weixin.qq.com/s/three",
        # Still 30 September in UTC: the month is Shanghai's.
        published_at=at("2026-10-01", 7),
    )
    third = score(
        world, item, {"content": "5", "layout": "5", "timeliness": "5", "compliance": "5"}
    )
    september = publish(world, "九月", at("2026-09-30", 23, 59))
    score(world, september, GOOD)
    return {"first": first, "second": second, "third": third.item, "september": september}


def rows_of(page: str, testid: str) -> list[list[str]]:
    """The cells' text of the table rows marked ``data-testid``."""
    rows = re.findall(rf'<tr data-testid="{testid}">(.*?)</tr>', page, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_the_bonus_table_credits_author_and_editor_and_shares_the_pool(world, login, frozen):
    october(world)
    url = reverse("editorial:scores") + "?month=2026-10&pool=10000.00"
    page = login(supervisor(world)).get(url).content.decode()
    # copywriter: 92 + 84 + 50 = 226 over 3 items; editor: 92 + 84 = 176 over 2; total 402.
    # 10000 × 226 ÷ 402 = 5621.890… → 5621.89; 10000 × 176 ÷ 402 = 4378.109… → 4378.11.
    assert rows_of(page, "person") == [
        ["alpha copywriter", "3", "75.33", "226.00", "¥5621.89"],
        ["alpha editor", "2", "88.00", "176.00", "¥4378.11"],
    ]
    assert "¥10000.00" in page
    assert (
        gettext(
            "Credit: the copywriter and the editor of each item published in the month and scored "
            "each get the item's total score; a person who did both gets it once. Points are the "
            "sum of those scores. Items taken down after publishing do not count."
        )
        in page
    )
    assert (
        gettext(
            "Share: pool × points ÷ total points, rounded half-up to 0.01 yuan; the rounding "
            "remainder goes to the largest share, so that the shares add up to the pool exactly. "
            "With no points, nothing is allocated."
        )
        in page
    )
    assert 'data-testid="share-rule"' in page
    scored = rows_of(page, "scored")
    assert [row[0] for row in scored] == ["十月三", "十月一", "十月二"]
    assert "九月" not in page.split('id="scored"', 1)[1]


def test_the_rounding_remainder_goes_to_the_largest_share_on_the_page(world, login, frozen):
    # One item collected by each of two editors, both written by the copywriter, both 84:
    # copywriter 168 points, each editor 84, 336 in all.
    score(world, publish(world, "编辑一", at("2026-10-08")))
    second_editor = User.objects.get(username="alpha_editor2")
    side = world.alpha.clients[0]
    item = actions.create_item(
        actor=actor(second_editor),
        client=side.client,
        kind="wechat_article",
        draft=actions.Draft(title="编辑二"),
        accounts=[side.account],
    )
    walk(world, item, State.SCHEDULED)
    actions.record_publication(
        actor=actor(world.alpha.staff[Role.COPYWRITER]),
        item=item,
        url="https://mp.weixin.qq.com/s/two",
        published_at=at("2026-10-09"),
    )
    score(world, item)
    url = reverse("editorial:scores") + "?month=2026-10&pool=0.03"
    page = login(supervisor(world)).get(url).content.decode()
    # 0.03 × 168 ÷ 336 = 0.015 → 0.02; 0.03 × 84 ÷ 336 = 0.0075 → 0.01 twice: 0.04 in all,
    # so the cent too many comes off the largest share.
    shares = {row[0]: row[4] for row in rows_of(page, "person")}
    assert shares == {
        "alpha copywriter": "¥0.01",
        "alpha editor": "¥0.01",
        str(second_editor): "¥0.01",
    }
    remainder = page.split('data-testid="remainder">', 1)[1].split("</p>", 1)[0]
    assert "-0.01" in remainder
    assert "alpha copywriter" in remainder


def test_a_month_without_scores_allocates_nothing(world, login, frozen):
    october(world)
    url = reverse("editorial:scores") + "?month=2026-08&pool=5000"
    page = login(supervisor(world)).get(url).content.decode()
    assert rows_of(page, "person") == []
    assert gettext("No scored items were published in this month.") in page


def test_a_taken_down_item_does_not_count(world, login, frozen):
    items = october(world)
    actions.transition(
        actor=actor(supervisor(world)),
        item=items["second"],
        target=State.WITHDRAWN,
        comment="客户要求撤下",
    )
    page = login(supervisor(world)).get(reverse("editorial:scores") + "?month=2026-10")
    assert [row[3] for row in rows_of(page.content.decode(), "person")] == ["142.00", "92.00"]


@pytest.mark.parametrize("pool", ["-1", "12.345", "abc"])
def test_a_bad_pool_is_reported_and_no_share_is_shown(world, login, frozen, pool):
    october(world)
    page = login(supervisor(world)).get(reverse("editorial:scores") + f"?month=2026-10&pool={pool}")
    body = page.content.decode()
    assert 'data-field="pool"' in body
    assert "¥" not in "".join(row[4] for row in rows_of(body, "person"))


def test_a_bad_month_is_reported(world, login, frozen):
    page = login(supervisor(world)).get(reverse("editorial:scores") + "?month=2026-13")
    assert 'data-field="month"' in page.content.decode()


def test_the_scores_page_costs_the_same_queries_for_one_or_twenty_items(world, login, frozen):
    client = login(supervisor(world))
    url = reverse("editorial:scores") + "?month=2026-10&pool=1000"
    first = publish(world, "计数 0", at("2026-10-02"))
    score(world, first)
    publish(world, "待评 0", at("2026-10-03"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(1, 10):
        score(world, publish(world, f"计数 {i}", at("2026-10-04")))
        publish(world, f"待评 {i}", at("2026-10-05"))
    with CaptureQueriesContext(connection) as twenty:
        page = client.get(url)
    assert len(rows_of(page.content.decode(), "scored")) == 10
    assert len(twenty) == len(one)


# --- The Excel export --------------------------------------------------------------------------


def test_the_export_holds_the_allocation_and_every_scored_item(world, login, frozen):
    october(world)
    response = login(world.alpha.admin).get(
        reverse("editorial:scores_export") + "?month=2026-10&pool=10000.00"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="bonus-2026-10.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["奖金分配", "评分明细"]

    sheet = book["奖金分配"]
    cells = {(c.row, c.column): c for row in sheet.iter_rows() for c in row}
    assert sheet["A1"].value == "2026-10 奖金分配"
    assert sheet["B2"].value == 10000
    assert sheet["B2"].number_format == "0.00"
    header = next(r for r in range(1, 20) if cells[(r, 1)].value == "姓名")
    assert [cells[(header, c)].value for c in range(1, 6)] == [
        "姓名",
        "评分条数",
        "平均分",
        "积分",
        "分配金额（元）",
    ]
    people = [[cells[(header + i, c)].value for c in range(1, 6)] for i in (1, 2)]
    assert people == [
        ["alpha copywriter", 3, pytest.approx(75.33), 226, pytest.approx(5621.89)],
        ["alpha editor", 2, 88, 176, pytest.approx(4378.11)],
    ]
    share = cells[(header + 1, 5)]
    assert isinstance(share.value, int | float)
    assert share.number_format == "0.00"
    total = [cells[(header + 3, c)].value for c in range(1, 6)]
    assert total[0] == "合计"
    assert total[4] == 10000
    texts = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any(t.startswith("计分规则") and "文案和编辑各得" in t for t in texts)
    assert any(t.startswith("分配规则") and "舍入差额计入金额最大的一人" in t for t in texts)

    detail = book["评分明细"]
    rows = list(detail.iter_rows(values_only=True))
    assert rows[0] == (
        "发布日期",
        "客户",
        "标题",
        "文案",
        "编辑",
        "内容质量",
        "排版与画面",
        "时效与选题",
        "合规与准确",
        "总分",
        "评分人",
        "评分时间",
        "评语",
    )
    assert [r[2] for r in rows[1:]] == ["十月三", "十月一", "十月二"]
    first = rows[2]
    assert first[0].date().isoformat() == "2026-10-08"
    assert first[1] == "alpha client a1"
    assert first[3:5] == ("alpha copywriter", "alpha editor")
    assert first[5:9] == (10, 9, 7, 10)
    assert first[9] == 92
    assert first[10] == "alpha supervisor"
    assert first[12] == "开头好"
    third = rows[1]
    assert third[0].date().isoformat() == "2026-10-01"  # Shanghai's day, not UTC's
    assert third[1] == "alpha client a2"
    assert third[4] is None  # no editor
    assert detail.cell(row=3, column=10).number_format == "0.00"
    assert detail.cell(row=3, column=1).number_format == "yyyy-mm-dd"


def test_the_export_without_a_pool_leaves_shares_empty(world, login, frozen):
    october(world)
    response = login(supervisor(world)).get(reverse("editorial:scores_export") + "?month=2026-10")
    sheet = load_workbook(io.BytesIO(response.content))["奖金分配"]
    assert sheet["B2"].value == "未填写"
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "姓名")
    assert sheet.cell(row=header + 1, column=4).value == 226
    assert sheet.cell(row=header + 1, column=5).value is None


def test_a_bad_pool_sends_back_to_the_page_instead_of_a_file(world, login, frozen):
    response = login(supervisor(world)).get(reverse("editorial:scores_export") + "?pool=-5")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("editorial:scores"))


# --- Editorial settings --------------------------------------------------------------------


SETTINGS_URL = "editorial:editorial_settings"


def settings_post(rows: list[dict[str, str]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "review_working_days": "5",
        "max_revision_rounds": "2",
        "client_silence": SilencePolicy.DEEMED_APPROVAL,
        "rubric-TOTAL_FORMS": str(len(rows)),
        "rubric-INITIAL_FORMS": "0",
        "rubric-MIN_NUM_FORMS": "0",
        "rubric-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, row in enumerate(rows):
        data.update({f"rubric-{i}-{k}": v for k, v in row.items()})
    return data


RUBRIC = [
    {"key": "idea", "label": "创意", "weight": "60", "max": "10"},
    {"key": "copy", "label": "文字", "weight": "40", "max": "5"},
]


def saved(world: Any) -> EditorialSettings:
    return EditorialSettings.objects.get(agency=world.alpha.agency)


def test_admin_saves_the_windows_silence_and_rubric(world, login):
    client = login(world.alpha.admin)
    page = client.get(reverse(SETTINGS_URL)).content.decode()
    assert (
        gettext(
            "These are the agency's defaults. A contract's terms (windows: review days, revision "
            "rounds, what silence means) override them for that contract's accounts."
        )
        in page
    )
    assert "内容质量" in page  # the default rubric, ready to edit
    rows = [*RUBRIC, {"key": "", "label": "", "weight": "", "max": ""}]
    response = client.post(reverse(SETTINGS_URL), settings_post(rows))
    assert response.status_code == 302
    found = saved(world)
    assert found.review_working_days == 5
    assert found.max_revision_rounds == 2
    assert found.client_silence == SilencePolicy.DEEMED_APPROVAL
    assert found.rubric == [
        {"key": "idea", "label": "创意", "weight": 60, "max": 10},
        {"key": "copy", "label": "文字", "weight": 40, "max": 5},
    ]


def form_data(page: str) -> dict[str, str]:
    """What a browser would send for the page's POST form, as shown."""
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, str] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            name, kind = found.get("name"), found.get("type")
            if tag != "input" or not name or kind in {"submit", "checkbox"}:
                return
            if kind == "radio" and "checked" not in found:
                return
            self.data[name] = found.get("value") or ""

    parser = Inputs()
    parser.feed(page)
    return parser.data


def test_saving_the_page_as_shown_stores_the_default_rubric(world, login):
    client = login(world.alpha.admin)
    data = form_data(client.get(reverse(SETTINGS_URL)).content.decode())
    data["max_revision_rounds"] = "4"
    response = client.post(reverse(SETTINGS_URL), data)
    assert response.status_code == 302
    found = saved(world)
    assert found.max_revision_rounds == 4
    assert found.client_silence == SilencePolicy.ESCALATE
    assert [c["key"] for c in found.rubric] == ["content", "layout", "timeliness", "compliance"]
    assert found.rubric[0] == {"key": "content", "label": "内容质量", "weight": 40, "max": 10}


def test_a_row_marked_for_removal_leaves_the_rubric(world, login):
    rows = [*RUBRIC[:1], {**RUBRIC[1], "DELETE": "on"}]
    response = login(world.alpha.admin).post(reverse(SETTINGS_URL), settings_post(rows))
    assert response.status_code == 302
    assert [c["key"] for c in saved(world).rubric] == ["idea"]


def test_add_a_row_shows_one_more_blank_row_and_saves_nothing(world, login):
    data = settings_post(RUBRIC, more="1")
    response = login(world.alpha.admin).post(reverse(SETTINGS_URL), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="criterion"') == 3
    assert 'name="rubric-2-key"' in body
    assert saved(world).review_working_days == 3


@pytest.mark.parametrize(
    ("rows", "fields", "field"),
    [
        (RUBRIC, {"review_working_days": "0"}, "review_working_days"),
        (RUBRIC, {"max_revision_rounds": "21"}, "max_revision_rounds"),
        (RUBRIC, {"client_silence": "ignore"}, "client_silence"),
        ([{**RUBRIC[0], "weight": "0"}], {}, "rubric-0-weight"),
        ([{**RUBRIC[0], "max": "-1"}], {}, "rubric-0-max"),
        ([{**RUBRIC[0], "label": ""}], {}, "rubric-0-label"),
        ([{**RUBRIC[0], "key": "Bad key"}], {}, "rubric-0-key"),
        ([RUBRIC[0], {**RUBRIC[1], "key": "idea"}], {}, "rubric"),
        ([{**RUBRIC[0], "DELETE": "on"}], {}, "rubric"),
    ],
)
def test_settings_are_checked_by_field(world, login, rows, fields, field):
    response = login(world.alpha.admin).post(reverse(SETTINGS_URL), settings_post(rows, **fields))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-field="{field}"' in body
    assert saved(world).review_working_days == 3
    assert saved(world).rubric == []


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.COPYWRITER])
def test_only_the_agency_admin_changes_editorial_settings(world, login, role):
    client = login(world.alpha.staff[role])
    assert client.get(reverse(SETTINGS_URL)).status_code == 403
    assert client.post(reverse(SETTINGS_URL), settings_post(RUBRIC)).status_code == 403


def test_another_agencys_admin_changes_only_their_own_settings(world, login):
    login(world.beta.admin).post(reverse(SETTINGS_URL), settings_post(RUBRIC))
    assert EditorialSettings.objects.get(agency=world.beta.agency).review_working_days == 5
    alpha = EditorialSettings.objects.filter(agency=world.alpha.agency).first()
    assert alpha is None or alpha.review_working_days == 3
