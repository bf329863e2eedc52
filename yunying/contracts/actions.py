"""The write path for contracts: create, edit the draft, sign, amend, end, and the reminders.

Terms arrive as YAML (pages, files) or as data (API, demo) and are validated by
:mod:`yunying.contracts.terms`; every problem is reported under the field ``terms`` with its
YAML path, so a user fixes the document in one pass. The terms' account keys (``A``, ``B``) are
bound to the client's platform accounts; binding errors are keyed ``account_<key>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yunying.accounts.models import PlatformAccount
from yunying.audit.actions import record
from yunying.notify.actions import notify
from yunying.notify.choices import NotificationKind
from yunying.tenancy import policy
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Client, TeamMember, User
from yunying.tenancy.scoping import Actor, ensure_same_agency
from yunying.workdays import services as workdays

from . import reminders, texts
from . import terms as terms_module
from .choices import ContractStatus
from .lint import blocking, lint
from .models import Contract, ContractAccount, ContractVersion

TERMS_FIELD = "terms"


def account_field(key: str) -> str:
    """The error key (and form field) for binding the terms' account ``key``."""
    return f"account_{key}"


def read_terms(
    terms_yaml: str = "", terms_data: Mapping[str, Any] | None = None
) -> terms_module.Terms:
    """Validate terms given as YAML text or as data; errors name their YAML paths."""
    try:
        if terms_data is not None:
            return terms_module.parse_terms(dict(terms_data))
        if not terms_yaml.strip():
            raise ValidationError({TERMS_FIELD: _("Enter the terms (YAML).")})
        return terms_module.load_yaml(terms_yaml)
    except terms_module.TermsError as exc:
        raise ValidationError({TERMS_FIELD: [str(error) for error in exc.errors]}) from None


def _bind_accounts(
    contract: Contract,
    terms: terms_module.Terms,
    links: Mapping[str, PlatformAccount],
) -> dict[str, PlatformAccount]:
    """Check that every account key of the terms is bound to a matching account of the client."""
    errors: dict[str, list[str]] = {}
    bound: dict[str, PlatformAccount] = {}
    for key, spec in terms.accounts.items():
        account = links.get(key)
        field = account_field(key)
        if account is None:
            errors[field] = [
                _("Choose the client's account for “%(key)s” (%(name)s).")
                % {"key": key, "name": spec.name}
            ]
        elif account.agency_id != contract.agency_id or account.client_id != contract.client_id:
            errors[field] = [
                _("%(account)s does not belong to %(client)s.")
                % {"account": account, "client": contract.client}
            ]
        elif account.platform != spec.platform:
            errors[field] = [
                _("The terms say account “%(key)s” is on %(platform)s; %(account)s is not.")
                % {
                    "key": key,
                    "platform": texts.PLATFORM_LABELS.get(spec.platform, spec.platform),
                    "account": account,
                }
            ]
        else:
            bound[key] = account
    for key in links:
        if key not in terms.accounts:
            errors.setdefault(account_field(key), []).append(
                _("The terms have no account “%(key)s”.") % {"key": key}
            )
    if errors:
        raise ValidationError(errors)
    return bound


def _check_team(contract: Contract, team: Iterable[TeamMember]) -> list[TeamMember]:
    members = list(team)
    for member in members:
        if member.client_id != contract.client_id or member.agency_id != contract.agency_id:
            raise ValidationError(
                {"team": _("%(member)s is not on this client's team.") % {"member": member}}
            )
        if member.left_on is not None:
            raise ValidationError({"team": _("%(member)s has left the team.") % {"member": member}})
    return members


def _store_links(contract: Contract, bound: Mapping[str, PlatformAccount]) -> None:
    for key, account in bound.items():
        ContractAccount.objects.update_or_create(
            contract=contract,
            key=key,
            defaults={
                "agency_id": contract.agency_id,
                "client_id": contract.client_id,
                "account": account,
            },
        )


def _links_of(contract: Contract) -> dict[str, PlatformAccount]:
    return {link.key: link.account for link in contract.account_links.select_related("account")}


@transaction.atomic
def create_contract(
    *,
    actor: Actor,
    client: Client,
    number: str,
    title: str,
    terms_yaml: str = "",
    terms_data: Mapping[str, Any] | None = None,
    account_links: Mapping[str, PlatformAccount],
    team: Iterable[TeamMember] = (),
) -> Contract:
    """Create a draft contract with its terms as version 1, effective from the period start."""
    policy.require(actor, "contracts.add_contract")
    ensure_same_agency(actor, client.agency_id)
    number, title = number.strip(), title.strip()
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = _("Enter the contract number.")
    elif Contract.objects.filter(agency_id=client.agency_id, number=number).exists():
        errors["number"] = _("The agency already has a contract numbered %(number)s.") % {
            "number": number
        }
    if not title:
        errors["title"] = _("Enter a title.")
    if errors:
        raise ValidationError(errors)
    terms = read_terms(terms_yaml, terms_data)
    contract = Contract(
        agency_id=client.agency_id,
        client=client,
        number=number,
        title=title,
        kind=terms.kind,
        created_by=actor.acting_user(),
    )
    bound = _bind_accounts(contract, terms, account_links)
    members = _check_team(contract, team)
    contract.save()
    _store_links(contract, bound)
    contract.team.set(members)
    ContractVersion.objects.create(
        agency_id=contract.agency_id,
        client_id=contract.client_id,
        contract=contract,
        number=1,
        effective_from=terms.period.start,
        terms=terms.data,
        created_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="contract.create",
        obj=contract,
        data={
            "number": number,
            "kind": terms.kind,
            "terms_id": terms.id,
            "accounts": {key: account.pk for key, account in bound.items()},
        },
    )
    return contract


def _require_status(contract: Contract, allowed: set[str], message: str) -> None:
    if contract.status not in allowed:
        raise ValidationError(message)


@transaction.atomic
def update_draft_terms(
    contract: Contract,
    *,
    actor: Actor,
    terms_yaml: str = "",
    terms_data: Mapping[str, Any] | None = None,
    account_links: Mapping[str, PlatformAccount] | None = None,
    title: str | None = None,
) -> Contract:
    """Replace the terms of a draft in place (version 1); keys keep their accounts unless given."""
    policy.require(actor, "contracts.change_contract")
    ensure_same_agency(actor, contract.agency_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _require_status(
        contract,
        {ContractStatus.DRAFT},
        _("Only a draft's terms change in place; a signed contract needs an amendment."),
    )
    terms = read_terms(terms_yaml, terms_data)
    existing = _links_of(contract)
    if account_links is None:
        account_links = {k: a for k, a in existing.items() if k in terms.accounts}
    bound = _bind_accounts(contract, terms, account_links)
    contract.account_links.exclude(key__in=list(bound)).delete()
    _store_links(contract, bound)
    version = contract.versions.get(number=1)
    version.terms = terms.data
    version.effective_from = terms.period.start
    version.save(update_fields=["terms", "effective_from"])
    contract.kind = terms.kind
    if title is not None and title.strip():
        contract.title = title.strip()
    contract.save(update_fields=["kind", "title"])
    record(
        actor=actor,
        action="contract.update_terms",
        obj=contract,
        data={"terms_id": terms.id, "accounts": {k: a.pk for k, a in bound.items()}},
    )
    return contract


def lint_errors(terms: terms_module.Terms) -> list[str]:
    """The linter's blocking findings, as sentences naming their YAML path."""
    return [str(finding) for finding in blocking(lint(terms))]


@transaction.atomic
def sign_contract(contract: Contract, *, actor: Actor, signed_on: dt.date) -> Contract:
    """Record the signature of a draft whose terms pass the linter.

    The signing date is also written into the stored terms when they lack one: one-off fees fall
    due a number of working days after signing, and settlement reads the terms alone.
    """
    policy.require(actor, "contracts.sign_contract")
    ensure_same_agency(actor, contract.agency_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _require_status(contract, {ContractStatus.DRAFT}, _("Only a draft can be signed."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    version = contract.versions.get(number=1)
    terms = version.parsed()
    if terms.signed_on is not None and terms.signed_on != signed_on:
        raise ValidationError(
            {
                "signed_on": _("The terms say the contract was signed on %(date)s.")
                % {"date": terms.signed_on.isoformat()}
            }
        )
    blocking = lint_errors(terms)
    if blocking:
        raise ValidationError([_("The terms are not ready to sign:"), *blocking])
    if terms.signed_on is None:
        version.terms = {**version.terms, "signed_on": signed_on.isoformat()}
        version.save(update_fields=["terms"])
    contract.status = ContractStatus.SIGNED
    contract.signed_on = signed_on
    contract.save(update_fields=["status", "signed_on"])
    record(
        actor=actor,
        action="contract.sign",
        obj=contract,
        data={"signed_on": signed_on.isoformat(), "version": version.number},
    )
    return contract


@transaction.atomic
def amend_contract(
    contract: Contract,
    *,
    actor: Actor,
    effective_from: dt.date,
    terms_yaml: str = "",
    terms_data: Mapping[str, Any] | None = None,
    note: str = "",
    account_links: Mapping[str, PlatformAccount] | None = None,
) -> ContractVersion:
    """Add a version (补充协议) taking effect on the first day of a month after the last one.

    Each month settles under the version in force on its first day, hence the first-of-month
    rule. The amendment changes terms, not the parties: its id, kind and client stay.
    """
    policy.require(actor, "contracts.amend_contract")
    ensure_same_agency(actor, contract.agency_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _require_status(contract, {ContractStatus.SIGNED}, _("Only a signed contract can be amended."))
    last = contract.versions.order_by("-number").first()
    if last is None:  # every contract is created with version 1
        raise ValidationError(_("This contract has no terms to amend."))
    errors: dict[str, str] = {}
    if effective_from.day != 1:
        errors["effective_from"] = _("An amendment takes effect on the first day of a month.")
    elif effective_from <= last.effective_from:
        errors["effective_from"] = _(
            "An amendment must take effect after the current version (from %(date)s)."
        ) % {"date": last.effective_from.isoformat()}
    if errors:
        raise ValidationError(errors)
    terms = read_terms(terms_yaml, terms_data)
    previous = last.parsed()
    changed = [
        f"{field}：{getattr(previous, field)} → {getattr(terms, field)}"
        for field in ("id", "kind", "client")
        if getattr(previous, field) != getattr(terms, field)
    ]
    if changed:
        raise ValidationError(
            {
                TERMS_FIELD: [
                    _("An amendment keeps the contract's id, kind and client; changed: %(what)s")
                    % {"what": "；".join(changed)}
                ]
            }
        )
    links = {**_links_of(contract), **(account_links or {})}
    bound = _bind_accounts(contract, terms, {k: a for k, a in links.items() if k in terms.accounts})
    blocking = lint_errors(terms)
    if blocking:
        raise ValidationError({TERMS_FIELD: blocking})
    _store_links(contract, bound)
    data = dict(terms.data)
    if "signed_on" not in data and contract.signed_on is not None:
        data["signed_on"] = contract.signed_on.isoformat()
    version = ContractVersion.objects.create(
        agency_id=contract.agency_id,
        client_id=contract.client_id,
        contract=contract,
        number=last.number + 1,
        effective_from=effective_from,
        terms=data,
        note=note.strip(),
        created_by=actor.acting_user(),
    )
    record(
        actor=actor,
        action="contract.amend",
        obj=contract,
        data={"version": version.number, "effective_from": effective_from.isoformat()},
        reason=version.note,
    )
    return version


@transaction.atomic
def end_contract(
    contract: Contract, *, actor: Actor, ended_on: dt.date, reason: str = ""
) -> Contract:
    """A signed contract ran to its end or was ended by agreement."""
    return _close(contract, actor, ended_on, reason.strip(), ContractStatus.ENDED, "contract.end")


@transaction.atomic
def terminate_contract(
    contract: Contract, *, actor: Actor, ended_on: dt.date, reason: str
) -> Contract:
    """End a signed contract early under a termination clause; the reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say which clause ends the contract and why.")})
    return _close(
        contract, actor, ended_on, reason.strip(), ContractStatus.TERMINATED, "contract.terminate"
    )


def _close(
    contract: Contract, actor: Actor, ended_on: dt.date, reason: str, status: str, action: str
) -> Contract:
    policy.require(actor, "contracts.end_contract")
    ensure_same_agency(actor, contract.agency_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _require_status(contract, {ContractStatus.SIGNED}, _("Only a signed contract can end."))
    if contract.signed_on is not None and ended_on < contract.signed_on:
        raise ValidationError({"ended_on": _("The end date is before the signing date.")})
    contract.status = status
    contract.ended_on = ended_on
    contract.end_reason = reason
    contract.save(update_fields=["status", "ended_on", "end_reason"])
    record(
        actor=actor,
        action=action,
        obj=contract,
        data={"ended_on": ended_on.isoformat()},
        reason=reason,
    )
    return contract


@transaction.atomic
def set_contract_team(contract: Contract, *, actor: Actor, team: Iterable[TeamMember]) -> Contract:
    """Choose which seats of the client's dedicated team serve this contract."""
    policy.require(actor, "contracts.change_contract")
    ensure_same_agency(actor, contract.agency_id)
    members = _check_team(contract, team)
    before = set(contract.team.values_list("pk", flat=True))
    after = {m.pk for m in members}
    if before != after:
        contract.team.set(members)
        record(
            actor=actor,
            action="contract.team",
            obj=contract,
            data={"added": sorted(after - before), "removed": sorted(before - after)},
        )
    return contract


# --- Reading ----------------------------------------------------------------------------------


def export_yaml(version: ContractVersion) -> str:
    """The stored terms of one version as YAML, for download and for editing elsewhere."""
    return terms_module.dump_yaml(version.terms)


def upcoming_reminders(
    contract: Contract,
    *,
    today: dt.date,
    horizon_days: int = 45,
    versions: Iterable[ContractVersion] | None = None,
) -> list[reminders.Reminder]:
    """The contract's coming dates, each from the version in force on it."""
    rows = list(versions) if versions is not None else list(contract.versions.order_by("number"))
    return reminders.across_versions(
        [(v.effective_from, v.parsed()) for v in rows],
        today=today,
        horizon_days=horizon_days,
        add_working_days=workdays.add_working_days,
    )


# --- Notifications ----------------------------------------------------------------------------


def _recipients(contract: Contract, kind: str) -> list[User]:
    # The contract's own team and the account managers serving the client; finance too when
    # money falls due.
    seats = TeamMember.objects.filter(left_on__isnull=True).filter(
        pk__in=contract.team.values("pk")
    ) | TeamMember.objects.filter(
        client_id=contract.client_id, role=Role.ACCOUNT_MANAGER, left_on__isnull=True
    )
    people = User.objects.filter(is_active=True, pk__in=seats.values("user_id"))
    if kind in reminders.MONEY_KINDS:
        people = people | User.objects.filter(
            is_active=True,
            memberships__agency_id=contract.agency_id,
            memberships__role=Role.FINANCE,
            memberships__is_active=True,
        )
    return list(people.distinct())


def send_contract_reminders(today: dt.date) -> int:
    """Notify each signed contract's people of what falls due soon; each reminder only once.

    A reminder is keyed by contract, kind, date and subject, so reruns, retries and a day the
    worker was down send nothing twice and miss nothing.
    """
    sent = 0
    contracts = (
        Contract.objects.filter(status=ContractStatus.SIGNED)
        .select_related("client")
        .prefetch_related("versions")
        .order_by("pk")
    )
    for contract in contracts:
        versions = sorted(contract.versions.all(), key=lambda v: v.number)
        for reminder in upcoming_reminders(contract, today=today, versions=versions):
            if not reminders.due_for_notice(reminder, today):
                continue
            sent += len(
                notify(
                    _recipients(contract, reminder.kind),
                    agency_id=contract.agency_id,
                    client_id=contract.client_id,
                    kind=NotificationKind.CONTRACT_REMINDER,
                    params={
                        "number": contract.number,
                        "client": contract.client.name,
                        "reminder": reminder.kind,
                        "date": reminder.date.isoformat(),
                        "ref": reminder.ref,
                        "explanation": reminder.explanation,
                    },
                    url=reverse("contracts:detail", args=[contract.pk]),
                    dedupe_key=f"contract:{contract.pk}:{reminder.key}",
                )
            )
    return sent
