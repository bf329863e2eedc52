"""The account's metrics page, its uploads and the read-only API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.metrics import actions
from yunying.metrics.files import MetricRow, PostRow
from yunying.metrics.models import DailyMetric, PostFact
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
D = Decimal

HEAD = "date,account,metric,value\n"
GOOD_METRICS = HEAD + "2026-10-08,A,followers_new,300\n2026-10-31,A,followers_total,20000\n"
BAD_METRICS = HEAD + "2026-10-08,A,followers_new,300\n2026-10-09,A,calls,abc\n"
GOOD_POSTS = "post_id,account,published_on,kind,likes\nv-77,A,2026-10-03,video,120\n"


def page(account: Any) -> str:
    return reverse("metrics:account", args=[account.pk])


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode("utf-8"))


def fill(world: World, account: Any, days: int) -> None:
    start = dt.date(2026, 10, 1)
    actions.import_metrics(
        actor=actor(world.alpha.admin),
        account=account,
        rows=[
            MetricRow(start + dt.timedelta(days=i), "A", metric, D(i))
            for i in range(days)
            for metric in ("reads", "calls")
        ],
    )
    actions.import_posts(
        actor=actor(world.alpha.admin),
        account=account,
        rows=[PostRow(f"p{i}", "A", start + dt.timedelta(days=i), "video", i) for i in range(days)],
    )


def test_the_account_page_links_to_its_metrics(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    body = login(world.alpha.admin).get(reverse("accounts:detail", args=[account.pk])).content
    assert page(account).encode() in body


def test_a_manager_uploads_a_metrics_file_and_sees_the_values(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    client = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = client.post(
        reverse("metrics:import_metrics", args=[account.pk]),
        {"metrics-file": upload("oct.csv", "\ufeff" + GOOD_METRICS)},
    )
    assert response.status_code == 302
    assert DailyMetric.objects.filter(account=account).count() == 2
    body = client.get(page(account)).content.decode()
    assert "20000" in body
    assert "2026-10-31" in body
    assert 'id="import-metrics"' in body


def test_a_bad_file_shows_each_problem_by_row_and_column_and_stores_nothing(
    world: World, login: Any
) -> None:
    account = world.alpha.clients[0].account
    response = login(world.alpha.admin).post(
        reverse("metrics:import_metrics", args=[account.pk]),
        {"metrics-file": upload("oct.csv", BAD_METRICS)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<td>3</td><td><code>value</code></td><td>不是数字：“abc”</td>" in body
    assert not DailyMetric.objects.filter(account=account).exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    response = login(world.alpha.admin).post(
        reverse("metrics:import_metrics", args=[account.pk]),
        {"metrics-file": upload("oct.csv", GOOD_METRICS.replace("A", "甲").encode("gbk"))},
    )
    assert response.status_code == 400
    assert 'data-field="file"' in response.content.decode()
    assert not DailyMetric.objects.filter(account=account).exists()


def test_a_manager_uploads_posts(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    client = login(world.alpha.admin)
    response = client.post(
        reverse("metrics:import_posts", args=[account.pk]),
        {"posts-file": upload("posts.csv", GOOD_POSTS)},
    )
    assert response.status_code == 302
    assert PostFact.objects.get(account=account).post_id == "v-77"
    assert "v-77" in client.get(page(account)).content.decode()


def test_the_clients_reviewer_sees_the_metrics_but_cannot_import(world: World, login: Any) -> None:
    side = world.alpha.clients[0]
    fill(world, side.account, 2)
    client = login(side.reviewer)
    response = client.get(page(side.account))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="daily-metrics"' in body
    assert 'id="import-metrics"' not in body
    assert 'id="import-posts"' not in body
    for name, field in (("import_metrics", "metrics-file"), ("import_posts", "posts-file")):
        response = client.post(
            reverse(f"metrics:{name}", args=[side.account.pk]), {field: upload("x.csv", GOOD_POSTS)}
        )
        assert response.status_code == 403
    assert PostFact.objects.filter(account=side.account).count() == 2


def test_an_editor_sees_the_metrics_but_cannot_import(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    client = login(world.alpha.staff[Role.EDITOR])
    assert 'id="import-metrics"' not in client.get(page(account)).content.decode()
    response = client.post(
        reverse("metrics:import_metrics", args=[account.pk]),
        {"metrics-file": upload("oct.csv", GOOD_METRICS)},
    )
    assert response.status_code == 403
    assert not DailyMetric.objects.filter(account=account).exists()


def test_the_page_shows_the_latest_60_days_only(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    fill(world, account, 61)  # 2026-10-01 .. 2026-11-30
    body = login(world.alpha.admin).get(page(account)).content.decode()
    assert "2026-11-30" in body
    assert "2026-10-02" in body
    assert "2026-10-01" not in body


def test_page_queries_do_not_grow_with_rows(world: World, login: Any) -> None:
    account = world.alpha.clients[0].account
    client = login(world.alpha.admin)
    fill(world, account, 2)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(account)).status_code == 200
        return len(queries)

    before = count()
    fill(world, account, 40)
    assert count() == before


@pytest.mark.parametrize("name", ["daily-metric-list", "post-fact-list"])
def test_the_api_lists_filter_by_account(world: World, api: Any, name: str) -> None:
    a1, a2 = world.alpha.clients[0].account, world.alpha.clients[1].account
    fill(world, a1, 2)
    fill(world, a2, 3)
    client = api(world.alpha.admin)
    everything = client.get(reverse(name)).json()
    assert everything["count"] == (10 if name == "daily-metric-list" else 5)
    only_a2 = client.get(reverse(name), {"account": a2.pk}).json()
    assert {row["account"] for row in only_a2["results"]} == {a2.pk}
    assert only_a2["count"] == (6 if name == "daily-metric-list" else 3)
    assert client.get(reverse(name), {"account": "x"}).status_code == 400


def test_the_api_gives_values_as_decimal_strings(world: World, api: Any) -> None:
    account = world.alpha.clients[0].account
    fill(world, account, 2)
    row = api(world.alpha.admin).get(reverse("daily-metric-list"), {"account": account.pk}).json()
    assert row["results"][-1]["value"] == "1.0000"


@pytest.mark.parametrize("name", ["daily-metric-list", "post-fact-list"])
def test_the_api_is_read_only(world: World, api: Any, name: str) -> None:
    response = api(world.alpha.admin).post(reverse(name), {}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["daily-metric-list", "post-fact-list"])
def test_api_list_queries_do_not_grow_with_rows(world: World, api: Any, name: str) -> None:
    account = world.alpha.clients[0].account
    client = api(world.alpha.admin)
    fill(world, account, 2)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    before = count()
    fill(world, account, 20)
    assert count() == before
