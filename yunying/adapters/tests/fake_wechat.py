"""A local fake of the WeChat Official Account API, for any test that talks to WeChat.

A real HTTP server (ThreadingHTTPServer on 127.0.0.1, a free port) that checks requests against
the documented formats (docs/PLATFORMS.md, "WeChat Official Account") and answers in them:
classic and stable access tokens, permanent image material, draft/add, freepublish/submit,
freepublish/get and the data cube's getusersummary, getusercumulate, getuserread and
getarticlesummary. Tests steer it (expire or invalidate tokens, exhaust quotas, fail the nth call,
script publish results, delay answers, seed data-cube rows) and assert on what it recorded.

    with FakeWeChat() as fake:
        fake.script_publish(1, 0)  # first poll: publishing; then: published
        client = fake.make_client()
        ...
        assert fake.token_fetches == 1
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import itertools
import threading
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from typing import Any

from yunying.adapters.tests.local_server import FakeHandler, FakeRequest, LocalServer
from yunying.adapters.wechat_oa import InMemoryTokenStore, WeChatOAClient

TOKEN_PATHS = frozenset({"cgi-bin/token", "cgi-bin/stable_token"})
# path -> (HTTP method, FakeWeChat method answering it)
ROUTES = {
    "cgi-bin/token": ("GET", "_classic_token"),
    "cgi-bin/stable_token": ("POST", "_stable_token"),
    "cgi-bin/material/add_material": ("POST", "_add_material"),
    "cgi-bin/draft/add": ("POST", "_draft_add"),
    "cgi-bin/freepublish/submit": ("POST", "_publish_submit"),
    "cgi-bin/freepublish/get": ("POST", "_publish_get"),
    "datacube/getusersummary": ("POST", "_datacube_rows"),
    "datacube/getusercumulate": ("POST", "_datacube_rows"),
    "datacube/getuserread": ("POST", "_datacube_rows"),
    "datacube/getarticlesummary": ("POST", "_datacube_rows"),
}
# Data-cube endpoints and their max span in days (end - begin < span).
DATACUBE_SPANS = {
    "getusersummary": 7,
    "getusercumulate": 7,
    "getuserread": 3,
    "getarticlesummary": 1,
}
DATACUBE_FIRST_DAY = dt.date(2014, 12, 1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
IMAGE_EXTENSIONS = frozenset({"bmp", "png", "jpeg", "jpg", "gif"})
IMAGE_MAX_BYTES = 2 * 1024 * 1024
# Stable tokens come with at least this many seconds left; nearer expiry a new one is issued.
STABLE_MIN_LEFT = 300


class _Refusal(Exception):
    """Answer the current request with this errcode and errmsg."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass
class Material:
    filename: str
    content_type: str
    data: bytes


@dataclass
class PublishJob:
    draft_media_id: str
    statuses: list[int]
    fail_idx: list[int] | None
    polls: int = 0


@dataclass
class _Token:
    kind: str  # "classic" or "stable"
    expires_at: float
    # "ok", "expired" (answers 42001) or "invalid" (answers 40001).
    state: str = "ok"


@dataclass(eq=False)
class FakeWeChat(LocalServer):
    appid: str = "wxfa4e0000c0ffee01"
    secret: str = "fake-app-secret-5f1d2c3b4a"
    token_ttl: int = 7200
    now: Callable[[], float] = time.time

    requests: list[FakeRequest] = field(default_factory=list)
    materials: dict[str, Material] = field(default_factory=dict)
    drafts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    jobs: dict[str, PublishJob] = field(default_factory=dict)
    token_fetches: int = 0
    forced_refreshes: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._tokens: dict[str, _Token] = {}
        self._stable: str | None = None
        self._quota: set[str] = set()
        self._refuse_every_token: int | None = None
        self._stalls: dict[str, float] = {}
        self._script: list[int] = [0]
        self._script_fail_idx: list[int] | None = None
        self._datacube: dict[str, list[dict[str, Any]]] = {name: [] for name in DATACUBE_SPANS}
        self._failures: dict[str, dict[int, tuple[int, str]]] = {}
        self._answered: Counter[str] = Counter()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(FakeHandler):
            routes = frozenset(ROUTES)

            def answer(self, request: FakeRequest) -> None:
                answer = fake.handle(request)
                delay = fake.stall_for(request.path)
                if delay:
                    time.sleep(delay)
                self.write_json(200, answer, "application/json; encoding=utf-8")

        return Handler

    def make_client(self, **overrides: Any) -> WeChatOAClient:
        """A client for this fake with its own in-memory token store."""
        options: dict[str, Any] = {"base_url": self.base_url, "token_store": InMemoryTokenStore()}
        options.update(overrides)
        return WeChatOAClient(self.appid, self.secret, **options)

    # -- steering -------------------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far is expired: the next call with one gets 42001."""
        with self._lock:
            for token in self._tokens.values():
                token.state = "expired"

    def invalidate_tokens(self) -> None:
        """Every token issued so far is invalid: the next call with one gets 40001."""
        with self._lock:
            for token in self._tokens.values():
                token.state = "invalid"

    def refuse_every_token(self, errcode: int = 40001) -> None:
        """Refuse every token, also ones issued later (as when the secret was reset meanwhile)."""
        with self._lock:
            self._refuse_every_token = errcode

    def exhaust_quota(self, *paths: str) -> None:
        """Answer 45009 on these paths (e.g. "cgi-bin/draft/add"); none given: every API path
        except the token endpoints, which must be named to be exhausted."""
        with self._lock:
            self._quota.update(paths or {"*"})

    def restore_quota(self) -> None:
        with self._lock:
            self._quota.clear()

    def stall(self, path: str, seconds: float) -> None:
        """Carry out requests to ``path`` but wait this long before answering."""
        with self._lock:
            self._stalls[path] = seconds

    def script_publish(self, *statuses: int, fail_idx: list[int] | None = None) -> None:
        """publish_status answers for jobs submitted from now on, one per freepublish/get; the
        last repeats. ``fail_idx`` defaults to every article for statuses 2, 3 and 4."""
        if not statuses:
            raise ValueError("script at least one publish_status")
        with self._lock:
            self._script = list(statuses)
            self._script_fail_idx = fail_idx

    def seed_datacube(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        """Rows the data-cube endpoint ``name`` (e.g. "getusercumulate") serves, each with its
        ``ref_date``; a request gets those whose ref_date lies in its begin..end."""
        with self._lock:
            self._datacube[name] += [dict(row) for row in rows]

    def fail_nth(self, path: str, n: int, errcode: int = -1, errmsg: str = "system error") -> None:
        """Answer the ``n``th request on ``path`` (1-based, counting those whose token was
        accepted) with this errcode instead of carrying it out."""
        with self._lock:
            self._failures.setdefault(path, {})[n] = (errcode, errmsg)

    def yesterday(self) -> dt.date:
        """The last day the data cube serves: yesterday on the fake's clock, China time."""
        today = dt.datetime.fromtimestamp(self.now(), SHANGHAI).date()
        return today - dt.timedelta(days=1)

    # -- assertions -----------------------------------------------------------------------------

    def calls(self, path: str) -> list[FakeRequest]:
        """The requests received on ``path``, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def api_calls(self) -> list[FakeRequest]:
        """Every request except token fetches."""
        with self._lock:
            return [r for r in self.requests if r.path not in TOKEN_PATHS]

    # -- request handling -----------------------------------------------------------------------

    def handle(self, request: FakeRequest) -> dict[str, Any]:
        method, name = ROUTES[request.path]
        answer: Callable[[FakeRequest], dict[str, Any]] = getattr(self, name)
        with self._lock:
            self.requests.append(request)
            try:
                if request.method != method:
                    raise _Refusal(43002 if method == "POST" else 43001, f"require {method} method")
                if request.path not in TOKEN_PATHS:
                    self._check_token(request.query.get("access_token"))
                self._answered[request.path] += 1
                failure = self._failures.get(request.path, {}).get(self._answered[request.path])
                if failure:
                    raise _Refusal(*failure)
                if request.path in self._quota or (
                    "*" in self._quota and request.path not in TOKEN_PATHS
                ):
                    raise _Refusal(45009, "reach max api daily quota limit")
                return answer(request)
            except _Refusal as refusal:
                return {"errcode": refusal.errcode, "errmsg": refusal.errmsg}

    def stall_for(self, path: str) -> float:
        with self._lock:
            return self._stalls.get(path, 0.0)

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def _check_credentials(self, grant_type: Any, appid: Any, secret: Any) -> None:
        if grant_type != "client_credential":
            raise _Refusal(40002, "invalid grant_type")
        if not appid:
            raise _Refusal(41002, "appid missing")
        if not secret:
            raise _Refusal(41004, "appsecret missing")
        if appid != self.appid:
            raise _Refusal(40013, "invalid appid")
        if secret != self.secret:
            # The documented meaning of 40001 on the token call: the AppSecret is wrong.
            raise _Refusal(40001, "invalid credential, access_token is invalid or not latest")

    def _issue(self, kind: str) -> str:
        token = f"{kind}-token-{self._next_id('')}-" + "x" * 40
        self._tokens[token] = _Token(kind=kind, expires_at=self.now() + self.token_ttl)
        self.token_fetches += 1
        return token

    def _classic_token(self, request: FakeRequest) -> dict[str, Any]:
        q = request.query
        self._check_credentials(q.get("grant_type"), q.get("appid"), q.get("secret"))
        return {"access_token": self._issue("classic"), "expires_in": self.token_ttl}

    def _stable_token(self, request: FakeRequest) -> dict[str, Any]:
        body = request.json
        if not isinstance(body, dict):
            raise _Refusal(47001, "data format error")
        self._check_credentials(body.get("grant_type"), body.get("appid"), body.get("secret"))
        force = body.get("force_refresh", False)
        if not isinstance(force, bool):
            raise _Refusal(47001, "data format error: force_refresh must be a boolean")
        current = self._tokens.get(self._stable) if self._stable else None
        if force:
            self.forced_refreshes += 1
        elif current and current.state == "ok":
            left = int(current.expires_at - self.now())
            if left >= STABLE_MIN_LEFT:
                self.token_fetches += 1
                return {"access_token": self._stable, "expires_in": left}
        if current:
            # A new stable token replaces the previous one.
            current.state = "invalid"
        self._stable = self._issue("stable")
        return {"access_token": self._stable, "expires_in": self.token_ttl}

    def _check_token(self, access_token: str | None) -> None:
        if not access_token:
            raise _Refusal(41001, "access_token missing")
        if self._refuse_every_token is not None:
            raise _Refusal(self._refuse_every_token, "access_token refused")
        token = self._tokens.get(access_token)
        if token is None or token.state == "invalid":
            raise _Refusal(40001, "invalid credential, access_token is invalid or not latest")
        if token.state == "expired" or self.now() >= token.expires_at:
            raise _Refusal(42001, "access_token expired")

    def _add_material(self, request: FakeRequest) -> dict[str, Any]:
        if request.query.get("type") != "image":
            raise _Refusal(40004, "invalid media type (the fake takes images only)")
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data") or "boundary=" not in content_type:
            raise _Refusal(41005, "media data missing: expected multipart/form-data")
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        media = None
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "media":
                media = part
        if media is None or not media.get_filename():
            raise _Refusal(41005, "media data missing: no form field 'media' with a filename")
        filename = str(media.get_filename())
        data = media.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            raise _Refusal(41005, "media data missing")
        if filename.rsplit(".", 1)[-1].lower() not in IMAGE_EXTENSIONS:
            raise _Refusal(40005, "invalid file type")
        if len(data) > IMAGE_MAX_BYTES:
            raise _Refusal(40006, "invalid media size")
        media_id = self._next_id("IMG_")
        self.materials[media_id] = Material(filename, media.get_content_type(), data)
        return {"media_id": media_id, "url": f"http://mmbiz.qpic.cn/fake/{media_id}/0"}

    def _draft_add(self, request: FakeRequest) -> dict[str, Any]:
        body = request.json
        articles = body.get("articles") if isinstance(body, dict) else None
        if not isinstance(articles, list) or not articles:
            raise _Refusal(47001, "data format error: articles must be a non-empty list")
        for article in articles:
            self._check_article(article)
        media_id = self._next_id("DRAFT_")
        self.drafts[media_id] = articles
        return {"media_id": media_id}

    def _check_article(self, article: Any) -> None:
        if not isinstance(article, dict):
            raise _Refusal(47001, "data format error: an article must be an object")
        if article.get("article_type", "news") != "news":
            raise _Refusal(47001, "data format error: the fake takes news articles only")
        texts = ("title", "author", "digest", "content", "content_source_url", "thumb_media_id")
        for key in texts:
            if not isinstance(article.get(key, ""), str):
                raise _Refusal(47001, f"data format error: {key} must be a string")
        for key in ("need_open_comment", "only_fans_can_comment"):
            if article.get(key, 0) not in (0, 1):
                raise _Refusal(47001, f"data format error: {key} must be 0 or 1")
        title, content = article.get("title", ""), article.get("content", "")
        if not title or not content:
            raise _Refusal(47001, "data format error: title and content are required")
        if len(title) > 32:
            raise _Refusal(45003, "title size out of limit")
        if len(article.get("author", "")) > 16:
            raise _Refusal(45110, "author size out of limit")
        if len(article.get("digest", "")) > 128:
            raise _Refusal(45004, "description size out of limit")
        # Under 20,000 characters of text and under 1 MB of HTML (see wechat_oa's reading).
        if _text_length(content) >= 20_000 or len(content.encode("utf-8")) >= 1024 * 1024:
            raise _Refusal(45002, "content size out of limit")
        if article.get("thumb_media_id", "") not in self.materials:
            raise _Refusal(40007, "invalid media_id: thumb_media_id")

    def _publish_submit(self, request: FakeRequest) -> dict[str, Any]:
        body = request.json
        media_id = body.get("media_id") if isinstance(body, dict) else None
        if not isinstance(media_id, str) or media_id not in self.drafts:
            raise _Refusal(40007, "invalid media_id")
        publish_id = self._next_id("2247")
        self.jobs[publish_id] = PublishJob(media_id, list(self._script), self._script_fail_idx)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "publish_id": publish_id,
            "msg_data_id": self._next_id("22475"),
        }

    def _publish_get(self, request: FakeRequest) -> dict[str, Any]:
        body = request.json
        publish_id = body.get("publish_id") if isinstance(body, dict) else None
        job = self.jobs.get(str(publish_id)) if publish_id is not None else None
        if job is None:
            raise _Refusal(40007, "invalid publish_id")
        status = job.statuses[min(job.polls, len(job.statuses) - 1)]
        job.polls += 1
        count = len(self.drafts[job.draft_media_id])
        answer: dict[str, Any] = {"publish_id": str(publish_id), "publish_status": status}
        if status == 0:
            answer["article_id"] = f"ART_{publish_id}"
            answer["article_detail"] = {
                "count": count,
                "item": [
                    {"idx": idx, "article_url": self.article_url(str(publish_id), idx)}
                    for idx in range(1, count + 1)
                ],
            }
            answer["fail_idx"] = []
        elif status in (2, 3, 4):
            fail_idx = job.fail_idx if job.fail_idx is not None else list(range(1, count + 1))
            answer["fail_idx"] = fail_idx
        else:
            answer["fail_idx"] = []
        return answer

    def _datacube_rows(self, request: FakeRequest) -> dict[str, Any]:
        name = request.path.removeprefix("datacube/")
        body = request.json
        if not isinstance(body, dict):
            raise _Refusal(47001, "data format error")
        try:
            begin = dt.date.fromisoformat(str(body.get("begin_date")))
            end = dt.date.fromisoformat(str(body.get("end_date")))
        except ValueError:
            raise _Refusal(61500, "date format error") from None
        if (
            end < begin
            or (end - begin).days >= DATACUBE_SPANS[name]
            or begin < DATACUBE_FIRST_DAY
            or end > self.yesterday()
        ):
            raise _Refusal(61501, "date range error")
        rows = [
            row
            for row in self._datacube[name]
            if begin <= dt.date.fromisoformat(row["ref_date"]) <= end
        ]
        return {"list": rows}

    @staticmethod
    def article_url(publish_id: str, idx: int) -> str:
        """The permanent link the fake gives article ``idx`` of a publish job."""
        return f"https://mp.weixin.qq.com/s/fake-{publish_id}-{idx}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.length = 0

    def handle_data(self, data: str) -> None:
        self.length += len(data)


def _text_length(html: str) -> int:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.length


def image_bytes(kind: str = "png") -> bytes:
    """A few bytes with the file signature of an image format, enough for upload tests."""
    signatures = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff\xe0", "gif": b"GIF89a"}
    return signatures[kind] + b"\x00" * 64
