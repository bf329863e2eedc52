"""Demo platform data: four months of daily figures and posts for 青禾茶饮's two accounts and a
competitor it watches, a running contract with KPIs and a quota, and last month's report
written and published.

The series are made up but behave like real accounts (weekly rhythm, slow growth, posts every
two or three days whose plays drive the day's numbers), drawn from a fixed seed so every demo
looks the same. They go in through the same write path as an uploaded export.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from yunying.accounts import actions as account_actions
from yunying.contracts import actions as contract_actions
from yunying.core.pdf import RenderingUnavailable
from yunying.metrics import actions as metric_actions
from yunying.metrics.choices import FactSource
from yunying.metrics.mappings import DayRecord, Parsed, PostRecord
from yunying.reports import actions as report_actions
from yunying.settlement.engine import Month
from yunying.tenancy.models import Client, TeamMember

DAYS = 120
# The Douyin account gains a block of followers on a day with nothing published, 19 days ago:
# what bought followers look like, for the suspicious-engagement review to show.
BOUGHT_DAY, BOUGHT_FOLLOWERS = 101, 2400
TOPICS = [
    "秋季限定桂花乌龙上新",
    "三分钟学会在家冷萃",
    "门店探访：西湖店的一天",
    "茶饮师的拉花小技巧",
    "会员日第二杯半价",
    "新品试喝员招募",
    "一杯果茶里有几种水果",
    "夜班同学的暖心奶茶",
    "茶园溯源：武夷山之行",
    "国庆出行随身茶指南",
]


COMPETITOR_TOPICS = ["双杯团购开箱", "新品桂花拿铁", "门店排队实拍", "店长推荐", "周末限定"]


def _series(
    rng: random.Random, start: date, *, video: bool
) -> tuple[list[DayRecord], list[PostRecord]]:
    days: list[DayRecord] = []
    posts: list[PostRecord] = []
    total = 16_800 if video else 5_100
    for index in range(DAYS):
        day = start + timedelta(days=index)
        weekend = day.weekday() >= 5
        posted = index % 3 == 0 or (video and index % 7 == 4)
        reach = 0
        if posted:
            base = 9_000 if video else 1_300
            reach = int(base * rng.lognormvariate(0, 0.45) * (1 + index / 400))
            likes = int(reach * (0.045 if video else 0.02) * rng.uniform(0.7, 1.3))
            title = TOPICS[(index // 3) % len(TOPICS)]
            posts.append(
                PostRecord(
                    post_id=f"{'v' if video else 'a'}{day:%Y%m%d}",
                    published_on=day,
                    title=title,
                    kind="video" if video else "article",
                    likes=likes,
                    counts={
                        "plays" if video else "reads": reach,
                        "comments": int(likes * rng.uniform(0.05, 0.12)),
                        "shares": int(likes * rng.uniform(0.04, 0.1)),
                        "favourites": int(likes * rng.uniform(0.1, 0.2)),
                    },
                    extras={},
                    source="demo",
                    row=0,
                )
            )
        background = (2_400 if video else 380) * (1.25 if weekend else 1.0)
        daily_reach = int(background * rng.uniform(0.8, 1.2)) + reach
        new = int(daily_reach * (0.011 if video else 0.018) * rng.uniform(0.8, 1.2)) + 3
        if video and index == BOUGHT_DAY:
            new += BOUGHT_FOLLOWERS
        lost = int(new * rng.uniform(0.15, 0.35))
        total += new - lost
        likes = int(daily_reach * (0.04 if video else 0.02) * rng.uniform(0.8, 1.2))
        metrics = {
            "followers_total": total,
            "followers_new": new,
            "followers_lost": lost,
            "plays" if video else "reads": daily_reach,
            "likes": likes,
            "comments": int(likes * rng.uniform(0.05, 0.1)),
            "shares": int(likes * rng.uniform(0.04, 0.08)),
            "favourites": int(likes * rng.uniform(0.08, 0.15)),
        }
        if not video:
            metrics["messages"] = rng.randint(2, 12)
        days.append(DayRecord(day, {k: Decimal(v) for k, v in metrics.items()}, {}, "demo", 0))
    return days, posts


def _competitor(rng: random.Random, start: date) -> tuple[list[DayRecord], list[PostRecord]]:
    """What can be read off a competitor's public page each day: its follower total, and its
    posts' likes, comments, shares and favourites (never its plays)."""
    days, posts = [], []
    total = 23_500
    for index in range(DAYS):
        day = start + timedelta(days=index)
        total += int(rng.uniform(40, 140) * (3 if 60 <= index < 67 else 1))
        days.append(DayRecord(day, {"followers_total": Decimal(total)}, {}, "demo", 0))
        if index % 2 == 0:
            likes = int(380 * rng.lognormvariate(0, 0.6))
            posts.append(
                PostRecord(
                    post_id=f"c{day:%Y%m%d}",
                    published_on=day,
                    title=COMPETITOR_TOPICS[(index // 2) % len(COMPETITOR_TOPICS)],
                    kind="video",
                    likes=likes,
                    counts={
                        "comments": int(likes * rng.uniform(0.04, 0.1)),
                        "shares": int(likes * rng.uniform(0.03, 0.08)),
                        "favourites": int(likes * rng.uniform(0.05, 0.12)),
                    },
                    extras={},
                    source="demo",
                    row=0,
                )
            )
    return days, posts


def _seed_competitor(today: date, client: Client, *, manager: Any) -> None:
    """A rival tea brand watched on Douyin, with two months of notes the team wrote."""
    rival = account_actions.track_competitor(
        actor=manager,
        client=client,
        platform="douyin",
        platform_id="chayu_shiguang",
        display_name="茶语时光",
        notes="同城同价位的新中式茶饮，抖音团购做得早。",
    )
    days, posts = _competitor(random.Random(2027), today - timedelta(days=DAYS))  # noqa: S311
    metric_actions.store_parsed(
        actor=manager, account=rival, parsed=Parsed(days=days, posts=posts), note={"file": "demo"}
    )
    for back, text in (
        (58, "开始每晚 8 点直播，主推 9.9 元双杯团购券。"),
        (40, "上线桂花系列新品，比我们早一周。"),
        (12, "连续三条视频用同一段热门音乐，点赞明显高于平时。"),
    ):
        account_actions.add_competitor_note(
            actor=manager, account=rival, noted_on=today - timedelta(days=back), text=text
        )


def seed_metrics(today: date, client: Client, accounts: dict[str, Any], *, manager: Any) -> None:
    """Data for 青禾's Douyin and Official Account, its contract, and last month's report."""
    rng = random.Random(2026)  # noqa: S311 - made-up figures, not secrets
    start = today - timedelta(days=DAYS)
    for key, video in (("qinghe_tea", True), ("gh_qinghe0001", False)):
        days, posts = _series(rng, start, video=video)
        metric_actions.store_parsed(
            actor=manager,
            account=accounts[key],
            parsed=Parsed(days=days, posts=posts),
            source=FactSource.FILE,
            note={"file": "demo"},
        )
        metric_actions.detect_after_write(accounts[key], [day.date for day in days])
    last_month = Month.of(today.replace(day=1) - timedelta(days=1))
    start_month = Month.of(start).start
    douyin, oa = accounts["qinghe_tea"], accounts["gh_qinghe0001"]
    terms = {
        "schema": "yunying.terms/1",
        "id": f"XH-{start_month.year}-003",
        "kind": "account_operation",
        "client": client.name,
        "agency": "星火代运营（杭州）有限公司",
        "period": {
            "start": start_month.isoformat(),
            "end": date(start_month.year + 1, start_month.month, 1).isoformat(),
        },
        "accounts": {
            "D": {"platform": "douyin", "name": douyin.display_name},
            "W": {"platform": "wechat_oa", "name": oa.display_name},
        },
        "services": ["抖音短视频与公众号的日常运营", "每月运营数据报告"],
        "fees": {"fixed_monthly": "8000.00"},
        "quotas": [{"account": "D", "kind": "video", "per_month": 12, "min_likes": 300}],
        "kpis": [
            {
                "id": "d_growth",
                "account": "D",
                "metric": "followers_net_growth",
                "target": 2500,
                "performance_pay": "1500.00",
                "cap": "2.0",
            },
            {
                "id": "d_plays",
                "account": "D",
                "metric": "plays",
                "target": 250000,
                "performance_pay": "1000.00",
            },
            {
                "id": "w_reads",
                "account": "W",
                "metric": "reads",
                "target": 20000,
                "performance_pay": "500.00",
            },
        ],
        "windows": {"review_working_days": 3, "report_day": 5, "payment_day": 10},
        "clauses": ["liability", "confidentiality", "content_compliance", "dispute"],
    }
    contract = contract_actions.create_contract(
        actor=manager,
        client=client,
        number=f"XH-{start_month.year}-003",
        title="青禾茶饮抖音与公众号代运营合同",
        terms_data=terms,
        account_links={"D": douyin, "W": oa},
        team=TeamMember.objects.filter(client=client, left_on__isnull=True),
    )
    contract_actions.sign_contract(
        contract, actor=manager, signed_on=start_month - timedelta(days=5)
    )
    report_actions.write_commentary(
        actor=manager,
        client=client,
        month=last_month,
        problems="周末播放量明显高于工作日，但周末发布的视频偏少；公众号的阅读集中在推送当天，次日衰减较快。",
        suggestions="下月把两条新品视频安排在周六上午发布；公众号每周增加一篇门店故事，并在菜单栏加入会员日入口。",
    )
    _seed_competitor(today, client, manager=manager)
    # Without Pango on the machine the report stays a draft; the rest of the demo still runs.
    with contextlib.suppress(RenderingUnavailable):
        report_actions.publish(actor=manager, client=client, month=last_month)
