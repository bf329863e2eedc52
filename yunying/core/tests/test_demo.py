"""The demo data: every role, every platform, one client with next year's calendar missing.

Its own module: the demo creates users ("operator", "association") that the personas of the
other shell tests also create.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from yunying.accounts.models import PlatformAccount
from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract
from yunying.core import demo
from yunying.tenancy.choices import Role
from yunying.tenancy.models import Client, Membership
from yunying.workdays.services import missing_years

pytestmark = pytest.mark.django_db


def test_demo_has_every_role_and_a_calendar_gap() -> None:
    assert demo.seed()
    assert not demo.seed()  # a second run changes nothing
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Client.objects.count() == 3
    accounts = PlatformAccount.objects.all()
    assert accounts.count() == 7
    assert {a.platform for a in accounts} == {
        "douyin",
        "wechat_oa",
        "wechat_channels",
        "store",
        "livestream",
    }
    gaps = {
        a.client.name
        for a in accounts
        if a.certification_expires_on and missing_years([a.certification_expires_on])
    }
    assert gaps == {"北岭农场合作社"}
    # Seed 002's KPI contract, signed, its two WeChat accounts bound.
    contract = Contract.objects.get(client__name="明远口腔诊所")
    assert contract.status == ContractStatus.SIGNED
    assert sorted(contract.account_links.values_list("key", flat=True)) == ["A", "B"]
    for login in demo.logins():
        assert authenticate(username=login.username, password=demo.DEMO_PASSWORD), login
