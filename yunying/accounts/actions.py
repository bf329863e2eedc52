"""The write path for platform accounts and the credential vault."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from yunying.audit.actions import record
from yunying.compliance.engine.names import check_name
from yunying.compliance.engine.types import BLOCK
from yunying.core.changes import apply_changes
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.tenancy import policy
from yunying.tenancy.actions import client_reviewers
from yunying.tenancy.approvals import record_decision, record_withdrawal
from yunying.tenancy.choices import ChangeRequestStatus, Role
from yunying.tenancy.models import Client, TeamMember, User
from yunying.tenancy.scoping import SYSTEM, Actor, ensure_same_agency

from . import vault
from .choices import (
    AccountChangeKind,
    AccountRole,
    AccountStatus,
    OfficialAccountType,
    Platform,
)
from .models import AccountChangeRequest, CompetitorNote, Credential, PlatformAccount

# Fields the agency may edit directly. The display name is absent on purpose: renaming needs
# the client's approval (seed 000: no changing the account name or password without consent).
EDITABLE_FIELDS = (
    "platform_id",
    "followers_at_signing",
    "oa_type",
    "certification_expires_on",
    "notes",
)
MIN_REASON_LENGTH = 4
MAX_SECRET_LENGTH = 256


def _check_platform_fields(account: PlatformAccount) -> None:
    # Competitors included: one account is either operated or watched, once per agency.
    clash = PlatformAccount.tracked.filter(
        agency_id=account.agency_id, platform=account.platform, platform_id=account.platform_id
    ).exclude(pk=account.pk)
    if clash.exists():
        raise ValidationError({"platform_id": _("This account is already registered.")})
    if account.platform == Platform.WECHAT_OA and not account.oa_type:
        raise ValidationError(
            {"oa_type": _("Say whether it is a subscription or service account.")}
        )
    if account.platform != Platform.WECHAT_OA and account.oa_type:
        raise ValidationError({"oa_type": _("Only WeChat Official Accounts have this type.")})


@sensitive_variables("password")
def _validate_secret(password: str, field: str = "password") -> None:
    if not password:
        raise ValidationError({field: _("Enter the password.")})
    if len(password) > MAX_SECRET_LENGTH:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_SECRET_LENGTH}})


def name_warnings(name: str, field: str) -> list[dict[str, str]]:
    """The naming rules on a proposed account name: a clause that refuses it stops the action
    (the error names the clause); doubts are returned, to be recorded and shown."""
    findings = check_name(name)
    refusals = [
        _("“%(text)s”: %(message)s（%(source)s）")
        % {"text": f.text, "message": f.message, "source": f.source}
        for f in findings
        if f.severity == BLOCK
    ]
    if refusals:
        raise ValidationError({field: refusals})
    return [
        {"rule": f.rule, "text": f.text, "message": f.message, "source": f.source} for f in findings
    ]


@transaction.atomic
@sensitive_variables("password")
def create_account(
    *,
    actor: Actor,
    client: Client,
    platform: str,
    platform_id: str,
    display_name: str,
    login: str = "",
    password: str = "",
    **fields: Any,
) -> PlatformAccount:
    """Register an account the client hands over, with its login when given (one transaction)."""
    policy.require(actor, "accounts.add_platformaccount")
    ensure_same_agency(actor, client.agency_id)
    warnings = name_warnings(display_name, "display_name")
    account = PlatformAccount(
        agency_id=client.agency_id,
        client=client,
        platform=platform,
        platform_id=platform_id,
        display_name=display_name,
    )
    apply_changes(account, fields, allowed=EDITABLE_FIELDS)
    _check_platform_fields(account)
    account.save()
    record(
        actor=actor,
        action="account.create",
        obj=account,
        data={
            "platform": platform,
            "platform_id": platform_id,
            "display_name": display_name,
            **({"name_warnings": warnings} if warnings else {}),
        },
    )
    if login or password:
        _store(account, actor=actor, login=login, password=password)
    return account


@transaction.atomic
def update_account(account: PlatformAccount, *, actor: Actor, **changes: Any) -> PlatformAccount:
    """Edit an account's details; the display name is refused (use a change request)."""
    policy.require(actor, "accounts.change_platformaccount")
    ensure_same_agency(actor, account.agency_id)
    if "display_name" in changes and changes["display_name"] != account.display_name:
        raise ValidationError(
            {"display_name": _("Renaming needs the client's approval: file a change request.")}
        )
    changes.pop("display_name", None)
    diff = apply_changes(account, changes, allowed=EDITABLE_FIELDS)
    _check_platform_fields(account)
    if diff:
        account.save()
        record(actor=actor, action="account.update", obj=account, data=diff)
    return account


@transaction.atomic
def archive_account(account: PlatformAccount, *, actor: Actor) -> PlatformAccount:
    """Stop operating an account; it stays with its history."""
    policy.require(actor, "accounts.change_platformaccount")
    ensure_same_agency(actor, account.agency_id)
    if account.status != AccountStatus.ARCHIVED:
        account.status = AccountStatus.ARCHIVED
        account.save(update_fields=["status"])
        record(actor=actor, action="account.archive", obj=account)
    return account


# --- Competitors ------------------------------------------------------------------------------

MAX_NOTE_LENGTH = 2000


@transaction.atomic
def track_competitor(
    *,
    actor: Actor,
    client: Client,
    platform: str,
    platform_id: str,
    display_name: str,
    notes: str = "",
) -> PlatformAccount:
    """Start watching a competitor's account for ``client``: its public figures are then
    imported and entered like the client's own, and compared with them in reports.

    An account the agency operates for another client cannot be watched: its figures come
    from that client's back office and are not another client's to see.
    """
    policy.require(actor, "accounts.add_platformaccount")
    ensure_same_agency(actor, client.agency_id)
    errors = {}
    if not platform_id.strip():
        errors["platform_id"] = _("Enter the account's id on the platform.")
    if not display_name.strip():
        errors["display_name"] = _("Enter the account's name.")
    if errors:
        raise ValidationError(errors)
    account = PlatformAccount(
        agency_id=client.agency_id,
        client=client,
        platform=platform,
        platform_id=platform_id.strip(),
        display_name=display_name.strip(),
        notes=notes.strip(),
        role=AccountRole.COMPETITOR,
        # An Official Account's type is a fact of its owner's back office, unknown here; the
        # model asks for one, and subscription is what nearly every brand account is.
        oa_type=OfficialAccountType.SUBSCRIPTION if platform == Platform.WECHAT_OA else "",
    )
    clash = (
        PlatformAccount.tracked.filter(
            agency_id=account.agency_id, platform=platform, platform_id=account.platform_id
        )
        .select_related("client")
        .first()
    )
    if clash is not None:
        message = (
            _("This account is already watched for %(client)s.")
            if clash.role == AccountRole.COMPETITOR
            else _("The agency operates this account for a client; it cannot be watched.")
        )
        raise ValidationError({"platform_id": message % {"client": clash.client.name}})
    account.save()
    record(
        actor=actor,
        action="account.track_competitor",
        obj=account,
        data={"platform": platform, "platform_id": account.platform_id, "name": display_name},
    )
    return account


@transaction.atomic
def add_competitor_note(
    *, actor: Actor, account: PlatformAccount, noted_on: date, text: str
) -> CompetitorNote:
    """Write down something seen on a competitor's account, dated the day it happened."""
    policy.require(actor, "accounts.add_competitornote")
    ensure_same_agency(actor, account.agency_id)
    if account.role != AccountRole.COMPETITOR:
        raise ValidationError(_("Notes are for competitors' accounts."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": MAX_NOTE_LENGTH}})
    if noted_on > timezone.localdate():
        raise ValidationError({"noted_on": _("The date cannot be in the future.")})
    note = CompetitorNote.objects.create(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        noted_on=noted_on,
        text=text,
        written_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="account.competitor_note",
        obj=account,
        data={"note": note.pk, "noted_on": noted_on.isoformat()},
    )
    return note


@transaction.atomic
def remove_competitor_note(note: CompetitorNote, *, actor: Actor) -> CompetitorNote:
    """Take a note back (it stays on record, hidden from pages and reports)."""
    policy.require(actor, "accounts.delete_competitornote")
    ensure_same_agency(actor, note.agency_id)
    if note.removed_at is None:
        note.removed_at = timezone.now()
        note.save(update_fields=["removed_at"])
        record(
            actor=actor,
            action="account.competitor_note_remove",
            obj=note.account,
            data={"note": note.pk, "text": note.text},
        )
    return note


# --- Vault ------------------------------------------------------------------------------------


@transaction.atomic
@sensitive_variables("password")
def store_credential(
    account: PlatformAccount, *, actor: Actor, login: str, password: str
) -> Credential:
    """Put the login the client handed over into the vault. Only once: changes need approval."""
    policy.require(actor, "accounts.add_credential")
    ensure_same_agency(actor, account.agency_id)
    return _store(account, actor=actor, login=login, password=password)


@sensitive_variables("password")
def _store(account: PlatformAccount, *, actor: Actor, login: str, password: str) -> Credential:
    if Credential.objects.filter(account=account).exists():
        raise ValidationError(
            {
                "password": _(
                    "A password is already stored; changing it needs the client's approval."
                )
            }
        )
    if not login.strip():
        raise ValidationError({"login": _("Enter the login.")})
    _validate_secret(password)
    credential = Credential.objects.create(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        login=login.strip(),
        ciphertext=vault.encrypt(password),
        updated_by=actor.user,
    )
    record(actor=actor, action="credential.store", obj=credential, data={"login": credential.login})
    return credential


def may_reveal(actor: Actor, account: PlatformAccount) -> bool:
    """Reveal needs the permission and, except for the agency admin, a seat on the client's team."""
    if not policy.can(actor, "accounts.reveal_credential") or actor.agency_id != account.agency_id:
        return False
    if actor.has_role(Role.AGENCY_ADMIN):
        return True
    return TeamMember.objects.filter(
        client_id=account.client_id, user=actor.user, left_on__isnull=True
    ).exists()


@transaction.atomic
@sensitive_variables()
def reveal_credential(credential: Credential, *, actor: Actor, reason: str) -> vault.RevealedSecret:
    """Return the password, once, and record who asked and why (``str()`` gives the clear text)."""
    account = credential.account
    if not may_reveal(actor, account):
        raise PermissionDenied(
            _("Only the agency admin and the client's team can reveal this password.")
        )
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Say why you need the password (at least %(n)d characters).")
                % {"n": MIN_REASON_LENGTH}
            }
        )
    record(actor=actor, action="credential.reveal", obj=credential, reason=reason)
    return vault.RevealedSecret(vault.decrypt(credential.ciphertext))


# --- Changes that need the client's approval --------------------------------------------------


@transaction.atomic
@sensitive_variables("password")
def request_account_change(
    account: PlatformAccount,
    *,
    actor: Actor,
    kind: str,
    reason: str,
    proposed_name: str = "",
    password: str = "",
) -> AccountChangeRequest:
    """Ask the client to approve a new name or a new password for the account."""
    policy.require(actor, "accounts.add_accountchangerequest")
    ensure_same_agency(actor, account.agency_id)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why the change is needed.")
    ciphertext = ""
    if kind == AccountChangeKind.RENAME:
        proposed_name = proposed_name.strip()
        if not proposed_name:
            errors["proposed_name"] = _("Enter the new name.")
        elif proposed_name == account.display_name:
            errors["proposed_name"] = _("This is already the account's name.")
        else:
            try:
                name_warnings(proposed_name, "proposed_name")
            except ValidationError as exc:
                errors["proposed_name"] = " ".join(exc.message_dict["proposed_name"])
    elif kind == AccountChangeKind.PASSWORD:
        if not hasattr(account, "credential"):
            errors["password"] = _("No password is stored yet; store the first one directly.")
        else:
            try:
                _validate_secret(password)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
        proposed_name = ""
    else:
        errors["kind"] = _("Choose rename or password.")
    if AccountChangeRequest.objects.filter(
        account=account, kind=kind, status=ChangeRequestStatus.PENDING
    ).exists():
        errors["kind"] = _("A change of this kind is already waiting for the client.")
    if errors:
        raise ValidationError(errors)
    if kind == AccountChangeKind.PASSWORD:
        ciphertext = vault.encrypt(password)
    change = AccountChangeRequest.objects.create(
        agency_id=account.agency_id,
        client_id=account.client_id,
        account=account,
        kind=kind,
        proposed_name=proposed_name,
        proposed_ciphertext=ciphertext,
        reason=reason.strip(),
        requested_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="account.change_requested",
        obj=change,
        data=_summary(change),
        reason=change.reason,
    )
    notify(
        client_reviewers(account.client),
        agency_id=account.agency_id,
        client_id=account.client_id,
        kind=NotificationKind.ACCOUNT_CHANGE_REQUESTED,
        params={
            "requested_by": str(actor.user),
            "account": account.display_name,
            "platform": account.platform,
            "kind": kind,
            "proposed_name": proposed_name,
        },
        url=reverse("accounts:change_detail", args=[change.pk]),
    )
    return change


def _summary(change: AccountChangeRequest) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": change.kind}
    if change.kind == AccountChangeKind.RENAME:
        data.update({"from": change.account.display_name, "to": change.proposed_name})
    return data


@transaction.atomic
def decide_account_change(
    change: AccountChangeRequest, *, actor: Actor, approve: bool, comment: str = ""
) -> AccountChangeRequest:
    """The client reviewer approves (the change is applied now) or rejects it."""
    change = record_decision(change, actor=actor, approve=approve, comment=comment)
    data = _summary(change)
    account = change.account
    if approve and change.kind == AccountChangeKind.RENAME:
        account.display_name = change.proposed_name
        account.save(update_fields=["display_name"])
    elif approve and change.kind == AccountChangeKind.PASSWORD:
        credential = account.credential
        credential.ciphertext = change.proposed_ciphertext
        credential.updated_by = actor.acting_user()
        credential.save(update_fields=["ciphertext", "updated_by", "updated_at"])
    # The proposed secret is either in the vault now or refused: no second copy stays behind.
    change.proposed_ciphertext = ""
    change.save(update_fields=["proposed_ciphertext"])
    record(
        actor=actor,
        action="account.change_approved" if approve else "account.change_rejected",
        obj=change,
        data=data,
        reason=change.decision_comment,
    )
    notify(
        [change.requested_by],
        agency_id=change.agency_id,
        client_id=change.client_id,
        kind=NotificationKind.ACCOUNT_CHANGE_DECIDED,
        params={
            "account": account.display_name,
            "platform": account.platform,
            "status": change.status,
        },
        url=reverse("accounts:change_detail", args=[change.pk]),
    )
    return change


@transaction.atomic
def withdraw_account_change(change: AccountChangeRequest, *, actor: Actor) -> AccountChangeRequest:
    """The agency takes back a request the client has not decided."""
    change = record_withdrawal(change, actor=actor)
    change.proposed_ciphertext = ""
    change.save(update_fields=["proposed_ciphertext"])
    record(actor=actor, action="account.change_withdrawn", obj=change, data=_summary(change))
    return change


# Every encrypted column in the product, as (app label, model, field). Rotation and the status
# command walk this list, so a new vaulted field is added here once.
VAULTED_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("accounts", "Credential", "ciphertext"),
    ("accounts", "AccountChangeRequest", "proposed_ciphertext"),
    ("notify", "GroupBot", "webhook_ciphertext"),
    ("notify", "GroupBot", "secret_ciphertext"),
    ("editorial", "PublisherConfig", "secret_ciphertext"),
)


def vaulted_tokens() -> list[str]:
    """Every stored ciphertext (for the vault status)."""
    from django.apps import apps

    tokens: list[str] = []
    for app_label, model_name, field in VAULTED_FIELDS:
        model = apps.get_model(app_label, model_name)
        tokens += model.objects.exclude(**{field: ""}).values_list(field, flat=True)
    return tokens


@transaction.atomic
def rotate_vault(*, actor: Actor = SYSTEM) -> dict[str, int]:
    """Re-encrypt every stored secret under the newest key, all or nothing.

    Counts are keyed ``model.field`` (``credential.ciphertext``, ``groupbot.secret_ciphertext``).
    """
    from django.apps import apps

    counts: dict[str, int] = {}
    for app_label, model_name, field in VAULTED_FIELDS:
        model = apps.get_model(app_label, model_name)
        rows = model.objects.select_for_update().exclude(**{field: ""}).only("pk", field)
        done = 0
        for row in rows:
            model.objects.filter(pk=row.pk).update(**{field: vault.rotate(getattr(row, field))})
            done += 1
        counts[f"{model_name.lower()}.{field}"] = done
    record(actor=actor, action="vault.rotate", data=counts)
    return counts


# --- Reminders --------------------------------------------------------------------------------


def remind_certification_expiry(today: date) -> int:
    """Tell each active account's managers and team when certification expiry is N days away.

    N comes from the agency's ``certification_reminder_days`` (default 30 and 7). Idempotent:
    a reminder is keyed by account, expiry date and N, so reruns and retries add nothing.
    """
    sent = 0
    accounts = (
        PlatformAccount.objects.filter(
            status=AccountStatus.ACTIVE,
            certification_expires_on__isnull=False,
            certification_expires_on__gte=today,
        )
        .select_related("agency", "client")
        .order_by("pk")
    )
    for account in accounts.iterator(chunk_size=500):
        expires_on: date = account.certification_expires_on  # type: ignore[assignment]
        days_left = (expires_on - today).days
        due = [n for n in account.agency.certification_reminder_days if days_left <= n]
        if not due:
            continue
        # The tightest threshold crossed; a missed day (worker down) still sends it once.
        threshold = min(due)
        sent += len(
            notify(
                _certification_recipients(account),
                agency_id=account.agency_id,
                client_id=account.client_id,
                kind=NotificationKind.CERTIFICATION_EXPIRY,
                params={
                    "account": account.display_name,
                    "platform": account.platform,
                    "expires_on": expires_on.isoformat(),
                    "days": days_left,
                },
                url=reverse("accounts:detail", args=[account.pk]),
                dedupe_key=(f"cert:{account.pk}:{expires_on.isoformat()}:{threshold}"),
            )
        )
    return sent


def _certification_recipients(account: PlatformAccount) -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(
            # The account managers on the client's team, and every agency admin.
            pk__in=TeamMember.objects.filter(
                client_id=account.client_id,
                role=Role.ACCOUNT_MANAGER,
                left_on__isnull=True,
            ).values("user_id")
        )
        .union(
            User.objects.filter(
                is_active=True,
                memberships__agency_id=account.agency_id,
                memberships__role=Role.AGENCY_ADMIN,
                memberships__is_active=True,
            )
        )
    )
