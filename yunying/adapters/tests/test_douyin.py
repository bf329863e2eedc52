"""The Douyin client and data source against the local fake server over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from yunying.adapters.douyin import DouyinClient, DouyinDataSource, DouyinTokens, authorise_url
from yunying.adapters.platform_data import SHANGHAI, DateRangeError, SourceError, days_between
from yunying.adapters.tests.fake_douyin import VIDEO_LIST, FakeDouyin

TODAY = dt.date(2026, 3, 20)
START = dt.date(2026, 2, 27)
END = dt.date(2026, 3, 19)  # 21 days, ending yesterday


class Clock:
    """One hand-moved clock for the fake and client (epoch seconds) and the source."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)

    def epoch(self) -> float:
        return self.moment.timestamp()

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeDouyin]:
    with FakeDouyin(now=clock.epoch) as server:
        yield server


class Saved:
    """Stands for the vault: keeps what on_refresh hands over."""

    def __init__(self) -> None:
        self.tokens: list[DouyinTokens] = []

    def __call__(self, tokens: DouyinTokens) -> None:
        self.tokens.append(tokens)


def source(
    fake: FakeDouyin, clock: Clock, tokens: DouyinTokens | None = None, saved: Saved | None = None
) -> DouyinDataSource:
    client = fake.make_client(tokens or fake.authorise(), on_refresh=saved)
    return DouyinDataSource(client, fake.open_id, now=clock)


def seed(fake: FakeDouyin, start: dt.date = dt.date(2026, 2, 18), end: dt.date = END) -> None:
    """Figures for every day that differ per day; some counts as strings, as Douyin sends."""
    for n, day in enumerate(days_between(start, end)):
        date = day.isoformat()
        fake.seed_user_data(
            "fans", [{"date": date, "total_fans": 8000 + 3 * n, "new_fans": str(5 + n)}]
        )
        fake.seed_user_data("like", [{"date": date, "new_like": str(100 + n)}])
        fake.seed_user_data("comment", [{"date": date, "new_comment": 20 + n}])
        fake.seed_user_data("share", [{"date": date, "new_share": 4 + n}])
        fake.seed_user_data(
            "item",
            [{"date": date, "new_play": 3000 + n, "new_issue": n % 2, "total_issue": 40 + n}],
        )


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def stats(plays: int, likes: int = 1, **more: int) -> dict[str, int]:
    return {
        "play_count": plays,
        "digg_count": likes,
        "comment_count": more.get("comments", 2),
        "share_count": more.get("shares", 3),
        "download_count": 0,
        "forward_count": 1,
        **({"collect_count": more["favourites"]} if "favourites" in more else {}),
    }


# -- days ----------------------------------------------------------------------------------------


def test_three_weeks_come_back_as_one_day_each_in_order(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fetched = source(fake, clock).fetch(START, END)
    assert [day.date for day in fetched.days] == days_between(START, END)
    first = fetched.days[0]
    n = (START - dt.date(2026, 2, 18)).days
    assert first.metrics == {
        "followers_total": Decimal(8000 + 3 * n),
        "followers_new": Decimal(5 + n),
        "likes": Decimal(100 + n),
        "comments": Decimal(20 + n),
        "shares": Decimal(4 + n),
        "plays": Decimal(3000 + n),
    }
    assert first.extras == {"videos_published": n % 2, "videos_total": 40 + n}
    assert fetched.days[-1].metrics["followers_total"] == 8000 + 3 * 29
    json.dumps([day.extras for day in fetched.days])


def test_each_endpoint_is_asked_once_with_the_window_covering_the_range(
    fake: FakeDouyin, clock: Clock
) -> None:
    seed(fake)
    source(fake, clock).fetch(START, END)
    for name in ("fans", "like", "comment", "share", "item"):
        (request,) = fake.calls(f"data/external/user/{name}/")
        assert request.query == {"open_id": fake.open_id, "date_type": "30"}
        assert request.headers["access-token"].startswith("act.")


def test_last_week_is_asked_with_the_seven_day_window(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fetched = source(fake, clock).fetch(dt.date(2026, 3, 13), END)
    assert len(fetched.days) == 7
    (request,) = fake.calls("data/external/user/fans/")
    assert request.query["date_type"] == "7"


@pytest.mark.parametrize(
    ("start", "date_type"),
    [
        (dt.date(2026, 3, 19), 7),
        (dt.date(2026, 3, 13), 7),
        (dt.date(2026, 3, 12), 15),
        (dt.date(2026, 3, 5), 15),
        (dt.date(2026, 3, 4), 30),
        (dt.date(2026, 2, 18), 30),
    ],
)
def test_smallest_window_covering_the_start_is_chosen(
    fake: FakeDouyin, clock: Clock, start: dt.date, date_type: int
) -> None:
    assert source(fake, clock).date_type(start, dt.date(2026, 3, 19)) == date_type


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 3, 10), TODAY),  # today is not complete
        (dt.date(2026, 3, 10), dt.date(2026, 3, 25)),
        (dt.date(2026, 2, 17), dt.date(2026, 3, 1)),  # older than 30 days
        (dt.date(2026, 3, 10), dt.date(2026, 3, 9)),
    ],
)
def test_ranges_douyin_cannot_serve_are_refused_before_any_call(
    fake: FakeDouyin, clock: Clock, start: dt.date, end: dt.date
) -> None:
    with pytest.raises(DateRangeError) as caught:
        source(fake, clock).fetch(start, end)
    assert not caught.value.retryable
    assert fake.requests == []


def test_a_day_missing_from_one_answer_is_an_error(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake, dt.date(2026, 2, 18), dt.date(2026, 3, 9))
    seed(fake, dt.date(2026, 3, 11), END)
    for name in ("fans", "comment", "share", "item"):
        seed_one(fake, name, dt.date(2026, 3, 10))
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert "2026-03-10" in caught.value.message
    assert "like" in caught.value.message
    assert caught.value.retryable


def seed_one(fake: FakeDouyin, name: str, day: dt.date) -> None:
    fields = {
        "fans": {"total_fans": 1, "new_fans": 1},
        "like": {"new_like": 1},
        "comment": {"new_comment": 1},
        "share": {"new_share": 1},
        "item": {"new_play": 1},
    }
    fake.seed_user_data(name, [{"date": day.isoformat(), **fields[name]}])


def test_a_malformed_count_is_an_error_not_a_zero(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fake.seed_user_data("share", [{"date": "2026-03-15", "new_share": "-"}])
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert "new_share" in caught.value.message
    assert not caught.value.retryable


def test_fake_refuses_date_types_douyin_refuses(fake: FakeDouyin) -> None:
    """The fake is a second reading of the rule the source follows."""
    client = fake.make_client(fake.authorise())
    with pytest.raises(SourceError) as caught:
        client.get("data/external/user/fans/", {"open_id": fake.open_id, "date_type": "10"})
    assert (caught.value.code, caught.value.retryable) == (28001007, False)


def test_another_users_open_id_is_refused(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    client = fake.make_client(fake.authorise())
    with pytest.raises(SourceError) as caught:
        DouyinDataSource(client, "someone-else", now=clock).fetch(START, END)
    assert caught.value.code == 28001015
    assert not caught.value.retryable


# -- videos --------------------------------------------------------------------------------------


def test_videos_created_in_the_range_come_with_their_counts(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fake.add_video("@9VwKzuuES8gmaXS7ZohqRcz", "春季新品开箱", at(dt.date(2026, 3, 2)), stats(5000))
    fake.add_video(
        "@9VwKzuuES8gmaXS7ZohqRcy",
        "门店探访",
        at(dt.date(2026, 3, 19), 23),
        stats(80, 9, favourites=4),
    )
    fake.add_video("@today", "今天发的", at(TODAY, 9), stats(1))
    fake.add_video("@old", "上个月", at(dt.date(2026, 2, 26), 23), stats(1))
    posts = {post.post_id: post for post in source(fake, clock).fetch(START, END).posts}
    assert set(posts) == {"@9VwKzuuES8gmaXS7ZohqRcz", "@9VwKzuuES8gmaXS7ZohqRcy"}
    opening = posts["@9VwKzuuES8gmaXS7ZohqRcz"]
    assert opening.published_on == dt.date(2026, 3, 2)
    assert opening.title == "春季新品开箱"
    assert opening.kind == "video"
    assert opening.metrics == {"plays": 5000, "likes": 1, "comments": 2, "shares": 3}
    assert opening.extras["forward_count"] == 1
    assert opening.extras["is_top"] is False
    # Only where Douyin gives it: favourites.
    assert posts["@9VwKzuuES8gmaXS7ZohqRcy"].metrics["favourites"] == 4
    json.dumps([post.extras for post in posts.values()])


def test_video_dates_are_days_in_china(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    # 23:30 in China on 26 Feb is 15:30 UTC the same day; 00:30 on 27 Feb is 16:30 UTC on 26th.
    fake.add_video("@late", "深夜", dt.datetime(2026, 2, 26, 23, 30, tzinfo=SHANGHAI), stats(1))
    fake.add_video("@early", "凌晨", dt.datetime(2026, 2, 27, 0, 30, tzinfo=SHANGHAI), stats(1))
    posts = source(fake, clock).fetch(START, END).posts
    assert [(p.post_id, p.published_on) for p in posts] == [("@early", START)]


def test_video_list_is_paged_until_older_videos_begin(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    # A pinned old video comes first and must not stop the paging.
    fake.add_video("@pinned", "置顶", at(dt.date(2025, 12, 1)), stats(1), is_top=True)
    for n in range(45):
        fake.add_video(f"@v{n:02d}", f"视频{n}", at(END) - dt.timedelta(hours=12 * n), stats(n))
    fetched = source(fake, clock).fetch(START, END)
    # 42 videos in 21 days, two a day; the rest are older.
    assert len(fetched.posts) == 42
    assert "@pinned" not in {post.post_id for post in fetched.posts}
    cursors = [r.query["cursor"] for r in fake.calls(VIDEO_LIST)]
    assert cursors == ["0", "20", "40"]


def test_paging_stops_at_the_first_page_reaching_before_the_range(
    fake: FakeDouyin, clock: Clock
) -> None:
    seed(fake)
    for n in range(60):
        fake.add_video(f"@v{n:02d}", f"视频{n}", at(END) - dt.timedelta(days=n), stats(n))
    fetched = source(fake, clock).fetch(dt.date(2026, 3, 13), END)
    assert len(fetched.posts) == 7
    assert len(fake.calls(VIDEO_LIST)) == 1


def test_posts_can_be_left_out(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fake.add_video("@v", "视频", at(dt.date(2026, 3, 2)), stats(1))
    client = fake.make_client(fake.authorise())
    fetched = DouyinDataSource(client, fake.open_id, now=clock, with_posts=False).fetch(START, END)
    assert fetched.posts == []
    assert fake.calls(VIDEO_LIST) == []


def test_a_failing_second_video_page_fails_the_whole_fetch(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    for n in range(45):
        fake.add_video(f"@v{n:02d}", f"视频{n}", at(END) - dt.timedelta(hours=12 * n), stats(n))
    fake.fail_nth(VIDEO_LIST, 2, 28001056, "该能力API已下线,不再支持调用")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert (caught.value.code, caught.value.retryable) == (28001056, False)


# -- tokens --------------------------------------------------------------------------------------


def test_expired_token_is_refreshed_and_the_new_tokens_handed_over(
    fake: FakeDouyin, clock: Clock
) -> None:
    seed(fake)
    tokens = fake.authorise()
    saved = Saved()
    cube = source(fake, clock, tokens, saved)
    fake.expire_access_tokens()
    fetched = cube.fetch(START, END)
    assert len(fetched.days) == 21
    assert fake.refreshes == 1
    (new,) = saved.tokens
    assert new.access_token != tokens.access_token
    assert new.refresh_token == tokens.refresh_token
    assert new.expires_at == clock.epoch() + fake.token_ttl
    assert new.refresh_expires_at == tokens.refresh_expires_at
    (refresh,) = fake.calls("oauth/refresh_token/")
    assert refresh.body.decode() == (
        f"client_key={fake.client_key}&grant_type=refresh_token"
        f"&refresh_token={tokens.refresh_token}"
    )
    # The fans call was refused, refreshed and repeated; the others used the new token at once.
    assert len(fake.calls("data/external/user/fans/")) == 2
    assert len(fake.calls("data/external/user/like/")) == 1


def test_revoked_token_is_refreshed_once(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    saved = Saved()
    cube = source(fake, clock, saved=saved)
    fake.invalidate_access_tokens()
    assert len(cube.fetch(START, END).days) == 21
    assert len(saved.tokens) == 1


def test_workers_sharing_a_client_refresh_a_refused_token_once(fake: FakeDouyin) -> None:
    saved = Saved()
    client = fake.make_client(fake.authorise(), on_refresh=saved)
    fake.expire_access_tokens()
    start = threading.Barrier(6)
    errors: list[Exception] = []

    def work() -> None:
        start.wait()
        try:
            client.get("data/external/user/fans/", {"open_id": fake.open_id, "date_type": "7"})
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert fake.refreshes == 1
    assert len(saved.tokens) == 1


def test_token_near_its_expiry_is_refreshed_before_use(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake, dt.date(2026, 3, 20), dt.date(2026, 4, 3))
    tokens = fake.authorise()
    saved = Saved()
    cube = source(fake, clock, tokens, saved)
    # 100 s before the token's expiry, inside the refresh margin: 4 April 09:58.
    clock.moment += dt.timedelta(seconds=fake.token_ttl - 100)
    fetched = cube.fetch(dt.date(2026, 4, 1), dt.date(2026, 4, 3))
    assert len(fetched.days) == 3
    # Refreshed first: no call was refused and repeated.
    assert len(fake.calls("data/external/user/fans/")) == 1
    (new,) = saved.tokens
    assert new.expires_at > tokens.expires_at


def test_token_refused_again_after_refreshing_is_raised(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fake.fail_nth("data/external/user/fans/", 1, 28001008, "access_token过期")
    fake.fail_nth("data/external/user/fans/", 2, 28001008, "access_token过期")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert (caught.value.code, caught.value.retryable) == (28001008, False)
    assert fake.refreshes == 1


def test_expired_refresh_token_asks_for_authorising_again(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    saved = Saved()
    cube = source(fake, clock, saved=saved)
    fake.expire_access_tokens()
    fake.expire_refresh_tokens()
    with pytest.raises(SourceError) as caught:
        cube.fetch(START, END)
    assert (caught.value.code, caught.value.retryable) == (10010, False)
    assert "重新授权" in caught.value.message
    assert saved.tokens == []


def test_refresh_token_known_to_be_expired_is_not_sent(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    tokens = fake.authorise()
    cube = source(fake, clock, tokens)
    clock.moment += dt.timedelta(seconds=fake.refresh_ttl + 1)  # 19 April
    with pytest.raises(SourceError) as caught:
        cube.fetch(dt.date(2026, 4, 17), dt.date(2026, 4, 18))
    assert not caught.value.retryable
    assert "重新授权" in caught.value.message
    assert fake.requests == []


@pytest.mark.parametrize("key", ["access_token", "expires_in", "refresh_expires_in"])
def test_incomplete_refresh_answer_is_an_error_and_keeps_the_old_tokens(
    fake: FakeDouyin, clock: Clock, key: str
) -> None:
    seed(fake)
    tokens = fake.authorise()
    saved = Saved()
    client = fake.make_client(tokens, on_refresh=saved)
    fake.expire_access_tokens()
    fake.drop_from_refresh_answers(key)
    with pytest.raises(SourceError) as caught:
        DouyinDataSource(client, fake.open_id, now=clock).fetch(START, END)
    assert caught.value.retryable
    assert saved.tokens == []
    assert client.tokens == tokens


def test_authorisation_code_is_exchanged_for_tokens(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    saved = Saved()
    client = fake.make_client(None, on_refresh=saved)
    with pytest.raises(SourceError, match="授权"):
        DouyinDataSource(client, fake.open_id, now=clock).fetch(START, END)
    open_id, tokens = client.exchange_code(fake.issue_code())
    assert open_id == fake.open_id
    assert saved.tokens == [tokens]
    assert client.tokens == tokens
    assert tokens.expires_at == clock.epoch() + fake.token_ttl
    assert len(DouyinDataSource(client, open_id, now=clock).fetch(START, END).days) == 21


def test_a_used_authorisation_code_is_refused(fake: FakeDouyin) -> None:
    code = fake.issue_code()
    fake.make_client(None).exchange_code(code)
    with pytest.raises(SourceError) as caught:
        fake.make_client(None).exchange_code(code)
    assert caught.value.code == 10007


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def owner_visits(url: str) -> dict[str, str]:
    """The owner's browser on the authorisation page: the query Douyin sends it back with."""
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(_Stay).open(url, timeout=5)
    assert answer.value.code == 302
    location = urllib.parse.urlsplit(answer.value.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return dict(urllib.parse.parse_qsl(location.query))


CALLBACK = "https://yunying.example/metrics/douyin/callback/"


def test_the_owners_consent_sends_back_a_code_that_buys_tokens(fake: FakeDouyin) -> None:
    url = authorise_url(fake.base_url, fake.client_key, CALLBACK, "s1gned")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert {"data.external.user", "video.list.bind"} <= set(query["scope"].split(","))
    back = owner_visits(url)
    assert back["state"] == "s1gned"
    assert "error" not in back
    open_id, _tokens = fake.make_client(None).exchange_code(back["code"])
    assert open_id == fake.open_id


def test_an_owner_who_declines_sends_back_the_error_and_no_code(fake: FakeDouyin) -> None:
    fake.owner_declines = "access_denied"
    back = owner_visits(authorise_url(fake.base_url, fake.client_key, CALLBACK, "s1gned"))
    assert back["error"] == "access_denied"
    assert back["state"] == "s1gned"
    assert "code" not in back


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("http", [False, True])
def test_rate_limiting_is_retryable_and_returns_nothing(
    fake: FakeDouyin, clock: Clock, http: bool
) -> None:
    seed(fake)
    fake.rate_limit("data/external/user/share/", times=1, http=http)
    cube = source(fake, clock)
    with pytest.raises(SourceError) as caught:
        cube.fetch(START, END)
    assert caught.value.retryable
    assert caught.value.code == (None if http else 28003018)
    # Once the limit has passed the same fetch succeeds.
    assert len(cube.fetch(START, END).days) == 21


def test_third_endpoint_failing_fails_the_whole_range(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    fake.fail_nth("data/external/user/comment/", 1, 28001005, "系统繁忙")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert (caught.value.code, caught.value.retryable) == (28001005, True)
    assert fake.calls("data/external/user/share/") == []


def test_unreachable_server_is_retryable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tokens = DouyinTokens("act.x", "rft.y", 4_000_000_000, 4_000_000_000)
    client = DouyinClient(f"http://127.0.0.1:{port}", "key", "secret", tokens, timeout=2)
    with pytest.raises(SourceError) as caught:
        client.get("data/external/user/fans/", {"open_id": "o", "date_type": "7"})
    assert caught.value.retryable
    assert caught.value.__cause__ is None


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        DouyinClient("file:///etc", "key", "secret", None)


# -- secrets -------------------------------------------------------------------------------------


def test_no_secret_or_token_in_errors_or_reprs(fake: FakeDouyin, clock: Clock) -> None:
    seed(fake)
    tokens = fake.authorise()
    client = fake.make_client(tokens)
    cube = DouyinDataSource(client, fake.open_id, now=clock)
    # A gateway quoting the credentials back in its description.
    fake.fail_nth(
        "data/external/user/fans/",
        1,
        28001005,
        f"busy {tokens.access_token} {tokens.refresh_token} {fake.client_secret}",
    )
    with pytest.raises(SourceError) as caught:
        cube.fetch(START, END)
    error = caught.value
    assert "***" in error.message
    secrets = (tokens.access_token, tokens.refresh_token, fake.client_secret)
    for text in (
        str(error),
        repr(error),
        repr(tokens),
        repr(client),
        repr(vars(client)),
        repr(cube),
    ):
        for secret in secrets:
            assert secret not in text
    assert fake.client_key in repr(client)
    assert "expires_at" in repr(tokens)
