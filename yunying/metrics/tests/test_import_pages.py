"""The import form, the job page with its progress fragment, and the template downloads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yunying.metrics import actions
from yunying.metrics.models import DailyMetric, ImportJob
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def post_file(client: Any, account: Any, name: str, **fields: Any) -> Any:
    data = (GOLDEN / name).read_bytes()
    return client.post(
        reverse("metrics:import_file", args=[account.pk]),
        {"mapping": "douyin", "file": SimpleUploadedFile(name, data), **fields},
    )


def test_an_upload_goes_to_its_job_page_with_the_counts(
    world: World, douyin: Any, login: Any
) -> None:
    client = login(world.alpha.admin)
    response = post_file(client, douyin, "douyin_creator.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metrics:import_job", args=[job.pk])
    body = client.get(response.url).content.decode()
    assert "已导入" in body
    assert 'id="import-counts"' in body
    assert "主页访问量" in body  # the columns kept as extras are named
    assert "hx-trigger" not in body  # finished: no polling
    assert DailyMetric.objects.filter(account=douyin).count() == 14
    # The account page lists the import.
    page = client.get(reverse("metrics:account", args=[douyin.pk])).content.decode()
    assert "douyin_creator.xlsx" in page


def test_a_rejected_upload_shows_each_problem_with_row_and_column(
    world: World, douyin: Any, login: Any
) -> None:
    client = login(world.alpha.admin)
    response = post_file(client, douyin, "douyin_bad.csv")
    body = client.get(response.url).content.decode()
    assert "没有写入任何数据" in body
    assert "<td>3</td><td><code>点赞量</code></td><td>不是数字：“五百”</td>" in body
    assert DailyMetric.objects.filter(account=douyin).count() == 0


def test_a_running_job_polls_for_its_status_fragment(world: World, douyin: Any, login: Any) -> None:
    job = actions.create_import(
        actor=actor(world.alpha.admin),
        account=douyin,
        mapping_name="douyin",
        filename="waiting.csv",
        data=b"x",
    )
    actions.record_progress(job.pk, 5000)
    client = login(world.alpha.admin)
    url = reverse("metrics:import_job", args=[job.pk])
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in body
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="import-status"')
    assert "已读取 5000 行" in fragment
    assert "<html" not in fragment


def test_a_bad_form_is_answered_with_the_field_named(world: World, douyin: Any, login: Any) -> None:
    client = login(world.alpha.admin)
    response = client.post(reverse("metrics:import_file", args=[douyin.pk]), {"mapping": "douyin"})
    assert response.status_code == 400
    assert 'data-field="file"' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_the_formats_of_the_accounts_platform_are_offered(
    world: World, douyin: Any, login: Any
) -> None:
    body = login(world.alpha.admin).get(reverse("metrics:account", args=[douyin.pk])).content
    text = body.decode()
    assert 'value="douyin"' in text
    assert 'value="generic"' in text
    assert 'value="wechat_oa"' not in text


def test_client_reviewers_do_not_see_import_jobs(world: World, douyin: Any, login: Any) -> None:
    post_file(login(world.alpha.admin), douyin, "douyin_creator.xlsx")
    job = ImportJob.objects.get()
    reviewer = login(world.alpha.clients[0].reviewer)
    assert reviewer.get(reverse("metrics:import_job", args=[job.pk])).status_code == 403
    page = reviewer.get(reverse("metrics:account", args=[douyin.pk])).content.decode()
    assert "douyin_creator.xlsx" not in page


def test_the_template_downloads_as_xlsx_and_csv(world: World, login: Any) -> None:
    client = login(world.alpha.admin)
    xlsx = client.get(reverse("metrics:template", args=["xlsx"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="yunying-template.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["每日数据", "作品数据", "说明"]
    csv = client.get(reverse("metrics:template", args=["csv"]))
    assert csv.content.decode("utf-8-sig").startswith("日期,粉丝总数")
    assert client.get(reverse("metrics:template", args=["pdf"])).status_code == 404


def test_a_value_typed_by_hand_is_stored_and_a_bad_one_names_its_field(
    world: World, douyin: Any, login: Any
) -> None:
    client = login(world.alpha.admin)
    url = reverse("metrics:record", args=[douyin.pk])
    response = client.post(url, {"date": "2026-10-08", "metric": "calls", "value": "12"})
    assert response.status_code == 302
    stored = DailyMetric.objects.get(account=douyin, metric="calls")
    assert (stored.value, stored.source) == (12, "manual")
    response = client.post(url, {"date": "2026-10-08", "metric": "calls", "value": "-1"})
    assert response.status_code == 400
    assert 'data-field="value"' in response.content.decode()
    reviewer = login(world.alpha.clients[0].reviewer)
    assert (
        reviewer.post(url, {"date": "2026-10-09", "metric": "calls", "value": "1"}).status_code
        == 403
    )
