"""Writing to the audit log. ``record`` is called by every action in the action's transaction."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation

from yunying.tenancy.scoping import Actor

from .chain import GENESIS, entry_hash
from .models import AuditEntry, ChainHead

GLOBAL_CHAIN = "global"


def chain_name(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id is not None else GLOBAL_CHAIN


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Dates and decimals become strings now, so the stored JSON is exactly what was hashed."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def _scope_ids(obj: models.Model | None) -> tuple[int | None, int | None]:
    if obj is None:
        return None, None
    from yunying.tenancy.models import Agency, Client

    if isinstance(obj, Agency):
        return obj.pk, None
    if isinstance(obj, Client):
        return obj.agency_id, obj.pk
    return getattr(obj, "agency_id", None), getattr(obj, "client_id", None)


def _describe(obj: models.Model | None) -> str:
    # The log is one record for everyone who reads it: name objects in the product's language,
    # not in whatever language the person acting happened to choose.
    if obj is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)[:200]


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
    agency_id: int | None = None,
    client_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the chain of the object's agency.

    Never put a secret into ``data`` or ``reason``: the log is shown to admins and clients.
    Agency and client are taken from ``obj`` unless given.
    """
    obj_agency, obj_client = _scope_ids(obj)
    agency_id = agency_id if agency_id is not None else obj_agency
    client_id = client_id if client_id is not None else obj_client
    chain = chain_name(agency_id)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            chain=chain, defaults={"seq": 0, "last_hash": GENESIS}
        )
        fields: dict[str, Any] = {
            "chain": chain,
            "seq": head.seq + 1,
            "agency_id": agency_id,
            "client_id": client_id,
            "actor_id": actor.user.pk if actor.user is not None else None,
            "actor_label": actor.label,
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "object_repr": _describe(obj),
            "data": _json_safe(data or {}),
            "reason": reason,
            "created_at": timezone.now(),
        }
        digest = entry_hash(head.last_hash, fields)
        entry = AuditEntry.objects.create(**fields, prev_hash=head.last_hash, hash=digest)
        ChainHead.objects.filter(pk=head.pk).update(seq=fields["seq"], last_hash=digest)
    return entry
