"""The content calendar: month and week views, drag-to-reschedule endpoint, columns and slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from yunying.editorial import actions
from yunying.editorial.choices import ContentKind, State
from yunying.editorial.models import Column, ContentItem, PushSlot
from yunying.editorial.tests.helpers import make_item, walk
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

CALENDAR = reverse("editorial:calendar")


def at(day: str, hour: int = 20, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


def html(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return lxml.html.fromstring(response.content.decode())


def day_cell(doc: Any, day: str) -> Any:
    found = doc.xpath(f'//section[contains(@class, "cal-day")][@data-date="{day}"]')
    assert len(found) == 1, day
    return found[0]


def titles(element: Any) -> list[str]:
    return [t.strip() for t in element.xpath('.//a[@class="cal-title"]/text()')]


def week_cell(doc: Any, slot: str, day: str) -> Any:
    return doc.xpath(f'//tr[@data-slot="{slot}"]/td[@data-date="{day}"]')[0]


def staff(world: World, role: str = Role.EDITOR) -> Any:
    return world.alpha.staff[role]


def a1(world: World) -> Any:
    return world.alpha.clients[0]


def a2(world: World) -> Any:
    return world.alpha.clients[1]


def add_slots(world: World, side: Any, *slots: tuple[dt.time, dt.time | None]) -> None:
    for starts_at, ends_at in slots:
        actions.save_push_slot(
            actor=actor(world.alpha.admin), client=side.client, starts_at=starts_at, ends_at=ends_at
        )


def publish(world: World, item: ContentItem, url: str = "") -> ContentItem:
    walk(world, item, State.SCHEDULED)
    actions.transition(
        actor=actor(staff(world)),
        item=item,
        target=State.PUBLISHED,
        published_url=url or f"https://mp.weixin.qq.com/s/item-{item.pk}",
    )
    item.refresh_from_db()
    return item


# --- Month view -------------------------------------------------------------------------------


def test_month_view_shows_each_days_items_in_time_order_with_kind_state_and_slot(world, login):
    late = make_item(world, title="晚间推送", planned_at=at("2026-10-12", 20))
    early = make_item(world, title="早间头条", planned_at=at("2026-10-12", 11), article_slot="A")
    make_item(world, title="下周选题", planned_at=at("2026-10-19", 11))
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2026-10-05"}))
    cell = day_cell(doc, "2026-10-12")
    assert titles(cell) == ["早间头条", "晚间推送"]
    card = cell.xpath(f'.//li[@data-item="{early.pk}"]')[0]
    assert card.xpath(".//time/text()") == ["11:00"]
    assert card.xpath('.//span[contains(@class, "slot-letter")]/text()') == ["A"]
    assert card.xpath('.//span[contains(@class, "kind-wechat_article")]/@title') == [
        str(ContentKind.WECHAT_ARTICLE.label)
    ]
    assert card.xpath('.//span[contains(@class, "badge")]/text()')[0] == str(State.COLLECTED.label)
    assert titles(day_cell(doc, "2026-10-19")) == ["下周选题"]
    assert late.pk != early.pk


def test_month_view_across_clients_names_the_client_and_one_client_hides_the_other(world, login):
    make_item(world, title="甲方文章", planned_at=at("2026-10-14"))
    make_item(world, side=a2(world), title="乙方文章", planned_at=at("2026-10-14"))
    client = login(staff(world))
    doc = html(client.get(CALENDAR, {"date": "2026-10-14"}))
    cell = day_cell(doc, "2026-10-14")
    assert sorted(titles(cell)) == ["乙方文章", "甲方文章"]
    assert {c.strip() for c in cell.xpath('.//small[@class="cal-client"]/text()')} == {
        a1(world).client.name,
        a2(world).client.name,
    }
    doc = html(client.get(CALENDAR, {"date": "2026-10-14", "client": a1(world).client.pk}))
    cell = day_cell(doc, "2026-10-14")
    assert titles(cell) == ["甲方文章"]
    assert not cell.xpath('.//small[@class="cal-client"]')


def test_items_without_a_date_are_listed_as_unplanned(world, login):
    make_item(world, title="待定选题")
    make_item(world, title="已排期", planned_at=at("2026-10-14"))
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2026-10-14"}))
    aside = doc.xpath('//aside[contains(@class, "cal-unplanned")]')[0]
    assert titles(aside) == ["待定选题"]


def test_withdrawn_items_leave_the_calendar(world, login):
    item = make_item(world, title="撤下的稿", planned_at=at("2026-10-14"))
    actions.transition(
        actor=actor(staff(world, Role.SUPERVISOR)),
        item=item,
        target=State.WITHDRAWN,
        comment="客户取消",
    )
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2026-10-14"}))
    assert titles(day_cell(doc, "2026-10-14")) == []


def test_national_day_holidays_and_the_make_up_working_day_are_marked(world, login):
    client = login(staff(world))
    doc = html(client.get(CALENDAR, {"date": "2026-10-01"}))
    holidays = doc.xpath('//section[.//span[@data-mark="holiday"]]/@data-date')
    assert [d for d in holidays if d.startswith("2026-10-0")] == [
        f"2026-10-0{n}" for n in range(1, 8)
    ]
    assert "国庆节" in day_cell(doc, "2026-10-01").text_content()
    assert doc.xpath('//section[.//span[@data-mark="makeup"]]/@data-date') == ["2026-10-10"]
    # The week view marks them in the day headers.
    doc = html(client.get(CALENDAR, {"view": "week", "date": "2026-10-08"}))
    heads = {
        th.get("data-date"): th.xpath(".//span/@data-mark")
        for th in doc.xpath("//thead//th[@data-date]")
    }
    assert heads["2026-10-05"] == ["holiday"]
    assert heads["2026-10-08"] == []
    assert heads["2026-10-10"] == ["makeup"]


def test_a_year_without_holiday_data_is_announced(world, login):
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2027-03-01"}))
    assert doc.xpath('//div[@data-missing-year="2027"]')
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2026-03-01"}))
    assert not doc.xpath("//div[@data-missing-year]")


def test_a_bad_view_or_date_falls_back_to_this_month(world, login):
    with_today = timezone.localdate().isoformat()
    doc = html(login(staff(world)).get(CALENDAR, {"view": "year", "date": "2026-02-30"}))
    assert doc.xpath(f'//section[@data-date="{with_today}"][contains(@class, "today")]')


# --- Week view --------------------------------------------------------------------------------


def test_week_view_puts_items_in_the_push_slot_rows_their_time_falls_in(world, login):
    add_slots(
        world,
        a1(world),
        (dt.time(11), None),
        (dt.time(15), dt.time(17)),
        (dt.time(20), None),
    )
    make_item(world, title="上午", planned_at=at("2026-10-13", 11))
    make_item(world, title="下午", planned_at=at("2026-10-13", 16, 30))
    make_item(world, title="晚上", planned_at=at("2026-10-14", 20))
    make_item(world, title="早上", planned_at=at("2026-10-14", 9, 30))
    doc = html(
        login(staff(world)).get(
            CALENDAR, {"view": "week", "date": "2026-10-14", "client": a1(world).client.pk}
        )
    )
    labels = [th.text_content().strip() for th in doc.xpath('//tr[@data-slot]/th[@scope="row"]')]
    assert labels == ["11:00", "15:00–17:00", "20:00", gettext("Other times")]
    assert titles(week_cell(doc, "11:00", "2026-10-13")) == ["上午"]
    assert titles(week_cell(doc, "15:00", "2026-10-13")) == ["下午"]
    assert titles(week_cell(doc, "20:00", "2026-10-14")) == ["晚上"]
    assert titles(week_cell(doc, "other", "2026-10-14")) == ["早上"]
    # Dropping on a slot row moves to its start; the other times keep the item's own time.
    assert week_cell(doc, "15:00", "2026-10-13").get("data-drop-time") == "15:00"
    assert week_cell(doc, "other", "2026-10-13").get("data-drop-time") == ""


def test_week_view_across_clients_uses_each_clients_own_slots(world, login):
    add_slots(world, a1(world), (dt.time(11), None))
    add_slots(world, a2(world), (dt.time(15), dt.time(17)))
    make_item(world, title="甲 16点", planned_at=at("2026-10-13", 16))
    make_item(world, side=a2(world), title="乙 16点", planned_at=at("2026-10-13", 16))
    doc = html(login(staff(world)).get(CALENDAR, {"view": "week", "date": "2026-10-13"}))
    assert titles(week_cell(doc, "15:00", "2026-10-13")) == ["乙 16点"]
    assert titles(week_cell(doc, "other", "2026-10-13")) == ["甲 16点"]


def test_week_view_shows_the_weekday_column_plan_with_owners_and_unfilled_columns(world, login):
    editor = staff(world)
    column = actions.save_column(
        actor=actor(world.alpha.admin),
        client=a1(world).client,
        name="团委风采",
        weekdays=[1, 3],
        owner=editor,
    )
    make_item(world, title="周一栏目稿", column=column, planned_at=at("2026-10-12", 11))
    doc = html(
        login(editor).get(
            CALENDAR, {"view": "week", "date": "2026-10-12", "client": a1(world).client.pk}
        )
    )
    row = doc.xpath('//tr[contains(@class, "cal-columns")]')[0]
    monday = row.xpath('./td[@data-date="2026-10-12"]')[0]
    wednesday = row.xpath('./td[@data-date="2026-10-14"]')[0]
    tuesday = row.xpath('./td[@data-date="2026-10-13"]')[0]
    assert "团委风采" in monday.text_content()
    assert str(editor) in monday.text_content()
    assert not monday.xpath('.//*[@data-testid="column-missing"]')
    assert "团委风采" in wednesday.text_content()
    assert wednesday.xpath('.//*[@data-testid="column-missing"]')
    assert tuesday.xpath(".//div") == []


# --- Client reviewers -------------------------------------------------------------------------


def test_a_reviewer_sees_only_their_clients_items_from_client_review_on(world, login):
    draft = make_item(world, title="内部草稿", planned_at=at("2026-10-14", 11))
    shown = walk(
        world,
        make_item(world, title="待客户审", planned_at=at("2026-10-14", 15)),
        State.CLIENT_REVIEW,
    )
    other = walk(
        world,
        make_item(world, side=a2(world), title="别家客户", planned_at=at("2026-10-14", 15)),
        State.CLIENT_REVIEW,
        side=a2(world),
    )
    reviewer = login(a1(world).reviewer)
    for view in ("month", "week"):
        doc = html(reviewer.get(CALENDAR, {"view": view, "date": "2026-10-14"}))
        body = doc.xpath('//div[@id="calendar-body"]')[0]
        assert titles(body) == ["待客户审"]
        # Read-only: nothing to drag, no move link, no drop targets.
        assert not body.xpath("//*[@draggable='true']")
        assert not body.xpath('//a[contains(@class, "cal-move")]')
        assert not body.xpath("//*[@data-drop-date]")
    assert draft.state == State.COLLECTED
    assert other.client_id != shown.client_id


def test_a_reviewer_sees_the_column_plan_without_unfilled_markers(world, login):
    actions.save_column(
        actor=actor(world.alpha.admin), client=a1(world).client, name="每周一问", weekdays=[2]
    )
    doc = html(login(a1(world).reviewer).get(CALENDAR, {"view": "week", "date": "2026-10-13"}))
    tuesday = doc.xpath('//tr[contains(@class, "cal-columns")]/td[@data-date="2026-10-13"]')[0]
    assert "每周一问" in tuesday.text_content()
    assert not doc.xpath('//*[@data-testid="column-missing"]')


def test_staff_of_another_agency_see_nothing_of_alpha(world, login):
    make_item(world, title="阿尔法的稿", planned_at=at("2026-10-14"))
    doc = html(login(world.beta.staff[Role.EDITOR]).get(CALENDAR, {"date": "2026-10-14"}))
    assert "阿尔法的稿" not in doc.text_content()


# --- Moving items -----------------------------------------------------------------------------


def move(http: Any, item: ContentItem, **data: str) -> Any:
    return http.post(reverse("editorial:calendar_move", args=[item.pk]), data)


def test_dropping_an_item_on_another_day_keeps_its_time_and_returns_the_calendar(world, login):
    item = make_item(world, title="改期稿", planned_at=at("2026-10-12", 11, 30))
    response = move(
        login(staff(world)),
        item,
        date="2026-10-15",
        time="",
        partial="1",
        view="month",
        anchor="2026-10-01",
        client="",
    )
    item.refresh_from_db()
    assert timezone.localtime(item.planned_at) == at("2026-10-15", 11, 30)
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.get("id") == "calendar-body"
    assert titles(day_cell(doc, "2026-10-15")) == ["改期稿"]
    assert titles(day_cell(doc, "2026-10-12")) == []


def test_dropping_on_a_push_slot_row_takes_the_slots_time(world, login):
    item = make_item(world, title="放进时段", planned_at=at("2026-10-12", 9))
    response = move(
        login(staff(world)),
        item,
        date="2026-10-13",
        time="15:00",
        partial="1",
        view="week",
        anchor="2026-10-12",
        client=str(a1(world).client.pk),
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert timezone.localtime(item.planned_at) == at("2026-10-13", 15)


def test_an_unplanned_item_dropped_on_a_day_takes_the_clients_first_push_slot(world, login):
    add_slots(world, a1(world), (dt.time(11), None), (dt.time(20), None))
    item = make_item(world, title="未排期")
    move(login(staff(world)), item, date="2026-10-13", partial="1", view="month")
    item.refresh_from_db()
    assert timezone.localtime(item.planned_at) == at("2026-10-13", 11)


def test_a_published_item_cannot_be_moved_and_the_reason_is_given(world, login):
    item = publish(world, make_item(world, title="已发布", planned_at=at("2026-10-12", 11)))
    before = item.planned_at
    response = move(login(staff(world)), item, date="2026-10-20", partial="1", view="month")
    assert response.status_code == 422
    assert response.content.decode() == gettext("A published or withdrawn item keeps its date.")
    item.refresh_from_db()
    assert item.planned_at == before
    # Nor does the calendar offer to drag it.
    doc = html(login(staff(world)).get(CALENDAR, {"date": "2026-10-12"}))
    card = doc.xpath(f'//li[@data-item="{item.pk}"]')[0]
    assert card.get("draggable") is None


def test_moving_another_agencys_item_is_not_found(world, login):
    item = make_item(world, title="别人的", planned_at=at("2026-10-12"))
    response = move(login(world.beta.staff[Role.EDITOR]), item, date="2026-10-20", partial="1")
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.planned_at == at("2026-10-12")


def test_a_client_reviewer_may_not_move_items(world, login):
    item = walk(world, make_item(world, planned_at=at("2026-10-12")), State.CLIENT_REVIEW)
    response = move(login(a1(world).reviewer), item, date="2026-10-20", partial="1")
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.planned_at == at("2026-10-12")


def test_without_script_an_item_is_moved_with_a_small_form(world, login):
    item = make_item(world, title="表单改期", planned_at=at("2026-10-12", 20))
    client = login(staff(world))
    url = reverse("editorial:calendar_move", args=[item.pk])
    back = f"{CALENDAR}?view=month&date=2026-10-01"
    page = html(client.get(url, {"next": back}))
    assert page.xpath('//input[@name="date"]/@value') == ["2026-10-12"]
    assert page.xpath('//input[@name="time"]/@value') == ["20:00"]
    response = client.post(url, {"date": "2026-10-16", "time": "11:00", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    item.refresh_from_db()
    assert timezone.localtime(item.planned_at) == at("2026-10-16", 11)
    # A foreign address is not followed.
    response = client.post(url, {"date": "2026-10-17", "next": "https://evil.example/"})
    assert response["Location"] == CALENDAR


def test_the_move_form_shows_a_refusal_by_field(world, login):
    item = publish(world, make_item(world, title="已发布稿", planned_at=at("2026-10-12")))
    client = login(staff(world))
    url = reverse("editorial:calendar_move", args=[item.pk])
    response = client.post(url, {"date": "2026-10-20"})
    assert response.status_code == 400
    assert gettext("A published or withdrawn item keeps its date.") in response.content.decode()
    response = client.post(url, {"date": "not a date"})
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.xpath('//ul[@data-field="date"]')


# --- Columns and push slots -------------------------------------------------------------------


def setup_url(world: World) -> str:
    return reverse("editorial:calendar_setup", args=[a1(world).client.pk])


def field_errors(response: Any) -> dict[str, list[str]]:
    doc = lxml.html.fromstring(response.content.decode())
    return {
        ul.get("data-field"): [li.text_content().strip() for li in ul.xpath("./li")]
        for ul in doc.xpath('//ul[@class="errorlist"][@data-field]')
    }


def test_a_manager_adds_a_column_with_weekdays_and_an_owner(world, login):
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    editor = staff(world)
    client = login(manager)
    response = client.post(
        setup_url(world),
        {
            "form": "column",
            "column-name": "周三科普",
            "column-weekdays": ["3", "5"],
            "column-owner": editor.pk,
            "column-description": "健康知识",
        },
    )
    assert response.status_code == 302
    column = Column.objects.get(client=a1(world).client, name="周三科普")
    assert (column.weekdays, column.owner, column.description) == ([3, 5], editor, "健康知识")
    page = html(client.get(setup_url(world)))
    row = page.xpath(f'//tr[@data-column="{column.pk}"]')[0]
    assert str(editor) in row.text_content()


def test_column_errors_are_shown_by_field(world, login):
    client = login(world.alpha.admin)
    actions.save_column(
        actor=actor(world.alpha.admin), client=a1(world).client, name="已有栏目", weekdays=[1]
    )
    response = client.post(
        setup_url(world),
        {"form": "column", "column-name": "已有栏目", "column-weekdays": []},
    )
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["name"] == [gettext("The client already has a column with this name.")]
    assert errors["weekdays"] == [gettext("Choose the weekdays the column runs.")]
    # The owner must be on the client's team: the finance person is not.
    response = client.post(
        setup_url(world),
        {
            "form": "column",
            "column-name": "新栏目",
            "column-weekdays": ["1"],
            "column-owner": world.alpha.staff[Role.FINANCE].pk,
        },
    )
    assert list(field_errors(response)) == ["owner"]
    assert not Column.objects.filter(name="新栏目").exists()


def test_a_column_is_edited_on_its_own_page(world, login):
    column = actions.save_column(
        actor=actor(world.alpha.admin), client=a1(world).client, name="周五", weekdays=[5]
    )
    client = login(world.alpha.staff[Role.SUPERVISOR])
    url = reverse("editorial:column_edit", args=[column.pk])
    page = html(client.get(url))
    assert page.xpath('//input[@name="column-weekdays"][@checked]/@value') == ["5"]
    response = client.post(url, {"column-name": "周五特辑", "column-weekdays": ["5", "6"]})
    assert response.status_code == 302
    column.refresh_from_db()
    assert (column.name, column.weekdays) == ("周五特辑", [5, 6])
    response = client.post(url, {"column-name": "", "column-weekdays": ["5"]})
    assert response.status_code == 400
    assert list(field_errors(response)) == ["name"]


def test_push_slots_are_added_checked_and_removed(world, login):
    client = login(world.alpha.admin)
    response = client.post(
        setup_url(world), {"form": "slot", "slot-starts_at": "15:00", "slot-ends_at": "17:00"}
    )
    assert response.status_code == 302
    slot = PushSlot.objects.get(client=a1(world).client)
    assert str(slot) == "15:00–17:00"
    response = client.post(
        setup_url(world), {"form": "slot", "slot-starts_at": "15:00", "slot-ends_at": ""}
    )
    assert field_errors(response) == {"starts_at": [gettext("This slot exists already.")]}
    response = client.post(
        setup_url(world), {"form": "slot", "slot-starts_at": "18:00", "slot-ends_at": "17:00"}
    )
    assert field_errors(response) == {"ends_at": [gettext("The end must be after the start.")]}
    response = client.post(reverse("editorial:push_slot_delete", args=[slot.pk]))
    assert response.status_code == 302
    assert not PushSlot.objects.filter(pk=slot.pk).exists()


def test_setup_is_for_managers_and_supervisors_of_the_same_agency(world, login):
    column = actions.save_column(
        actor=actor(world.alpha.admin), client=a1(world).client, name="私有", weekdays=[1]
    )
    slot = PushSlot.objects.create(
        agency=world.alpha.agency, client=a1(world).client, starts_at=dt.time(9)
    )
    assert login(a1(world).reviewer).get(setup_url(world)).status_code == 403
    assert login(staff(world)).get(setup_url(world)).status_code == 403
    beta = login(world.beta.admin)
    assert beta.get(setup_url(world)).status_code == 404
    assert beta.get(reverse("editorial:column_edit", args=[column.pk])).status_code == 404
    assert beta.post(reverse("editorial:push_slot_delete", args=[slot.pk])).status_code == 404
    assert PushSlot.objects.filter(pk=slot.pk).exists()


def test_the_calendar_links_the_setup_page_for_one_client_and_those_allowed(world, login):
    params = {"client": a1(world).client.pk}
    link = f'//a[@href="{setup_url(world)}"]'
    assert html(login(world.alpha.admin).get(CALENDAR, params)).xpath(link)
    assert not html(login(world.alpha.admin).get(CALENDAR)).xpath(link)
    assert not html(login(staff(world)).get(CALENDAR, params)).xpath(link)


# --- Query counts -----------------------------------------------------------------------------


@pytest.fixture
def _warm_calendar(monkeypatch: Any) -> None:
    """Keep the working-day cache from re-checking its stamp in the middle of a count."""
    from yunying.workdays import services

    monkeypatch.setattr(services, "STAMP_CHECK_SECONDS", 3600)
    services.get_calendar()


def count(client: Any, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("_warm_calendar")
@pytest.mark.parametrize("view", ["month", "week"])
def test_calendar_queries_do_not_grow_with_items(world, login, view):
    add_slots(world, a1(world), (dt.time(11), None), (dt.time(20), None))
    column = actions.save_column(
        actor=actor(world.alpha.admin),
        client=a1(world).client,
        name="周一栏目",
        weekdays=[1, 2, 3],
        owner=staff(world),
    )
    make_item(world, title="开篇", planned_at=at("2026-10-13", 11), column=column)
    make_item(world, title="未排期 0")
    params = {"view": view, "date": "2026-10-13"}
    client = login(staff(world))
    before = count(client, CALENDAR, params)
    for i in range(19):
        side = a1(world) if i % 2 else a2(world)
        make_item(
            world,
            side=side,
            title=f"第{i}篇",
            planned_at=at("2026-10-12", 8 + i % 13) + dt.timedelta(days=i % 7),
            column=column if side is a1(world) else None,
        )
        make_item(world, side=side, title=f"未排期 {i}")
    assert count(client, CALENDAR, params) == before
