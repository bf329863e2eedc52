"""Background work of the pipeline: team previews, publishing at the slot, the client-review sweep.

Each function is idempotent (a repeat run does nothing new) and acts through the actions as
``SYSTEM``; the tasks in ``tasks.py`` only call these.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yunying.accounts import vault
from yunying.audit.actions import record
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.tenancy.actions import team_people
from yunying.tenancy.choices import Role
from yunying.tenancy.scoping import SYSTEM
from yunying.workdays.calendar import MissingCalendarYear
from yunying.workdays.services import working_days_between

from . import actions
from .choices import PublicationStatus, PublishMode, SilencePolicy, State
from .models import ContentItem, Publication, PublisherConfig
from .publishers.base import Article, Publisher, PublishOutcome, PublishStatus, Push

if TYPE_CHECKING:
    from yunying.accounts.models import PlatformAccount
    from yunying.adapters.wechat_oa import TokenStore

# A push failing with a retryable error (rate limit, network) is tried again by the next runs,
# at most this many times in all; other failures wait for a person.
MAX_ATTEMPTS = 5

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return f"{settings.YUNYING_BASE_URL}{path}"


# --- Team preview ----------------------------------------------------------------------------


def send_team_preview(item_id: int) -> int:
    """Post the preview link to the client's team groups; returns how many bots were reached."""
    from yunying.notify.actions import post_to_team
    from yunying.notify.bots import BotMessage

    item = ContentItem.objects.select_related("client").get(pk=item_id)
    message = BotMessage(
        title=f"【预览】{item.title}",
        text=f"{item.client} · {item.get_kind_display()} · v{item.version}\n请在群内预览并确认。",
        url=absolute(actions.item_url(item)),
    )
    deliveries = post_to_team(client=item.client, message=message)
    reached = sum(1 for d in deliveries if d.ok)
    record(
        actor=SYSTEM,
        action="content.preview_sent",
        obj=item,
        data={"version": item.version, "bots": len(deliveries), "reached": reached},
    )
    return reached


# --- Publishing --------------------------------------------------------------------------------


def publisher_for(config: PublisherConfig | None) -> Publisher:
    from .publishers.base import ManualPublisher

    if config is None or config.mode == PublishMode.MANUAL:
        return ManualPublisher()
    from yunying.adapters.wechat_oa import WeChatOAClient

    from .publishers.wechat_oa import WeChatOAPublisher

    client = WeChatOAClient(
        config.appid,
        vault.decrypt(config.secret_ciphertext),
        base_url=config.api_base,
        token_store=_token_store(),
    )
    return WeChatOAPublisher(client)


def _token_store() -> TokenStore:
    """Tokens per AppID in Django's cache: shared by the workers when the cache is (Redis);
    with the default per-process cache each worker holds its own stable token, which WeChat
    allows (stable tokens do not invalidate each other)."""
    from django.core.cache import cache

    from yunying.adapters.wechat_oa import CacheTokenStore

    return CacheTokenStore(cache)


def _article(item: ContentItem) -> Article:
    version = item.versions.get(number=item.approved_version or item.version)
    cover = None
    cover_name = ""
    if version.cover is not None:
        with version.cover.file.open("rb") as handle:
            cover = handle.read()
        cover_name = (version.cover.file.name or "").rsplit("/", 1)[-1]
    # WeChat limits the author to 16 characters; a longer name is left out rather than cut.
    author = item.author.display_name if item.author else ""
    return Article(
        item_id=item.pk,
        title=version.title,
        content=version.body or version.script,
        author=author if len(author) <= 16 else "",
        cover=cover,
        cover_name=cover_name,
    )


def _waits_for_a_person(item: ContentItem) -> bool:
    """True when this scheduling's attempts are under way, or failed in a way retrying won't fix.

    Only attempts since the item last entered ``scheduled`` count: an item returned, revised and
    approved again starts afresh.
    """
    since = max((c.at for c in item.changes.all() if c.target == State.SCHEDULED), default=None)
    attempts = [p for p in item.publications.all() if since is None or p.created_at >= since]
    if any(p.status in {PublicationStatus.PENDING, PublicationStatus.MANUAL} for p in attempts):
        return True
    failed = [p for p in attempts if p.status == PublicationStatus.FAILED]
    return any(not p.retryable for p in failed) or len(failed) >= MAX_ATTEMPTS


def _pushes(now: dt.datetime) -> dict[tuple[int, dt.datetime], list[ContentItem]]:
    """Due scheduled items per (account, slot), leaving those that wait for a person."""
    due = (
        ContentItem.objects.filter(state=State.SCHEDULED, planned_at__lte=now)
        .prefetch_related("accounts", "publications", "changes")
        .order_by("planned_at", "article_slot", "pk")
    )
    pushes: dict[tuple[int, dt.datetime], list[ContentItem]] = defaultdict(list)
    for item in due:
        if item.planned_at is None or _waits_for_a_person(item):
            continue
        for account in item.accounts.all():
            pushes[(account.pk, item.planned_at)].append(item)
    return pushes


def publish_due(now: dt.datetime | None = None) -> int:
    """Hand every due push to its account's publisher; returns the number of attempts made."""
    now = now or timezone.now()
    attempts = 0
    for (account_id, slot), items in _pushes(now).items():
        config = PublisherConfig.objects.filter(account_id=account_id).first()
        account = items[0].accounts.get(pk=account_id)
        publisher = publisher_for(config)
        push = Push(
            account_id=account_id,
            platform_id=account.platform_id,
            articles=tuple(_article(item) for item in items),
        )
        try:
            outcome = publisher.publish(push)
        except Exception as exc:  # a platform client bug must not stop other pushes
            log.exception("publishing push of account %s failed", account_id)
            outcome = PublishOutcome(status=PublishStatus.FAILED, error=type(exc).__name__)
        _store_outcome(account, items, publisher.mode, outcome, slot)
        attempts += 1
    return attempts


@transaction.atomic
def _store_outcome(
    account: PlatformAccount,
    items: list[ContentItem],
    mode: str,
    outcome: PublishOutcome,
    slot: dt.datetime,
) -> Publication:
    publication = Publication.objects.create(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        mode=mode,
        status={
            PublishStatus.PUBLISHED: PublicationStatus.PUBLISHED,
            PublishStatus.PENDING: PublicationStatus.PENDING,
            PublishStatus.MANUAL: PublicationStatus.MANUAL,
        }.get(outcome.status, PublicationStatus.FAILED),
        external_id=outcome.external_id,
        error=outcome.error[:500],
        retryable=outcome.retryable,
        attempts=1 + Publication.objects.filter(items__in=items, account=account).count(),
    )
    publication.items.set(items)
    record(
        actor=SYSTEM,
        action="content.publication",
        obj=publication,
        data={"items": [i.pk for i in items], "mode": mode, "status": publication.status},
        reason=outcome.error[:200],
    )
    _apply(publication, items, outcome, slot)
    return publication


def _apply(
    publication: Publication, items: list[ContentItem], outcome: PublishOutcome, slot: dt.datetime
) -> None:
    account = publication.account
    for item in items:
        params = {
            "title": item.title,
            "client": str(item.client),
            "item": item.pk,
            "account": str(account),
            "at": timezone.localtime(slot).strftime("%Y-%m-%d %H:%M"),
        }
        people = [u for u in (item.author, item.editor) if u is not None]
        if outcome.status == PublishStatus.PUBLISHED:
            actions.transition(
                actor=SYSTEM,
                item=item,
                target=State.PUBLISHED,
                published_url=outcome.urls.get(item.pk, ""),
                published_at=timezone.now(),
            )
        elif outcome.status == PublishStatus.MANUAL:
            notify(
                people or team_people(item.client_id, Role.EDITOR, Role.COPYWRITER),
                agency_id=item.agency_id,
                client_id=item.client_id,
                kind=NotificationKind.CONTENT_PUBLISH_DUE,
                params=params,
                url=actions.item_url(item),
                dedupe_key=f"publish-due:{item.pk}:{account.pk}:{slot.isoformat()}",
            )
        elif outcome.status == PublishStatus.FAILED:
            notify(
                people + team_people(item.client_id, Role.SUPERVISOR),
                agency_id=item.agency_id,
                client_id=item.client_id,
                kind=NotificationKind.CONTENT_PUBLISH_FAILED,
                params={**params, "error": outcome.error},
                url=actions.item_url(item),
            )


def poll_pending() -> int:
    """Follow up accepted-but-unfinished platform jobs; returns how many were settled."""
    settled = 0
    for publication in Publication.objects.filter(status=PublicationStatus.PENDING).select_related(
        "account"
    ):
        items = list(publication.items.order_by("article_slot", "pk"))
        config = PublisherConfig.objects.filter(account=publication.account).first()
        publisher = publisher_for(config)
        push = Push(
            account_id=publication.account_id,
            platform_id=publication.account.platform_id,
            articles=tuple(Article(item_id=i.pk, title=i.title, content="") for i in items),
        )
        outcome = publisher.poll(push, publication.external_id)
        if outcome.status == PublishStatus.PENDING:
            continue
        with transaction.atomic():
            publication.status = (
                PublicationStatus.PUBLISHED
                if outcome.status == PublishStatus.PUBLISHED
                else PublicationStatus.FAILED
            )
            publication.error = outcome.error[:500]
            publication.save(update_fields=["status", "error", "updated_at"])
            slot = items[0].planned_at or timezone.now() if items else timezone.now()
            _apply(publication, [i for i in items if i.state == State.SCHEDULED], outcome, slot)
        settled += 1
    return settled


# --- Client reviews past their window ------------------------------------------------------------


def sweep_client_reviews(today: dt.date | None = None) -> dict[str, int]:
    """Overdue client reviews: deemed approval or escalation per the contract, and the
    client-silence termination trigger. Returns counts by outcome."""
    today = today or timezone.localdate()
    counts = {"deemed_approved": 0, "escalated": 0, "silence_trigger": 0}
    overdue = ContentItem.objects.filter(
        state=State.CLIENT_REVIEW, review_due__lt=today
    ).select_related("client")
    for item in overdue:
        rule = item.review_rule or {}
        params = {
            "title": item.title,
            "client": str(item.client),
            "item": item.pk,
            "due": rule.get("due"),
        }
        if rule.get("client_silence") == SilencePolicy.DEEMED_APPROVAL:
            try:
                actions.transition(
                    actor=SYSTEM,
                    item=item,
                    target=State.SCHEDULED,
                    comment=f"客户未在 {rule.get('due')} 前答复，按合同视为通过",
                )
                counts["deemed_approved"] += 1
                continue
            except Exception:  # a blocked gate leaves it for people to handle
                log.exception("deemed approval of item %s refused", item.pk)
        managers = team_people(item.client_id, Role.ACCOUNT_MANAGER)
        if notify(
            managers,
            agency_id=item.agency_id,
            client_id=item.client_id,
            kind=NotificationKind.CONTENT_REVIEW_OVERDUE,
            params=params,
            url=actions.item_url(item),
            dedupe_key=f"review-overdue:{item.pk}:{item.round}",
        ):
            counts["escalated"] += 1
        trigger = silence_trigger(item)
        if (
            trigger is not None
            and trigger[0] >= trigger[1]
            and notify(
                managers,
                agency_id=item.agency_id,
                client_id=item.client_id,
                kind=NotificationKind.CONTENT_REVIEW_OVERDUE,
                params={**params, "days": trigger[0], "trigger": trigger[1]},
                url=actions.item_url(item),
                dedupe_key=f"client-silence:{item.pk}:{item.round}",
            )
        ):
            counts["silence_trigger"] += 1
    return counts


def silence_days(item: ContentItem, today: dt.date | None = None) -> int | None:
    """Working days the client has been silent on an item in review (None: not waiting)."""
    if item.state != State.CLIENT_REVIEW or item.review_requested_at is None:
        return None
    today = today or timezone.localdate()
    try:
        return working_days_between(timezone.localdate(item.review_requested_at), today)
    except MissingCalendarYear:
        return None


def silence_trigger(item: ContentItem, today: dt.date | None = None) -> tuple[int, int] | None:
    """(silent working days, the contract's trigger) when the contract has a trigger."""
    from .rules import rules_for

    days = silence_days(item, today)
    if days is None:
        return None
    rules = rules_for(
        item.agency_id, item.accounts.values_list("pk", flat=True), today or timezone.localdate()
    )
    if rules.silent_termination_days is None:
        return None
    return days, rules.silent_termination_days
