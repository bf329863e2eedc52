"""The web shell: login, per-role home pages, navigation, areas, API description, languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yunying.core.navigation import AREAS, PAGES
from yunying.tenancy.choices import Role
from yunying.testing import PASSWORD, World, actor

pytestmark = pytest.mark.django_db

# Home pages must not grow a query per row: a bound well above today's count catches N+1s.
MAX_HOME_QUERIES = 30


def personas(world: World) -> dict[str, Any]:
    people: dict[str, Any] = {role: world.alpha.staff[role] for role in world.alpha.staff}
    people["client_reviewer"] = world.alpha.clients[0].reviewer
    people["association"] = world.association
    people["operator"] = world.operator
    people["none"] = world.outsider
    return people


def test_anonymous_visitors_are_sent_to_login(client: Any) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("accounts:list")).status_code == 302
    assert client.get(reverse("client-list")).status_code == 403


def test_login_form_signs_in(world: World, client: Any) -> None:
    response = client.post(
        reverse("login"), {"username": "alpha_editor", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["home_role"] == "editor"
    bad = client.post(reverse("login"), {"username": "alpha_editor", "password": "wrong"})
    assert bad.status_code == 200
    assert bad.context["form"].errors


@pytest.mark.parametrize(
    "role",
    [
        *(r.value for r in Role if r not in (Role.CLIENT_REVIEWER, Role.ASSOCIATION)),
        "client_reviewer",
        "association",
        "operator",
        "none",
    ],
)
def test_every_role_has_its_home_page(world: World, login: Any, role: str) -> None:
    user = personas(world)[role]
    client = login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response.context["home_role"] == role
    assert response.templates[0].name == f"core/home/{role}.html"
    assert len(queries) <= MAX_HOME_QUERIES, [q["sql"] for q in queries]


def test_client_portal_shows_own_client_only(world: World, login: Any) -> None:
    body = login(world.alpha.clients[0].reviewer).get(reverse("core:home")).content.decode()
    assert "alpha client a1" in body
    assert "alpha account a1" in body
    assert "alpha client a2" not in body
    assert "alpha account a2" not in body
    assert "beta" not in body


def nav_slugs(body: str) -> set[str]:
    return set(re.findall(r'data-nav="([a-z]+)"', body))


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("agency_admin", {"clients", "people", "audit", "contracts", "integrity"}, set()),
        ("copywriter", {"clients", "content", "compliance"}, {"people", "audit", "settlement"}),
        ("host", {"livestream", "accounts"}, {"people", "content", "contracts"}),
        ("finance", {"settlement", "contracts"}, {"content", "people"}),
        (
            "client_reviewer",
            {"accounts", "requests", "audit", "content"},
            {"clients", "people", "compliance", "inbox"},
        ),
        ("association", {"integrity"}, {"clients", "accounts", "content", "people"}),
    ],
)
def test_navigation_follows_the_role(
    world: World, login: Any, role: str, present: set[str], absent: set[str]
) -> None:
    body = login(personas(world)[role]).get(reverse("core:home")).content.decode()
    slugs = nav_slugs(body)
    assert present <= slugs
    assert not (absent & slugs)


def test_every_navigation_link_opens(world: World, login: Any) -> None:
    client = login(world.alpha.admin)
    for item in [*PAGES, *AREAS]:
        if item.visible_to(actor(world.alpha.admin)):
            assert client.get(item.url).status_code == 200, item.url


def test_areas_hidden_from_a_role_are_not_found(world: World, login: Any) -> None:
    response = login(world.alpha.staff[Role.HOST]).get(reverse("core:area", args=["settlement"]))
    assert response.status_code == 404


def test_pages_outside_the_role_are_forbidden(world: World, login: Any) -> None:
    client = login(world.alpha.staff[Role.COPYWRITER])
    assert client.get(reverse("tenancy:people")).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("tenancy:client_create")).status_code == 403


def test_admin_is_open_to_agency_admins_only(world: World, login: Any) -> None:
    assert login(world.alpha.admin).get(reverse("admin:index")).status_code == 200
    response = login(world.alpha.admin).get(reverse("admin:tenancy_client_changelist"))
    body = response.content.decode()
    assert "alpha client a1" in body
    assert "beta client" not in body
    assert login(world.alpha.staff[Role.EDITOR]).get(reverse("admin:index")).status_code == 302
    assert login(world.alpha.admin).get(reverse("admin:tenancy_user_changelist")).status_code == 403


def test_openapi_description_is_served(world: World, api: Any) -> None:
    response = api(world.alpha.admin).get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/clients/",
        "/api/accounts/",
        "/api/team-changes/{id}/decide/",
        "/api/audit/",
        "/api/notifications/",
    ):
        assert path in schema["paths"], path
    account = schema["components"]["schemas"]["Account"]["properties"]
    assert "ciphertext" not in account


def test_api_docs_load_without_a_cdn(world: World, login: Any) -> None:
    body = login(world.alpha.admin).get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in body
    assert not re.search(r'(src|href)="https?://', body)


def test_pages_load_no_asset_from_the_internet(world: World, login: Any) -> None:
    body = login(world.alpha.admin).get(reverse("core:home")).content.decode()
    assert not re.search(r'(src|href)="https?://', body)
    static = Path(settings.BASE_DIR) / "yunying" / "static" / "vendor"
    assert (static / "htmx" / "htmx.min.js").exists()
    assert (static / "pico" / "pico.min.css").exists()


def test_chinese_is_the_default_and_english_selectable(world: World, login: Any) -> None:
    client = login(world.alpha.admin)
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "首页" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    assert "Home" in body


def test_console_script_runs_django_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "yunying.cli", "help"], capture_output=True, text=True, check=True
    )
    for command in ("workdays", "vault", "audit", "demo", "serve", "migrate"):
        assert command in result.stdout


def test_models_and_migrations_agree() -> None:
    from django.core.management import call_command

    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
