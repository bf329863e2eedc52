"""Demo data: one agency, three clients, seven accounts, a KPI contract with three settled
months, staff in every role.

Everything is written through the actions, so the demo also fills the audit log the way real
use would. Dates are relative to today, except one client's store qualification, which expires
in the spring of next year: while next year's holiday calendar is not loaded, that client shows
the calendar warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import AccountChangeKind, OfficialAccountType, Platform
from yunying.accounts.models import Credential
from yunying.contracts import actions as contract_actions
from yunying.contracts.models import Contract
from yunying.metrics import actions as metric_actions
from yunying.metrics.files import MetricRow
from yunying.settlement import actions as settlement_actions
from yunying.settlement.engine import Month
from yunying.settlement.models import Invoice
from yunying.tenancy import actions as tenancy_actions
from yunying.tenancy.choices import Role, TeamChangeKind
from yunying.tenancy.models import Agency, Client, TeamMember, User
from yunying.tenancy.scoping import build_actor

# Published on purpose; it passes the password validators for every demo user name.
DEMO_PASSWORD = "yunying-demo-2026"  # noqa: S105
AGENCY_SLUG = "xinghuo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    note: str


STAFF = [
    ("admin", "林晓岚", Role.AGENCY_ADMIN, "13800000001"),
    ("manager", "周子航", Role.ACCOUNT_MANAGER, "13800000002"),
    ("manager2", "陈思雨", Role.ACCOUNT_MANAGER, "13800000003"),
    ("writer", "王一帆", Role.COPYWRITER, "13800000004"),
    ("editor", "刘佳宁", Role.EDITOR, "13800000005"),
    ("editor2", "赵明轩", Role.EDITOR, "13800000006"),
    ("supervisor", "孙雅琪", Role.SUPERVISOR, "13800000007"),
    ("host", "何晨曦", Role.HOST, "13800000008"),
    ("finance", "吴静怡", Role.FINANCE, "13800000009"),
]


def logins() -> list[DemoLogin]:
    return [
        DemoLogin("operator", "platform operator", "superuser: calendar imports, admin"),
        *[DemoLogin(u, str(r.value), n) for u, n, r, _ in STAFF],
        DemoLogin("qinghe", "client_reviewer", "青禾茶饮"),
        DemoLogin("mingyuan", "client_reviewer", "明远口腔"),
        DemoLogin("beiling", "client_reviewer", "北岭农场 (2027 calendar gap)"),
        DemoLogin("association", "association", "行业协会"),
    ]


def seed() -> bool:
    """Create the demo once; return False when it already exists."""
    if Agency.objects.filter(slug=AGENCY_SLUG).exists():
        return False
    with transaction.atomic():
        _seed(timezone.localdate())
    return True


def _user(username: str, display_name: str, **extra: object) -> User:
    user = User(username=username, display_name=display_name, **extra)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _seed(today: date) -> None:
    operator = User.objects.filter(username="operator").first() or _user(
        "operator", "平台运维", is_superuser=True, is_staff=True
    )
    agency = tenancy_actions.create_agency(
        actor=build_actor(operator),
        name="星火代运营（杭州）有限公司",
        slug=AGENCY_SLUG,
        credit_code="91330106MA2DEMO01X",
    )
    # The operator appoints the first admin; everything after goes through the admin.
    admin_user = _user("admin", "林晓岚", phone="13800000001")
    tenancy_actions.appoint(
        admin_user, actor=build_actor(operator), role=Role.AGENCY_ADMIN, agency=agency
    )
    admin = build_actor(admin_user)

    for username, name, role, phone in STAFF[1:]:
        tenancy_actions.add_person(
            actor=admin,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            phone=phone,
        )
    users = {u.username: u for u in User.objects.all()}

    qinghe = tenancy_actions.create_client(
        actor=admin,
        name="青禾茶饮连锁",
        industry="餐饮",
        contact_name="郑女士",
        contact_phone="13900000011",
    )
    mingyuan = tenancy_actions.create_client(
        actor=admin,
        name="明远口腔诊所",
        industry="医疗健康",
        contact_name="钱先生",
        contact_phone="13900000012",
    )
    beiling = tenancy_actions.create_client(
        actor=admin,
        name="北岭农场合作社",
        industry="农产品电商",
        contact_name="冯先生",
        contact_phone="13900000013",
    )
    for username, name, client in [
        ("qinghe", "郑晓雯", qinghe),
        ("mingyuan", "钱立群", mingyuan),
        ("beiling", "冯建国", beiling),
    ]:
        tenancy_actions.add_person(
            actor=admin,
            username=username,
            password=DEMO_PASSWORD,
            role=Role.CLIENT_REVIEWER,
            display_name=name,
            client=client,
        )
    tenancy_actions.appoint(
        _user("association", "市网络营销行业协会"),
        actor=build_actor(operator),
        role=Role.ASSOCIATION,
    )

    teams = {
        qinghe: [
            ("manager", Role.ACCOUNT_MANAGER),
            ("writer", Role.COPYWRITER),
            ("editor", Role.EDITOR),
            ("supervisor", Role.SUPERVISOR),
        ],
        mingyuan: [
            ("manager2", Role.ACCOUNT_MANAGER),
            ("writer", Role.COPYWRITER),
            ("editor2", Role.EDITOR),
            ("supervisor", Role.SUPERVISOR),
        ],
        beiling: [("manager", Role.ACCOUNT_MANAGER), ("host", Role.HOST), ("editor", Role.EDITOR)],
    }
    for client, seats in teams.items():
        for username, role in seats:
            tenancy_actions.add_team_member(
                client,
                actor=admin,
                user=users[username],
                role=role,
                joined_on=today - timedelta(days=90),
            )

    accounts: list[tuple[Client, str, str, str, int, dict[str, Any]]] = [
        (qinghe, Platform.DOUYIN, "qinghe_tea", "青禾茶饮官方", 18200, {}),
        (
            qinghe,
            Platform.WECHAT_OA,
            "gh_qinghe0001",
            "青禾茶饮",
            5300,
            {
                "oa_type": OfficialAccountType.SERVICE,
                "certification_expires_on": today + timedelta(days=25),
            },
        ),
        (
            mingyuan,
            Platform.WECHAT_OA,
            "gh_mingyuan01",
            "明远口腔健康",
            2100,
            {"oa_type": OfficialAccountType.SUBSCRIPTION},
        ),
        (
            mingyuan,
            Platform.WECHAT_OA,
            "gh_mingyuan02",
            "明远口腔预约",
            900,
            {"oa_type": OfficialAccountType.SERVICE},
        ),
        (mingyuan, Platform.WECHAT_CHANNELS, "sphMingyuan", "明远口腔", 800, {}),
        (
            beiling,
            Platform.STORE,
            "douyinshop-887766",
            "北岭农场旗舰店",
            3600,
            {
                "certification_expires_on": date(today.year + 1, 3, 15),
                "notes": "抖店营业执照与食品经营许可证资质到期日",
            },
        ),
        (beiling, Platform.LIVESTREAM, "live-beiling", "北岭农场直播间", 9100, {}),
    ]
    created = {}
    for client, platform, pid, name, followers, extra in accounts:
        created[pid] = account_actions.create_account(
            actor=admin,
            client=client,
            platform=platform,
            platform_id=pid,
            display_name=name,
            followers_at_signing=followers,
            login=f"{pid}@demo.invalid",
            password=f"Demo-{pid[:6]}-2026",
            **extra,
        )

    # Some history, so every role's page has something to show.
    manager = build_actor(users["manager"])
    credential = Credential.objects.get(account=created["qinghe_tea"])
    account_actions.reveal_credential(credential, actor=manager, reason="发布本周短视频")
    tenancy_actions.request_team_change(
        TeamMember.objects.get(client=qinghe, user=users["editor"]),
        actor=manager,
        kind=TeamChangeKind.REPLACE,
        incoming=users["editor2"],
        reason="刘佳宁转岗负责北岭直播项目，由赵明轩接手青禾的素材与排版。",
    )
    account_actions.request_account_change(
        created["gh_mingyuan01"],
        actor=build_actor(users["manager2"]),
        kind=AccountChangeKind.RENAME,
        proposed_name="明远口腔健康科普",
        reason="突出科普定位，便于搜索。",
    )
    account_actions.remind_certification_expiry(today)
    contract = _kpi_contract(today, mingyuan, created, manager=build_actor(users["manager2"]))
    _kpi_months(
        contract,
        created,
        manager=build_actor(users["manager2"]),
        finance=build_actor(users["finance"]),
        reviewer=build_actor(User.objects.get(username="mingyuan")),
    )


def _kpi_contract(
    today: date, client: Client, accounts: dict[str, Any], *, manager: Any
) -> Contract:
    """Seed 002's KPI contract (two WeChat accounts, tiers by attainment), signed, running."""
    # Started at the beginning of the month three months ago, for a year.
    month = today.month - 3
    start = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    end = date(start.year + 1, start.month, 1) - timedelta(days=1)
    a, b = accounts["gh_mingyuan01"], accounts["gh_mingyuan02"]
    terms = {
        "schema": "yunying.terms/1",
        "id": f"XH-{start.year}-002",
        "kind": "account_operation",
        "client": client.name,
        "agency": "星火代运营（杭州）有限公司",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "renewal": {"notice_days": 30},
        "accounts": {
            "A": {"platform": "wechat_oa", "name": a.display_name},
            "B": {"platform": "wechat_oa", "name": b.display_name},
        },
        "services": ["两个公众号的日常运营：选题、撰稿、排版、发布与粉丝互动", "每月运营数据报告"],
        "fees": {"fixed_monthly": "3000.00"},
        "kpis": [
            {
                "id": kpi,
                "account": key,
                "metric": metric,
                "target": target,
                "performance_pay": "300.00",
                "cap": cap,
            }
            for kpi, key, metric, target, cap in [
                ("a_growth", "A", "followers_net_growth", 400, "2.0"),
                ("b_growth", "B", "followers_net_growth", 150, "2.0"),
                ("a_calls", "A", "calls_per_follower", "0.005", "1.0"),
                ("b_calls", "B", "calls_per_follower", "0.004", "1.0"),
            ]
        ],
        "settlement": {
            "tiers": [
                {"above": "0.70", "fixed_share": "1.0", "performance": True},
                {"above": "0.50", "fixed_share": "0.8", "performance": False},
                {"fixed_share": "0.0", "performance": False},
            ]
        },
        "penalties": {"late_payment": {"percent_per_day": "0.05", "from_day": 16}},
        "windows": {
            "review_working_days": 3,
            "max_revision_rounds": 3,
            "report_day": 5,
            "payment_day": 10,
        },
        "termination": {"agency_idle_days": 7, "client_silent_working_days": 20},
        "clauses": ["liability", "confidentiality", "content_compliance", "dispute"],
    }
    contract = contract_actions.create_contract(
        actor=manager,
        client=client,
        number=f"XH-{start.year}-002",
        title="明远口腔公众号代运营合同",
        terms_data=terms,
        account_links={"A": a, "B": b},
        team=TeamMember.objects.filter(client=client, left_on__isnull=True),
    )
    return contract_actions.sign_contract(
        contract, actor=manager, signed_on=start - timedelta(days=7)
    )


# Per month of the KPI contract (oldest first): A new, A lost, A calls, B new, B lost, B calls.
# The first lands above 70 % (fixed fee plus performance), the second between 50 % and 70 %
# (80 % of the fixed fee), the third, last month's, is again above 70 %.
KPI_MONTHS = [
    (700, 100, 120, 200, 50, 20),
    (330, 80, 60, 100, 20, 30),
    (520, 70, 110, 170, 30, 45),
]


def _kpi_months(
    contract: Contract, accounts: dict[str, Any], *, manager: Any, finance: Any, reviewer: Any
) -> None:
    """Three settled months: paid, approved and awaiting payment, and sent for the client."""
    start = contract.versions.get(number=1).effective_from
    a, b = accounts["gh_mingyuan01"], accounts["gh_mingyuan02"]
    for index, (a_new, a_lost, a_calls, b_new, b_lost, b_calls) in enumerate(KPI_MONTHS):
        month = Month(
            start.year + (start.month + index - 1) // 12, (start.month + index - 1) % 12 + 1
        )
        first, last = month.start, month.end
        for account, new, lost, calls, total in (
            (a, a_new, a_lost, a_calls, 20000),
            (b, b_new, b_lost, b_calls, 10000),
        ):
            rows = [
                MetricRow(first + timedelta(days=day), "", metric, Decimal(value))
                for day in (7, 19)
                for metric, value in (
                    ("followers_new", new // 2),
                    ("followers_lost", lost // 2),
                    ("calls", calls // 2),
                )
            ]
            rows.append(MetricRow(last, "", "followers_total", Decimal(total + index * 300)))
            metric_actions.import_metrics(actor=manager, account=account, rows=rows)
        statement = settlement_actions.settle_contract(
            actor=finance, contract=contract, month=month
        )
        statement = settlement_actions.send_statement(actor=finance, statement=statement)
        if index == len(KPI_MONTHS) - 1:
            continue  # waits for the client's answer on the phone page
        statement = settlement_actions.approve_statement(actor=reviewer, statement=statement)
        if index == 0:
            invoice = Invoice.objects.get(statement=statement)
            settlement_actions.record_payment(
                actor=finance,
                invoice=invoice,
                amount=invoice.amount,
                paid_on=min(invoice.due_on, timezone.localdate()),
                reference="对公转账",
            )
