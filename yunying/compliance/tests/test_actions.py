"""Changing a client's own lexicon, and the compiled list the scans use."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yunying.audit.models import AuditEntry
from yunying.compliance import actions, services
from yunying.compliance.engine.scanner import scan
from yunying.compliance.models import ClientLexicon, LexiconEntry
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db


def _term(world, term, *, by=Role.SUPERVISOR, index=0, agency="alpha", **fields):
    side = getattr(world, agency)
    values = {
        "kind": "term",
        "category": "illegal_marketing",
        "severity": "block",
        "reason": "客户行业限制",
    }
    values.update(fields)
    return actions.add_entry(
        actor=actor(side.staff[by]), client=side.clients[index].client, term=term, **values
    )


# --- Who may change the list ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ACCOUNT_MANAGER, Role.AGENCY_ADMIN])
def test_supervisors_and_account_managers_may_add(world, role):
    entry = _term(world, f"允许词{role}", by=role)
    assert entry.added_by == world.alpha.staff[role]


@pytest.mark.parametrize("role", [Role.COPYWRITER, Role.EDITOR, Role.FINANCE, Role.HOST])
def test_other_staff_may_not_add_or_remove(world, role):
    with pytest.raises(PermissionDenied):
        _term(world, "不许词", by=role)
    entry = _term(world, "不许删词")
    with pytest.raises(PermissionDenied):
        actions.remove_entry(actor=actor(world.alpha.staff[role]), entry=entry)
    assert LexiconEntry.objects.get(pk=entry.pk).is_active


def test_another_agency_cannot_change_the_list(world):
    entry = _term(world, "本机构词")
    with pytest.raises(PermissionDenied):
        actions.add_entry(
            actor=actor(world.beta.admin),
            client=world.alpha.clients[0].client,
            kind="whitelist",
            term="外机构词",
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        actions.remove_entry(actor=actor(world.beta.admin), entry=entry)
    assert LexiconEntry.objects.get(pk=entry.pk).is_active


# --- Versions, audit and soft removal ---------------------------------------------------------


def test_each_client_counts_its_own_versions(world):
    _term(world, "甲客户词", index=0)
    _term(world, "甲客户词二", index=0)
    _term(world, "乙客户词", index=1)
    assert services.lexicon_version(world.alpha.clients[0].client) == 2
    assert services.lexicon_version(world.alpha.clients[1].client) == 1
    lexicon = ClientLexicon.objects.get(client=world.alpha.clients[0].client)
    assert lexicon.agency_id == world.alpha.agency.pk


def test_removal_keeps_the_entry_with_who_and_when_and_audits_the_version(world):
    entry = _term(world, "软删词")
    manager = world.alpha.staff[Role.ACCOUNT_MANAGER]
    actions.remove_entry(actor=actor(manager), entry=entry)
    kept = LexiconEntry.objects.get(pk=entry.pk)
    assert (kept.removed_by, kept.removed_in) == (manager, 2)
    assert kept.removed_at is not None
    audit = AuditEntry.objects.filter(action="compliance.lexicon_remove").latest("seq")
    assert audit.data["version"] == 2
    assert audit.data["entry"] == entry.pk
    assert audit.agency_id == world.alpha.agency.pk


def test_removing_twice_is_refused_and_makes_no_version(world):
    entry = _term(world, "两次删")
    actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    with pytest.raises(ValidationError):
        actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    assert services.lexicon_version(world.alpha.clients[0].client) == 2


def test_a_refused_entry_makes_no_version_and_no_audit(world):
    before = AuditEntry.objects.filter(action="compliance.lexicon_add").count()
    with pytest.raises(ValidationError):
        _term(world, "无理由词", reason="")
    assert services.lexicon_version(world.alpha.clients[0].client) == 0
    assert AuditEntry.objects.filter(action="compliance.lexicon_add").count() == before


def test_a_removed_term_may_be_added_again(world):
    entry = _term(world, "回来的词")
    actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    again = _term(world, "回来的词")
    assert again.added_in == 3
    assert again.pk != entry.pk


def test_the_same_words_may_be_a_term_of_one_client_and_allowed_for_another(world):
    _term(world, "同一个词", index=0)
    allowed = _term(world, "同一个词", index=1, kind="whitelist")
    assert (allowed.category, allowed.severity) == ("", "")


def test_an_allowed_phrase_drops_category_and_severity(world):
    allowed = _term(world, "某商标", kind="whitelist", category="minors", severity="warn")
    assert (allowed.kind, allowed.category, allowed.severity) == ("whitelist", "", "")


def test_an_unknown_kind_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as caught:
        _term(world, "某词", kind="regex")
    assert "kind" in caught.value.message_dict


def test_a_term_that_normalises_to_nothing_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        _term(world, "\u200b～～\u200b")
    assert list(caught.value.message_dict) == ["term"]


# --- The compiled list ------------------------------------------------------------------------


def test_a_client_with_no_list_adds_nothing_to_the_scan(world):
    assert services.scan_context(world.alpha.clients[1].client) is None
    assert services.scan_context(None) is None


def test_a_check_at_an_unchanged_version_costs_one_query_and_reuses_the_compiled_list(world):
    client = world.alpha.clients[0].client
    _term(world, "缓存词")
    first = services.scan_context(client)
    with CaptureQueriesContext(connection) as queries:
        second = services.scan_context(client)
    assert len(queries) == 1
    assert first is not None
    assert second is not None
    assert second.extra is first.extra


def test_a_new_version_is_compiled_afresh_and_named_in_findings(world):
    client = world.alpha.clients[0].client
    _term(world, "旧词")
    before = services.scan_context(client)
    _term(world, "新词", severity="warn")
    after = services.scan_context(client)
    assert before is not None
    assert after is not None
    assert after.extra is not before.extra
    [finding] = [
        f for f in scan("新 词", platform="douyin", context=after) if f.rule == "client.term"
    ]
    assert finding.lexicon_version.endswith("v2")
    assert client.name in finding.lexicon_version
    assert finding.severity == "warn"
    assert not list(scan("新词", platform="douyin", context=before))


def test_a_change_made_elsewhere_is_seen_on_the_next_check(world):
    """Another process bumps the version in the database: the next check recompiles."""
    client = world.alpha.clients[0].client
    entry = _term(world, "别处词")
    assert services.scan_context(client) is not None
    # As another worker would: the row changes under this process's cache.
    LexiconEntry.objects.filter(pk=entry.pk).update(removed_in=2)
    ClientLexicon.objects.filter(client=client).update(version=2)
    assert services.scan_context(client) is None or not any(
        f.rule == "client.term"
        for f in scan("别处词", platform="douyin", context=services.scan_context(client))
    )
