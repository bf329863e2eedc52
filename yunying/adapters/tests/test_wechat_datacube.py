"""The WeChat data cube as a MetricsSource, against the local fake server over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from yunying.adapters.platform_data import SHANGHAI, DateRangeError, SourceError, days_between
from yunying.adapters.tests.fake_wechat import FakeWeChat
from yunying.adapters.wechat_datacube import WeChatDataCube, chunks, last_complete_day

START = dt.date(2026, 2, 23)
END = dt.date(2026, 3, 15)  # 21 days


class Clock:
    """One hand-moved clock for the fake (epoch seconds) and the source (China time)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def epoch(self) -> float:
        return self.moment.timestamp()

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeChat]:
    with FakeWeChat(now=clock.epoch) as server:
        yield server


def source(fake: FakeWeChat, clock: Clock) -> WeChatDataCube:
    return WeChatDataCube(fake.make_client(now=clock.epoch), now=clock)


def seed(fake: FakeWeChat, start: dt.date = START, end: dt.date = END) -> None:
    """Figures for every day of start..end that differ per day, so mix-ups show."""
    for n, day in enumerate(days_between(start, end)):
        ref = day.isoformat()
        fake.seed_datacube("getusercumulate", [{"ref_date": ref, "cumulate_user": 5000 + n}])
        if n % 3 != 2:  # every third day nobody followed or left: WeChat gives no rows
            fake.seed_datacube(
                "getusersummary",
                [
                    {"ref_date": ref, "user_source": 1, "new_user": 10 + n, "cancel_user": 2},
                    {"ref_date": ref, "user_source": 30, "new_user": 3, "cancel_user": 1},
                    {"ref_date": ref, "user_source": 999, "new_user": 1, "cancel_user": 0},
                ],
            )
        fake.seed_datacube(
            "getuserread",
            [
                {
                    "ref_date": ref,
                    "user_source": 99999999,
                    "int_page_read_user": 80 + n,
                    "int_page_read_count": 100 + n,
                    "share_user": 5,
                    "share_count": 7 + n,
                    "add_to_fav_user": 1,
                    "add_to_fav_count": 2 + n,
                },
                # One source of the reads: must not be mistaken for the total.
                {
                    "ref_date": ref,
                    "user_source": 0,
                    "int_page_read_user": 1,
                    "int_page_read_count": 1,
                    "share_user": 1,
                    "share_count": 1,
                    "add_to_fav_user": 1,
                    "add_to_fav_count": 1,
                },
            ],
        )


def article_row(ref: str, msgid: str, title: str, reads: int, **more: int) -> dict[str, Any]:
    return {
        "ref_date": ref,
        "msgid": msgid,
        "title": title,
        "int_page_read_user": reads - 1,
        "int_page_read_count": reads,
        "share_user": 1,
        "share_count": more.get("shares", 2),
        "add_to_fav_user": 1,
        "add_to_fav_count": more.get("favourites", 3),
    }


# -- success -------------------------------------------------------------------------------------


def test_three_weeks_come_back_as_one_day_each_in_order(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fetched = source(fake, clock).fetch(START, END)
    assert [day.date for day in fetched.days] == days_between(START, END)
    first, third = fetched.days[0], fetched.days[2]
    assert first.metrics == {
        "followers_total": Decimal(5000),
        "followers_new": Decimal(10 + 3 + 1),
        "followers_lost": Decimal(2 + 1),
        "reads": Decimal(100),
        "shares": Decimal(7),
        "favourites": Decimal(2),
    }
    assert first.extras == {"user_source": {"search": 10, "qr_code": 3, "source_999": 1}}
    # No summary rows that day: nobody followed or left, which is zero, not missing.
    assert third.metrics["followers_new"] == third.metrics["followers_lost"] == 0
    assert third.metrics["followers_total"] == 5002
    assert third.metrics["reads"] == 102
    assert third.extras == {"user_source": {}}
    assert fetched.days[-1].metrics["followers_total"] == 5020


def test_each_endpoint_is_asked_in_chunks_its_span_allows(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    source(fake, clock).fetch(START, END)

    def ranges(name: str) -> list[tuple[str, str]]:
        return [(r.json["begin_date"], r.json["end_date"]) for r in fake.calls(f"datacube/{name}")]

    assert ranges("getusersummary") == [
        ("2026-02-23", "2026-03-01"),
        ("2026-03-02", "2026-03-08"),
        ("2026-03-09", "2026-03-15"),
    ]
    assert ranges("getusercumulate") == ranges("getusersummary")
    assert len(ranges("getuserread")) == 7
    assert ranges("getuserread")[0] == ("2026-02-23", "2026-02-25")
    assert ranges("getuserread")[-1] == ("2026-03-13", "2026-03-15")
    days = days_between(START, END)
    assert ranges("getarticlesummary") == [(d.isoformat(), d.isoformat()) for d in days]
    assert fake.token_fetches == 1


def test_chunks_cover_the_range_without_gaps_or_overlap() -> None:
    assert list(chunks(dt.date(2026, 1, 1), dt.date(2026, 1, 8), 3)) == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
        (dt.date(2026, 1, 4), dt.date(2026, 1, 6)),
        (dt.date(2026, 1, 7), dt.date(2026, 1, 8)),
    ]
    assert list(chunks(dt.date(2026, 1, 1), dt.date(2026, 1, 1), 7)) == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    ]


def test_articles_are_summed_over_the_days_they_appear_on(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.seed_datacube(
        "getarticlesummary",
        [
            article_row("2026-03-02", "2247483650_1", "春季新品上市", 300),
            article_row("2026-03-02", "2247483650_2", "门店活动", 40, shares=0, favourites=0),
            article_row("2026-03-03", "2247483650_1", "春季新品上市", 120),
            article_row("2026-03-10", "2247483700_1", "会员福利", 55),
        ],
    )
    posts = {post.post_id: post for post in source(fake, clock).fetch(START, END).posts}
    assert set(posts) == {"2247483650_1", "2247483650_2", "2247483700_1"}
    lead = posts["2247483650_1"]
    assert lead.published_on == dt.date(2026, 3, 2)
    assert lead.title == "春季新品上市"
    assert lead.kind == "article"
    assert lead.metrics == {"reads": 420, "shares": 4, "favourites": 6}
    assert lead.extras["days"] == ["2026-03-02", "2026-03-03"]
    assert lead.extras["int_page_read_user"] == 418
    assert posts["2247483650_2"].metrics == {"reads": 40, "shares": 0, "favourites": 0}
    assert posts["2247483700_1"].published_on == dt.date(2026, 3, 10)


def test_articles_outside_the_range_are_not_fetched(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake, START, dt.date(2026, 3, 17))
    fake.seed_datacube("getarticlesummary", [article_row("2026-03-16", "1_1", "之后", 9)])
    assert source(fake, clock).fetch(START, END).posts == []


# -- tokens --------------------------------------------------------------------------------------


def test_expired_token_is_refreshed_and_the_fetch_succeeds(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    cube = source(fake, clock)
    cube.fetch(START, START)
    fake.expire_tokens()
    fetched = cube.fetch(START, END)
    assert len(fetched.days) == 21
    assert fake.token_fetches == 2


def test_token_refused_mid_range_is_refreshed_once(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.fail_nth("datacube/getuserread", 3, 42001, "access_token expired")
    fetched = source(fake, clock).fetch(START, END)
    assert len(fetched.days) == 21
    # 7 chunks plus the one repeated after the refresh.
    assert len(fake.calls("datacube/getuserread")) == 8
    assert fake.token_fetches == 2


def test_token_refused_even_after_refreshing_is_not_retryable(
    fake: FakeWeChat, clock: Clock
) -> None:
    seed(fake)
    fake.refuse_every_token(40001)
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert not caught.value.retryable
    assert caught.value.code == 40001


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("errcode", [45009, 45011, -1])
def test_quota_and_busy_answers_are_retryable(fake: FakeWeChat, clock: Clock, errcode: int) -> None:
    seed(fake)
    fake.fail_nth("datacube/getusercumulate", 1, errcode, "limited")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert caught.value.retryable
    assert caught.value.code == errcode
    assert not isinstance(caught.value, DateRangeError)


def test_exhausted_quota_on_a_data_cube_path_is_retryable(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.exhaust_quota("datacube/getarticlesummary")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert (caught.value.retryable, caught.value.code) == (True, 45009)


def test_third_chunk_failing_fails_the_whole_range(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.fail_nth("datacube/getusersummary", 3, -1, "system error")
    cube = source(fake, clock)
    with pytest.raises(SourceError) as caught:
        cube.fetch(START, END)
    assert caught.value.retryable
    assert len(fake.calls("datacube/getusersummary")) == 3
    # The fake serves again: the same fetch now succeeds whole.
    assert len(cube.fetch(START, END).days) == 21


def test_other_refusals_are_not_retryable(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.fail_nth("datacube/getuserread", 2, 48001, "api unauthorized")
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert (caught.value.retryable, caught.value.code) == (False, 48001)
    assert "48001" in caught.value.message


@pytest.mark.parametrize("errcode", [61500, 61501])
def test_date_errors_from_wechat_are_date_range_errors(
    fake: FakeWeChat, clock: Clock, errcode: int
) -> None:
    seed(fake)
    fake.fail_nth("datacube/getusersummary", 1, errcode, "date range error")
    with pytest.raises(DateRangeError) as caught:
        source(fake, clock).fetch(START, END)
    assert not caught.value.retryable


def test_a_day_missing_from_the_cumulate_answer_is_an_error(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake, START, dt.date(2026, 3, 1))
    seed(fake, dt.date(2026, 3, 3), END)
    # 2 March: the reads, but no cumulate row.
    fake.seed_datacube(
        "getuserread",
        [
            {
                "ref_date": "2026-03-02",
                "user_source": 99999999,
                "int_page_read_count": 1,
                "share_count": 1,
                "add_to_fav_count": 1,
            }
        ],
    )
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert "2026-03-02" in caught.value.message
    assert "getusercumulate" in caught.value.message
    assert caught.value.retryable


def test_a_day_without_the_all_sources_read_row_is_an_error(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake, START, dt.date(2026, 3, 9))
    seed(fake, dt.date(2026, 3, 11), END)
    fake.seed_datacube("getusercumulate", [{"ref_date": "2026-03-10", "cumulate_user": 1}])
    fake.seed_datacube(
        "getuserread",
        [
            {
                "ref_date": "2026-03-10",
                "user_source": 0,
                "int_page_read_count": 1,
                "share_count": 1,
                "add_to_fav_count": 1,
            }
        ],
    )
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(START, END)
    assert "2026-03-10" in caught.value.message
    assert "getuserread" in caught.value.message


def test_a_malformed_count_is_an_error_not_a_zero(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake, dt.date(2026, 3, 2), END)
    fake.seed_datacube("getusercumulate", [{"ref_date": "2026-03-01", "cumulate_user": None}])
    fake.seed_datacube(
        "getuserread",
        [
            {
                "ref_date": "2026-03-01",
                "user_source": 99999999,
                "int_page_read_count": 1,
                "share_count": 1,
                "add_to_fav_count": 1,
            }
        ],
    )
    with pytest.raises(SourceError) as caught:
        source(fake, clock).fetch(dt.date(2026, 3, 1), END)
    assert "cumulate_user" in caught.value.message
    assert not caught.value.retryable


# -- date ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # Yesterday is complete only from 08:00 on.
        (dt.datetime(2026, 3, 20, 7, 59, tzinfo=SHANGHAI), START, dt.date(2026, 3, 19)),
        (dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI), START, dt.date(2026, 3, 20)),
        (dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI), START, dt.date(2026, 4, 1)),
        # 23:30 UTC on the 19th is 07:30 on the 20th in China.
        (dt.datetime(2026, 3, 19, 23, 30, tzinfo=dt.UTC), START, dt.date(2026, 3, 19)),
        (dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI), dt.date(2014, 11, 30), START),
        (dt.datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI), END, START),
    ],
)
def test_ranges_wechat_cannot_serve_are_refused_before_any_call(
    fake: FakeWeChat, clock: Clock, now: dt.datetime, start: dt.date, end: dt.date
) -> None:
    clock.moment = now
    with pytest.raises(DateRangeError) as caught:
        source(fake, clock).fetch(start, end)
    assert not caught.value.retryable
    assert fake.requests == []


def test_yesterday_is_served_from_eight_in_the_morning(fake: FakeWeChat, clock: Clock) -> None:
    clock.moment = dt.datetime(2026, 3, 20, 8, 0, tzinfo=SHANGHAI)
    seed(fake, dt.date(2026, 3, 19), dt.date(2026, 3, 19))
    (day,) = source(fake, clock).fetch(dt.date(2026, 3, 19), dt.date(2026, 3, 19)).days
    assert day.date == dt.date(2026, 3, 19)


def test_last_complete_day_reads_a_naive_time_as_china_time() -> None:
    assert last_complete_day(dt.datetime(2026, 3, 20, 8, 0)) == dt.date(2026, 3, 19)
    assert last_complete_day(dt.datetime(2026, 3, 20, 7, 59)) == dt.date(2026, 3, 18)


def test_fake_refuses_spans_and_days_wechat_refuses(fake: FakeWeChat, clock: Clock) -> None:
    """The fake is a second reading of the rules the source follows."""
    client = fake.make_client(now=clock.epoch)
    cases = [
        ("getuserread", "2026-03-01", "2026-03-04", 61501),  # 4 days, span 3
        ("getarticlesummary", "2026-03-01", "2026-03-02", 61501),
        ("getusersummary", "2026-03-19", "2026-03-20", 61501),  # today
        ("getusersummary", "2014-11-30", "2014-12-01", 61501),
        ("getusersummary", "2026/03/01", "2026-03-02", 61500),
    ]
    for name, begin, end, errcode in cases:
        answer = fake_call(client, name, begin, end)
        assert answer == errcode, (name, begin, end)
    assert fake_call(client, "getuserread", "2026-03-01", "2026-03-03") == 0


def fake_call(client: Any, name: str, begin: str, end: str) -> int:
    from yunying.adapters.wechat_oa import WeChatError

    try:
        client.call("POST", f"datacube/{name}", json={"begin_date": begin, "end_date": end})
    except WeChatError as exc:
        return exc.errcode
    return 0


# -- secrets -------------------------------------------------------------------------------------


def test_no_secret_or_token_in_errors_or_reprs(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    client = fake.make_client(now=clock.epoch)
    token = client.access_token()
    # A gateway that quotes the token back in its message.
    fake.fail_nth("datacube/getusersummary", 1, 45009, f"quota for access_token={token}")
    cube = WeChatDataCube(client, now=clock)
    with pytest.raises(SourceError) as caught:
        cube.fetch(START, END)
    error = caught.value
    for text in (str(error), repr(error), error.message, repr(cube)):
        assert token not in text
        assert fake.secret not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


def test_source_errors_survive_pickling() -> None:
    for error in (
        SourceError("微信暂时无法提供数据", retryable=True, code=45009),
        DateRangeError("日期范围颠倒", code=61501),
    ):
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
        assert type(copy) is type(error)
        assert (copy.message, copy.retryable, copy.code) == (
            error.message,
            error.retryable,
            error.code,
        )


def test_fetched_data_is_json_serialisable(fake: FakeWeChat, clock: Clock) -> None:
    seed(fake)
    fake.seed_datacube("getarticlesummary", [article_row("2026-03-02", "1_1", "标题", 5)])
    fetched = source(fake, clock).fetch(START, END)
    json.dumps([day.extras for day in fetched.days] + [post.extras for post in fetched.posts])
