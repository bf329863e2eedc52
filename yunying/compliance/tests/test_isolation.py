"""Who sees the compliance pages: staff of the agency only, and only their own clients' lists.
(The isolation matrix in tenancy/tests covers the lexicon entry's detail, list and removal.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from yunying.compliance.models import LexiconEntry
from yunying.compliance.tests.helpers import sample_lexicon_entry
from yunying.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def _pages(world):
    entry = sample_lexicon_entry(world)
    return [
        ("get", reverse("compliance:check")),
        ("post", reverse("compliance:check")),
        ("get", reverse("compliance:rules")),
        ("get", reverse("compliance:lexicons")),
        ("get", reverse("compliance:lexicon", args=[entry.client_id])),
        ("post", reverse("compliance:entry_remove", args=[entry.pk])),
    ]


def test_client_reviewers_and_outsiders_see_nothing_here(world, login):
    for user in (world.alpha.clients[0].reviewer, world.outsider, world.association):
        browser = login(user)
        for method, url in _pages(world):
            response = getattr(browser, method)(url, {"text": "国家级", "platform": "douyin"})
            assert response.status_code == 403, (user, method, url)
    assert LexiconEntry.objects.get(term=sample_lexicon_entry(world).term).is_active


def test_client_reviewers_cannot_call_the_api(world, api):
    client = api(world.alpha.clients[0].reviewer)
    assert client.post("/api/compliance/check-name/", {"name": "x"}).status_code == 403
    assert client.get(reverse("lexicon-entry-list")).status_code == 403


def test_another_agencys_list_is_not_found(world, login):
    entry = sample_lexicon_entry(world)
    browser = login(world.beta.admin)
    assert browser.get(reverse("compliance:lexicon", args=[entry.client_id])).status_code == 404
    assert browser.post(reverse("compliance:entry_remove", args=[entry.pk])).status_code == 404
    assert LexiconEntry.objects.get(pk=entry.pk).is_active


def test_the_check_page_offers_only_the_agencys_own_clients(world, login):
    browser = login(world.beta.staff[Role.SUPERVISOR])
    html = browser.get(reverse("compliance:check")).content.decode()
    assert world.beta.clients[0].client.name in html
    assert world.alpha.clients[0].client.name not in html
    response = browser.post(
        reverse("compliance:check"),
        {"text": "x", "platform": "douyin", "client": world.alpha.clients[0].client.pk},
    )
    assert "client" in response.context["form"].errors


def test_the_list_of_lists_shows_only_the_agencys_own_clients(world, login):
    html = login(world.beta.admin).get(reverse("compliance:lexicons")).content.decode()
    assert f'data-client="{world.beta.clients[0].client.pk}"' in html
    assert f'data-client="{world.alpha.clients[0].client.pk}"' not in html


def test_another_agencys_entries_are_not_listed_by_the_api(world, api):
    sample_lexicon_entry(world)
    rows = api(world.beta.admin).get(reverse("lexicon-entry-list")).json()
    assert rows.get("results", rows) == []


def test_the_admin_shows_an_agencys_own_entries_read_only(world, login):
    entry = sample_lexicon_entry(world)
    url = reverse("admin:compliance_lexiconentry_changelist")
    mine = login(world.alpha.admin).get(url)
    assert mine.status_code == 200
    assert entry.term in mine.content.decode()
    theirs = login(world.beta.admin).get(url)
    assert theirs.status_code == 200
    assert entry.term not in theirs.content.decode()
    change = reverse("admin:compliance_lexiconentry_change", args=[entry.pk])
    assert login(world.alpha.admin).post(change, {"term": "改"}).status_code == 403
