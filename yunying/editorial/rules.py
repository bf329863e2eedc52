"""Which review window, revision limit, silence rule and quotas apply to an item.

The contract in force for the item's accounts decides (``windows`` and ``termination`` of its
terms); where it is silent, or there is none, the agency's editorial settings do. Every value
carries where it came from so the page can say "3 working days (contract XH-2026-002)".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract, ContractAccount
from yunying.contracts.terms import Quota, Terms

from .models import EditorialSettings


@dataclass(frozen=True)
class EditorialRules:
    review_working_days: int
    max_revision_rounds: int
    client_silence: str
    # termination.client_silent_working_days of the contract, if it has one.
    silent_termination_days: int | None
    contract_id: int | None
    contract_number: str
    # Account id → the terms' account key, for quotas.
    account_keys: dict[int, str]
    quotas: tuple[Quota, ...]

    @property
    def source(self) -> str:
        if self.contract_id is None:
            return _("agency default")
        return _("contract %(number)s") % {"number": self.contract_number}


def settings_for(agency_id: int) -> EditorialSettings:
    """The agency's editorial settings (created with the defaults on first use)."""
    found, _created = EditorialSettings.objects.get_or_create(agency_id=agency_id)
    return found


def contract_for(account_ids: Iterable[int], on: dt.date) -> tuple[Contract, Terms] | None:
    """The signed contract covering any of these accounts on ``on``, with its terms then."""
    ids = list(account_ids)
    if not ids:
        return None
    link = (
        ContractAccount.objects.filter(account_id__in=ids, contract__status=ContractStatus.SIGNED)
        .select_related("contract")
        .order_by("-contract__signed_on", "-contract_id")
    )
    for candidate in link:
        version = candidate.contract.version_on(on)
        if version is None:
            continue
        terms = version.parsed()
        if terms.period.start <= on <= terms.period.end:
            return candidate.contract, terms
    return None


def rules_for(agency_id: int, account_ids: Iterable[int], on: dt.date) -> EditorialRules:
    defaults = settings_for(agency_id)
    found = contract_for(account_ids, on)
    if found is None:
        return EditorialRules(
            review_working_days=defaults.review_working_days,
            max_revision_rounds=defaults.max_revision_rounds,
            client_silence=defaults.client_silence,
            silent_termination_days=None,
            contract_id=None,
            contract_number="",
            account_keys={},
            quotas=(),
        )
    contract, terms = found
    windows = terms.windows
    keys = {link.account_id: link.key for link in ContractAccount.objects.filter(contract=contract)}
    return EditorialRules(
        review_working_days=windows.review_working_days or defaults.review_working_days,
        max_revision_rounds=windows.max_revision_rounds or defaults.max_revision_rounds,
        client_silence=windows.client_silence or defaults.client_silence,
        silent_termination_days=terms.termination.client_silent_working_days,
        contract_id=contract.pk,
        contract_number=contract.number,
        account_keys=keys,
        quotas=terms.quotas,
    )
