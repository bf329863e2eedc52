"""WeChat Official Account data cube (数据统计接口) as a ``MetricsSource``.

Plain Python (no Django) over ``WeChatOAClient.call``, which adds the access token and refreshes
it once when WeChat refuses it. Formats and span rules follow docs/PLATFORMS.md, "Data cube":
each endpoint takes ``begin_date``/``end_date`` with ``end - begin < max span``, so a range is
asked for in chunks of that many days.

Days: getusersummary (followers new and lost per source), getusercumulate (followers total) and
getuserread (reads, shares and favourites of all articles, the row with user_source 99999999).
Posts: getarticlesummary, one day per request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yunying.adapters.platform_data import (
    DateRangeError,
    DayData,
    Fetched,
    PostData,
    SourceError,
    days_between,
    in_shanghai,
    read_count,
    shanghai_now,
)
from yunying.adapters.wechat_oa import WeChatError, WeChatOAClient

# Data exists from this day on.
FIRST_DAY = dt.date(2014, 12, 1)
# The previous day's data is complete at this hour, China time.
COMPLETE_AT = dt.time(8, 0)
# Max span of each endpoint in days (end - begin < span).
SPANS = {"getusersummary": 7, "getusercumulate": 7, "getuserread": 3, "getarticlesummary": 1}
# getuserread's user_source for the row of all sources together.
ALL_SOURCES = 99999999
# 61500 date format error, 61501 date range error.
DATE_ERRORS = frozenset({61500, 61501})
# getusersummary's user_source codes, as the keys of extras["user_source"].
USER_SOURCES = {
    0: "other",
    1: "search",
    17: "business_card",
    30: "qr_code",
    57: "article_account_name",
    100: "wechat_ads",
    149: "mini_program",
    161: "reposts",
    200: "channels",
    201: "live",
}
# Article counts we store, from getarticlesummary's fields.
ARTICLE_METRICS = {
    "reads": "int_page_read_count",
    "shares": "share_count",
    "favourites": "add_to_fav_count",
}
# Further article counts kept as extras.
ARTICLE_EXTRAS = (
    "int_page_read_user",
    "ori_page_read_user",
    "ori_page_read_count",
    "share_user",
    "add_to_fav_user",
)


def last_complete_day(now: dt.datetime) -> dt.date:
    """The newest day whose data WeChat has completed at ``now``: yesterday from 08:00 on."""
    local = in_shanghai(now)
    days_back = 1 if local.time() >= COMPLETE_AT else 2
    return local.date() - dt.timedelta(days=days_back)


def chunks(start: dt.date, end: dt.date, span: int) -> Iterator[tuple[dt.date, dt.date]]:
    """``start..end`` cut into consecutive ranges of at most ``span`` days."""
    begin = start
    while begin <= end:
        last = min(begin + dt.timedelta(days=span - 1), end)
        yield begin, last
        begin = last + dt.timedelta(days=1)


@dataclass
class _Article:
    post_id: str
    published_on: dt.date
    title: str
    counts: dict[str, int] = field(default_factory=dict)
    # Days the article appears on in the range.
    days: list[str] = field(default_factory=list)


class WeChatDataCube:
    """One Official Account's daily figures and article figures from the data cube.

    ``now`` gives the current time (China time when naive); it decides which days are complete.
    """

    def __init__(
        self, client: WeChatOAClient, *, now: Callable[[], dt.datetime] | None = None
    ) -> None:
        self._client = client
        self._now = now or shanghai_now

    def __repr__(self) -> str:
        return f"WeChatDataCube({self._client!r})"

    def fetch(self, start: dt.date, end: dt.date) -> Fetched:
        """Every day of ``start..end`` and the articles that appear in it, or ``SourceError``."""
        self._check_range(start, end)
        summary = self._rows("getusersummary", start, end)
        cumulate = self._by_day("getusercumulate", start, end, lambda row: True)
        read = self._by_day(
            "getuserread", start, end, lambda row: row.get("user_source") == ALL_SOURCES
        )
        articles: dict[str, _Article] = {}
        for day in days_between(start, end):
            self._add_articles(articles, self._rows("getarticlesummary", day, day))

        new: dict[str, dict[str, int]] = {day.isoformat(): {} for day in days_between(start, end)}
        lost: dict[str, int] = dict.fromkeys(new, 0)
        for row in summary:
            ref_date = row.get("ref_date")
            if ref_date not in new:
                continue
            source = _source_name(row.get("user_source"))
            added = read_count(row, "new_user", "微信用户增减数据")
            new[ref_date][source] = new[ref_date].get(source, 0) + added
            lost[ref_date] += read_count(row, "cancel_user", "微信用户增减数据")

        days = []
        for day in days_between(start, end):
            key = day.isoformat()
            metrics = {
                "followers_total": read_count(cumulate[key], "cumulate_user", "微信累计用户数据"),
                "followers_new": sum(new[key].values()),
                "followers_lost": lost[key],
                "reads": read_count(read[key], "int_page_read_count", "微信图文统计数据"),
                "shares": read_count(read[key], "share_count", "微信图文统计数据"),
                "favourites": read_count(read[key], "add_to_fav_count", "微信图文统计数据"),
            }
            days.append(
                DayData(
                    date=day,
                    metrics={code: Decimal(value) for code, value in metrics.items()},
                    extras={"user_source": new[key]},
                )
            )
        posts = [
            PostData(
                post_id=article.post_id,
                # The day the article first appears in the range: getarticlesummary lists an
                # article on the days it was sent, and gives no other publishing date.
                published_on=article.published_on,
                title=article.title,
                kind="article",
                metrics={code: article.counts[code] for code in ARTICLE_METRICS},
                extras={
                    **{key: article.counts[key] for key in ARTICLE_EXTRAS if key in article.counts},
                    "days": article.days,
                },
            )
            for article in articles.values()
        ]
        return Fetched(days=days, posts=posts)

    def _check_range(self, start: dt.date, end: dt.date) -> None:
        if start > end:
            raise DateRangeError(f"日期范围颠倒：开始日 {start} 晚于结束日 {end}。")
        if start < FIRST_DAY:
            raise DateRangeError(f"微信公众号数据最早从 {FIRST_DAY} 开始，不能查询 {start}。")
        newest = last_complete_day(self._now())
        if end > newest:
            raise DateRangeError(
                f"微信公众号的数据要到次日 8 点后才完整，目前最多只能查询到 {newest}，"
                f"不能查询到 {end}。"
            )

    def _rows(self, name: str, begin: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """All rows of one endpoint for ``begin..end``, asked for in chunks of its span."""
        rows: list[dict[str, Any]] = []
        for first, last in chunks(begin, end, SPANS[name]):
            body = {"begin_date": first.isoformat(), "end_date": last.isoformat()}
            try:
                answer = self._client.call("POST", f"datacube/{name}", json=body)
            except WeChatError as exc:
                raise _source_error(name, exc) from None
            listed = answer.get("list")
            if not isinstance(listed, list) or not all(isinstance(r, dict) for r in listed):
                raise SourceError(f"微信接口 {name} 的回答里没有数据列表（list）。")
            rows += listed
        return rows

    def _by_day(
        self,
        name: str,
        start: dt.date,
        end: dt.date,
        wanted: Callable[[dict[str, Any]], bool],
    ) -> dict[str, dict[str, Any]]:
        """The wanted row of each day; a day without one is an error, never taken as zero.

        Retryable: WeChat leaves a day out when its figures are not ready (late), and nothing
        of the range is written, so trying again later is safe; a gap that stays shows up as a
        fetch that keeps failing with this message.
        """
        by_day = {
            str(row.get("ref_date")): row for row in self._rows(name, start, end) if wanted(row)
        }
        for day in days_between(start, end):
            if day.isoformat() not in by_day:
                raise SourceError(
                    f"微信接口 {name} 没有给出 {day} 的数据，可能还在统计中，稍后会重试。",
                    retryable=True,
                )
        return by_day

    def _add_articles(self, articles: dict[str, _Article], rows: list[dict[str, Any]]) -> None:
        for row in rows:
            msgid = row.get("msgid")
            ref_date = row.get("ref_date")
            if not isinstance(msgid, str) or not msgid or not isinstance(ref_date, str):
                raise SourceError("微信图文群发数据缺少 msgid 或 ref_date。")
            article = articles.get(msgid)
            if article is None:
                article = articles[msgid] = _Article(
                    post_id=msgid,
                    published_on=_date(ref_date),
                    title=str(row.get("title") or ""),
                    counts=dict.fromkeys(ARTICLE_METRICS, 0),
                )
            article.days.append(ref_date)
            for code, key in ARTICLE_METRICS.items():
                article.counts[code] += read_count(row, key, "微信图文群发数据")
            for key in ARTICLE_EXTRAS:
                # Kept only when given: a count WeChat leaves out was not measured.
                if key in row:
                    article.counts[key] = article.counts.get(key, 0) + read_count(
                        row, key, "微信图文群发数据"
                    )


def _source_name(code: Any) -> str:
    if isinstance(code, int) and not isinstance(code, bool):
        return USER_SOURCES.get(code, f"source_{code}")
    return f"source_{code}"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SourceError(f"微信数据里的日期 {text!r} 无法识别。") from None


def _source_error(name: str, exc: WeChatError) -> SourceError:
    # exc.errmsg is already scrubbed of the secret and the token by the client.
    detail = f"（{name}，错误码 {exc.errcode}：{exc.errmsg}）"
    if exc.errcode in DATE_ERRORS:
        return DateRangeError(f"微信拒绝了查询的日期范围{detail}", code=exc.errcode)
    if exc.retryable:
        return SourceError(
            f"微信暂时无法提供数据，稍后会重试{detail}", retryable=True, code=exc.errcode
        )
    return SourceError(f"微信拒绝了数据请求{detail}", code=exc.errcode)
