"""The life cycle every client request shares: decide (the client's reviewer) or withdraw (the
agency). The concrete actions (team changes, account changes) call these, then apply what was
approved, write their own audit entry and tell the requester."""

from __future__ import annotations

from typing import TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .choices import ChangeRequestStatus
from .models import ClientRequest
from .scoping import Actor, ensure_same_agency

R = TypeVar("R", bound=ClientRequest)


def _permission(change: ClientRequest, verb: str) -> str:
    return f"{change._meta.app_label}.{verb}_{change._meta.model_name}"


def record_decision(change: R, *, actor: Actor, approve: bool, comment: str) -> R:
    """Lock the pending request and record the client's decision on it.

    Only the reviewer of the request's own client decides; a rejection needs a reason. Call
    inside the action's transaction; the caller applies an approved change.
    """
    policy.require(actor, _permission(change, "decide"))
    ensure_same_agency(actor, change.agency_id)
    if actor.client_ids is None or change.client_id not in actor.client_ids:
        raise PermissionDenied(_("Only the client's own reviewer can decide."))
    locked = cast(R, type(change)._default_manager.select_for_update().get(pk=change.pk))
    if not locked.is_pending:
        raise ValidationError({"status": _("This request has already been decided.")})
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why you reject the change.")})
    locked.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    locked.decided_by = actor.acting_user()
    locked.decided_at = timezone.now()
    locked.decision_comment = comment.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    return locked


def record_withdrawal(change: R, *, actor: Actor) -> R:
    """Mark a pending request withdrawn by the agency (inside the action's transaction)."""
    policy.require(actor, _permission(change, "delete"))
    ensure_same_agency(actor, change.agency_id)
    if not change.is_pending:
        raise ValidationError({"status": _("Only a pending request can be withdrawn.")})
    change.status = ChangeRequestStatus.WITHDRAWN
    change.save(update_fields=["status"])
    return change
