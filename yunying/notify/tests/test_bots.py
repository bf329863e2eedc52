"""The group-bot sender against the fake WeCom, DingTalk and Feishu servers (no database)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from yunying.notify.bots import (
    FEISHU_BODY_LIMIT,
    WECOM_CONTENT_LIMIT,
    BotError,
    BotMessage,
    BotTarget,
    build_request,
    mask,
    send,
    sign_dingtalk,
    sign_feishu,
)

from .fake_bots import FakeBotServer, Kind

DING_SECRET = "SEC" + "0f" * 30  # made up
FEISHU_SECRET = "fs-" + "9a" * 10
SECRETS = {"wecom": "", "dingtalk": DING_SECRET, "feishu": FEISHU_SECRET}
MESSAGE = BotMessage(
    title="《秋季新品》待预览", text="第一段\n**重点**：周五发布", url="https://yy.example/e/7"
)


def target(server: FakeBotServer, secret: str | None = None) -> BotTarget:
    return BotTarget(
        server.kind, server.webhook, SECRETS[server.kind] if secret is None else secret
    )


def shown_text(kind: str, payload: dict[str, Any]) -> str:
    """What the group shows of a message."""
    if kind == "wecom":
        return str(payload["markdown"]["content"])
    if kind == "dingtalk":
        return str(payload["markdown"]["text"])
    return str(payload["content"]["text"])


def test_a_wecom_message_arrives_as_markdown_with_title_text_and_link() -> None:
    with FakeBotServer("wecom") as server:
        send(target(server), MESSAGE)
    [payload] = server.accepted
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    assert content.startswith("**《秋季新品》待预览**\n第一段")
    assert content.endswith("[https://yy.example/e/7](https://yy.example/e/7)")
    assert server.received[0].query == {"key": server.key}


def test_a_dingtalk_message_is_signed_in_the_query_and_arrives_as_markdown() -> None:
    with FakeBotServer("dingtalk", secret=DING_SECRET) as server:
        send(target(server), MESSAGE)
    [request] = server.received
    assert request.ok, request.reason
    assert set(request.query) == {"access_token", "timestamp", "sign"}
    assert abs(int(request.query["timestamp"]) - time.time() * 1000) < 60_000
    assert request.payload["markdown"]["title"] == MESSAGE.title
    assert "**重点**" in request.payload["markdown"]["text"]


def test_a_feishu_message_carries_timestamp_in_seconds_and_sign_in_the_body() -> None:
    with FakeBotServer("feishu", secret=FEISHU_SECRET) as server:
        send(target(server), MESSAGE)
    [request] = server.received
    assert request.ok, request.reason
    assert request.payload["msg_type"] == "text"
    assert abs(int(request.payload["timestamp"]) - time.time()) < 60
    assert shown_text("feishu", request.payload).endswith("https://yy.example/e/7")


def test_the_dingtalk_sign_is_url_encoded() -> None:
    # Find a moment whose signature has a "+", which unencoded would reach DingTalk as a space.
    stamp = next(
        t for t in range(1_800_000_000_000, 1_800_000_001_000) if "%2B" in sign_dingtalk("k", t)
    )
    digest = hmac.new(b"k", f"{stamp}\nk".encode(), hashlib.sha256).digest()
    assert sign_dingtalk("k", stamp) == base64.b64encode(digest).decode().replace(
        "+", "%2B"
    ).replace("/", "%2F").replace("=", "%3D")
    with FakeBotServer("dingtalk", secret="k", clock=lambda: stamp / 1000) as server:
        send(BotTarget("dingtalk", server.webhook, "k"), MESSAGE, now=lambda: stamp / 1000)
    assert server.received[0].ok, server.received[0].reason


def test_the_feishu_sign_keys_the_hmac_with_timestamp_and_secret() -> None:
    key = b"1800000000\nfs"
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert sign_feishu("fs", 1_800_000_000) == expected


@pytest.mark.parametrize(("kind", "code"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_wrong_secret_is_a_bad_signature_that_is_not_worth_retrying(
    kind: Kind, code: str
) -> None:
    with (
        FakeBotServer(kind, secret=SECRETS[kind]) as server,
        pytest.raises(BotError) as caught,
    ):
        send(target(server, secret="not-the-secret"), MESSAGE)
    assert caught.value.code == code
    assert caught.value.retryable is False
    assert server.accepted == []


@pytest.mark.parametrize(("kind", "code"), [("dingtalk", "310000"), ("feishu", "19021")])
def test_a_clock_more_than_an_hour_off_is_refused(kind: Kind, code: str) -> None:
    with FakeBotServer(kind, secret=SECRETS[kind]) as server:
        send(target(server), MESSAGE, now=lambda: time.time() - 3500)
        with pytest.raises(BotError) as caught:
            send(target(server), MESSAGE, now=lambda: time.time() - 3700)
    assert caught.value.code == code
    assert len(server.accepted) == 1


@pytest.mark.parametrize(
    ("kind", "code"), [("wecom", "45009"), ("dingtalk", "410100"), ("feishu", "11232")]
)
def test_a_throttled_bot_gives_an_error_worth_retrying(kind: Kind, code: str) -> None:
    with FakeBotServer(kind, secret=SECRETS[kind]) as server:
        server.throttled = True
        with pytest.raises(BotError) as caught:
            send(target(server), MESSAGE)
    assert caught.value.code == code
    assert caught.value.retryable is True


def test_the_twenty_first_wecom_message_in_a_minute_is_throttled() -> None:
    with FakeBotServer("wecom") as server:
        for _ in range(20):
            send(target(server), MESSAGE)
        with pytest.raises(BotError) as caught:
            send(target(server), MESSAGE)
    assert (caught.value.code, caught.value.retryable) == ("45009", True)


@pytest.mark.parametrize(
    ("kind", "code"), [("wecom", "93000"), ("dingtalk", "300001"), ("feishu", "19001")]
)
def test_a_wrong_key_is_refused_and_not_worth_retrying(kind: Kind, code: str) -> None:
    with FakeBotServer(kind, secret=SECRETS[kind]) as server:
        wrong = server.webhook.replace(server.key, "0" * len(server.key))
        with pytest.raises(BotError) as caught:
            send(BotTarget(server.kind, wrong, SECRETS[kind]), MESSAGE)
    assert (caught.value.code, caught.value.retryable) == (code, False)


LONG = "长文😀a" * 3000  # 1-, 3- and 4-byte characters, far beyond every limit


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu"])
def test_a_long_text_is_cut_on_a_character_boundary_keeping_title_and_link(kind: Kind) -> None:
    message = BotMessage(title="长标题", text=LONG, url="https://yy.example/e/8")
    with FakeBotServer(kind, secret=SECRETS[kind]) as server:
        send(target(server), message)
    [request] = server.received
    assert request.ok, request.reason
    shown = shown_text(kind, request.payload)
    assert "长标题" in shown
    assert shown.endswith("https://yy.example/e/8") or shown.endswith("(https://yy.example/e/8)")
    assert "…" in shown
    kept = shown.split("…")[0]
    assert LONG.startswith(kept[kept.index("长文") :])
    if kind == "wecom":
        assert len(shown.encode()) <= WECOM_CONTENT_LIMIT
        assert len(shown.encode()) > WECOM_CONTENT_LIMIT - 8  # cut at the limit, not far before
    if kind == "feishu":
        assert FEISHU_BODY_LIMIT - 8 < len(request.body) <= FEISHU_BODY_LIMIT


def test_a_text_within_the_limit_is_not_cut() -> None:
    _, body = build_request(
        BotTarget("wecom", "http://h/cgi-bin/webhook/send?key=k"),
        BotMessage(title="t", text="x" * 100, url=""),
        now=0,
    )
    assert json.loads(body)["markdown"]["content"] == "**t**\n" + "x" * 100


def test_the_fake_refuses_wecom_content_over_4096_bytes() -> None:
    """The truncation tests above mean something only if the fake enforces the limit."""
    with FakeBotServer("wecom") as server:
        body = {"msgtype": "markdown", "markdown": {"content": "长" * 1366}}  # 4098 bytes
        request = urllib.request.Request(  # noqa: S310 - the local fake
            server.webhook,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            answer = json.loads(response.read())
    assert answer["errcode"] == 40058


def test_an_unreachable_platform_is_a_network_error_worth_retrying() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=the-key-1234"
    with pytest.raises(BotError) as caught:
        send(BotTarget("wecom", webhook), MESSAGE, timeout=2)
    assert (caught.value.code, caught.value.retryable) == ("network", True)


def test_a_page_instead_of_the_platform_answer_is_an_http_error() -> None:
    with FakeBotServer("wecom") as server:
        webhook = server.webhook.replace("/webhook/send", "/webhook/nowhere")
        with pytest.raises(BotError) as caught:
            send(BotTarget("wecom", webhook), MESSAGE)
    assert (caught.value.code, caught.value.retryable) == ("http_404", False)


@pytest.mark.parametrize(
    "webhook", ["file:///etc/passwd?key=x", "http://127.0.0.1:port/cgi-bin/webhook/send?key=x"]
)
def test_only_well_formed_http_webhooks_are_opened(webhook: str) -> None:
    with pytest.raises(BotError) as caught:
        send(BotTarget("wecom", webhook), MESSAGE)
    assert (caught.value.code, caught.value.retryable) == ("bad_webhook", False)


def test_a_connection_broken_in_the_middle_of_the_answer_is_worth_retrying() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        webhook = f"http://127.0.0.1:{listener.getsockname()[1]}/cgi-bin/webhook/send?key=k"

        def answer_half() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"errc')

        thread = threading.Thread(target=answer_half)
        thread.start()
        with pytest.raises(BotError) as caught:
            send(BotTarget("wecom", webhook), MESSAGE, timeout=5)
        thread.join()
    assert (caught.value.code, caught.value.retryable) == ("network", True)


def test_errors_and_reprs_never_show_the_webhook_key_or_the_secret() -> None:
    with FakeBotServer("dingtalk", secret=DING_SECRET) as server:
        bad = target(server, secret=DING_SECRET[:-1])
        with pytest.raises(BotError) as caught:
            send(bad, MESSAGE)
    with pytest.raises(BotError) as unreachable:
        send(bad, MESSAGE, timeout=1)  # the server is gone now
    for error in (caught.value, unreachable.value):
        for text in (str(error), error.message, repr(error)):
            assert server.key not in text
            assert DING_SECRET[:-1] not in text
        # urllib's own exception holds the whole URL; it is not chained into ours.
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__
    assert server.key not in repr(bad)
    assert DING_SECRET[:-1] not in repr(bad)


def test_mask_removes_every_piece_of_the_credentials() -> None:
    bot = BotTarget("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abcd-1234", "s3cr3t")
    text = "hook https://open.feishu.cn/open-apis/bot/v2/hook/abcd-1234 id abcd-1234 key s3cr3t"
    masked = mask(text, bot)
    assert "abcd-1234" not in masked
    assert "s3cr3t" not in masked
    assert masked.count("****") == 3
