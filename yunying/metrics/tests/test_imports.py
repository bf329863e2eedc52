"""File imports through jobs: golden files into the store, idempotent, all-or-nothing or
keep-the-good-rows, audited once, progress on the job, background runs for large files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yunying.audit.models import AuditEntry
from yunying.metrics import actions, mappings, runs
from yunying.metrics.choices import ImportStatus
from yunying.metrics.models import DailyExtra, DailyMetric, ImportJob, PostFact
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def upload(world: World, account: Any, name: str, mapping: str, **kwargs: Any) -> ImportJob:
    job = actions.create_import(
        actor=actor(world.alpha.admin),
        account=account,
        mapping_name=mapping,
        filename=name,
        data=kwargs.pop("data", None) or (GOLDEN / name).read_bytes(),
        **kwargs,
    )
    runs.start_import(job)
    job.refresh_from_db()
    return job


def store(account: Any) -> dict[str, Any]:
    return {
        "metrics": {
            (m.date, m.metric): m.value for m in DailyMetric.objects.filter(account=account)
        },
        "extras": {e.date: e.data for e in DailyExtra.objects.filter(account=account)},
        "posts": {
            p.post_id: (p.likes, p.plays, p.title, p.extras)
            for p in PostFact.objects.filter(account=account)
        },
    }


def test_a_workbook_imports_its_days_extras_and_posts(world: World, douyin: Any) -> None:
    job = upload(world, douyin, "douyin_creator.xlsx", "douyin")
    assert job.status == ImportStatus.DONE
    assert job.rows_read == 4
    assert job.result["metrics"] == {"created": 14, "updated": 0, "unchanged": 0}
    assert job.result["posts"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert job.result["extra_columns"] == ["主页访问量", "完播率"]
    stored = store(douyin)
    assert stored["metrics"][(dt.date(2026, 10, 2), "followers_total")] == Decimal(20195)
    assert stored["extras"][dt.date(2026, 10, 1)] == {"主页访问量": "310"}
    assert stored["posts"]["7301000000000000001"] == (
        700,
        12000,
        "探店｜青禾新店开业",
        {"完播率": "32.5%"},
    )
    entry = AuditEntry.objects.get(action="metrics.import_file")
    assert entry.data["file"] == "douyin_creator.xlsx"
    assert entry.data["metrics"]["created"] == 14


def test_importing_the_same_file_again_changes_nothing(world: World, douyin: Any) -> None:
    upload(world, douyin, "douyin_creator.xlsx", "douyin")
    before = store(douyin)
    audits = AuditEntry.objects.count()
    again = upload(world, douyin, "douyin_creator.xlsx", "douyin")
    assert again.status == ImportStatus.DONE
    assert again.result["metrics"] == {"created": 0, "updated": 0, "unchanged": 14}
    assert again.result["posts"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.result["extras"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert store(douyin) == before
    assert AuditEntry.objects.count() == audits


def test_a_later_export_updates_a_posts_counts_and_keeps_what_it_does_not_give(
    world: World, douyin: Any
) -> None:
    upload(world, douyin, "douyin_creator.xlsx", "douyin")
    job = upload(world, douyin, "douyin_videos_gbk.csv", "douyin")
    assert job.result["posts"] == {"created": 0, "updated": 1, "unchanged": 0}
    post = PostFact.objects.get(account=douyin, post_id="7301000000000000001")
    assert (post.likes, post.plays, post.comments) == (760, 13500, 44)
    # The CSV has no 完播率 column: the value from the workbook stays.
    assert post.extras == {"完播率": "32.5%"}


def test_a_bad_file_is_rejected_whole_by_default(world: World, douyin: Any) -> None:
    job = upload(world, douyin, "douyin_bad.csv", "douyin")
    assert job.status == ImportStatus.REJECTED
    assert job.problem_count == 5
    assert job.problems[0] == {
        "source": "douyin_bad.csv",
        "row": 3,
        "column": "点赞量",
        "message": "不是数字：“五百”",
    }
    assert job.result["rejected_rows"] == 4
    assert store(douyin)["metrics"] == {}
    assert not AuditEntry.objects.filter(action="metrics.import_file").exists()


def test_the_uploader_may_keep_the_good_rows_of_a_bad_file(world: World, douyin: Any) -> None:
    job = upload(world, douyin, "douyin_bad.csv", "douyin", keep_good_rows=True)
    assert job.status == ImportStatus.DONE
    assert job.problem_count == 5
    assert job.result["metrics"]["created"] == 4
    assert set(store(douyin)["metrics"]) == {
        (dt.date(2026, 10, 1), code)
        for code in ("plays", "likes", "followers_new", "followers_lost")
    }
    assert AuditEntry.objects.get(action="metrics.import_file").data["rejected_rows"] == 4


def test_a_format_for_another_platform_is_refused_naming_the_field(
    world: World, douyin: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create_import(
            actor=actor(world.alpha.admin),
            account=douyin,
            mapping_name="wechat_oa",
            filename="x.csv",
            data=b"x",
        )
    assert "mapping" in caught.value.message_dict


def test_an_unknown_format_and_an_empty_file_are_refused(world: World, douyin: Any) -> None:
    for name, data, field in (("nope", b"x", "mapping"), ("douyin", b"", "file")):
        with pytest.raises(ValidationError) as caught:
            actions.create_import(
                actor=actor(world.alpha.admin),
                account=douyin,
                mapping_name=name,
                filename="x.csv",
                data=data,
            )
        assert field in caught.value.message_dict


def test_a_file_without_data_rows_is_rejected(world: World, douyin: Any) -> None:
    job = upload(world, douyin, "empty.csv", "douyin", data="日期,播放量\n".encode())
    assert job.status == ImportStatus.REJECTED
    assert job.problems[0]["message"] == "文件中没有数据行"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.FINANCE, Role.CLIENT_REVIEWER])
def test_only_managers_may_import(world: World, douyin: Any, role: str) -> None:
    side = world.alpha.clients[0]
    person = side.reviewer if role == Role.CLIENT_REVIEWER else world.alpha.staff[role]
    with pytest.raises(PermissionDenied):
        actions.create_import(
            actor=actor(person),
            account=douyin,
            mapping_name="douyin",
            filename="x.csv",
            data=b"x",
        )


def test_another_agency_cannot_import_into_the_account(world: World, douyin: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_import(
            actor=actor(world.beta.admin),
            account=douyin,
            mapping_name="douyin",
            filename="x.csv",
            data=b"x",
        )


def big_generic_file(days: int) -> bytes:
    start = dt.date(2020, 1, 1)
    lines = ["日期,新增粉丝,电话量"]
    lines += [f"{start + dt.timedelta(days=i)},{i % 50},{i % 7}" for i in range(days)]
    return ("\n".join(lines) + "\n").encode()


def test_a_large_file_runs_as_a_background_task_and_reports_progress(
    world: World,
    douyin: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = big_generic_file(12_000)
    assert len(data) > actions.INLINE_IMPORT_BYTES // 4
    monkeypatch.setattr(actions, "INLINE_IMPORT_BYTES", 1000)
    seen: list[int] = []
    record_progress = actions.record_progress

    def watch(job_id: int, rows: int) -> None:
        record_progress(job_id, rows)
        seen.append(ImportJob.objects.get(pk=job_id).rows_read)

    monkeypatch.setattr(actions, "record_progress", watch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = actions.create_import(
            actor=actor(world.alpha.admin),
            account=douyin,
            mapping_name="generic",
            filename="big.csv",
            data=data,
        )
        runs.start_import(job)
    job.refresh_from_db()
    # Nothing ran in the request: the job waits for its worker.
    assert job.status == ImportStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()  # the worker (tasks run eagerly in tests)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.rows_read == 12_000
    assert seen == [5_000, 10_000]
    assert DailyMetric.objects.filter(account=douyin).count() == 24_000
    assert mappings.PROGRESS_EVERY == 5_000


def test_a_finished_job_is_not_run_twice(world: World, douyin: Any) -> None:
    job = upload(world, douyin, "douyin_creator.xlsx", "douyin")
    audits = AuditEntry.objects.count()
    assert runs.run_import_job(job.pk) == ImportStatus.DONE
    assert AuditEntry.objects.count() == audits
