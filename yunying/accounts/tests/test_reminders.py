"""Certification expiry reminders: N days ahead (agency setting), once each, to the right people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from yunying.accounts.actions import remind_certification_expiry, update_account
from yunying.accounts.tasks import sweep_certification_expiry
from yunying.notify.models import Notification
from yunying.tenancy.actions import update_agency
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def reminders(world: World) -> list[tuple[str, int]]:
    rows = Notification.objects.filter(kind="certification_expiry", agency=world.alpha.agency)
    rows = rows.exclude(params__account="alpha notification")
    return sorted((n.recipient.username, n.params["days"]) for n in rows)


def set_expiry(world: World, days: int) -> None:
    for side in world.alpha.clients:
        update_account(
            side.account,
            actor=actor(world.alpha.admin),
            certification_expires_on=TODAY + timedelta(days=days),
        )


@pytest.mark.parametrize(("days_left", "expected"), [(31, 0), (30, 1), (12, 1), (7, 1), (0, 1)])
def test_reminder_starts_at_thirty_days(world: World, days_left: int, expected: int) -> None:
    set_expiry(world, days_left)
    remind_certification_expiry(TODAY)
    # Each of the two accounts reminds its account manager and the agency admin.
    assert len(reminders(world)) == expected * 4


def test_each_threshold_reminds_once(world: World) -> None:
    set_expiry(world, 30)
    assert remind_certification_expiry(TODAY) == 4
    assert remind_certification_expiry(TODAY) == 0
    assert remind_certification_expiry(TODAY + timedelta(days=1)) == 0  # 29 days: same threshold
    assert remind_certification_expiry(TODAY + timedelta(days=23)) == 4  # 7 days: next one
    assert {u for u, _ in reminders(world)} == {"alpha_admin", "alpha_account_manager"}


def test_a_missed_day_still_sends_the_reminder(world: World) -> None:
    set_expiry(world, 5)  # the worker was down on the 7-day mark
    assert remind_certification_expiry(TODAY) == 4


def test_reminder_days_are_configurable(world: World) -> None:
    update_agency(
        world.alpha.agency, actor=actor(world.alpha.admin), certification_reminder_days=[60, 14]
    )
    world.alpha.agency.refresh_from_db()
    set_expiry(world, 45)
    assert remind_certification_expiry(TODAY) == 4
    assert remind_certification_expiry(TODAY + timedelta(days=25)) == 0  # 20 left: told already
    assert remind_certification_expiry(TODAY + timedelta(days=31)) == 4  # 14 left


def test_archived_and_expired_accounts_are_left_alone(world: World) -> None:
    set_expiry(world, -1)
    assert remind_certification_expiry(TODAY) == 0


def test_reminder_is_visible_only_to_its_recipient(world: World, login: object) -> None:
    set_expiry(world, 7)
    remind_certification_expiry(TODAY)
    note = Notification.objects.filter(recipient=world.alpha.admin, kind="certification_expiry")
    assert note.exclude(params__account="alpha notification").exists()
    assert (
        not Notification.objects.visible_to(actor(world.alpha.staff[Role.EDITOR]))
        .filter(kind="certification_expiry")
        .exists()
    )


def test_the_scheduled_task_runs_the_sweep(world: World) -> None:
    set_expiry(world, 30)
    with time_machine.travel("2026-11-22 08:00 +0800", tick=False):
        assert sweep_certification_expiry.delay().get() == 4


def test_beat_schedule_runs_the_sweep_daily() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["certification-expiry-reminders"]
    assert entry["task"] == sweep_certification_expiry.name
    assert entry["schedule"].hour == {8}
