"""The compliance API: the shapes of the answers, bad input by field, scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yunying.compliance import actions
from yunying.compliance.tests.helpers import sample_lexicon_entry
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db

FIELDS = {"rule", "category", "severity", "start", "end", "text", "message", "source"}


def _check(client, payload):
    return client.post("/api/compliance/check/", payload, format="json")


def test_offsets_are_code_points_of_the_text_as_sent(world, api):
    text = "🎉😀 限时：本店國家級好茶"
    body = _check(
        api(world.alpha.staff[Role.EDITOR]), {"text": text, "platform": "wechat_oa"}
    ).json()
    [hit] = [f for f in body["findings"] if f["rule"] == "ad.absolute_term"]
    assert text[hit["start"] : hit["end"]] == hit["text"] == "國家級"
    assert set(hit) == FIELDS | {"lexicon_version"}
    assert hit["lexicon_version"]


def test_a_clean_text_is_not_blocking(world, api):
    body = _check(
        api(world.alpha.staff[Role.EDITOR]), {"text": "欢迎到店品尝新茶", "platform": "douyin"}
    ).json()
    assert body == {"findings": [], "blocking": False}


def test_warnings_alone_are_not_blocking(world, api):
    side = world.alpha.clients[0]
    actions.add_entry(
        actor=actor(world.alpha.admin),
        client=side.client,
        kind="term",
        term="某某片",
        category="illegal_marketing",
        severity="warn",
        reason="非处方药",
    )
    body = _check(
        api(world.alpha.staff[Role.COPYWRITER]),
        {"text": "某某片到货", "platform": "douyin", "client": side.client.pk},
    ).json()
    assert body["blocking"] is False
    [hit] = body["findings"]
    assert (hit["rule"], hit["severity"], hit["message"]) == ("client.term", "warn", "非处方药")
    assert hit["lexicon_version"].endswith("v1")


def test_the_clients_list_applies_only_when_the_client_is_named(world, api):
    entry = sample_lexicon_entry(world)
    client = api(world.alpha.staff[Role.COPYWRITER])
    text = f"今天说一下{entry.term}"
    named = _check(client, {"text": text, "platform": "douyin", "client": entry.client_id})
    unnamed = _check(client, {"text": text, "platform": "douyin"})
    assert [f["rule"] for f in named.json()["findings"]] == ["client.term"]
    assert named.json()["blocking"] is True
    assert unnamed.json()["findings"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "名" * 65}, "name"),
    ],
)
def test_a_bad_name_check_names_the_field(world, api, payload, field):
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        "/api/compliance/check-name/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_name_check_has_the_same_shape(world, api):
    body = (
        api(world.alpha.staff[Role.ACCOUNT_MANAGER])
        .post("/api/compliance/check-name/", {"name": "中国第一茶"}, format="json")
        .json()
    )
    assert body["blocking"] is True
    assert all(set(f) == FIELDS | {"lexicon_version"} for f in body["findings"])
    assert any("三、6.1" in f["source"] for f in body["findings"])


def test_the_longest_text_allowed_is_checked(world, api):
    text = "好" * 999_990 + "国家级"
    response = _check(api(world.alpha.staff[Role.EDITOR]), {"text": text, "platform": "douyin"})
    assert response.status_code == 200
    assert response.json()["findings"][0]["start"] == 999_990


def test_the_checks_are_for_post_only(world, api):
    client = api(world.alpha.staff[Role.EDITOR])
    assert client.get("/api/compliance/check/").status_code == 405


# --- Lexicon entries --------------------------------------------------------------------------


def test_lexicon_entries_are_listed_per_client_with_their_versions(world, api):
    first = sample_lexicon_entry(world, 0)
    second = sample_lexicon_entry(world, 1)
    actions.remove_entry(actor=actor(world.alpha.admin), entry=second)
    client = api(world.alpha.staff[Role.COPYWRITER])
    rows = client.get(reverse("lexicon-entry-list"), {"client": first.client_id}).json()
    rows = rows.get("results", rows)
    assert [(r["term"], r["added_in"], r["removed_in"]) for r in rows] == [(first.term, 1, None)]
    every = client.get(reverse("lexicon-entry-list")).json()
    every = every.get("results", every)
    assert {r["term"]: r["removed_in"] for r in every} == {first.term: None, second.term: 2}


def test_lexicon_entries_cannot_be_written_through_the_api(world, api):
    entry = sample_lexicon_entry(world)
    client = api(world.alpha.admin)
    created = client.post(
        reverse("lexicon-entry-list"),
        {"client": entry.client_id, "kind": "whitelist", "term": "x", "reason": "x"},
        format="json",
    )
    assert created.status_code == 405
    url = reverse("lexicon-entry-detail", args=[entry.pk])
    assert client.delete(url).status_code == 405


def test_the_schema_describes_the_checks(world, api):
    schema = api(world.alpha.admin).get(reverse("schema"), {"format": "json"}).json()
    check = schema["paths"]["/api/compliance/check/"]["post"]
    assert "200" in check["responses"]
    finding = schema["components"]["schemas"]["Finding"]["properties"]
    assert set(finding) == FIELDS | {"lexicon_version"}
