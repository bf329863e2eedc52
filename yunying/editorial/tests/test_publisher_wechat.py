"""The WeChat Official Account publisher against the local fake WeChat server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from yunying.adapters.tests.fake_wechat import FakeWeChat, image_bytes
from yunying.adapters.wechat_oa import InMemoryTokenStore, WeChatOAClient
from yunying.editorial.choices import PublishMode
from yunying.editorial.publishers.base import Article, PublishStatus, Push
from yunying.editorial.publishers.wechat_oa import SUBMIT_UNKNOWN, WeChatOAPublisher


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    with FakeWeChat() as server:
        yield server


def article(item_id: int, **fields: object) -> Article:
    values: dict[str, object] = {
        "title": f"第{item_id}篇：春季新品",
        "content": "<p>新品介绍</p>",
        "author": "小编",
        "cover": image_bytes() + str(item_id).encode(),
        "cover_name": f"cover-{item_id}.png",
    }
    values.update(fields)
    return Article(item_id=item_id, **values)  # type: ignore[arg-type]


def push(*articles: Article) -> Push:
    return Push(account_id=1, platform_id="gh_fake", articles=articles)


def publisher(fake: FakeWeChat, **client_options: object) -> WeChatOAPublisher:
    return WeChatOAPublisher(fake.make_client(**client_options))


def test_publisher_mode_matches_the_configured_publish_mode() -> None:
    assert WeChatOAPublisher.mode == PublishMode.WECHAT_OA


def test_push_goes_from_draft_to_submitted_to_published_urls(fake: FakeWeChat) -> None:
    fake.script_publish(1, 0)
    the_push = push(article(7))
    sent = publisher(fake).publish(the_push)
    assert sent.status == PublishStatus.PENDING
    assert sent.external_id in fake.jobs
    assert [r.path for r in fake.api_calls] == [
        "cgi-bin/material/add_material",
        "cgi-bin/draft/add",
        "cgi-bin/freepublish/submit",
        "cgi-bin/freepublish/get",
    ]

    done = publisher(fake).poll(the_push, sent.external_id)
    assert done.status == PublishStatus.PUBLISHED
    assert done.urls == {7: fake.article_url(sent.external_id, 1)}
    assert done.external_id == sent.external_id


def test_push_already_published_at_the_first_look_is_published(fake: FakeWeChat) -> None:
    fake.script_publish(0)
    outcome = publisher(fake).publish(push(article(7)))
    assert outcome.status == PublishStatus.PUBLISHED
    assert outcome.urls == {7: fake.article_url(outcome.external_id, 1)}


def test_articles_keep_their_slot_order_and_urls_map_back_to_items(fake: FakeWeChat) -> None:
    fake.script_publish(0)
    the_push = push(article(30), article(10), article(20))
    outcome = publisher(fake).publish(the_push)
    (draft,) = fake.drafts.values()
    assert [a["title"] for a in draft] == [a.title for a in the_push.articles]
    # Each article carries its own cover, in order.
    covers = [fake.materials[a["thumb_media_id"]].data for a in draft]
    assert covers == [a.cover for a in the_push.articles]
    assert outcome.urls == {
        30: fake.article_url(outcome.external_id, 1),
        10: fake.article_url(outcome.external_id, 2),
        20: fake.article_url(outcome.external_id, 3),
    }


def test_articles_sharing_a_cover_upload_it_once(fake: FakeWeChat) -> None:
    same = {"cover": image_bytes(), "cover_name": "brand.png"}
    publisher(fake).publish(push(article(1, **same), article(2, **same)))
    assert len(fake.calls("cgi-bin/material/add_material")) == 1
    (draft,) = fake.drafts.values()
    assert draft[0]["thumb_media_id"] == draft[1]["thumb_media_id"]


def test_cover_without_an_extension_is_named_by_its_file_signature(fake: FakeWeChat) -> None:
    publisher(fake).publish(push(article(1, cover=image_bytes("jpg"), cover_name="cover")))
    (material,) = fake.materials.values()
    assert material.filename == "cover.jpg"


def test_token_expiring_mid_run_is_refreshed_once_and_the_push_succeeds(
    fake: FakeWeChat,
) -> None:
    fake.script_publish(1, 0)
    client = fake.make_client()
    client.access_token()
    fake.expire_tokens()
    the_push = push(article(1), article(2))
    sent = WeChatOAPublisher(client).publish(the_push)
    assert sent.status == PublishStatus.PENDING
    assert fake.token_fetches == 2
    # Only the first call was refused and repeated.
    assert len(fake.calls("cgi-bin/material/add_material")) == 3
    assert len(fake.materials) == 2

    fake.expire_tokens()
    done = WeChatOAPublisher(client).poll(the_push, sent.external_id)
    assert done.status == PublishStatus.PUBLISHED
    assert fake.token_fetches == 3


def test_invalid_secret_fails_cleanly_before_uploading(fake: FakeWeChat) -> None:
    client = WeChatOAClient(
        fake.appid, "rotated-secret-9z", base_url=fake.base_url, token_store=InMemoryTokenStore()
    )
    outcome = WeChatOAPublisher(client).publish(push(article(1)))
    assert outcome.status == PublishStatus.FAILED
    assert not outcome.retryable
    assert outcome.error.startswith("errcode=40001: getting an access token failed")
    assert "rotated-secret-9z" not in outcome.error
    assert fake.api_calls == []
    assert len(fake.requests) == 1


def test_daily_quota_fails_the_push_as_retryable(fake: FakeWeChat) -> None:
    fake.exhaust_quota("cgi-bin/draft/add")
    outcome = publisher(fake).publish(push(article(1)))
    assert outcome.status == PublishStatus.FAILED
    assert outcome.retryable
    assert outcome.error.startswith("errcode=45009")
    assert fake.calls("cgi-bin/freepublish/submit") == []


def test_quota_reached_after_submitting_leaves_the_push_pending(fake: FakeWeChat) -> None:
    fake.exhaust_quota("cgi-bin/freepublish/get")
    outcome = publisher(fake).publish(push(article(1)))
    assert outcome.status == PublishStatus.PENDING
    assert outcome.external_id in fake.jobs


def test_quota_reached_while_polling_keeps_the_push_pending(fake: FakeWeChat) -> None:
    fake.script_publish(1, 0)
    the_push = push(article(1))
    sent = publisher(fake).publish(the_push)
    fake.exhaust_quota("cgi-bin/freepublish/get")
    outcome = publisher(fake).poll(the_push, sent.external_id)
    assert outcome.status == PublishStatus.PENDING
    assert outcome.retryable
    assert outcome.error.startswith("errcode=45009")
    assert outcome.external_id == sent.external_id


def test_audit_rejection_fails_without_retry_naming_the_rejected_item(fake: FakeWeChat) -> None:
    fake.script_publish(1, 4, fail_idx=[2])
    the_push = push(article(11), article(12))
    sent = publisher(fake).publish(the_push)
    assert sent.status == PublishStatus.PENDING
    outcome = publisher(fake).poll(the_push, sent.external_id)
    assert outcome.status == PublishStatus.FAILED
    assert not outcome.retryable
    assert outcome.error.startswith("publish_status=4: rejected by WeChat's content audit")
    assert "idx 2 (item 12)" in outcome.error
    assert outcome.urls == {}
    assert outcome.external_id == sent.external_id


@pytest.mark.parametrize(
    ("status", "meaning"),
    [
        (2, "original-content claim failed"),
        (3, "publishing failed"),
        (5, "deleted"),
        (6, "banned"),
        (9, "unknown status"),
    ],
)
def test_unsuccessful_publish_statuses_fail_with_their_code(
    fake: FakeWeChat, status: int, meaning: str
) -> None:
    fake.script_publish(status)
    outcome = publisher(fake).publish(push(article(1)))
    assert outcome.status == PublishStatus.FAILED
    assert not outcome.retryable
    assert outcome.error.startswith(f"publish_status={status}: ")
    assert meaning in outcome.error


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"title": "标" * 33}, "title"),
        ({"author": "某某某某某某某某某某某某某某某某某"}, "author"),
        ({"digest": "摘" * 129}, "digest"),
        ({"content": "<p>" + "字" * 20_000 + "</p>"}, "content"),
        ({"cover": None}, "cover"),
        ({"cover": b"RIFF0000WEBPVP8 ", "cover_name": "c.webp"}, "accepts only"),
    ],
)
def test_article_wechat_would_refuse_fails_before_any_request(
    fake: FakeWeChat, fields: dict[str, object], named: str
) -> None:
    outcome = publisher(fake).publish(push(article(1), article(2, **fields)))
    assert outcome.status == PublishStatus.FAILED
    assert not outcome.retryable
    assert outcome.error.startswith("item 2: ")
    assert named in outcome.error
    assert fake.requests == []


def test_lost_answer_to_the_submit_is_not_retried_automatically(fake: FakeWeChat) -> None:
    publisher_ = publisher(fake, timeout=0.3)
    fake.stall("cgi-bin/freepublish/submit", 1.0)
    outcome = publisher_.publish(push(article(1)))
    assert outcome.status == PublishStatus.FAILED
    assert not outcome.retryable
    assert outcome.error.startswith(SUBMIT_UNKNOWN)
    # The job does exist: an automatic retry would have published the message twice.
    assert len(fake.jobs) == 1


def test_lost_answer_before_the_submit_is_retryable(fake: FakeWeChat) -> None:
    publisher_ = publisher(fake, timeout=0.3)
    fake.stall("cgi-bin/draft/add", 1.0)
    outcome = publisher_.publish(push(article(1)))
    assert outcome.status == PublishStatus.FAILED
    assert outcome.retryable
    assert fake.jobs == {}


def test_secret_never_reaches_an_outcome(fake: FakeWeChat) -> None:
    the_push = push(article(1))
    fake.script_publish(1)
    sent = publisher(fake).publish(the_push)
    fake.refuse_every_token(40014)
    outcome = publisher(fake).poll(the_push, sent.external_id)
    assert outcome.status == PublishStatus.FAILED
    assert outcome.error.startswith("errcode=40014")
    for text in (repr(sent), repr(outcome), repr(publisher(fake).__dict__)):
        assert fake.secret not in text
