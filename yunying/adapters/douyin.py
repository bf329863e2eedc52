"""Douyin Open Platform (open.douyin.com): a user-token client and the account's data as a source.

Plain Python on urllib (no Django), tested against the local fake server alone. Formats follow
docs/PLATFORMS.md, "Douyin Open Platform": answers come in an envelope ``{"data": {...,
"error_code", "description"}, "extra": {"error_code", "sub_error_code", "logid", "now"}}``; the
user's access token goes in the ``access-token`` header; it lasts 15 days and is renewed with the
refresh token (30 days) through ``/oauth/refresh_token/``. A refresh token that has run out
means the account's owner must authorise us again.

Error codes from Douyin's status-code page: the "new" codes (28xxxxxx) and the "old" ones
(21xxxxx, 10xxx) both still occur, depending on the endpoint's age.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from http.client import HTTPException
from typing import Any

from yunying.adapters.platform_data import (
    SHANGHAI,
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
from yunying.adapters.secret import Secret

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://open.douyin.com"

# The access token was refused (expired or invalid): refresh it and try the call once more.
# 28001008 expired (new), 2190008 and 10008 expired (old), 2190002 invalid (old).
TOKEN_ERRORS = frozenset({28001008, 2190008, 10008, 2190002})
# The same call may succeed later: 28001005 busy, 28001006 network, 28001052 risk control
# ("slow down"), 28003017 quota used up, 28003018 too many requests (new); 2100004 busy and
# 2190001 quota used up (old).
RETRYABLE_ERRORS = frozenset({28001005, 28001006, 28001052, 28003017, 28003018, 2100004, 2190001})
# Refreshing is impossible: 10010 refresh token expired, 10020 renewals used up.
REAUTHORISE_ERRORS = frozenset({10010, 10020})

# What the sync asks the account's owner to allow: who they are, their videos and their data.
SCOPES = ("user_info", "video.list.bind", "data.external.user")
# Douyin's web authorisation page (PC): the owner scans the QR code with the Douyin app.
AUTHORISE_PATH = "platform/oauth/connect/"


def authorise_url(
    base_url: str, client_key: str, redirect_uri: str, state: str, scopes: tuple[str, ...] = SCOPES
) -> str:
    """Where to send the account's owner to authorise the app; Douyin then redirects the browser
    to ``redirect_uri`` with ``code`` and ``state`` (or ``error`` when the owner declines)."""
    query = urllib.parse.urlencode(
        {
            "client_key": client_key,
            "response_type": "code",
            "scope": ",".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{base_url.rstrip('/')}/{AUTHORISE_PATH}?{query}"


# A token this close to its expiry is refreshed before use, so no call starts with a token that
# dies in flight; far below the 15 days a token lasts.
REFRESH_MARGIN = 600.0

# The user-data endpoints serve the last 7, 15 or 30 days, ending yesterday.
DATE_TYPES = (7, 15, 30)
# Per endpoint of /data/external/user/<name>/: our metric code for each field of a day's row.
USER_METRICS = {
    "fans": {"total_fans": "followers_total", "new_fans": "followers_new"},
    "like": {"new_like": "likes"},
    "comment": {"new_comment": "comments"},
    "share": {"new_share": "shares"},
    "item": {"new_play": "plays"},
}
# Fields of the item endpoint kept as extras, by their names in extras.
ITEM_EXTRAS = {"new_issue": "videos_published", "total_issue": "videos_total"}
VIDEO_LIST_PATH = "api/douyin/v1/video/video_list/"
VIDEO_PAGE_SIZE = 20
# Video statistics we store (PostData.metrics); collect_count is in newer answers only.
VIDEO_METRICS = {
    "play_count": "plays",
    "digg_count": "likes",
    "comment_count": "comments",
    "share_count": "shares",
}
VIDEO_OPTIONAL_METRICS = {"collect_count": "favourites"}
# Further statistics kept as extras when given.
VIDEO_EXTRAS = ("download_count", "forward_count")


@dataclass(frozen=True)
class DouyinTokens:
    """A user's authorisation: tokens and when they expire (epoch seconds)."""

    access_token: str
    refresh_token: str
    expires_at: float
    refresh_expires_at: float

    def __repr__(self) -> str:
        # Tokens are credentials: never in logs, error pages or captured frames.
        return (
            f"DouyinTokens(access_token=<hidden>, refresh_token=<hidden>, "
            f"expires_at={self.expires_at!r}, refresh_expires_at={self.refresh_expires_at!r})"
        )


class DouyinClient:
    """Douyin's API on behalf of one authorised user.

    Keeps the user's tokens current: refreshes them when they are about to expire or when a call
    is refused for the token, then calls ``on_refresh`` with the new tokens so they can be stored
    (the refresh token is not renewed by refreshing; a lost new access token only costs another
    refresh). ``tokens`` is None before the user has authorised us (see ``exchange_code``).
    """

    def __init__(
        self,
        base_url: str,
        client_key: str,
        client_secret: str,
        tokens: DouyinTokens | None,
        *,
        on_refresh: Callable[[DouyinTokens], None] | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 10,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            # urllib would also open file: and custom schemes.
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        self.client_key = client_key
        self._base_url = base_url.rstrip("/")
        self._secret = Secret(client_secret)
        self._tokens = tokens
        self._on_refresh = on_refresh
        self._clock = clock
        self._timeout = timeout
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DouyinClient(client_key={self.client_key!r}, base_url={self._base_url!r})"

    @property
    def tokens(self) -> DouyinTokens | None:
        """The current tokens (after any refresh)."""
        return self._tokens

    # -- authorisation --------------------------------------------------------------------------

    def exchange_code(self, code: str) -> tuple[str, DouyinTokens]:
        """Turn the code from the user's authorisation into tokens; return (open_id, tokens).

        The tokens become this client's and are passed to ``on_refresh`` like refreshed ones.
        """
        issued_at = self._clock()
        form = {
            "client_key": self.client_key,
            "client_secret": self._secret.reveal(),
            "code": code,
            "grant_type": "authorization_code",
        }
        data = self._request("POST", "oauth/access_token/", form=form)
        open_id = data.get("open_id")
        if not isinstance(open_id, str) or not open_id:
            raise SourceError("抖音授权结果里没有 open_id。", retryable=True)
        tokens = self._tokens_from(data, issued_at)
        self._store(tokens)
        return open_id, tokens

    def _current(self) -> DouyinTokens:
        """Tokens fit for a call: refreshed first when the access token is about to expire."""
        tokens = self._tokens
        if tokens is None:
            raise SourceError("该抖音账号还没有授权，请先完成授权。")
        if self._clock() < tokens.expires_at - REFRESH_MARGIN:
            return tokens
        return self._refresh_unless_done(tokens)

    def _refresh_unless_done(self, stale: DouyinTokens) -> DouyinTokens:
        with self._lock:
            # Another thread may have refreshed while we waited for the lock.
            if self._tokens is not None and self._tokens is not stale:
                return self._tokens
            return self._refresh_locked()

    def _refresh_locked(self) -> DouyinTokens:
        tokens = self._tokens
        if tokens is None:
            raise SourceError("该抖音账号还没有授权，请先完成授权。")
        issued_at = self._clock()
        if issued_at >= tokens.refresh_expires_at:
            raise _reauthorise(None)
        form = {
            "client_key": self.client_key,
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
        }
        try:
            data = self._request("POST", "oauth/refresh_token/", form=form)
        except SourceError as exc:
            if exc.code in REAUTHORISE_ERRORS:
                raise _reauthorise(exc.code) from None
            raise
        fresh = self._tokens_from(data, issued_at)
        self._store(fresh)
        log.info("Douyin access token refreshed for client %s", self.client_key)
        return fresh

    def _tokens_from(self, data: Mapping[str, Any], issued_at: float) -> DouyinTokens:
        access_token = data.get("access_token")
        refresh_token = data.get("refresh_token")
        expires_in = _seconds(data.get("expires_in"))
        refresh_expires_in = _seconds(data.get("refresh_expires_in"))
        if (
            not isinstance(access_token, str)
            or not access_token
            or not isinstance(refresh_token, str)
            or not refresh_token
            or expires_in is None
            or refresh_expires_in is None
        ):
            raise SourceError("抖音的令牌回答不完整（缺少令牌或有效期）。", retryable=True)
        return DouyinTokens(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=issued_at + expires_in,
            # Refreshing keeps the refresh token's expiry: the answer counts what is left.
            refresh_expires_at=issued_at + refresh_expires_in,
        )

    def _store(self, tokens: DouyinTokens) -> None:
        self._tokens = tokens
        if self._on_refresh is not None:
            self._on_refresh(tokens)

    # -- calls ----------------------------------------------------------------------------------

    def get(self, path: str, query: Mapping[str, str]) -> dict[str, Any]:
        """GET an endpoint with the user's token; return the answer's ``data`` object.

        A refused token is refreshed and the call repeated once; a second refusal is raised.
        """
        tokens = self._current()
        try:
            return self._request("GET", path, query=query, token=tokens.access_token)
        except SourceError as exc:
            if exc.code not in TOKEN_ERRORS:
                raise
            log.warning("Douyin refused the access token (error %s); refreshing", exc.code)
        tokens = self._refresh_unless_done(tokens)
        return self._request("GET", path, query=query, token=tokens.access_token)

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        token: str = "",
    ) -> dict[str, Any]:
        url = f"{self._base_url}/{path.lstrip('/')}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json"}
        body: bytes | None = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            headers["Content-Type"] = "application/json"
        if token:
            headers["access-token"] = token
        # The scheme was checked in __init__.
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        # Raised "from None": urllib's exceptions may carry the request, and with it the token.
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 429:
                raise SourceError(
                    f"抖音提示请求太频繁，稍后会重试（{path}，HTTP 429）。", retryable=True
                ) from None
            raise SourceError(
                f"抖音接口 {path} 回答了 HTTP {exc.code}。", retryable=exc.code >= 500
            ) from None
        except (OSError, HTTPException) as exc:
            raise SourceError(
                self._scrub(f"连不上抖音接口 {path}，稍后会重试（{type(exc).__name__}）。", token),
                retryable=True,
            ) from None
        try:
            envelope = jsonlib.loads(raw)
        except ValueError:
            envelope = None
        data = envelope.get("data") if isinstance(envelope, dict) else None
        if not isinstance(data, dict):
            # Usually a gateway's error page in place of Douyin's answer.
            raise SourceError(f"抖音接口 {path} 的回答无法识别，稍后会重试。", retryable=True)
        extra = envelope.get("extra") if isinstance(envelope.get("extra"), dict) else {}
        code = _code(data.get("error_code")) or _code(extra.get("error_code"))
        if code:
            description = data.get("description") or extra.get("description") or ""
            detail = f"{path}，错误码 {code}：{description}"
            if extra.get("logid"):
                detail += f"，logid {extra['logid']}"
            raise SourceError(
                self._scrub(f"抖音拒绝了请求（{detail}）。", token),
                retryable=code in RETRYABLE_ERRORS,
                code=code,
            )
        return data

    def _scrub(self, text: str, token: str) -> str:
        refresh = self._tokens.refresh_token if self._tokens else ""
        for value in (self._secret.reveal(), token, refresh):
            if value:
                text = text.replace(value, "***")
        return text


def _reauthorise(code: int | None) -> SourceError:
    return SourceError(
        "抖音授权已过期，无法再自动续期，请让账号主人重新授权。", retryable=False, code=code
    )


def _code(value: Any) -> int:
    """An error code as a number (Douyin sends numbers or strings; "0" and absent mean none)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        # Something is wrong, but not which error: a code no list knows, not retryable.
        return -1


def _seconds(value: Any) -> int | None:
    # expires_in arrives as a number in some answers and as a string in others.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class DouyinDataSource:
    """One Douyin account's daily figures and recent videos as a ``MetricsSource``.

    Days come from the user-data endpoints (``data.external.user`` scope), which serve only the
    last 7, 15 or 30 days counted back from yesterday, so older ranges are refused. ``now``
    gives the current time (China time when naive); yesterday is taken as complete, as Douyin
    documents its user data as produced the next day. ``with_posts=False`` skips the video list
    (reported as going offline; its failure would otherwise fail the whole fetch).
    """

    def __init__(
        self,
        client: DouyinClient,
        open_id: str,
        *,
        now: Callable[[], dt.datetime] | None = None,
        with_posts: bool = True,
    ) -> None:
        self._client = client
        self.open_id = open_id
        self._now = now or shanghai_now
        self._with_posts = with_posts

    def __repr__(self) -> str:
        return f"DouyinDataSource({self._client!r}, open_id={self.open_id!r})"

    def fetch(self, start: dt.date, end: dt.date) -> Fetched:
        """Every day of ``start..end`` and the videos created in it, or ``SourceError``."""
        date_type = self.date_type(start, end)
        query = {"open_id": self.open_id, "date_type": str(date_type)}
        days = days_between(start, end)
        metrics: dict[dt.date, dict[str, Decimal]] = {day: {} for day in days}
        extras: dict[dt.date, dict[str, Any]] = {day: {} for day in days}
        for name, fields in USER_METRICS.items():
            path = f"data/external/user/{name}/"
            rows = self._rows_by_day(path, self._client.get(path, query), days)
            for day in days:
                row = rows[day]
                for key, code in fields.items():
                    metrics[day][code] = Decimal(read_count(row, key, f"抖音 {path} 数据"))
                if name == "item":
                    for key, label in ITEM_EXTRAS.items():
                        if key in row:
                            extras[day][label] = read_count(row, key, f"抖音 {path} 数据")
        posts = self._videos(start, end) if self._with_posts else []
        return Fetched(
            days=[DayData(date=day, metrics=metrics[day], extras=extras[day]) for day in days],
            posts=posts,
        )

    def date_type(self, start: dt.date, end: dt.date) -> int:
        """The smallest window (7, 15 or 30 days back from yesterday) that covers the range;
        ``DateRangeError`` when none can."""
        if start > end:
            raise DateRangeError(f"日期范围颠倒：开始日 {start} 晚于结束日 {end}。")
        today = in_shanghai(self._now()).date()
        yesterday = today - dt.timedelta(days=1)
        if end > yesterday:
            raise DateRangeError(
                f"抖音的数据次日才产出，目前最多只能查询到 {yesterday}，不能查询到 {end}。"
            )
        for date_type in DATE_TYPES:
            if start >= today - dt.timedelta(days=date_type):
                return date_type
        oldest = today - dt.timedelta(days=DATE_TYPES[-1])
        raise DateRangeError(f"抖音只提供最近 30 天的数据（{oldest} 起），不能查询 {start}。")

    def _rows_by_day(
        self, path: str, data: Mapping[str, Any], days: list[dt.date]
    ) -> dict[dt.date, Mapping[str, Any]]:
        listed = data.get("result_list")
        if not isinstance(listed, list):
            raise SourceError(f"抖音接口 {path} 的回答里没有 result_list。")
        rows: dict[dt.date, Mapping[str, Any]] = {}
        for row in listed:
            try:
                rows[dt.date.fromisoformat(str(row.get("date")))] = row
            except (AttributeError, ValueError):
                raise SourceError(f"抖音接口 {path} 的数据里有无法识别的日期。") from None
        for day in days:
            if day not in rows:
                # Retryable: the usual cause is a day Douyin has not produced yet; nothing of
                # the range is written, and a gap that stays keeps failing with this message.
                raise SourceError(
                    f"抖音接口 {path} 没有给出 {day} 的数据，可能还在统计中，稍后会重试。",
                    retryable=True,
                )
        return rows

    def _videos(self, start: dt.date, end: dt.date) -> list[PostData]:
        """Videos created within ``start..end`` (China dates), with their counts as of now.

        The list runs newest first after any pinned videos, so paging stops at the first
        unpinned video created before ``start``.
        """
        posts: list[PostData] = []
        cursor = 0
        while True:
            query = {
                "open_id": self.open_id,
                "cursor": str(cursor),
                "count": str(VIDEO_PAGE_SIZE),
            }
            data = self._client.get(VIDEO_LIST_PATH, query)
            items = data.get("list") or []
            if not isinstance(items, list):
                raise SourceError("抖音视频列表的回答格式不对（list）。")
            older_seen = False
            for item in items:
                post = _video(item)
                if start <= post.published_on <= end:
                    posts.append(post)
                elif post.published_on < start and not item.get("is_top"):
                    older_seen = True
            next_cursor = data.get("cursor")
            if not data.get("has_more") or older_seen:
                return posts
            if not isinstance(next_cursor, int) or next_cursor <= cursor:
                # A cursor that does not move on would page forever.
                raise SourceError("抖音视频列表的翻页游标没有前进，已停止读取。")
            cursor = next_cursor


def _video(item: Any) -> PostData:
    what = "抖音视频列表数据"
    if not isinstance(item, dict):
        raise SourceError(f"{what}格式不对。")
    item_id = item.get("item_id")
    created = item.get("create_time")
    statistics = item.get("statistics")
    if not isinstance(item_id, str) or not item_id or not isinstance(created, int):
        raise SourceError(f"{what}缺少 item_id 或 create_time。")
    if not isinstance(statistics, dict):
        raise SourceError(f"{what}缺少 statistics。")
    return PostData(
        post_id=item_id,
        # The creation day in China, Douyin's own day.
        published_on=dt.datetime.fromtimestamp(created, SHANGHAI).date(),
        title=str(item.get("title") or ""),
        kind="video",
        # Lifetime counts as of the fetch, not the range's share: the list gives nothing else.
        metrics={
            **{code: read_count(statistics, key, what) for key, code in VIDEO_METRICS.items()},
            **{
                code: read_count(statistics, key, what)
                for key, code in VIDEO_OPTIONAL_METRICS.items()
                if key in statistics
            },
        },
        extras={
            **{key: read_count(statistics, key, what) for key in VIDEO_EXTRAS if key in statistics},
            "is_top": bool(item.get("is_top")),
            "share_url": str(item.get("share_url") or ""),
        },
    )
