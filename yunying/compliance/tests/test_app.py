"""The compliance app: client lexicons, the check page, the API, account names, the gate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from yunying.accounts import actions as account_actions
from yunying.audit.models import AuditEntry
from yunying.compliance import actions, services
from yunying.compliance.checker import EngineChecker, blank_markup
from yunying.compliance.engine.scanner import scan
from yunying.compliance.models import LexiconEntry
from yunying.tenancy.choices import Role
from yunying.testing import actor

pytestmark = pytest.mark.django_db


def _side(world, index=0):
    return world.alpha.clients[index]


def _add(world, term, *, kind="term", index=0, by=Role.SUPERVISOR, **fields):
    values = {"category": "illegal_marketing", "severity": "block", "reason": "客户行业限制"}
    values.update(fields)
    if kind == "whitelist":
        values = {"reason": values["reason"]}
    return actions.add_entry(
        actor=actor(world.alpha.staff[by]),
        client=_side(world, index).client,
        kind=kind,
        term=term,
        **values,
    )


# --- Lexicon actions ---------------------------------------------------------------------------


def test_each_change_makes_a_new_version_and_an_audit_entry(world):
    client = _side(world).client
    before = services.lexicon_version(client)
    entry = _add(world, "布洛芬缓释")
    assert services.lexicon_version(client) == before + 1
    assert entry.added_in == before + 1
    actions.remove_entry(actor=actor(world.alpha.staff[Role.SUPERVISOR]), entry=entry)
    entry.refresh_from_db()
    assert entry.removed_in == before + 2
    assert not entry.is_active
    audited = AuditEntry.objects.filter(action__startswith="compliance.lexicon_").order_by("seq")
    assert [(a.action, a.data["term"], a.data["version"]) for a in audited][-2:] == [
        ("compliance.lexicon_add", "布洛芬缓释", before + 1),
        ("compliance.lexicon_remove", "布洛芬缓释", before + 2),
    ]


@pytest.mark.parametrize(
    ("term", "fields", "field"),
    [
        ("", {}, "term"),
        ("！？ 😀", {}, "term"),  # nothing left once normalised
        ("某药名", {"category": ""}, "category"),
        ("某药名", {"severity": "fatal"}, "severity"),
        ("某药名", {"reason": " "}, "reason"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(world, term, fields, field):
    with pytest.raises(ValidationError) as caught:
        _add(world, term, **fields)
    assert field in caught.value.message_dict


def test_the_same_term_in_another_disguise_is_a_duplicate(world):
    _add(world, "复方甘草片")
    with pytest.raises(ValidationError) as caught:
        _add(world, "復方 甘草片")
    assert "term" in caught.value.message_dict


def test_copywriters_may_read_but_not_change_the_list(world):
    with pytest.raises(PermissionDenied):
        _add(world, "某药名", by=Role.COPYWRITER)


# --- Scanning with a client's list ------------------------------------------------------------


def test_a_client_term_is_found_only_for_that_client_and_names_the_list_version(world):
    _add(world, "头孢克洛")
    text = "本店热销 头 孢 克 洛 胶囊"
    mine = scan(text, platform="douyin", context=services.scan_context(_side(world).client))
    other = scan(text, platform="douyin", context=services.scan_context(_side(world, 1).client))
    [finding] = [f for f in mine if f.rule == "client.term"]
    assert finding.text == "头 孢 克 洛"
    assert finding.message == "客户行业限制"
    version = services.lexicon_version(_side(world).client)
    assert finding.lexicon_version.endswith(f"v{version}")
    assert not [f for f in other if f.rule == "client.term"]


def test_a_client_whitelist_lets_a_trademark_through(world):
    text = "青禾国酒坊新品上市，限量发售"
    assert [f.rule for f in scan(text, platform="douyin") if f.severity == "block"] == []
    # A built-in term inside the client's registered name:
    text = "国家级青禾 本店"
    assert any(f.text == "国家级" for f in scan(text, platform="douyin"))
    _add(world, "国家级青禾", kind="whitelist", reason="客户的注册商标")
    context = services.scan_context(_side(world).client)
    assert not any(f.text == "国家级" for f in scan(text, platform="douyin", context=context))


def test_a_removed_term_stops_counting_at_once(world):
    entry = _add(world, "某某胶囊")
    context = services.scan_context(_side(world).client)
    assert any(
        f.rule == "client.term" for f in scan("某某胶囊", platform="douyin", context=context)
    )
    actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    context = services.scan_context(_side(world).client)
    assert context is None or not any(
        f.rule == "client.term" for f in scan("某某胶囊", platform="douyin", context=context)
    )


# --- The editorial gate ---------------------------------------------------------------------


def test_the_engine_checks_article_html_with_offsets_into_the_stored_html(world):
    body = '<p style="color:red">本店<strong>國家級</strong>好茶</p>'
    findings = EngineChecker().check({"body": body}, platform="wechat_oa")
    [hit] = [f for f in findings if f.severity == "block"]
    assert body[hit.start : hit.end] == "國家級"
    assert hit.field == "body"
    assert "@" in hit.source  # the lexicon version travels with the finding


def test_markup_is_never_matched_but_link_targets_are_checked():
    html = '<a class="top1" href="http://t.cn/x">看</a>'
    blanked = blank_markup(html)
    assert len(blanked) == len(html)
    assert "top1" not in blanked
    assert "http://t.cn/x" in blanked


def test_the_gate_uses_the_clients_own_list(world, settings):
    from yunying.editorial import actions as editorial_actions
    from yunying.editorial.choices import State
    from yunying.editorial.tests.helpers import make_item, walk

    settings.EDITORIAL_CHECKER = "yunying.compliance.checker.EngineChecker"
    _add(world, "左氧氟沙星")
    item = walk(world, make_item(world, body="<p>左氧氟沙星到货</p>"), State.TEAM_PREVIEW)
    with pytest.raises(ValidationError) as caught:
        editorial_actions.transition(
            actor=actor(world.alpha.staff[Role.COPYWRITER]),
            item=item,
            target=State.SUPERVISOR_REVIEW,
        )
    assert "左氧氟沙星" in " ".join(caught.value.message_dict["compliance"])


# --- Account names ----------------------------------------------------------------------------


def test_an_account_name_a_clause_refuses_is_not_created(world):
    with pytest.raises(ValidationError) as caught:
        account_actions.create_account(
            actor=actor(world.alpha.admin),
            client=_side(world).client,
            platform="douyin",
            platform_id="dy-national",
            display_name="中国第一茶",
        )
    message = " ".join(caught.value.message_dict["display_name"])
    assert "三、6.1" in message


def test_a_doubtful_account_name_is_created_and_the_doubt_is_audited(world):
    account = account_actions.create_account(
        actor=actor(world.alpha.admin),
        client=_side(world).client,
        platform="douyin",
        platform_id="dy-generic",
        display_name="养生",
    )
    entry = AuditEntry.objects.get(action="account.create", object_id=str(account.pk))
    assert [w["rule"] for w in entry.data["name_warnings"]] == ["name.generic_word"]


def test_a_rename_request_to_a_refused_name_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        account_actions.request_account_change(
            _side(world).account,
            actor=actor(world.alpha.staff[Role.ACCOUNT_MANAGER]),
            kind="rename",
            proposed_name="腾讯客服中心",
            reason="品牌升级",
        )
    assert "proposed_name" in caught.value.message_dict


# --- Pages --------------------------------------------------------------------------------


def test_the_check_page_marks_each_finding_where_it_is(world, login):
    browser = login(world.alpha.staff[Role.COPYWRITER])
    text = "新品上市😀，國家級好茶"
    response = browser.post(
        reverse("compliance:check"), {"text": text, "platform": "wechat_oa", "client": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="blocked"' in html
    assert "<mark" in html
    assert ">國家級</mark>" in html
    assert 'data-rule="ad.absolute_term"' in html


def test_the_check_page_names_the_field_of_bad_input(world, login):
    browser = login(world.alpha.staff[Role.COPYWRITER])
    response = browser.post(reverse("compliance:check"), {"text": "x", "platform": "weibo"})
    assert response.status_code == 200
    assert "platform" in response.context["form"].errors


def test_the_rule_catalogue_lists_every_rule_with_its_examples(world, login):
    browser = login(world.alpha.staff[Role.SUPERVISOR])
    html = browser.get(reverse("compliance:rules")).content.decode()
    assert 'id="ad.absolute_term"' in html
    assert 'id="privacy.id_card"' in html
    assert 'id="name.state_symbols"' in html


def test_the_lexicon_page_adds_and_shows_the_history(world, login):
    client = _side(world).client
    browser = login(world.alpha.staff[Role.SUPERVISOR])
    url = reverse("compliance:lexicon", args=[client.pk])
    response = browser.post(
        url,
        {
            "kind": "term",
            "term": "氨咖黄敏",
            "category": "illegal_marketing",
            "severity": "warn",
            "reason": "非处方药，仅限药店渠道",
        },
    )
    assert response.status_code == 302
    html = browser.get(url).content.decode()
    assert 'data-term="氨咖黄敏"' in html
    assert gettext("History") in html
    assert LexiconEntry.objects.get(term="氨咖黄敏").added_by == world.alpha.staff[Role.SUPERVISOR]


def test_the_lexicon_page_costs_the_same_queries_at_1_and_20_entries(world, login):
    client = _side(world, 1).client
    browser = login(world.alpha.admin)
    url = reverse("compliance:lexicon", args=[client.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        return len(captured)

    _add(world, "计数词0", index=1)
    one = queries()
    for number in range(1, 20):
        entry = _add(world, f"计数词{number}", index=1)
    actions.remove_entry(actor=actor(world.alpha.admin), entry=entry)
    assert queries() == one


# --- API ------------------------------------------------------------------------------------


def test_the_api_checks_a_text_with_the_documented_shape(world, api):
    client = api(world.alpha.staff[Role.COPYWRITER])
    response = client.post(
        "/api/compliance/check/",
        {"text": "本店最佳 13812345678", "platform": "douyin"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["blocking"] is True
    assert {f["rule"] for f in body["findings"]} >= {"ad.absolute_term", "privacy.mobile"}
    assert set(body["findings"][0]) == {
        "rule",
        "category",
        "severity",
        "start",
        "end",
        "text",
        "message",
        "source",
        "lexicon_version",
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"platform": "douyin"}, "text"),
        ({"text": "x", "platform": "weibo"}, "platform"),
        ({"text": "x" * 1_000_001, "platform": "douyin"}, "text"),
        ({"text": "x", "platform": "douyin", "client": 999_999}, "client"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(world, api, payload, field):
    response = api(world.alpha.staff[Role.COPYWRITER]).post(
        "/api/compliance/check/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_does_not_use_another_agencys_client(world, api):
    response = api(world.beta.admin).post(
        "/api/compliance/check/",
        {"text": "x", "platform": "douyin", "client": _side(world).client.pk},
        format="json",
    )
    assert response.status_code == 400


def test_the_api_checks_a_name(world, api):
    response = api(world.alpha.staff[Role.ACCOUNT_MANAGER]).post(
        "/api/compliance/check-name/", {"name": "天安门小吃"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["findings"][0]["rule"] == "name.state_symbols"


def test_client_reviewers_cannot_use_the_checker(world, api):
    response = api(_side(world).reviewer).post(
        "/api/compliance/check/", {"text": "x", "platform": "douyin"}, format="json"
    )
    assert response.status_code == 403
