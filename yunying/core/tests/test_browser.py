"""The web shell in a real browser: Debian's Chromium driven by Playwright against the live server.

Every test seeds the demo through the actions into a committed database and signs in through the
real login form, so what is checked is what a person in that role sees and can do. Assertions are
on data, element structure and URLs, never on the wording of our own strings, which may or may not
be translated yet. Screenshots go to ``test-artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from yunying.accounts.models import PlatformAccount
from yunying.audit.models import AuditEntry
from yunying.core import demo
from yunying.tenancy.choices import Role
from yunying.tenancy.models import TeamMember, User
from yunying.workdays.models import CalendarYear

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# No sandbox: the tests run as root in a container. The rest keeps Chromium off the network
# (no updates, sync or QUIC probes) so a run is quiet, fast and the same offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# A fixed, short wait: pages come from a local server, so anything slower is a failure, and a
# failing run should not hang for Playwright's default 30 s per step.
TIMEOUT_MS = 10_000
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}

# The navigation slugs (``data-nav``), spelled out here rather than read from navigation.py so
# that a change to who sees what is a visible decision in this table too.
STAFF_PAGES = {"clients", "accounts", "calendar"}
MANAGER_PAGES = STAFF_PAGES | {"requests"}
CLIENT_PAGES = {"accounts", "requests", "audit"}
ALL_AREAS = {
    "contracts",
    "content",
    "compliance",
    "metrics",
    "settlement",
    "livestream",
    "inbox",
    "integrity",
}
WRITING_AREAS = {"content", "compliance", "metrics", "inbox"}
CLIENT_AREAS = {"contracts", "content", "metrics", "settlement", "livestream", "integrity"}

QINGHE, MINGYUAN, BEILING = "青禾茶饮连锁", "明远口腔诊所", "北岭农场合作社"
AGENCY = "星火代运营（杭州）有限公司"


# --- browser and data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module; it holds no data, each test gets a fresh context."""
    # The connections this thread has had since pytest-django set up the test database.
    own = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API leaves its asyncio loop marked as running in this thread between
        # calls. Django then refuses ORM calls as "async-unsafe" (here they are not: the loop only
        # turns while Playwright waits), and asgiref quietly hands out a second, per-context set
        # of connections beside the ones pytest-django set up (its serialized-rollback data,
        # for one, lives on those and was silently not restored). So: allow the calls, and
        # point Django back at the thread's own connections, the way Django's live server
        # thread shares connections. Only for this module.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, wrapper in own.items():
            connections[alias] = wrapper
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            for alias in own:
                del connections[alias]


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def server(live_db: None, live_server: LiveServer, settings: Any) -> LiveServer:
    """pytest-django's live server over the committed database; its host name is let in."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, urlsplit(live_server.url).hostname]
    return live_server


@pytest.fixture
def seeded(live_db: None) -> None:
    """The demo, committed so the server thread sees it."""
    # Deadlines and warnings depend on the holiday calendar the migrations load; a flush
    # empties it, and a test without it would pass on pages that real use never shows.
    assert CalendarYear.objects.exists(), "the holiday calendar of the migrations is missing"
    assert demo.seed()


@pytest.fixture
def open_page(browser: Browser, server: LiveServer, seeded: None) -> Iterator[Callable[..., Page]]:
    """``open_page(**context_options)`` gives a page in a new browser context.

    Uncaught script errors, server errors and missing static files fail the test at teardown:
    a broken htmx or stylesheet would otherwise only show as a subtly wrong screenshot.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def check(response: Response) -> None:
        static = "/static/" in response.url
        if response.status >= 500 or (static and response.status >= 400):
            problems.append(f"{response.status} {response.url}")

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=server.url, locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("response", check)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems


def wait_for_path(page: Page, path: str) -> None:
    """Wait until the page has arrived at ``path`` (with its query string, if one is given).

    ``wait_for_url`` listens for the navigation; ``expect(page).to_have_url`` would poll, and
    its back-off adds most of a second to every page change.
    """

    def arrived(url: str) -> bool:
        parts = urlsplit(url)
        return (f"{parts.path}?{parts.query}" if parts.query else parts.path) == path

    page.wait_for_url(arrived)


def log_in(page: Page, username: str) -> None:
    """Sign in through the form the way a person does: open the home page, get sent to log in."""
    page.goto("/")
    wait_for_path(page, f"{reverse('login')}?next=/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator(f"form[action='{reverse('login')}'] button[type=submit]").click()
    wait_for_path(page, reverse("core:home"))


def nav_slugs(page: Page, selector: str = "aside.shell-nav") -> tuple[set[str], set[str]]:
    """The page and area slugs in the navigation: (pages, areas)."""
    nav = page.locator(selector)
    slugs = nav.locator("[data-nav]").evaluate_all("links => links.map(a => a.dataset.nav)")
    areas = {s for s in slugs if s in ALL_AREAS}
    return set(slugs) - areas, areas


def texts(page: Page, selector: str) -> set[str]:
    return {t.strip() for t in page.locator(selector).all_inner_texts()}


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1, f"{page.url} is {width[0]}px wide in a {width[1]}px window"


# --- 1. every role's home page ------------------------------------------------------------------


def _team_home(clients: set[str], accounts: set[str]) -> Callable[[Page], None]:
    """Staff on client teams: the clients they serve and the accounts they work on."""

    def check(page: Page) -> None:
        assert texts(page, "main a[href^='/clients/']") == clients
        assert texts(page, "main a[href^='/accounts/']") == accounts

    return check


def _admin_home(page: Page) -> None:
    # 3 clients, 7 accounts, 9 staff (the admin and 8 people; client reviewers are no staff),
    # 2 requests waiting: the team change at 青禾 and the rename at 明远.
    expect(page.locator("main .cards .figure")).to_have_text(["3", "7", "9", "2"])
    # Recent activity ends with the demo's last act: October's statement sent to 明远.
    expect(page.locator("main li", has_text="向客户发送结算单").first).to_be_visible()
    # Only 青禾's service account expires within 60 days (北岭's store next spring).
    assert texts(page, "main table a") == {"青禾茶饮"}


def _manager_home(page: Page) -> None:
    assert texts(page, "main a[href^='/clients/']") == {QINGHE, BEILING}
    pending = page.locator("main a[href^='/requests/team/']")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("刘佳宁 → 赵明轩")
    # 明远's rename is manager2's business, not this manager's.
    expect(page.locator("main a[href^='/accounts/changes/']")).to_have_count(0)
    assert texts(page, "main table a") == {"青禾茶饮"}


def _manager2_home(page: Page) -> None:
    assert texts(page, "main a[href^='/clients/']") == {MINGYUAN}
    expect(page.locator("main a[href^='/requests/team/']")).to_have_count(0)
    expect(page.locator("main a[href^='/accounts/changes/']")).to_contain_text("明远口腔健康")


def _finance_home(page: Page) -> None:
    # The demo's KPI contract: nothing left to send (October waits for the client), September's
    # invoice still open, August's paid.
    expect(page.locator("main a[href^='/settlement/'][href$='/']", has_text="XH-")).to_have_count(0)
    unpaid = page.locator("main li", has_text="INV-")
    expect(unpaid).to_have_count(1)
    expect(unpaid).to_contain_text("2400.00")


def _operator_home(page: Page) -> None:
    # The two buttons of the operator's page; the calendar warning may link to the calendar too.
    buttons = page.locator("main a[role=button]")
    expect(buttons).to_have_count(2)
    assert buttons.evaluate_all("links => links.map(a => a.pathname)") == [
        reverse("workdays:calendar"),
        reverse("admin:index"),
    ]
    # The platform operator serves every agency and sees none of their data.
    expect(page.locator("main")).not_to_contain_text(AGENCY)
    expect(page.locator("main")).not_to_contain_text(QINGHE)


def _association_home(page: Page) -> None:
    # Integrity data arrives later; until then nothing of any agency or client is on the page.
    expect(page.locator("main")).not_to_contain_text("星火")
    expect(page.locator("main a[href^='/clients/'], main a[href^='/accounts/']")).to_have_count(0)


def _qinghe_home(page: Page) -> None:
    expect(page.locator("main h1")).to_have_text(QINGHE)
    approval = page.locator("main a[href^='/requests/team/']")
    expect(approval).to_have_count(1)
    expect(approval).to_contain_text("刘佳宁 → 赵明轩")
    assert texts(page, "main a[href^='/accounts/']") == {"青禾茶饮官方", "青禾茶饮"}
    # The client sees its team with phone numbers, and who used which login and why.
    expect(page.locator("main")).to_contain_text("周子航 13800000002")
    used = page.locator("main li", has_text="发布本周短视频")
    expect(used).to_contain_text("qinghe_tea@demo.invalid")
    for other in (MINGYUAN, BEILING, "明远", "北岭"):
        expect(page.locator("main")).not_to_contain_text(other)
    # The demo's one article waiting for the client; no statement is (青禾 has no contract).
    review = page.locator("main a[href$='/review/']")
    expect(review).to_have_count(1)
    expect(review).to_contain_text("门店周年庆：第二杯半价")
    expect(review).to_have_attribute("href", re.compile(r"^/content/\d+/review/$"))


def _mingyuan_home(page: Page) -> None:
    expect(page.locator("main h1")).to_have_text(MINGYUAN)
    expect(page.locator("main a[href^='/requests/team/']")).to_have_count(0)
    expect(page.locator("main a[href^='/accounts/changes/']")).to_contain_text("明远口腔健康")
    # Last month's statement waits for this client's answer, linked to the phone page.
    statement = page.locator("main a[href$='/review/']")
    expect(statement).to_have_count(1)
    expect(statement).to_contain_text("XH-")
    expect(page.locator("main")).not_to_contain_text("青禾")


def _beiling_home(page: Page) -> None:
    expect(page.locator("main h1")).to_have_text(BEILING)
    # The store qualification expires on 15 March next year, whose holiday calendar is not loaded:
    # the client must be told that deadlines reaching into that year cannot be computed yet.
    next_year = timezone.localdate().year + 1
    expect(page.locator(f"main [data-missing-year='{next_year}']")).to_be_visible()
    expect(page.locator("main li", has_text="北岭农场旗舰店")).to_contain_text(f"{next_year}-03-15")
    expect(
        page.locator("main a[href^='/requests/'], main a[href^='/accounts/changes/']")
    ).to_have_count(0)


@dataclass(frozen=True)
class Home:
    pages: set[str]
    areas: set[str]
    check: Callable[[Page], None]


QINGHE_ACCOUNTS = {"青禾茶饮官方", "青禾茶饮"}
MINGYUAN_ACCOUNTS = {"明远口腔健康", "明远口腔", "明远口腔预约"}
HOMES: dict[str, Home] = {
    "operator": Home({"calendar", "agencies"}, set(), _operator_home),
    "admin": Home(MANAGER_PAGES | {"people", "audit"}, ALL_AREAS, _admin_home),
    "manager": Home(MANAGER_PAGES, ALL_AREAS - {"integrity"}, _manager_home),
    "manager2": Home(MANAGER_PAGES, ALL_AREAS - {"integrity"}, _manager2_home),
    "writer": Home(
        STAFF_PAGES,
        WRITING_AREAS,
        _team_home({QINGHE, MINGYUAN}, QINGHE_ACCOUNTS | MINGYUAN_ACCOUNTS),
    ),
    "editor": Home(
        STAFF_PAGES,
        WRITING_AREAS,
        _team_home({QINGHE, BEILING}, QINGHE_ACCOUNTS | {"北岭农场旗舰店", "北岭农场直播间"}),
    ),
    "editor2": Home(STAFF_PAGES, WRITING_AREAS, _team_home({MINGYUAN}, MINGYUAN_ACCOUNTS)),
    "supervisor": Home(
        STAFF_PAGES,
        {"content", "compliance", "metrics"},
        _team_home({QINGHE, MINGYUAN}, QINGHE_ACCOUNTS | MINGYUAN_ACCOUNTS),
    ),
    # A host works the livestream room only; the store account is not theirs to see on the home.
    "host": Home(STAFF_PAGES, {"livestream"}, _team_home({BEILING}, {"北岭农场直播间"})),
    "finance": Home(STAFF_PAGES, {"contracts", "settlement"}, _finance_home),
    "qinghe": Home(CLIENT_PAGES, CLIENT_AREAS, _qinghe_home),
    "mingyuan": Home(CLIENT_PAGES, CLIENT_AREAS, _mingyuan_home),
    "beiling": Home(CLIENT_PAGES, CLIENT_AREAS, _beiling_home),
    "association": Home(set(), {"integrity"}, _association_home),
}


def test_every_demo_login_has_a_home_page_check() -> None:
    assert set(HOMES) == {login.username for login in demo.logins()}


@pytest.mark.parametrize("username", list(HOMES))
def test_each_role_logs_in_and_sees_its_own_home_page(
    open_page: Callable[..., Page], screenshots: Path, username: str
) -> None:
    page = open_page()
    log_in(page, username)
    home = HOMES[username]

    user = User.objects.get(username=username)
    expect(page.locator("header details.dropdown summary")).to_have_text(str(user))
    assert nav_slugs(page) == (home.pages, home.areas)
    home.check(page)
    page.screenshot(path=screenshots / f"home-{username}.png", full_page=True)


# --- 2. phone layout ----------------------------------------------------------------------------


def test_client_approves_a_team_change_on_a_phone(
    open_page: Callable[..., Page], screenshots: Path
) -> None:
    page = open_page(**PHONE)
    log_in(page, "qinghe")
    assert_no_horizontal_scroll(page)
    # On a phone the sidebar gives way to a collapsed menu with the same links.
    expect(page.locator("aside.shell-nav")).to_be_hidden()
    page.locator("#shell-menu > summary").tap()
    assert nav_slugs(page, "#shell-menu") == (CLIENT_PAGES, CLIENT_AREAS)

    page.locator("main a[href^='/requests/team/']").tap()
    page.wait_for_url(re.compile(r"/requests/team/\d+/$"))
    expect(page.locator("h1 .badge.pending")).to_be_visible()
    assert_no_horizontal_scroll(page)
    detail_url = page.url

    page.locator("input[name=decision][value=approve]").tap()
    # The decision redirects back to the same address, so wait for the navigation itself.
    with page.expect_navigation(url=detail_url):
        page.locator("form[action$='/decide/'] button[type=submit]").tap()
    expect(page.locator("h1 .badge.approved")).to_be_visible()
    expect(page.locator("main .message.success")).to_be_visible()
    expect(page.locator("main dl.facts")).to_contain_text("郑晓雯")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "phone-approve.png", full_page=True)

    editors = TeamMember.objects.filter(
        client__name=QINGHE, role=Role.EDITOR, left_on__isnull=True
    ).values_list("user__username", flat=True)
    assert list(editors) == ["editor2"]

    # And the home page says so: nothing left to approve, the successor on the team.
    page.goto("/")
    expect(page.locator("main a[href^='/requests/team/']")).to_have_count(0)
    team = page.locator("main article").filter(has_text="周子航 13800000002")
    expect(team).to_contain_text("赵明轩 13800000006")
    expect(team).not_to_contain_text("刘佳宁")
    assert_no_horizontal_scroll(page)


# --- 3. reveal with htmx ------------------------------------------------------------------------

REVEAL_REASON = "发布今晚的探店视频"


def _open_douyin_account(page: Page) -> str:
    log_in(page, "manager")
    page.locator("aside.shell-nav [data-nav=accounts]").click()
    wait_for_path(page, reverse("accounts:list"))
    page.get_by_role("link", name="青禾茶饮官方", exact=True).click()
    account = PlatformAccount.objects.get(platform_id="qinghe_tea")
    wait_for_path(page, reverse("accounts:detail", args=[account.pk]))
    # A mark on the window survives an htmx swap and vanishes with a full page load.
    page.evaluate("window.sameDocument = true")
    return page.url


def _submit_reveal(page: Page) -> int:
    """Press the reveal button; the answer's status. It must go out as an htmx request."""
    with page.expect_response(lambda r: r.url.endswith("/reveal/")) as answer:
        page.locator("#reveal-area button[type=submit]").click()
    assert answer.value.request.header_value("hx-request") == "true"
    return answer.value.status


def test_reveal_shows_the_password_in_place_and_audits_the_reason(
    open_page: Callable[..., Page],
) -> None:
    page = open_page()
    url = _open_douyin_account(page)
    reveals = AuditEntry.objects.filter(action="credential.reveal")
    before = reveals.count()

    # Without a reason: refused, nothing shown, nothing recorded, still the same page.
    assert _submit_reveal(page) == 400
    expect(page.locator("#reveal-area input[name=reason]")).to_be_visible()
    expect(page.locator("[data-testid=revealed]")).to_have_count(0)
    assert reveals.count() == before

    page.locator("#reveal-area input[name=reason]").fill(REVEAL_REASON)
    assert _submit_reveal(page) == 200
    revealed = page.locator("#reveal-area [data-testid=revealed]")
    expect(revealed).to_be_visible()
    expect(revealed.locator(".secret")).to_have_text("Demo-qinghe-2026")
    assert page.url == url
    assert page.evaluate("window.sameDocument") is True

    manager = User.objects.get(username="manager")
    assert reveals.count() == before + 1
    entry = reveals.latest("seq")
    assert (entry.actor_id, entry.reason) == (manager.pk, REVEAL_REASON)

    # Coming back, the password is gone again.
    page.reload()
    expect(page.locator("#reveal-area input[name=reason]")).to_be_visible()
    expect(page.locator("[data-testid=revealed]")).to_have_count(0)


def test_reveal_without_a_reason_shows_the_field_error_in_place(
    open_page: Callable[..., Page],
) -> None:
    page = open_page()
    url = _open_douyin_account(page)

    assert _submit_reveal(page) == 400
    expect(page.locator("#reveal-area [data-field=reason]")).to_be_visible()
    assert page.url == url
    assert page.evaluate("window.sameDocument") is True


# --- 4. language --------------------------------------------------------------------------------


def test_choosing_english_switches_the_page_language(open_page: Callable[..., Page]) -> None:
    page = open_page()
    log_in(page, "admin")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")

    page.locator("header details.dropdown > summary").click()
    # The selector submits itself and comes back to the same address.
    with page.expect_navigation():
        page.locator("header select[name=language]").select_option("en")
    wait_for_path(page, reverse("core:home"))
    expect(html).to_have_attribute("lang", "en")

    # The choice sticks for the next page.
    page.locator("aside.shell-nav [data-nav=accounts]").click()
    wait_for_path(page, reverse("accounts:list"))
    expect(html).to_have_attribute("lang", "en")
