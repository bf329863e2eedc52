"""Scheduled publishing through the account's publisher, against the local fake WeChat server."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yunying.adapters.tests.fake_wechat import FakeWeChat
from yunying.editorial import actions, runs
from yunying.editorial.choices import PublicationStatus, State
from yunying.editorial.models import Publication
from yunying.editorial.tests.helpers import make_item, walk
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.tenancy.choices import Role
from yunying.testing import actor


def png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _scheduled_push(world, slot):
    """Two articles (slots B then A) for a1's Official Account at the same time, approved."""
    side = world.alpha.clients[0]
    editor = actor(world.alpha.staff[Role.EDITOR])
    cover = actions.upload_material(
        actor=editor,
        client=side.client,
        kind="image",
        title="封面",
        file=SimpleUploadedFile("cover.png", png(), content_type="image/png"),
        owner="agency",
    )
    items = []
    for title, letter in (("行业知识：选购指南", "B"), ("新品：秋季系列", "A")):
        item = make_item(world, title=title, article_slot=letter, planned_at=slot)
        actions.edit_item(
            actor=actor(world.alpha.staff[Role.COPYWRITER]),
            item=item,
            draft=actions.Draft(title=title, body=f"<p>{title}正文</p>", cover=cover),
        )
        items.append(walk(world, item, State.SCHEDULED))
    return items


def _configure(world, fake):
    side = world.alpha.clients[0]
    actions.configure_publisher(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
        account=side.account,
        mode="wechat_oa",
        appid=fake.appid,
        secret=fake.secret,
        api_base=fake.base_url,
    )


def test_a_multi_article_push_goes_out_in_slot_order_and_lands_published(world, db, media):
    slot = timezone.now() - dt.timedelta(minutes=1)
    b_item, a_item = _scheduled_push(world, slot)
    with FakeWeChat() as fake:
        # One answer per freepublish/get: the publisher's own check right after submitting,
        # then one per poll.
        fake.script_publish(1, 1, 0)
        _configure(world, fake)
        assert runs.publish_due() == 1
        draft = next(iter(fake.drafts.values()))
        assert [a["title"] for a in draft] == ["新品：秋季系列", "行业知识：选购指南"]
        publication = Publication.objects.get()
        assert publication.status == PublicationStatus.PENDING
        assert runs.publish_due() == 0  # the job is under way: not sent twice
        runs.poll_pending()  # publishing (status 1)
        a_item.refresh_from_db()
        assert a_item.state == State.SCHEDULED
        runs.poll_pending()  # published (status 0)
        job = next(iter(fake.jobs))
    a_item.refresh_from_db()
    b_item.refresh_from_db()
    assert a_item.state == b_item.state == State.PUBLISHED
    assert a_item.published_url == FakeWeChat.article_url(job, 1)
    assert b_item.published_url == FakeWeChat.article_url(job, 2)
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.PUBLISHED


def test_an_audit_rejection_fails_once_and_waits_for_a_person(world, db, media):
    slot = timezone.now() - dt.timedelta(minutes=1)
    items = _scheduled_push(world, slot)
    with FakeWeChat() as fake:
        fake.script_publish(4)
        _configure(world, fake)
        runs.publish_due()
        runs.poll_pending()
        assert runs.publish_due() == 0  # not retried by itself
    publication = Publication.objects.get()
    assert publication.status == PublicationStatus.FAILED
    assert "publish_status=4" in publication.error
    for item in items:
        item.refresh_from_db()
        assert item.state == State.SCHEDULED
    assert Notification.objects.filter(kind=NotificationKind.CONTENT_PUBLISH_FAILED).exists()


def test_a_quota_answer_is_retried_by_the_next_run(world, db, media):
    slot = timezone.now() - dt.timedelta(minutes=1)
    _scheduled_push(world, slot)
    with FakeWeChat() as fake:
        _configure(world, fake)
        fake.exhaust_quota("cgi-bin/draft/add")
        runs.publish_due()
        failed = Publication.objects.get()
        assert failed.status == PublicationStatus.FAILED
        assert failed.retryable is True
        fake.restore_quota()
        assert runs.publish_due() == 1
    assert Publication.objects.count() == 2


def test_the_secret_is_kept_encrypted(world, db):
    side = world.alpha.clients[0]
    actions.configure_publisher(
        actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
        account=side.account,
        mode="wechat_oa",
        appid="wx123",
        secret="very-secret-value",
    )
    config = side.account.publisher
    assert "very-secret-value" not in config.secret_ciphertext
    assert config.secret_ciphertext


def test_changing_the_api_address_needs_the_secret_again(world, db):
    from django.core.exceptions import ValidationError

    side = world.alpha.clients[0]
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    actions.configure_publisher(
        actor=manager, account=side.account, mode="wechat_oa", appid="wx1", secret="s1"
    )
    with pytest.raises(ValidationError) as caught:
        actions.configure_publisher(
            actor=manager,
            account=side.account,
            mode="wechat_oa",
            appid="wx1",
            api_base="https://attacker.example",
        )
    assert "secret" in caught.value.message_dict
    side.account.publisher.refresh_from_db()
    assert side.account.publisher.api_base == "https://api.weixin.qq.com"
