"""The lexicon models: what an entry says about itself, and whose rows are whose."""

from __future__ import annotations

import pytest

from yunying.compliance import actions
from yunying.compliance.choices import CATEGORY_CHOICES, EntryKind
from yunying.compliance.engine.types import CATEGORIES
from yunying.compliance.models import ClientLexicon, LexiconEntry
from yunying.compliance.tests.helpers import sample_lexicon_entry
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db


def test_a_client_term_may_take_every_content_category_but_not_account_names():
    keys = [key for key, _label in CATEGORY_CHOICES]
    assert set(keys) == set(CATEGORIES) - {"account_name"}
    assert dict(CATEGORY_CHOICES)["ad_absolute_terms"] == CATEGORIES["ad_absolute_terms"]


def test_an_entry_is_active_until_removed(world):
    entry = sample_lexicon_entry(world)
    assert entry.is_active
    actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    entry.refresh_from_db()
    assert not entry.is_active
    assert str(entry) == entry.term


def test_entries_list_terms_before_allowed_phrases(world):
    boss = actor(world.alpha.staff[Role.SUPERVISOR])
    client = world.alpha.clients[0].client
    actions.add_entry(actor=boss, client=client, kind="whitelist", term="阿商标", reason="商标")
    actions.add_entry(
        actor=boss,
        client=client,
        kind="term",
        term="乙药",
        category="illegal_marketing",
        severity="block",
        reason="处方药",
    )
    kinds = list(LexiconEntry.objects.filter(client=client).values_list("kind", flat=True))
    assert kinds == [EntryKind.TERM, EntryKind.WHITELIST]


def test_rows_are_seen_by_their_agency_only(world):
    entry = sample_lexicon_entry(world)
    lexicon = ClientLexicon.objects.get(client_id=entry.client_id)
    alpha, beta = actor(world.alpha.staff[Role.EDITOR]), actor(world.beta.admin)
    assert LexiconEntry.objects.visible_to(alpha).filter(pk=entry.pk).exists()
    assert not LexiconEntry.objects.visible_to(beta).filter(pk=entry.pk).exists()
    assert ClientLexicon.objects.visible_to(alpha).filter(pk=lexicon.pk).exists()
    assert not ClientLexicon.objects.visible_to(beta).filter(pk=lexicon.pk).exists()
    assert str(lexicon).endswith("v1")
