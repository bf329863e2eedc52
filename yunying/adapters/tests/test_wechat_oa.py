"""The WeChat Official Account client against the local fake server."""

from __future__ import annotations

import json
import pickle
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yunying.adapters.tests.fake_wechat import FakeWeChat, image_bytes
from yunying.adapters.wechat_oa import (
    ArticleFieldError,
    CacheTokenStore,
    DraftArticle,
    InMemoryTokenStore,
    WeChatError,
    WeChatOAClient,
)


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    with FakeWeChat() as server:
        yield server


class Clock:
    """A hand-moved clock shared by client and fake."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def article(thumb: str, **fields: str) -> DraftArticle:
    values = {"title": "春季新品上市", "content": "<p>正文内容</p>", "author": "小编"}
    values.update(fields)
    return DraftArticle(thumb_media_id=thumb, **values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- tokens ------------------------------------------------------------------------------------


def test_one_token_serves_many_calls(fake: FakeWeChat) -> None:
    client = fake.make_client()
    for _ in range(3):
        client.upload_image(image_bytes(), "cover.png")
    assert fake.token_fetches == 1
    assert len(fake.calls("cgi-bin/material/add_material")) == 3


def test_stable_token_is_asked_for_with_the_secret_in_the_body_not_the_url(
    fake: FakeWeChat,
) -> None:
    fake.make_client().upload_image(image_bytes(), "cover.png")
    (request,) = fake.calls("cgi-bin/stable_token")
    assert request.json == {
        "grant_type": "client_credential",
        "appid": fake.appid,
        "secret": fake.secret,
        "force_refresh": False,
    }
    assert fake.secret not in str(request.query)
    assert fake.calls("cgi-bin/token") == []


def test_classic_token_endpoint_can_be_chosen(fake: FakeWeChat) -> None:
    fake.make_client(token_endpoint="classic").upload_image(image_bytes(), "cover.png")
    (request,) = fake.calls("cgi-bin/token")
    assert request.method == "GET"
    assert request.query["appid"] == fake.appid
    assert fake.calls("cgi-bin/stable_token") == []


def test_token_near_its_expiry_is_replaced_before_the_call() -> None:
    clock = Clock()
    with FakeWeChat(now=clock) as fake:
        client = fake.make_client(now=clock)
        client.upload_image(image_bytes(), "cover.png")
        first = client.access_token()
        clock.now += 7200 - 100  # 100 s left: inside the refresh margin
        client.upload_image(image_bytes(), "cover.png")
        assert client.access_token() != first
        assert fake.token_fetches == 2
        # Replaced before use, not after a refusal: no call was repeated.
        assert len(fake.calls("cgi-bin/material/add_material")) == 2


def test_token_store_is_shared_by_clients_of_the_same_account(fake: FakeWeChat) -> None:
    store = InMemoryTokenStore()
    fake.make_client(token_store=store).upload_image(image_bytes(), "a.png")
    fake.make_client(token_store=store).upload_image(image_bytes(), "b.png")
    assert fake.token_fetches == 1


def test_cache_token_store_shares_one_token_across_processes_through_djangos_cache(
    fake: FakeWeChat,
) -> None:
    from django.core.cache import cache

    cache.clear()
    # Two stores over one cache stand for two worker processes.
    fake.make_client(token_store=CacheTokenStore(cache)).upload_image(image_bytes(), "a.png")
    fake.make_client(token_store=CacheTokenStore(cache)).upload_image(image_bytes(), "b.png")
    assert fake.token_fetches == 1
    stored = CacheTokenStore(cache).get(fake.appid)
    assert stored is not None
    assert stored.expires_at > 0
    cache.clear()


@pytest.mark.parametrize("steer", ["expire_tokens", "invalidate_tokens"])
def test_token_refused_mid_run_is_refreshed_once_and_the_call_succeeds(
    fake: FakeWeChat, steer: str
) -> None:
    client = fake.make_client()
    thumb = client.upload_image(image_bytes(), "cover.png")
    getattr(fake, steer)()
    media_id = client.add_draft([article(thumb)])
    assert media_id in fake.drafts
    assert fake.token_fetches == 2
    assert len(fake.calls("cgi-bin/draft/add")) == 2
    assert len(fake.drafts) == 1


def test_token_refused_again_after_a_refresh_is_raised_not_retried(fake: FakeWeChat) -> None:
    fake.refuse_every_token(42001)
    client = fake.make_client()
    with pytest.raises(WeChatError) as caught:
        client.upload_image(image_bytes(), "cover.png")
    assert caught.value.errcode == 42001
    assert not caught.value.retryable
    assert fake.token_fetches == 2
    assert len(fake.calls("cgi-bin/material/add_material")) == 2


def test_wrong_secret_fails_cleanly_with_one_token_request(fake: FakeWeChat) -> None:
    client = WeChatOAClient(
        fake.appid, "wrong-secret-d00d", base_url=fake.base_url, token_store=InMemoryTokenStore()
    )
    with pytest.raises(WeChatError) as caught:
        client.upload_image(image_bytes(), "cover.png")
    assert caught.value.errcode == 40001
    assert "access token" in caught.value.errmsg
    assert not caught.value.retryable
    assert len(fake.requests) == 1
    assert fake.api_calls == []


def test_wrong_appid_fails_cleanly(fake: FakeWeChat) -> None:
    client = WeChatOAClient(
        "wx-unknown", fake.secret, base_url=fake.base_url, token_store=InMemoryTokenStore()
    )
    with pytest.raises(WeChatError) as caught:
        client.access_token()
    assert caught.value.errcode == 40013


# -- errors --------------------------------------------------------------------------------------


def test_daily_quota_answer_is_retryable(fake: FakeWeChat) -> None:
    client = fake.make_client()
    fake.exhaust_quota("cgi-bin/material/add_material")
    with pytest.raises(WeChatError) as caught:
        client.upload_image(image_bytes(), "cover.png")
    assert caught.value.errcode == 45009
    assert caught.value.retryable
    fake.restore_quota()
    assert client.upload_image(image_bytes(), "cover.png")


def test_token_quota_answer_is_retryable(fake: FakeWeChat) -> None:
    fake.exhaust_quota("cgi-bin/stable_token")
    with pytest.raises(WeChatError) as caught:
        fake.make_client().access_token()
    assert caught.value.errcode == 45009
    assert caught.value.retryable


def test_unreachable_server_is_a_retryable_error_that_was_not_delivered() -> None:
    client = WeChatOAClient(
        "wx1", "s3cret-value", base_url=f"http://127.0.0.1:{free_port()}",
        token_store=InMemoryTokenStore(), timeout=2,
    )  # fmt: skip
    with pytest.raises(WeChatError) as caught:
        client.access_token()
    assert caught.value.retryable
    assert not caught.value.ambiguous


def test_answer_lost_after_the_request_arrived_is_marked_ambiguous(fake: FakeWeChat) -> None:
    client = fake.make_client(timeout=0.3)
    client.access_token()
    fake.stall("cgi-bin/material/add_material", 1.0)
    with pytest.raises(WeChatError) as caught:
        client.upload_image(image_bytes(), "cover.png")
    assert caught.value.retryable
    assert caught.value.ambiguous
    # The fake did carry it out: exactly the case where repeating a call could do it twice.
    assert len(fake.materials) == 1


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        WeChatOAClient("wx1", "s", base_url="file:///etc", token_store=InMemoryTokenStore())


def test_wechat_error_survives_pickling() -> None:
    error = WeChatError(45009, "reach max api daily quota limit", True, False)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (copy.errcode, copy.errmsg, copy.retryable, copy.ambiguous) == (
        45009,
        "reach max api daily quota limit",
        True,
        False,
    )


# -- the secret ----------------------------------------------------------------------------------


def test_secret_appears_in_no_repr_or_error_text(fake: FakeWeChat) -> None:
    client = fake.make_client()
    assert fake.secret not in repr(client)
    assert fake.secret not in repr(vars(client))
    assert fake.appid in repr(client)
    # Errors from every layer: a token refusal, an API refusal, a network failure.
    errors: list[WeChatError] = []
    wrong = WeChatOAClient(
        fake.appid, fake.secret + "-old", base_url=fake.base_url, token_store=InMemoryTokenStore()
    )
    with pytest.raises(WeChatError) as caught:
        wrong.access_token()
    errors.append(caught.value)
    fake.exhaust_quota()
    with pytest.raises(WeChatError) as caught:
        client.upload_image(image_bytes(), "cover.png")
    errors.append(caught.value)
    offline = WeChatOAClient(
        fake.appid, fake.secret, base_url=f"http://127.0.0.1:{free_port()}",
        token_store=InMemoryTokenStore(), token_endpoint="classic",
    )  # fmt: skip
    with pytest.raises(WeChatError) as caught:
        offline.access_token()
    errors.append(caught.value)
    offline_store = InMemoryTokenStore()
    offline_store.set(fake.appid, client.access_token(), expires_at=4_000_000_000)
    offline = WeChatOAClient(
        fake.appid, fake.secret, base_url=f"http://127.0.0.1:{free_port()}",
        token_store=offline_store,
    )  # fmt: skip
    with pytest.raises(WeChatError) as caught:
        offline.upload_image(image_bytes(), "cover.png")
    errors.append(caught.value)
    for error in errors:
        for text in (str(error), repr(error), error.errmsg, repr(error.__cause__)):
            assert fake.secret not in text
            assert client.access_token() not in text
        # No chained urllib exception (its URL holds the token) is shown with the error.
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__


class EchoingGateway(BaseHTTPRequestHandler):
    """A misbehaving gateway that quotes the whole request line in its error message."""

    def do_GET(self) -> None:
        body = json.dumps({"errcode": 40164, "errmsg": f"blocked: {self.path}"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_secret_echoed_back_by_a_server_is_masked_in_the_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingGateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        client = WeChatOAClient(
            "wx1", "s3cret-echoed", base_url=f"http://127.0.0.1:{server.server_address[1]}",
            token_store=InMemoryTokenStore(), token_endpoint="classic",
        )  # fmt: skip
        with pytest.raises(WeChatError) as caught:
            client.access_token()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert "appid=wx1" in caught.value.errmsg
    assert "s3cret-echoed" not in str(caught.value)


def test_stored_token_repr_hides_the_token(fake: FakeWeChat) -> None:
    store = InMemoryTokenStore()
    fake.make_client(token_store=store).access_token()
    stored = store.get(fake.appid)
    assert stored is not None
    assert stored.token not in repr(stored)


# -- images --------------------------------------------------------------------------------------


def test_cover_is_uploaded_as_multipart_media_field(fake: FakeWeChat) -> None:
    data = image_bytes("jpg")
    media_id = fake.make_client().upload_image(data, "封面 图.JPG")
    material = fake.materials[media_id]
    assert material.data == data
    assert material.content_type == "image/jpeg"
    # Non-ASCII names go out as ASCII, keeping the extension WeChat reads the format from.
    assert material.filename.isascii()
    assert material.filename.endswith(".jpg")
    (request,) = fake.calls("cgi-bin/material/add_material")
    assert request.query["type"] == "image"


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (image_bytes(), "cover.webp", "accepts only"),
        (image_bytes(), "cover", "accepts only"),
        (b"", "cover.png", "empty"),
        (b"\x89PNG" + b"\x00" * (2 * 1024 * 1024), "cover.png", "2 MB"),
    ],
)
def test_image_wechat_would_refuse_is_rejected_before_sending(
    fake: FakeWeChat, data: bytes, name: str, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        fake.make_client().upload_image(data, name)
    assert fake.requests == []


# -- drafts --------------------------------------------------------------------------------------


def test_draft_keeps_article_order_and_sends_chinese_as_utf8(fake: FakeWeChat) -> None:
    client = fake.make_client()
    thumbs = [client.upload_image(image_bytes(), f"c{i}.png") for i in range(3)]
    titles = ["头条：春季新品", "次条：门店活动", "三条：会员福利"]
    media_id = client.add_draft(
        [article(thumb, title=title) for thumb, title in zip(thumbs, titles, strict=True)]
    )
    stored = fake.drafts[media_id]
    assert [a["title"] for a in stored] == titles
    assert [a["thumb_media_id"] for a in stored] == thumbs
    assert all(a["article_type"] == "news" for a in stored)
    (request,) = fake.calls("cgi-bin/draft/add")
    assert "头条：春季新品".encode() in request.body


def test_draft_with_a_cover_the_account_does_not_own_is_refused(fake: FakeWeChat) -> None:
    with pytest.raises(WeChatError) as caught:
        fake.make_client().add_draft([article("IMG_not_ours")])
    assert caught.value.errcode == 40007
    assert not caught.value.retryable


# Over 1 MB of markup around only 15,000 characters of text.
LONG_HTML = (
    '<p style="margin:0 0 8px;padding:0 4px;color:#333;font-size:15px;line-height:1.75">段</p>'
    * 15_000
)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "题" * 33}, "title"),
        ({"title": " "}, "title"),
        ({"author": "作" * 17}, "author"),
        ({"digest": "摘" * 129}, "digest"),
        ({"content": "<p>" + "字" * 20_000 + "</p>"}, "content"),
        ({"content": LONG_HTML}, "content"),
        ({"content": ""}, "content"),
    ],
)
def test_field_over_its_limit_is_rejected_before_any_request_naming_field_and_article(
    fake: FakeWeChat, fields: dict[str, str], field: str
) -> None:
    client = fake.make_client()
    with pytest.raises(ArticleFieldError) as caught:
        client.add_draft([article("IMG_1"), article("IMG_2", **fields)])
    assert caught.value.idx == 2
    assert caught.value.field == field
    assert str(caught.value).startswith(f"article 2: {field} ")
    assert fake.requests == []


def test_fields_at_their_limits_are_accepted(fake: FakeWeChat) -> None:
    client = fake.make_client()
    thumb = client.upload_image(image_bytes(), "cover.png")
    at_limits = article(
        thumb,
        title="题" * 32,
        author="作" * 16,
        digest="摘" * 128,
        # 19,999 characters of text in far more characters of markup.
        content="".join(f'<span style="color:#333">{"字" * 9}</span>' for _ in range(2222)) + "字",
    )
    assert client.add_draft([at_limits]) in fake.drafts


def test_fake_enforces_the_limits_the_client_checks(fake: FakeWeChat) -> None:
    """The fake is a second reading of the limits: it refuses what slips past the client."""
    client = fake.make_client()
    thumb = client.upload_image(image_bytes(), "cover.png")
    too_long = article(thumb, title="题" * 33).as_json()
    with pytest.raises(WeChatError) as caught:
        client.call("POST", "cgi-bin/draft/add", json={"articles": [too_long]})
    assert caught.value.errcode == 45003


# -- publishing ----------------------------------------------------------------------------------


def test_publish_is_submitted_and_polled_to_its_article_urls(fake: FakeWeChat) -> None:
    fake.script_publish(1, 0)
    client = fake.make_client()
    thumb = client.upload_image(image_bytes(), "cover.png")
    draft = client.add_draft([article(thumb), article(thumb, title="次条")])
    publish_id = client.submit_publish(draft)
    assert fake.jobs[publish_id].draft_media_id == draft

    publishing = client.get_publish(publish_id)
    assert (publishing.status, publishing.article_urls) == (1, {})
    published = client.get_publish(publish_id)
    assert published.status == 0
    assert published.article_urls == {
        1: fake.article_url(publish_id, 1),
        2: fake.article_url(publish_id, 2),
    }
    assert published.article_id
    assert published.meaning == "published"


def test_rejected_publish_reports_its_failed_articles(fake: FakeWeChat) -> None:
    fake.script_publish(4, fail_idx=[2])
    client = fake.make_client()
    thumb = client.upload_image(image_bytes(), "cover.png")
    publish_id = client.submit_publish(client.add_draft([article(thumb), article(thumb)]))
    state = client.get_publish(publish_id)
    assert (state.status, state.fail_idx, state.article_urls) == (4, (2,), {})
    assert "audit" in state.meaning


def test_submitting_an_unknown_draft_is_refused(fake: FakeWeChat) -> None:
    with pytest.raises(WeChatError) as caught:
        fake.make_client().submit_publish("DRAFT_missing")
    assert caught.value.errcode == 40007
