"""Creating and dismissing notifications; the team groups' bots and posting to them."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from yunying.accounts import vault
from yunying.audit.actions import record
from yunying.tenancy import policy
from yunying.tenancy.models import Client, User
from yunying.tenancy.scoping import Actor, ensure_same_agency

from . import bots
from .choices import SIGNED_BOT_KINDS, BotKind, NotificationKind
from .models import GroupBot, GroupBotDelivery, Notification

logger = logging.getLogger(__name__)


def notify(
    recipients: Iterable[User],
    *,
    agency_id: int,
    kind: NotificationKind,
    params: dict[str, Any],
    client_id: int | None = None,
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each recipient once; with a ``dedupe_key``, a repeat call creates nothing new."""
    created = []
    fields = {
        "agency_id": agency_id,
        "client_id": client_id,
        "kind": kind,
        "params": params,
        "url": url,
    }
    with transaction.atomic():
        for user in {u.pk: u for u in recipients}.values():
            if dedupe_key:
                note, is_new = Notification.objects.get_or_create(
                    recipient=user, dedupe_key=dedupe_key, defaults=fields
                )
                if is_new:
                    created.append(note)
            else:
                created.append(Notification.objects.create(recipient=user, **fields))
    return created


def _own(notification: Notification, actor: Actor) -> None:
    if notification.recipient_id != getattr(actor.user, "pk", None):
        raise PermissionDenied


def mark_read(notification: Notification, *, actor: Actor) -> Notification:
    """Mark one of the actor's own notifications as read."""
    _own(notification, actor)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def dismiss(notification: Notification, *, actor: Actor) -> None:
    """Delete one of the actor's own notifications (they are reminders, not records)."""
    _own(notification, actor)
    notification.delete()


# --- Team group bots --------------------------------------------------------------------------

MAX_WEBHOOK_LENGTH = 500
MAX_BOT_SECRET_LENGTH = 256


@sensitive_variables("webhook", "secret", "parts", "query", "feishu_hook")
def _bot_errors(kind: str, name: str, webhook: str, secret: str) -> dict[str, str]:
    """What is wrong with a bot's settings, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the bot a name, e.g. the group's name.")
    if kind not in BotKind.values:
        errors["kind"] = _("Choose WeCom, DingTalk or Feishu.")
    parts = urllib.parse.urlsplit(webhook)
    query = urllib.parse.parse_qs(parts.query)
    feishu_hook = parts.path.partition("/bot/v2/hook/")[2].strip("/")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors["webhook"] = _("Enter the webhook URL, starting with https://.")
    elif len(webhook) > MAX_WEBHOOK_LENGTH:
        errors["webhook"] = _("At most %(n)d characters.") % {"n": MAX_WEBHOOK_LENGTH}
    # The shape of each platform's URL (the host is free: a proxy or a test server may serve it).
    elif kind == BotKind.WECOM and not query.get("key"):
        errors["webhook"] = _("A WeCom webhook ends in ?key=…; copy it from the group's bot.")
    elif kind == BotKind.DINGTALK and not query.get("access_token"):
        errors["webhook"] = _(
            "A DingTalk webhook ends in ?access_token=…; copy it from the group's robot."
        )
    elif kind == BotKind.FEISHU and not feishu_hook:
        errors["webhook"] = _(
            "A Feishu webhook ends in /bot/v2/hook/…; copy it from the group's bot."
        )
    if kind in SIGNED_BOT_KINDS and not secret:
        errors["secret"] = _(
            "Enter the signing secret: turn on signature checking in the bot's security settings."
        )
    elif kind == BotKind.WECOM and secret:
        errors["secret"] = _("WeCom bots have no secret; leave this empty.")
    elif len(secret) > MAX_BOT_SECRET_LENGTH:
        errors["secret"] = _("At most %(n)d characters.") % {"n": MAX_BOT_SECRET_LENGTH}
    return errors


@transaction.atomic
@sensitive_variables("webhook", "secret")
def add_group_bot(
    *, actor: Actor, client: Client, kind: str, name: str, webhook: str, secret: str = ""
) -> GroupBot:
    """Connect the bot of a client's team group; the webhook and secret go into the vault."""
    policy.require(actor, "notify.add_groupbot")
    ensure_same_agency(actor, client.agency_id)
    name, webhook, secret = name.strip(), webhook.strip(), secret.strip()
    errors = _bot_errors(kind, name, webhook, secret)
    if errors:
        raise ValidationError(errors)
    bot = GroupBot.objects.create(
        agency_id=client.agency_id,
        client=client,
        kind=kind,
        name=name,
        webhook_ciphertext=vault.encrypt(webhook),
        secret_ciphertext=vault.encrypt(secret) if secret else "",
        hint=webhook[-4:],
        created_by=actor.acting_user(),
    )
    _record_bot(actor, "groupbot.add", bot)
    return bot


def _record_bot(actor: Actor, action: str, bot: GroupBot, **data: Any) -> None:
    # Recorded without the bot as object, which would file the entry under the client and show
    # it in the client reviewer's log: the team group is the agency's own business.
    record(
        actor=actor,
        action=action,
        agency_id=bot.agency_id,
        data={
            "bot": bot.pk,
            "name": bot.name,
            "kind": bot.kind,
            "client": bot.client_id,
            "webhook": bots.hint(bot.hint),
            **data,
        },
    )


@transaction.atomic
def remove_group_bot(*, actor: Actor, bot: GroupBot) -> GroupBot:
    """Stop posting to a group; the bot stays (inactive) with its delivery log."""
    policy.require(actor, "notify.delete_groupbot")
    ensure_same_agency(actor, bot.agency_id)
    if bot.is_active:
        bot.is_active = False
        bot.save(update_fields=["is_active"])
        _record_bot(actor, "groupbot.remove", bot)
    return bot


@sensitive_variables("target")
def _deliver(bot: GroupBot, message: bots.BotMessage) -> GroupBotDelivery:
    ok, code, text, retryable = True, "", "", False
    try:
        target = bots.BotTarget(
            kind=cast(bots.BotKindName, bot.kind),
            webhook=vault.decrypt(bot.webhook_ciphertext),
            secret=vault.decrypt(bot.secret_ciphertext) if bot.secret_ciphertext else "",
        )
        bots.send(target, message)
    except bots.BotError as error:
        ok, code, text, retryable = False, error.code, error.message, error.retryable
    except (vault.VaultDecryptError, vault.VaultNotConfigured):
        ok, code, text = False, "vault", "The vault cannot decrypt the stored webhook."
    if not ok:
        logger.warning("Group bot %s (%s) refused a message: %s %s", bot.pk, bot.kind, code, text)
    return GroupBotDelivery.objects.create(
        agency_id=bot.agency_id,
        bot=bot,
        subject=message.title[:200],
        ok=ok,
        error_code=code[:32],
        error_message=text[:300],
        retryable=retryable,
    )


def post_to_team(*, client: Client, message: bots.BotMessage) -> list[GroupBotDelivery]:
    """Post ``message`` to every active bot of the client's team group; log each delivery.

    One bot's failure (bad key, throttled, unreachable) is logged in its delivery and never
    raised, so a pipeline step does not fail because a chat platform did. ``message.url``
    should be absolute: people open it from the group on their phones.

    This waits for the platforms (up to 10 s per bot). Call it after your transaction commits
    (``transaction.on_commit``), not inside it: on SQLite a transaction holds the database's
    write lock for as long as it is open.
    """
    deliveries = []
    for bot in GroupBot.objects.filter(client=client, is_active=True).order_by("id"):
        deliveries.append(_deliver(bot, message))
    return deliveries


def send_test_message(*, actor: Actor, client: Client, url: str = "") -> list[GroupBotDelivery]:
    """Post a test message to the client's team group so a manager sees that the bots work."""
    policy.require(actor, "notify.test_groupbot")
    ensure_same_agency(actor, client.agency_id)
    # The group reads the product's language, whatever language the manager chose.
    with translation.override(settings.LANGUAGE_CODE):
        message = bots.BotMessage(
            title=_("Test message from Yunying"),
            text=_("Previews of the content for %(client)s will be posted in this group.")
            % {"client": client.name},
            url=url,
        )
    # No transaction around the sending (see post_to_team); the audit entry follows it.
    deliveries = post_to_team(client=client, message=message)
    with transaction.atomic():
        record(
            actor=actor,
            action="groupbot.test",
            agency_id=client.agency_id,
            data={
                "client": client.pk,
                "delivered": sum(1 for d in deliveries if d.ok),
                "failed": sum(1 for d in deliveries if not d.ok),
            },
        )
    return deliveries
