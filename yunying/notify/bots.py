"""Messages to team group chats through WeCom, DingTalk and Feishu webhook bots.

Pure: nothing from Django, so the formats and signatures are tested in milliseconds and the
lead's browser test can point a real sender at the fake servers in ``tests/fake_bots.py``.
The request formats are those of docs PLATFORMS.md "Group bots"; codes marked [unverified]
come from public issue reports, not from that page, and are kept in the tables below so they
are easy to change.

A webhook URL is a credential (WeCom's ``key``, DingTalk's ``access_token`` and Feishu's hook
id are all it takes to post into the group), and so is the signing secret. Neither ever
appears in an exception text or a ``repr``: :func:`mask` scrubs every piece of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

BotKindName = Literal["wecom", "dingtalk", "feishu"]
KINDS: tuple[BotKindName, ...] = ("wecom", "dingtalk", "feishu")

# Size limits, in UTF-8 bytes. WeCom counts markdown.content (errcode 40058 beyond); DingTalk
# refuses bodies over 20000 bytes (errcode 460101 [unverified]); Feishu bodies are at most 20 KB.
WECOM_CONTENT_LIMIT = 4096
DINGTALK_BODY_LIMIT = 20000
FEISHU_BODY_LIMIT = 20 * 1024
# A title is a heading, not an article: longer ones are cut before the body is fitted.
TITLE_LIMIT = 128
ELLIPSIS = "…"

# Answers worth sending again later: throttled (WeCom 45009 [unverified] and -1 "system busy",
# DingTalk 410100 [unverified], Feishu 11232). Every other platform code is a lasting refusal
# (bad key, bad signature, too long) that a retry would only repeat.
RETRYABLE_CODES = frozenset({"45009", "-1", "410100", "11232"})


class BotError(Exception):
    """A message did not reach the group. ``code`` is the platform's code as text, or one of
    ``network``, ``http_<status>``, ``bad_response``, ``too_long`` for failures on the way.
    ``message`` never contains the webhook or the secret."""

    def __init__(self, code: str, message: str, retryable: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class BotTarget:
    """Where to post: the kind of bot, its webhook URL and (DingTalk, Feishu) signing secret."""

    kind: BotKindName
    webhook: str = field(repr=False)
    secret: str = field(default="", repr=False)

    def __repr__(self) -> str:
        # The dataclass repr would print the credentials into logs and tracebacks.
        return f"BotTarget(kind={self.kind!r}, webhook={hint(self.webhook)!r})"


@dataclass(frozen=True)
class BotMessage:
    """What to say: a title, the body (markdown for WeCom and DingTalk) and a link to open."""

    title: str
    text: str
    url: str = ""


def hint(value: str) -> str:
    """How a stored credential is shown: its last four characters only."""
    return f"…{value[-4:]}" if value else ""


def mask(text: str, target: BotTarget) -> str:
    """``text`` with every piece of the target's credentials replaced by ``****``."""
    parts = urllib.parse.urlsplit(target.webhook)
    pieces = {target.webhook, target.secret, parts.query, parts.path.rsplit("/", 1)[-1]}
    for values in urllib.parse.parse_qs(parts.query).values():
        pieces.update(values)
    # Longest first, so a key inside the whole URL does not leave the URL half-masked.
    for piece in sorted((p for p in pieces if len(p) >= 4), key=len, reverse=True):
        text = text.replace(piece, "****")
        text = text.replace(urllib.parse.quote(piece, safe=""), "****")
    return text


def sign_dingtalk(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign``: URL-encoded base64 HMAC-SHA256 of "timestamp\\nsecret", keyed by the
    secret."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def sign_feishu(secret: str, timestamp_s: int) -> str:
    """Feishu's ``sign``: base64 HMAC-SHA256 of nothing under the key "timestamp\\nsecret"."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _fit(text: str, fits: Callable[[str], bool]) -> str:
    """The longest prefix of ``text`` (marked with an ellipsis when cut) for which ``fits``.

    Slicing a ``str`` cuts between characters, never inside a UTF-8 sequence; the prefix is
    found by bisection because escapes make the encoded size a poor guide to where to cut.
    """
    if fits(text):
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle] + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    cut = text[:low] + ELLIPSIS
    if not fits(cut):
        raise BotError("too_long", "The title and link alone exceed the size limit.", False)
    return cut


def _link(url: str) -> str:
    return f"\n\n[{url}]({url})" if url else ""


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Each platform's builder gives the payload for a (possibly cut) text and the test of its size.
Builder = tuple[Callable[[str], dict[str, Any]], Callable[[str], bool]]


def _wecom(message: BotMessage, title: str) -> Builder:
    def content(text: str) -> str:
        return f"**{title}**\n{text}{_link(message.url)}"

    def payload(text: str) -> dict[str, Any]:
        return {"msgtype": "markdown", "markdown": {"content": content(text)}}

    return payload, lambda text: len(content(text).encode("utf-8")) <= WECOM_CONTENT_LIMIT


def _dingtalk(message: BotMessage, title: str) -> Builder:
    def payload(text: str) -> dict[str, Any]:
        body = f"### {title}\n\n{text}{_link(message.url)}"
        return {"msgtype": "markdown", "markdown": {"title": title, "text": body}}

    return payload, lambda text: len(_json(payload(text))) <= DINGTALK_BODY_LIMIT


def _feishu(message: BotMessage, title: str, target: BotTarget, now: float) -> Builder:
    timestamp = int(now)

    def payload(text: str) -> dict[str, Any]:
        lines = "\n".join(part for part in (title, text, message.url) if part)
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": lines}}
        if target.secret:
            body["timestamp"] = str(timestamp)
            body["sign"] = sign_feishu(target.secret, timestamp)
        return body

    return payload, lambda text: len(_json(payload(text))) <= FEISHU_BODY_LIMIT


def build_request(target: BotTarget, message: BotMessage, now: float) -> tuple[str, bytes]:
    """The URL and JSON body that post ``message`` through ``target`` at time ``now`` (seconds).

    The body is cut to the platform's size limit on a character boundary, keeping the title
    and the link whole, so a long preview still arrives, with the link to read it all.
    """
    title = message.title if len(message.title) <= TITLE_LIMIT else message.title[:TITLE_LIMIT]
    url = target.webhook
    if target.kind == "wecom":
        payload, fits = _wecom(message, title)
    elif target.kind == "dingtalk":
        payload, fits = _dingtalk(message, title)
        if target.secret:
            timestamp = int(now * 1000)
            joiner = "&" if urllib.parse.urlsplit(url).query else "?"
            url = (
                f"{url}{joiner}timestamp={timestamp}&sign={sign_dingtalk(target.secret, timestamp)}"
            )
    elif target.kind == "feishu":
        payload, fits = _feishu(message, title, target, now)
    else:
        raise BotError("bad_kind", f"Unknown bot kind {target.kind!r}.", False)
    return url, _json(payload(_fit(message.text, fits)))


def _answer_code(kind: BotKindName, raw: bytes) -> tuple[str, str] | None:
    """The platform's (code, message) in an answer, or None when the answer is not one."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError
        return None
    if not isinstance(data, dict):
        return None
    if kind == "feishu":
        # Older Feishu hooks answered StatusCode/StatusMessage, newer ones code/msg.
        code = data.get("code", data.get("StatusCode"))
        text = data.get("msg", data.get("StatusMessage"))
    else:
        code, text = data.get("errcode"), data.get("errmsg")
    if code is None:
        return None
    return str(code), str(text or "")


def send(
    target: BotTarget,
    message: BotMessage,
    *,
    now: Callable[[], float] = time.time,
    timeout: float = 10.0,
) -> None:
    """Post ``message``; raise :class:`BotError` unless the platform answers code 0."""
    url, body = build_request(target, message, now())
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        # urllib would also open file: and ftp: URLs; a webhook is never one.
        raise BotError("bad_webhook", "The webhook is not an http(s) URL.", False)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    # Each `from None` drops urllib's exception, which carries the full URL (the key) along.
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        # A platform may put its code into an error status; a gateway's page has none.
        raw = exc.read()
        if _answer_code(target.kind, raw) is None:
            retryable = exc.code >= 500 or exc.code == 429
            raise BotError(f"http_{exc.code}", mask(str(exc.reason), target), retryable) from None
    except (http.client.InvalidURL, ValueError):
        # A malformed host or port is refused before connecting.
        raise BotError("bad_webhook", "The webhook is not a valid URL.", False) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # Refused, reset, timed out, or the connection broke in the middle of the answer.
        reason = getattr(exc, "reason", exc)
        raise BotError("network", mask(str(reason), target), True) from None
    answer = _answer_code(target.kind, raw)
    if answer is None:
        raise BotError("bad_response", "The answer is not the platform's JSON.", True)
    code, text = answer
    if code != "0":
        raise BotError(code, mask(text, target), code in RETRYABLE_CODES)
