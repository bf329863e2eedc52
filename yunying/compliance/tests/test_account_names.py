"""Account names go through the naming rules when an account is added or renamed, on the pages
and through the API: a clause that refuses a name stops it (the error names the clause), doubts
are let through, recorded and shown."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from yunying.accounts.models import AccountChangeRequest, PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.tenancy.choices import Role

pytestmark = pytest.mark.django_db

# A state symbol in the name: refused under clause 三、6.1 of the Channels rules.
REFUSED = "天安门茶馆"
# An everyday word alone: a doubt, not a refusal.
DOUBTFUL = "养生"


def _new_account(world, name, platform_id):
    return {
        "client": world.alpha.clients[0].client.pk,
        "platform": "douyin",
        "platform_id": platform_id,
        "display_name": name,
        "followers_at_signing": "0",
    }


def test_the_add_account_page_refuses_a_name_naming_the_clause(world, login):
    browser = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = browser.post(
        reverse("accounts:create"), _new_account(world, REFUSED, "dy-refused-page")
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["display_name"]
    assert "天安门" in error
    assert "三、6.1" in error
    assert not PlatformAccount.objects.filter(platform_id="dy-refused-page").exists()


def test_the_add_account_page_saves_a_doubtful_name_and_says_why(world, login):
    browser = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = browser.post(
        reverse("accounts:create"), _new_account(world, DOUBTFUL, "dy-doubtful-page")
    )
    assert response.status_code == 302
    account = PlatformAccount.objects.get(platform_id="dy-doubtful-page")
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("三、6.7" in m and DOUBTFUL in m for m in shown), shown
    audit = AuditEntry.objects.get(action="account.create", object_id=str(account.pk))
    assert [w["source"] for w in audit.data["name_warnings"]] == ["微信视频号运营规范 三、6.7"]


def test_a_clean_name_is_saved_without_a_warning(world, login):
    browser = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = browser.post(
        reverse("accounts:create"), _new_account(world, "青禾茶饮小店", "dy-clean-page")
    )
    assert response.status_code == 302
    account = PlatformAccount.objects.get(platform_id="dy-clean-page")
    audit = AuditEntry.objects.get(action="account.create", object_id=str(account.pk))
    assert "name_warnings" not in audit.data


def test_the_api_refuses_a_name_naming_the_clause(world, api):
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        reverse("account-list"), _new_account(world, "中国第一茶", "dy-refused-api"), format="json"
    )
    assert response.status_code == 400
    errors = " ".join(response.json()["display_name"])
    assert "三、6.1" in errors
    assert not PlatformAccount.objects.filter(platform_id="dy-refused-api").exists()


def test_the_api_creates_an_account_with_a_doubtful_name(world, api):
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        reverse("account-list"), _new_account(world, DOUBTFUL, "dy-doubtful-api"), format="json"
    )
    assert response.status_code == 201, response.content
    audit = AuditEntry.objects.get(action="account.create", object_id=str(response.json()["id"]))
    assert audit.data["name_warnings"][0]["rule"] == "name.generic_word"


def test_a_rename_to_a_refused_name_is_refused_on_the_page(world, login):
    side = world.alpha.clients[1]
    browser = login(world.alpha.staff[Role.ACCOUNT_MANAGER])
    response = browser.post(
        reverse("accounts:change_create", args=[side.account.pk]),
        {"kind": "rename", "proposed_name": "微信团队官方", "reason": "换名"},
    )
    assert response.status_code == 200
    error = " ".join(response.context["form"].errors["proposed_name"])
    assert "微信视频号运营规范" in error
    assert not AccountChangeRequest.objects.filter(proposed_name="微信团队官方").exists()


def test_a_rename_to_a_refused_name_is_refused_through_the_api(world, api):
    side = world.alpha.clients[1]
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        reverse("account-change-list"),
        {
            "account": side.account.pk,
            "kind": "rename",
            "proposed_name": "美国茶叶",
            "reason": "换名",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "三、6.2" in " ".join(response.json()["proposed_name"])
