"""Demo data: one agency, three clients, seven accounts, a KPI contract with three settled
months, four months of platform data with a published monthly report, staff in every role.

Everything is written through the actions, so the demo also fills the audit log the way real
use would. Dates are relative to today, except one client's store qualification, which expires
in the spring of next year: while next year's holiday calendar is not loaded, that client shows
the calendar warning.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yunying.accounts import actions as account_actions
from yunying.accounts.choices import AccountChangeKind, OfficialAccountType, Platform
from yunying.accounts.models import Credential
from yunying.compliance import actions as compliance_actions
from yunying.contracts import actions as contract_actions
from yunying.contracts.models import Contract
from yunying.core.demo_metrics import seed_metrics
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
            # Where published reports are e-mailed (to files under var/mail/ in the demo).
            email=f"{username}@example.com",
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
    _lexicons(qinghe, mingyuan, supervisor=build_actor(users["supervisor"]))
    _editorial(today, qinghe, created, users)
    seed_metrics(today, qinghe, created, manager=manager)
    contract = _kpi_contract(today, mingyuan, created, manager=build_actor(users["manager2"]))
    _kpi_months(
        contract,
        created,
        manager=build_actor(users["manager2"]),
        finance=build_actor(users["finance"]),
        reviewer=build_actor(User.objects.get(username="mingyuan")),
    )


def _lexicons(qinghe: Client, mingyuan: Client, *, supervisor: Any) -> None:
    """The agency's own lists: a clinic's medical claims to watch, a tea brand's trademark."""
    for client, kind, term, category, severity, reason in [
        (
            mingyuan,
            "term",
            "无痛",
            "illegal_marketing",
            "warn",
            "医疗广告不得对安全性作保证；“无痛”须有医生说明的前提",
        ),
        (
            mingyuan,
            "term",
            "种植牙特价",
            "illegal_marketing",
            "block",
            "医疗服务不得以价格促销招揽患者（客户院方要求）",
        ),
        (qinghe, "whitelist", "青禾至尊", "", "", "客户的注册商标：至尊系列礼盒"),
    ]:
        compliance_actions.add_entry(
            actor=supervisor,
            client=client,
            kind=kind,
            term=term,
            category=category,
            severity=severity,
            reason=reason,
        )


def _cover(colour: tuple[int, int, int]) -> ContentFile[bytes]:
    """A plain cover image in WeChat's 2.35:1 shape (no text: the demo ships no fonts)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 383), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((620, 60, 880, 320), fill=(255, 255, 255))
    draw.rectangle((60, 150, 500, 190), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="cover.png")


def _editorial(
    today: date, client: Client, created: dict[str, Any], users: dict[str, User]
) -> None:
    """青禾's content plan: slots, weekday columns, and items at every step of the pipeline."""
    from yunying.editorial import actions as ed
    from yunying.editorial.choices import State

    editor, writer = build_actor(users["editor"]), build_actor(users["writer"])
    supervisor = build_actor(users["supervisor"])
    reviewer = build_actor(User.objects.get(username="qinghe"))
    manager = build_actor(users["manager"])
    oa, douyin = created["gh_qinghe0001"], created["qinghe_tea"]
    for start, end in ((time(11), None), (time(15), time(17)), (time(20), None)):
        ed.save_push_slot(actor=manager, client=client, starts_at=start, ends_at=end)
    columns = {
        name: ed.save_column(
            actor=manager,
            client=client,
            name=name,
            weekdays=days,
            owner=users[owner],
            description=description,
        )
        for name, days, owner, description in (
            ("新品速递", [1], "writer", "每周一介绍当季新品"),
            ("茶饮小课堂", [3], "writer", "茶叶与配料知识"),
            ("门店活动", [5], "editor", "本周门店优惠与活动"),
        )
    }
    cover = ed.upload_material(
        actor=editor,
        client=client,
        kind="image",
        title="秋季新品主视觉",
        file=_cover((196, 120, 60)),  # type: ignore[arg-type]
        owner="client",
        licence_note="甲方提供，授权用于官方账号",
    )

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def article(title: str, body: str, column: str, slot: str, when: datetime) -> Any:
        return ed.create_item(
            actor=editor,
            client=client,
            kind="wechat_article",
            draft=ed.Draft(title=title, body=body, cover=cover),
            accounts=[oa],
            column=columns[column],
            article_slot=slot,
            planned_at=when,
        )

    def move(item: Any, *steps: tuple[Any, str]) -> None:
        for who, target in steps:
            ed.transition(actor=who, item=item, target=target)

    to_client = (
        (editor, State.SELECTED),
        (writer, State.EDITING),
        (writer, State.LAYOUT_REVIEW),
        (writer, State.TEAM_PREVIEW),
        (writer, State.SUPERVISOR_REVIEW),
        (supervisor, State.CLIENT_REVIEW),
    )
    last_monday = today - timedelta(days=today.weekday() + 7)
    published = article(
        "桂花乌龙上新：一口秋天的香气",
        "<h2>秋季限定</h2><p>精选桂花与高山乌龙，冷泡热饮皆宜。</p>",
        "新品速递",
        "A",
        at(last_monday, 11),
    )
    move(published, *to_client, (reviewer, State.SCHEDULED))
    ed.record_publication(
        actor=editor,
        item=published,
        url="https://mp.weixin.qq.com/s/demo-osmanthus",
        published_at=at(last_monday, 11),
    )
    ed.score_item(
        actor=supervisor,
        item=published,
        marks={"content": 9, "layout": 8, "timeliness": 9, "compliance": 10},
        comment="选题应季，排版清爽。",
    )
    next_monday = today + timedelta(days=7 - today.weekday())
    scheduled = article(
        "冬日暖饮指南：五款热饮怎么选",
        "<p>天冷了，这五款热饮各有风味。</p>",
        "茶饮小课堂",
        "B",
        at(next_monday + timedelta(days=2), 20),
    )
    move(scheduled, *to_client, (reviewer, State.SCHEDULED))
    waiting = article(
        "门店周年庆：第二杯半价",
        "<p>本周五起，全城门店第二杯半价，活动持续三天。</p>",
        "门店活动",
        "A",
        at(next_monday + timedelta(days=4), 11),
    )
    move(waiting, *to_client)
    returned = article(
        "奶茶配料表怎么看",
        "<p>配料表按含量从高到低排列，先看前三位。</p>",
        "茶饮小课堂",
        "B",
        at(next_monday + timedelta(days=9), 20),
    )
    move(returned, *to_client)
    ed.client_return(
        actor=reviewer,
        item=returned,
        summary="请补充我们门店使用的奶源信息。",
        anchors=[
            ed.Anchor(body="这里加上我们的奶源", part="body", quote="配料表按含量从高到低排列")
        ],
    )
    editing = article(
        "新品预告：芝士葡萄回归",
        "<p>草稿</p>",
        "新品速递",
        "A",
        at(next_monday, 11),
    )
    move(editing, (editor, State.SELECTED), (writer, State.EDITING))
    video = ed.create_item(
        actor=editor,
        client=client,
        kind="douyin_video",
        draft=ed.Draft(
            title="30 秒看懂一杯手作奶茶",
            script="镜头一：茶汤萃取；镜头二：加奶；镜头三：封口出杯。",
            subtitles="好茶现泡，一杯一封。",
            voiceover="青禾的每一杯，都从现泡茶汤开始。",
            music="轻快吉他，无版权风险曲库",
            cover=cover,
        ),
        accounts=[douyin],
        planned_at=at(next_monday + timedelta(days=1), 18),
    )
    move(video, *to_client[:5])
    ed.create_item(
        actor=editor,
        client=client,
        kind="wechat_article",
        draft=ed.Draft(title="素材：顾客手写卡片合集", body="<p>门店收集的 20 张顾客卡片</p>"),
        accounts=[oa],
    )
    ed.submit_intake(
        actor=reviewer,
        client=client,
        title="元旦新品发布会预热",
        kind="wechat_article",
        channel="free",
        description="12 月 28 日发布会，需要一篇预热文章和一条短视频。",
        department="市场部",
        desired_date=today + timedelta(days=20),
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
