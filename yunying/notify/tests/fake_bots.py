"""Local fake group-bot servers that speak WeCom, DingTalk and Feishu as documented.

Each ``FakeBotServer`` is a real HTTP server on 127.0.0.1 (a free port, in a thread) that
checks what a real platform checks — method, path, key, query, JSON shape, byte limits,
signature and clock — and answers with the platform's codes::

    with FakeBotServer("dingtalk", secret="SEC…") as server:
        add_group_bot(..., webhook=server.webhook, secret="SEC…")
        ...
        assert server.accepted[0]["markdown"]["title"] == "…"

Formats are those of docs PLATFORMS.md "Group bots". It deliberately imports nothing from the
code under test: its codes and signatures are written out here from the documentation, so a
mistake in ``yunying/notify/bots.py`` cannot be mirrored by the fake. Codes marked
[unverified] are not on that page (they come from public issue reports) and are used the
same way by the sender's retry table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from yunying.adapters.tests.local_server import LocalServer

Kind = Literal["wecom", "dingtalk", "feishu"]

HOUR = 3600
# Codes each platform answers; 0 is success.
WECOM_BAD_KEY = 93000  # "invalid webhook url" [unverified]
WECOM_TOO_LONG = 40058
WECOM_THROTTLED = 45009  # "api freq out of limit" [unverified]
DINGTALK_BAD_SIGN = 310000
DINGTALK_BAD_TOKEN = 300001  # "token is not exist" [unverified]
DINGTALK_TOO_LONG = 460101  # "body 大小不合法 … 20000bytes" [unverified]
DINGTALK_THROTTLED = 410100  # "send too fast" [unverified]
FEISHU_BAD_SIGN = 19021
FEISHU_BAD_HOOK = 19001  # "incoming webhook access token invalid" [unverified]
FEISHU_TOO_LONG = 19036  # "message exceeds the size limit" [unverified]
FEISHU_THROTTLED = 11232
BAD_REQUEST = {"wecom": 40035, "dingtalk": 40035, "feishu": 9499}  # [unverified]

# Per bot: (messages, seconds) windows; DingTalk then stays throttled for ten minutes.
RATE_LIMITS: dict[str, tuple[tuple[int, int], ...]] = {
    "wecom": ((20, 60),),
    "dingtalk": ((20, 60),),
    "feishu": ((100, 60), (5, 1)),
}
DINGTALK_PENALTY = 600


@dataclass
class Received:
    """One request that reached the fake, and the code it was answered with (0 = accepted)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    payload: Any
    code: int
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0


class Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class FakeBotServer(LocalServer):
    """A fake WeCom, DingTalk or Feishu group bot; use it as a context manager.

    ``key`` is WeCom's ``key``, DingTalk's ``access_token`` or Feishu's hook id (made up when
    not given). With a ``secret`` DingTalk and Feishu requests must carry a valid signature
    from within an hour of ``clock()``. Set ``throttled = True`` to answer "throttled".
    """

    kind: Kind
    secret: str = ""
    key: str = ""
    clock: Callable[[], float] = time.time
    throttled: bool = False
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _sent_at: deque[float] = field(default_factory=deque, repr=False)
    _penalty_until: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in RATE_LIMITS:
            raise ValueError(f"unknown bot kind {self.kind!r}")
        if not self.key:
            self.key = str(uuid.uuid4()) if self.kind == "feishu" else uuid.uuid4().hex

    # --- life cycle ---------------------------------------------------------------------------

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request line holds the key; keep it out of test output

        return Handler

    @property
    def webhook(self) -> str:
        """The webhook URL as the platform's console shows it (without signature)."""
        if self.kind == "wecom":
            return f"{self.base_url}/cgi-bin/webhook/send?key={self.key}"
        if self.kind == "dingtalk":
            return f"{self.base_url}/robot/send?access_token={self.key}"
        return f"{self.base_url}/open-apis/bot/v2/hook/{self.key}"

    @property
    def accepted(self) -> list[Any]:
        """Payloads of the messages the group would show."""
        with self._lock:
            return [r.payload for r in self.received if r.ok]

    # --- one request --------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urllib.parse.urlsplit(handler.path)
        pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        query = dict(pairs)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        if handler.command != "POST":
            handler.send_error(405)
            return
        if not self._known_path(split.path):
            handler.send_error(404)
            return
        payload: Any = None
        try:
            payload = self._check(split.path, query, handler.headers, body)
            code, reason = 0, ""
        except Refused as refusal:
            code, reason = refusal.code, refusal.reason
        with self._lock:
            self.received.append(
                Received(
                    handler.command,
                    split.path,
                    query,
                    dict(handler.headers.items()),
                    body,
                    payload,
                    code,
                    reason,
                )
            )
        if self.kind == "feishu":
            answer: dict[str, Any] = {"code": code, "msg": reason or "success", "data": {}}
        else:
            answer = {"errcode": code, "errmsg": reason or "ok"}
        data = json.dumps(answer).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _known_path(self, path: str) -> bool:
        if self.kind == "wecom":
            return path == "/cgi-bin/webhook/send"
        if self.kind == "dingtalk":
            return path == "/robot/send"
        return path.startswith("/open-apis/bot/v2/hook/")

    def _check(self, path: str, query: dict[str, str], headers: Any, body: bytes) -> Any:
        bad_request = BAD_REQUEST[self.kind]
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            raise Refused(bad_request, "content type must be application/json")
        self._check_key(path, query)
        self._check_size(body)
        try:
            payload = json.loads(body.decode("utf-8"))
        except ValueError as exc:
            raise Refused(bad_request, f"body is not UTF-8 JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise Refused(bad_request, "body must be a JSON object")
        if self.kind == "wecom":
            self._check_wecom(payload)
        elif self.kind == "dingtalk":
            self._check_dingtalk(query, payload)
        else:
            self._check_feishu(payload)
        self._check_rate()
        return payload

    def _check_key(self, path: str, query: dict[str, str]) -> None:
        if self.kind == "wecom" and query.get("key") != self.key:
            raise Refused(WECOM_BAD_KEY, "invalid webhook url")
        if self.kind == "dingtalk" and query.get("access_token") != self.key:
            raise Refused(DINGTALK_BAD_TOKEN, "token is not exist")
        if self.kind == "feishu" and path.rsplit("/", 1)[-1] != self.key:
            raise Refused(FEISHU_BAD_HOOK, "incoming webhook access token invalid")

    def _check_size(self, body: bytes) -> None:
        if self.kind == "dingtalk" and len(body) > 20000:
            raise Refused(DINGTALK_TOO_LONG, "body size invalid: keep it within 20000bytes")
        if self.kind == "feishu" and len(body) > 20 * 1024:
            raise Refused(FEISHU_TOO_LONG, "the message exceeds the size limit")

    def _check_rate(self) -> None:
        now = time.monotonic()
        with self._lock:
            if self.throttled or now < self._penalty_until:
                raise Refused(self._throttle_code(), "throttled")
            for count, seconds in RATE_LIMITS[self.kind]:
                if sum(1 for t in self._sent_at if now - t < seconds) >= count:
                    if self.kind == "dingtalk":
                        self._penalty_until = now + DINGTALK_PENALTY
                    raise Refused(self._throttle_code(), "throttled")
            self._sent_at.append(now)
            while self._sent_at and now - self._sent_at[0] >= 60:
                self._sent_at.popleft()

    def _throttle_code(self) -> int:
        return {"wecom": WECOM_THROTTLED, "dingtalk": DINGTALK_THROTTLED}.get(
            self.kind, FEISHU_THROTTLED
        )

    def _check_wecom(self, payload: dict[str, Any]) -> None:
        kind = payload.get("msgtype")
        limits = {"markdown": 4096, "text": 2048}
        if kind not in limits or set(payload) != {"msgtype", kind}:
            raise Refused(BAD_REQUEST["wecom"], f"invalid message: {sorted(payload)}")
        section = payload[kind]
        content = section.get("content") if isinstance(section, dict) else None
        if not isinstance(content, str) or not content:
            raise Refused(BAD_REQUEST["wecom"], f"{kind}.content missing")
        if len(content.encode("utf-8")) > limits[kind]:
            raise Refused(WECOM_TOO_LONG, f"{kind}.content exceed max length {limits[kind]}")

    def _check_dingtalk(self, query: dict[str, str], payload: dict[str, Any]) -> None:
        if self.secret:
            timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
            if not timestamp.isdigit() or abs(int(timestamp) - self.clock() * 1000) > HOUR * 1000:
                raise Refused(DINGTALK_BAD_SIGN, "invalid timestamp")
            digest = hmac.new(
                self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
            # parse_qsl already URL-decoded the sign, so an unencoded "+" arrives as " ".
            if not hmac.compare_digest(sign, base64.b64encode(digest).decode()):
                raise Refused(DINGTALK_BAD_SIGN, "sign not match")
        kind = payload.get("msgtype")
        if kind == "markdown":
            section = payload.get("markdown")
            if not (
                isinstance(section, dict)
                and isinstance(section.get("title"), str)
                and section["title"]
                and isinstance(section.get("text"), str)
                and section["text"]
            ):
                raise Refused(BAD_REQUEST["dingtalk"], "markdown needs title and text")
        elif kind == "text":
            section = payload.get("text")
            if not (isinstance(section, dict) and isinstance(section.get("content"), str)):
                raise Refused(BAD_REQUEST["dingtalk"], "text needs content")
        else:
            raise Refused(BAD_REQUEST["dingtalk"], f"unknown msgtype {kind!r}")

    def _check_feishu(self, payload: dict[str, Any]) -> None:
        if self.secret:
            timestamp, sign = payload.get("timestamp"), payload.get("sign")
            if not isinstance(timestamp, str) or not timestamp.isdigit():
                raise Refused(
                    FEISHU_BAD_SIGN, "sign match fail or timestamp is not within one hour"
                )
            key = f"{timestamp}\n{self.secret}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            fresh = abs(int(timestamp) - self.clock()) <= HOUR
            if not (fresh and isinstance(sign, str) and hmac.compare_digest(sign, expected)):
                raise Refused(
                    FEISHU_BAD_SIGN, "sign match fail or timestamp is not within one hour"
                )
        content = payload.get("content")
        if payload.get("msg_type") != "text" or not (
            isinstance(content, dict) and isinstance(content.get("text"), str) and content["text"]
        ):
            raise Refused(BAD_REQUEST["feishu"], "expected msg_type text with content.text")
