"""A local fake of the Douyin Open Platform, for any test that talks to Douyin.

A real HTTP server (ThreadingHTTPServer on 127.0.0.1, a free port) speaking the documented
formats (docs/PLATFORMS.md, "Douyin Open Platform"): the code exchange and token refresh
(form-encoded), the user-data endpoints (``date_type`` 7, 15 or 30 days back from yesterday on
the fake's clock, China time) and the video list (cursor paging), every answer in Douyin's
``data``/``extra`` envelope. Tests steer it (expire tokens, expire refresh tokens, rate-limit a
path, fail the nth call, seed daily rows and videos) and assert on what it recorded.

    with FakeDouyin(now=clock) as fake:
        client = fake.make_client(fake.authorise())
        ...
        assert fake.refreshes == 1
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
import urllib.parse
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from yunying.adapters.douyin import DouyinClient, DouyinTokens
from yunying.adapters.tests.local_server import FakeHandler, FakeRequest, LocalServer

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OAUTH_PATHS = frozenset({"platform/oauth/connect/", "oauth/access_token/", "oauth/refresh_token/"})
USER_DATA = ("fans", "like", "comment", "share", "item")
VIDEO_LIST = "api/douyin/v1/video/video_list/"
# path -> HTTP method
AUTHORISE = "platform/oauth/connect/"
ROUTES = {
    AUTHORISE: "GET",
    "oauth/access_token/": "POST",
    "oauth/refresh_token/": "POST",
    VIDEO_LIST: "GET",
    **{f"data/external/user/{name}/": "GET" for name in USER_DATA},
}
DATE_TYPES = frozenset({"7", "15", "30"})
VIDEO_PAGE_MAX = 20


class _Refusal(Exception):
    """Answer the current request with this error_code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class _Access:
    open_id: str
    expires_at: float
    # "ok", "expired" (answers 28001008) or "invalid" (answers 2190002).
    state: str = "ok"


@dataclass
class _Refresh:
    open_id: str
    expires_at: float
    access_token: str


@dataclass(eq=False)
class FakeDouyin(LocalServer):
    client_key: str = "awfake00d0uy1n"
    client_secret: str = "fake-douyin-client-secret-7e6d5c"
    open_id: str = "_000QadFakeOpenId-3f2e"
    token_ttl: int = 1_296_000  # 15 days
    refresh_ttl: int = 2_592_000  # 30 days
    now: Callable[[], float] = time.time

    requests: list[FakeRequest] = field(default_factory=list)
    refreshes: int = 0
    # The owner's answer on the authorisation page: consent, or this error (e.g. access_denied).
    owner_declines: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._codes: dict[str, str] = {}
        self._rate_limits: dict[str, tuple[int, bool]] = {}
        self._failures: dict[str, dict[int, tuple[int, str]]] = {}
        self._answered: Counter[str] = Counter()
        self._rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in USER_DATA}
        self._videos: list[dict[str, Any]] = []
        self._dropped: set[str] = set()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(FakeHandler):
            routes = frozenset(ROUTES)

            def answer(self, request: FakeRequest) -> None:
                status, answer = fake.handle(request)
                if status == 302:
                    self.write(302, b"", "text/plain", location=answer["location"])
                else:
                    self.write_json(status, answer, "application/json; charset=utf-8")

        return Handler

    def make_client(self, tokens: DouyinTokens | None, **overrides: Any) -> DouyinClient:
        """A client for this fake with the app's key and secret."""
        options: dict[str, Any] = {"clock": self.now}
        options.update(overrides)
        return DouyinClient(self.base_url, self.client_key, self.client_secret, tokens, **options)

    # -- steering -------------------------------------------------------------------------------

    def authorise(self) -> DouyinTokens:
        """Tokens as if the user had just authorised the app (no request recorded)."""
        with self._lock:
            access, refresh = self._issue_pair()
            return DouyinTokens(
                access_token=access,
                refresh_token=refresh,
                expires_at=self._access[access].expires_at,
                refresh_expires_at=self._refresh[refresh].expires_at,
            )

    def issue_code(self) -> str:
        """An authorisation code, as Douyin sends to the redirect URI; usable once."""
        with self._lock:
            code = f"code-{next(self._ids):06d}"
            self._codes[code] = self.open_id
            return code

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired: a call with one gets 28001008."""
        with self._lock:
            for access in self._access.values():
                access.state = "expired"

    def invalidate_access_tokens(self) -> None:
        """Every access token issued so far is invalid (revoked): a call gets 2190002."""
        with self._lock:
            for access in self._access.values():
                access.state = "invalid"

    def expire_refresh_tokens(self) -> None:
        """Every refresh token issued so far is expired: refreshing gets 10010."""
        with self._lock:
            for refresh in self._refresh.values():
                refresh.expires_at = min(refresh.expires_at, self.now())

    def rate_limit(self, path: str, times: int = 1, *, http: bool = False) -> None:
        """Refuse the next ``times`` requests on ``path`` as too frequent: error 28003018, or
        HTTP 429 with ``http``."""
        with self._lock:
            self._rate_limits[path] = (times, http)

    def fail_nth(self, path: str, n: int, code: int = 28001005, description: str = "") -> None:
        """Answer the ``n``th request on ``path`` (1-based, counting those whose token was
        accepted) with this error code instead of serving it."""
        with self._lock:
            self._failures.setdefault(path, {})[n] = (code, description or "系统繁忙")

    def drop_from_refresh_answers(self, *keys: str) -> None:
        """Leave these keys out of refresh answers, as a broken or changed Douyin would."""
        with self._lock:
            self._dropped.update(keys)

    def seed_user_data(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        """Daily rows for /data/external/user/<name>/, each with its "date" (yyyy-MM-dd); a
        later row for the same date replaces the earlier one."""
        with self._lock:
            for row in rows:
                self._rows[name][row["date"]] = dict(row)

    def add_video(
        self,
        item_id: str,
        title: str,
        created: dt.datetime,
        statistics: dict[str, int],
        *,
        is_top: bool = False,
    ) -> None:
        with self._lock:
            self._videos.append(
                {
                    "item_id": item_id,
                    "title": title,
                    "create_time": int(created.timestamp()),
                    "is_top": is_top,
                    "is_reviewed": True,
                    "share_url": f"https://www.iesdouyin.com/share/video/{item_id}/",
                    "statistics": dict(statistics),
                }
            )

    def today(self) -> dt.date:
        """Today on the fake's clock, China time."""
        return dt.datetime.fromtimestamp(self.now(), SHANGHAI).date()

    # -- assertions -----------------------------------------------------------------------------

    def calls(self, path: str) -> list[FakeRequest]:
        """The requests received on ``path``, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def api_calls(self) -> list[FakeRequest]:
        """Every request except the OAuth ones."""
        with self._lock:
            return [r for r in self.requests if r.path not in OAUTH_PATHS]

    # -- request handling -----------------------------------------------------------------------

    def handle(self, request: FakeRequest) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body answering ``request``."""
        with self._lock:
            self.requests.append(request)
            try:
                if request.method != ROUTES[request.path]:
                    raise _Refusal(28001007, f"请求方法应为 {ROUTES[request.path]}")
                if request.path == AUTHORISE:
                    return 302, {"location": self._authorise(request)}
                if request.path == "oauth/access_token/":
                    return 200, {"data": self._exchange(request), "message": "success"}
                if request.path == "oauth/refresh_token/":
                    return 200, {"data": self._refresh_answer(request), "message": "success"}
                open_id = self._check_token(request.headers.get("access-token"))
                if request.query.get("open_id") != open_id:
                    raise _Refusal(28001015, "请求参数 access_token 和 open_id 不匹配")
                self._answered[request.path] += 1
                failure = self._failures.get(request.path, {}).get(self._answered[request.path])
                if failure:
                    raise _Refusal(*failure)
                limited, as_http = self._rate_limits.get(request.path, (0, False))
                if limited:
                    self._rate_limits[request.path] = (limited - 1, as_http)
                    if as_http:
                        return 429, {"message": "Too Many Requests"}
                    raise _Refusal(28003018, "请求频率过高")
                if request.path == VIDEO_LIST:
                    return 200, self._envelope(self._video_page(request))
                return 200, self._envelope(self._user_data(request))
            except _Refusal as refusal:
                if request.path in OAUTH_PATHS:
                    data = {"error_code": refusal.code, "description": refusal.description}
                    return 200, {"data": data, "message": "error"}
                return 200, self._envelope({}, refusal.code, refusal.description)

    def _authorise(self, request: FakeRequest) -> str:
        """The owner on the authorisation page: consents (a code for this fake's user) or
        declines; either way the browser goes back to ``redirect_uri`` with ``state``."""
        query = request.query
        if query.get("client_key") != self.client_key or query.get("response_type") != "code":
            raise _Refusal(10013, "client_key 或 response_type 错误")
        if not {"data.external.user", "video.list.bind"} <= set(query.get("scope", "").split(",")):
            raise _Refusal(10005, "scope 缺少数据权限")
        state = query.get("state", "")
        if self.owner_declines:
            answer = {"error": self.owner_declines, "error_description": "用户取消授权"}
        else:
            code = f"code-{next(self._ids):06d}"
            self._codes[code] = self.open_id
            answer = {"code": code}
        separator = "&" if "?" in query.get("redirect_uri", "") else "?"
        return (
            query["redirect_uri"] + separator + urllib.parse.urlencode({**answer, "state": state})
        )

    def _envelope(
        self, data: dict[str, Any], code: int = 0, description: str = ""
    ) -> dict[str, Any]:
        return {
            "data": {**data, "error_code": code, "description": description},
            "extra": {
                "error_code": code,
                "description": description,
                "sub_error_code": 0,
                "sub_description": "",
                "logid": f"2026FAKE{next(self._ids):010d}",
                "now": int(self.now() * 1000),
            },
        }

    def _issue_pair(self) -> tuple[str, str]:
        access = f"act.fake{next(self._ids):06d}" + "a" * 30
        refresh = f"rft.fake{next(self._ids):06d}" + "r" * 30
        self._access[access] = _Access(self.open_id, self.now() + self.token_ttl)
        self._refresh[refresh] = _Refresh(self.open_id, self.now() + self.refresh_ttl, access)
        return access, refresh

    def _form(self, request: FakeRequest) -> dict[str, str]:
        if request.headers.get("content-type") != "application/x-www-form-urlencoded":
            raise _Refusal(10005, "请求格式应为 application/x-www-form-urlencoded")
        form = dict(urllib.parse.parse_qsl(request.body.decode("utf-8")))
        if form.get("client_key") != self.client_key:
            raise _Refusal(10013, "client_key 错误")
        return form

    def _exchange(self, request: FakeRequest) -> dict[str, Any]:
        form = self._form(request)
        if form.get("grant_type") != "authorization_code":
            raise _Refusal(10005, "grant_type 错误")
        if form.get("client_secret") != self.client_secret:
            raise _Refusal(10013, "client_secret 错误")
        if self._codes.pop(form.get("code", ""), None) is None:
            raise _Refusal(10007, "授权码无效或已过期")
        access, refresh = self._issue_pair()
        return {
            "access_token": access,
            "expires_in": self.token_ttl,
            "refresh_token": refresh,
            "refresh_expires_in": self.refresh_ttl,
            "open_id": self.open_id,
            "scope": "data.external.user,video.list.bind",
            "error_code": 0,
            "description": "",
        }

    def _refresh_answer(self, request: FakeRequest) -> dict[str, Any]:
        form = self._form(request)
        if form.get("grant_type") != "refresh_token":
            raise _Refusal(10005, "grant_type 错误")
        if "client_secret" in form:
            # Not part of the documented request: a client sending it leaks the secret.
            raise _Refusal(10005, "不应发送 client_secret")
        refresh = self._refresh.get(form.get("refresh_token", ""))
        if refresh is None or self.now() >= refresh.expires_at:
            raise _Refusal(10010, "refresh_token 已过期")
        self.refreshes += 1
        current = self._access.get(refresh.access_token)
        if current and current.state == "ok" and self.now() < current.expires_at:
            # A token still valid is kept and its lifetime renewed (as Douyin documents).
            current.expires_at = self.now() + self.token_ttl
        else:
            refresh.access_token = f"act.fake{next(self._ids):06d}" + "b" * 30
            self._access[refresh.access_token] = _Access(
                refresh.open_id, self.now() + self.token_ttl
            )
        # The refresh token itself stays the same, with its expiry unchanged.
        answer = {
            "access_token": refresh.access_token,
            "expires_in": str(self.token_ttl),
            "refresh_token": form["refresh_token"],
            "refresh_expires_in": str(int(refresh.expires_at - self.now())),
            "open_id": refresh.open_id,
            "scope": "data.external.user,video.list.bind",
            "error_code": 0,
            "description": "",
        }
        return {key: value for key, value in answer.items() if key not in self._dropped}

    def _check_token(self, token: str | None) -> str:
        access = self._access.get(token or "")
        if access is None or access.state == "invalid":
            raise _Refusal(2190002, "access_token无效")
        if access.state == "expired" or self.now() >= access.expires_at:
            raise _Refusal(28001008, "access_token过期,请刷新或重新授权")
        return access.open_id

    def _user_data(self, request: FakeRequest) -> dict[str, Any]:
        date_type = request.query.get("date_type", "")
        if date_type not in DATE_TYPES:
            raise _Refusal(28001007, "参数不合法: date_type 只能是 7、15 或 30")
        name = request.path.removeprefix("data/external/user/").rstrip("/")
        today = self.today()
        wanted = [today - dt.timedelta(days=n) for n in range(int(date_type), 0, -1)]
        rows = self._rows[name]
        return {"result_list": [rows[d.isoformat()] for d in wanted if d.isoformat() in rows]}

    def _video_page(self, request: FakeRequest) -> dict[str, Any]:
        try:
            cursor = int(request.query.get("cursor", "0"))
            count = int(request.query.get("count", "10"))
        except ValueError:
            raise _Refusal(28001007, "参数不合法: cursor 或 count") from None
        if not 0 < count <= VIDEO_PAGE_MAX or cursor < 0:
            raise _Refusal(28001007, "参数不合法: count 应为 1 到 20")
        # Pinned videos first, then newest first.
        ordered = sorted(self._videos, key=lambda v: (not v["is_top"], -v["create_time"]))
        page = ordered[cursor : cursor + count]
        return {
            "list": page,
            "cursor": cursor + len(page),
            "has_more": cursor + count < len(ordered),
        }
