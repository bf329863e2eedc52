"""What each role's home page shows. Every query goes through ``visible_to``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from yunying.accounts.choices import AccountStatus, Platform
from yunying.accounts.models import AccountChangeRequest, PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.editorial.choices import State
from yunying.editorial.models import ContentItem
from yunying.notify.models import Notification
from yunying.settlement.choices import UNPAID, StatementStatus
from yunying.settlement.models import Invoice, Statement
from yunying.tenancy.choices import ChangeRequestStatus, Role
from yunying.tenancy.models import Agency, Client, Membership, TeamChangeRequest, TeamMember
from yunying.tenancy.scoping import Actor
from yunying.workdays.services import missing_years

from .navigation import navigation

EXPIRY_HORIZON_DAYS = 60


def home_context(actor: Actor, role: str) -> dict[str, Any]:
    today = timezone.localdate()
    context: dict[str, Any] = {
        "today": today,
        "notifications": list(Notification.objects.visible_to(actor)[:5]),
        # Everyone who meets or sets deadlines is warned before the year turns; the
        # association has none.
        "calendar_gaps": [] if role == Role.ASSOCIATION else upcoming_gaps(today),
        "upcoming_areas": navigation(actor)[1],
    }
    if actor.agency_id is not None:
        # The actor's own agency, by the id the actor carries: client reviewers have no
        # permission on the agency row itself, but its name belongs on their page.
        context["agency"] = Agency.objects.filter(pk=actor.agency_id).first()
    builder = _BUILDERS.get(role)
    if builder is not None:
        context.update(builder(actor, today))
    return context


def upcoming_gaps(today: date, *dates: date) -> list[int]:
    """Years without holiday data among the coming weeks and the given dates."""
    return missing_years([today, today + timedelta(days=EXPIRY_HORIZON_DAYS), *dates])


def _pending_team(actor: Actor) -> Any:
    return TeamChangeRequest.objects.visible_to(actor).filter(status=ChangeRequestStatus.PENDING)


def _pending_accounts(actor: Actor) -> Any:
    return AccountChangeRequest.objects.visible_to(actor).filter(status=ChangeRequestStatus.PENDING)


def _expiring(actor: Actor, today: Any, clients: Any = None) -> list[PlatformAccount]:
    rows = PlatformAccount.objects.visible_to(actor).filter(
        status=AccountStatus.ACTIVE,
        certification_expires_on__gte=today,
        certification_expires_on__lte=today + timedelta(days=EXPIRY_HORIZON_DAYS),
    )
    if clients is not None:
        rows = rows.filter(client__in=clients)
    return list(rows.select_related("client").order_by("certification_expires_on")[:10])


def _my_seats(actor: Actor) -> list[TeamMember]:
    return list(
        TeamMember.objects.visible_to(actor)
        .filter(user=actor.user, left_on__isnull=True)
        .select_related("client")
        .order_by("client__name")
    )


def _admin(actor: Actor, today: Any) -> dict[str, Any]:
    accounts = PlatformAccount.objects.visible_to(actor)
    return {
        "figures": {
            "clients": Client.objects.visible_to(actor).filter(status="active").count(),
            "accounts": accounts.filter(status=AccountStatus.ACTIVE).count(),
            "staff": Membership.objects.visible_to(actor)
            .filter(is_active=True)
            .exclude(role=Role.CLIENT_REVIEWER)
            .values("user_id")
            .distinct()
            .count(),
            "pending": _pending_team(actor).count() + _pending_accounts(actor).count(),
        },
        "expiring": _expiring(actor, today),
        "recent_audit": list(AuditEntry.objects.visible_to(actor)[:8]),
    }


def _manager(actor: Actor, today: Any) -> dict[str, Any]:
    seats = _my_seats(actor)
    clients = [s.client for s in seats]
    return {
        "seats": seats,
        "expiring": _expiring(actor, today, clients),
        "pending_team": list(
            _pending_team(actor)
            .filter(client__in=clients)
            .select_related("client", "outgoing__user", "agency")
        ),
        "pending_accounts": list(
            _pending_accounts(actor)
            .filter(client__in=clients)
            .select_related("client", "account", "agency")
        ),
    }


def _my_content(actor: Actor) -> list[Any] | None:
    """Content items of my clients that wait for a move my role makes, soonest first (None for
    roles the pipeline never waits on, such as hosts)."""
    from yunying.editorial import workflow

    states = workflow.waiting_on(actor.roles)
    if not states:
        return None
    rows = ContentItem.objects.visible_to(actor).filter(state__in=states)
    return list(rows.select_related("client").order_by("planned_at", "pk")[:20])


def _team_member(actor: Actor, today: Any) -> dict[str, Any]:
    seats = _my_seats(actor)
    accounts = PlatformAccount.objects.visible_to(actor).filter(
        client__in=[s.client_id for s in seats], status=AccountStatus.ACTIVE
    )
    if Role.HOST in actor.roles and not actor.roles & {
        Role.COPYWRITER,
        Role.EDITOR,
        Role.SUPERVISOR,
    }:
        accounts = accounts.filter(
            platform__in=[Platform.LIVESTREAM, Platform.DOUYIN, Platform.WECHAT_CHANNELS]
        )
    return {
        "seats": seats,
        "accounts": list(accounts.select_related("client")[:30]),
        "my_content": _my_content(actor),
    }


def _finance(actor: Actor, today: Any) -> dict[str, Any]:
    # Statements finance must act on: drafts to check and send, disputes to answer.
    to_send = Statement.objects.visible_to(actor).filter(
        status__in=[StatementStatus.DRAFT, StatementStatus.DISPUTED]
    )
    unpaid = Invoice.objects.visible_to(actor).filter(status__in=UNPAID)
    return {
        "to_send": list(to_send.select_related("contract", "client").order_by("period")[:20]),
        "unpaid": list(
            unpaid.select_related("statement__contract", "client").order_by("due_on")[:20]
        ),
        "today": today,
    }


def _client_reviewer(actor: Actor, today: Any) -> dict[str, Any]:
    clients = list(Client.objects.visible_to(actor))
    accounts = list(PlatformAccount.objects.visible_to(actor).select_related("client"))
    team = list(
        TeamMember.objects.visible_to(actor)
        .filter(left_on__isnull=True)
        .select_related("user", "client")
    )
    access = AuditEntry.objects.visible_to(actor).filter(
        Q(action="credential.reveal") | Q(action__startswith="account.change")
    )
    return {
        "clients": clients,
        "accounts": accounts,
        "team": team,
        "pending_team": list(
            _pending_team(actor).select_related("client", "outgoing__user", "incoming", "agency")
        ),
        "pending_accounts": list(
            _pending_accounts(actor).select_related("client", "account", "agency")
        ),
        "pending_content": list(
            ContentItem.objects.visible_to(actor)
            .filter(state=State.CLIENT_REVIEW)
            .select_related("client")
            .order_by("review_due", "pk")
        ),
        "pending_statements": list(
            Statement.objects.visible_to(actor)
            .filter(status=StatementStatus.SENT)
            .select_related("contract", "client", "agency")
            .order_by("period")
        ),
        "access_log": list(access[:10]),
        "calendar_gaps": upcoming_gaps(
            today, *(a.certification_expires_on for a in accounts if a.certification_expires_on)
        ),
    }


_BUILDERS = {
    Role.AGENCY_ADMIN.value: _admin,
    Role.ACCOUNT_MANAGER.value: _manager,
    Role.SUPERVISOR.value: _team_member,
    Role.COPYWRITER.value: _team_member,
    Role.EDITOR.value: _team_member,
    Role.HOST.value: _team_member,
    Role.FINANCE.value: _finance,
    Role.CLIENT_REVIEWER.value: _client_reviewer,
}
