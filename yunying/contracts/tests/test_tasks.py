"""The daily reminder task tells the right people once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from yunying.contracts import actions, tasks
from yunying.notify.choices import NotificationKind
from yunying.notify.models import Notification
from yunying.tenancy.choices import Role
from yunying.testing import World, actor

from .helpers import world_contract

pytestmark = pytest.mark.django_db


def signed_contract(world: World) -> object:
    contract = world_contract(world)
    manager = actor(world.alpha.staff[Role.ACCOUNT_MANAGER])
    return actions.sign_contract(contract, actor=manager, signed_on=dt.date(2026, 1, 5))


def reminders_of(user: object) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.CONTRACT_REMINDER)
    )


def test_the_daily_task_sends_each_reminder_once(world: World) -> None:
    signed_contract(world)
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False):
        assert tasks.send_contract_reminders.delay().get() == 1
        assert tasks.send_contract_reminders.delay().get() == 0
    [note] = reminders_of(manager)
    assert note.params["reminder"] == "renewal_opens"
    assert note.params["date"] == "2026-12-01"
    assert "2026-12-01" in note.message
    assert not reminders_of(world.alpha.staff[Role.FINANCE])


def test_payment_reminders_also_go_to_finance(world: World) -> None:
    signed_contract(world)
    sent = actions.send_contract_reminders(dt.date(2026, 12, 8))
    finance = reminders_of(world.alpha.staff[Role.FINANCE])
    assert [n.params["reminder"] for n in finance] == ["payment_day"]
    assert sent >= 2


def test_drafts_and_other_agencies_get_no_reminders(world: World) -> None:
    world_contract(world)  # a draft
    assert actions.send_contract_reminders(dt.date(2026, 11, 20)) == 0
    assert not reminders_of(world.beta.staff[Role.ACCOUNT_MANAGER])


def test_a_missed_day_still_sends_the_reminder(world: World) -> None:
    signed_contract(world)
    # The worker was down on 11-20 (first day in the renewal reminder's lead time).
    assert actions.send_contract_reminders(dt.date(2026, 11, 25)) == 1
    assert actions.send_contract_reminders(dt.date(2026, 11, 26)) == 0
