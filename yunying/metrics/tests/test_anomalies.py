"""Suspicious-engagement detection, pure: synthetic accounts, clean and with anomalies injected.

A clean account is generated with numpy from a fixed seed: daily plays with multiplicative
(lognormal) noise, a weekly rhythm (weekends higher) and slow growth, and likes, comments, shares
and followers as Poisson counts around it; a post every 2 or 3 days with its own plays and a like
rate of about 4 %. Twenty such accounts must raise no flag at all, and the same accounts with four
anomalies injected must raise exactly those four.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunying.metrics import anomalies as a
from yunying.metrics.anomalies import Flag, PostStats, detect

D = Decimal
START = dt.date(2026, 1, 5)  # a Monday
DAYS = 180
# Monday to Sunday: people watch more at the weekend.
WEEKLY = np.array([0.95, 0.9, 0.95, 1.0, 1.05, 1.15, 1.2])


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


@dataclass
class Account:
    """A synthetic account: one integer per day and metric, and its posts."""

    series: dict[str, np.ndarray]
    posts: list[PostStats]

    @property
    def days(self) -> dict[str, list[tuple[dt.date, Decimal]]]:
        return {
            code: [(day(n), D(int(value))) for n, value in enumerate(values)]
            for code, values in self.series.items()
        }

    def detect(self, **options: Any) -> list[Flag]:
        return detect(self.days, self.posts, **options)


def clean_account(seed: int) -> Account:
    rng = np.random.default_rng(seed)
    t = np.arange(DAYS)
    trend = 1 + 0.6 * t / DAYS
    weekly = WEEKLY[[day(int(n)).weekday() for n in t]]
    plays = rng.poisson(2500 * trend * weekly * rng.lognormal(0, 0.2, DAYS))
    series = {
        "plays": plays,
        "likes": rng.poisson(plays * 0.04 * rng.lognormal(0, 0.1, DAYS)),
        "comments": rng.poisson(plays * 0.004),
        "shares": rng.poisson(plays * 0.003),
        "followers_new": rng.poisson(120 * trend * weekly * rng.lognormal(0, 0.2, DAYS)),
        "followers_lost": rng.poisson(15 * trend),
    }
    posts = []
    n = int(rng.integers(0, 3))
    while n < DAYS:
        post_plays = int(rng.poisson(3000 * trend[n] * rng.lognormal(0, 0.4)))
        posts.append(
            PostStats(
                post_id=f"v{n:03d}",
                published_on=day(n),
                plays=post_plays,
                reads=None,
                likes=int(rng.poisson(post_plays * 0.04 * rng.lognormal(0, 0.25))),
                comments=int(rng.poisson(post_plays * 0.004)),
                shares=int(rng.poisson(post_plays * 0.003)),
                favourites=int(rng.poisson(post_plays * 0.005)),
            )
        )
        n += int(rng.integers(2, 4))
    return Account(series, posts)


def summary(flags: Sequence[Flag]) -> list[tuple[str, dt.date, str, str]]:
    return [(flag.kind, flag.date, flag.post_id, flag.metric) for flag in flags]


def previous_median(values: np.ndarray, n: int) -> float:
    return float(np.median(values[n - a.WINDOW : n]))


@dataclass(frozen=True)
class Injected:
    account: Account
    expected: list[tuple[str, dt.date, str, str]]


def with_anomalies(seed: int) -> Injected:
    """A clean account with four anomalies: bought followers, bought likes, two odd posts."""
    account = clean_account(seed)
    series, posts = account.series, account.posts
    post_days = {post.published_on for post in posts}

    # Followers bought on a quiet day: no post that day or the day before.
    jump = next(n for n in range(60, DAYS) if not {day(n), day(n - 1)} & post_days)
    series["followers_new"][jump] = round(40 * previous_median(series["followers_new"], jump))

    # Likes bought on an ordinary day: eight times the usual, still well below half the plays.
    spike = jump + 20
    series["likes"][spike] = round(8 * previous_median(series["likes"], spike))

    # One post liked more often than played, one liked ten times as often as the others.
    over, odd = posts[30], posts[45]
    assert over.plays is not None
    assert odd.plays is not None
    posts[30] = dataclasses.replace(over, likes=round(over.plays * 1.3))
    usual = float(np.median([post.likes / post.plays for post in posts if post.plays]))
    posts[45] = dataclasses.replace(odd, likes=round(odd.plays * usual * 10))

    expected = [
        (a.FOLLOWERS_WITHOUT_CONTENT, day(jump), "", "followers_new"),
        (a.DAILY_SPIKE, day(spike), "", "likes"),
        (a.LIKES_EXCEED_VIEWS, over.published_on, over.post_id, "likes"),
        (a.RATIO_OUTLIER, odd.published_on, odd.post_id, "likes"),
    ]
    return Injected(account, sorted(expected, key=lambda row: (row[1], row[0], row[2])))


# --- Whole accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_a_clean_account_raises_no_flag(seed: int) -> None:
    flags = clean_account(seed).detect()
    assert [flag.explanation for flag in flags] == []


@pytest.mark.parametrize("seed", [3, 11, 42, 2026])
def test_injected_anomalies_are_flagged_exactly_and_nothing_else(seed: int) -> None:
    injected = with_anomalies(seed)
    assert summary(injected.account.detect()) == injected.expected


def test_detecting_twice_or_from_shuffled_rows_gives_the_same_flags_and_keys() -> None:
    account = with_anomalies(3).account
    first = account.detect()
    shuffled = {code: list(reversed(rows)) for code, rows in account.days.items()}
    again = detect(shuffled, list(reversed(account.posts)))
    assert again == first
    assert [flag.key for flag in again] == [flag.key for flag in first]
    assert [flag.inputs for flag in again] == [flag.inputs for flag in first]
    assert len({flag.key for flag in first}) == len(first)


def test_key_is_kind_date_post_and_metric() -> None:
    flag = Flag(
        kind=a.RATIO_OUTLIER,
        date=dt.date(2026, 3, 1),
        post_id="v059",
        metric="likes",
        value=D("0.4"),
        expected=D("0.04"),
        score=D("9.2"),
        threshold=D("3.5"),
        explanation="",
    )
    assert flag.key == "ratio_outlier:2026-03-01:v059:likes"
    assert flag.title == "作品点赞率离群"


def test_only_days_and_posts_in_the_period_are_flagged_with_history_from_before() -> None:
    injected = with_anomalies(11)
    flags = injected.account.detect()
    spike_day = next(flag.date for flag in flags if flag.kind == a.DAILY_SPIKE)
    alone = injected.account.detect(start=spike_day, end=spike_day)
    assert summary(alone) == [row for row in injected.expected if row[1] == spike_day]
    # The day before the spike, the spike is not there to be seen.
    assert injected.account.detect(end=spike_day - dt.timedelta(days=1)) == [
        flag for flag in flags if flag.date < spike_day
    ]


def test_thresholds_can_be_overridden_by_keyword() -> None:
    account = with_anomalies(42).account
    kinds = {flag.kind for flag in account.detect(z_threshold=D(1000))}
    assert kinds == {a.LIKES_EXCEED_VIEWS}
    assert account.detect(like_ratio_max=D(2), z_threshold=D(1000)) == []
    with pytest.raises(TypeError):
        account.detect(z=D(4))


def test_every_kind_has_a_chinese_title() -> None:
    assert (
        set(a.KINDS)
        == set(a.KIND_TITLES)
        == {
            "daily_spike",
            "followers_without_content",
            "likes_exceed_views",
            "ratio_outlier",
        }
    )


# --- Daily spikes ------------------------------------------------------------------------------


def quiet_history(
    values: Sequence[int], then: int, code: str = "followers_new"
) -> dict[str, list[tuple[dt.date, Decimal]]]:
    """``values`` on consecutive days, then ``then`` on the next day."""
    return {code: [(day(n), D(v)) for n, v in enumerate([*values, then])]}


def test_the_explanation_shows_rule_numbers_and_formula() -> None:
    # Median 120; every day 35 away from it, so the MAD is 35.
    history = [85, 155] * 14
    [flag] = detect(quiet_history(history, 5230), [])
    assert flag.kind == a.FOLLOWERS_WITHOUT_CONTENT
    assert flag.date == day(28)
    assert (flag.value, flag.expected, flag.score, flag.threshold) == (
        D(5230),
        D(120),
        D("98.48"),
        D("3.5"),
    )
    assert flag.explanation == (
        "新增粉丝 5,230，前 28 天（28 天有数据）中位数 120、MAD 35，"
        "稳健 z = 0.6745×(5230−120)/35 = 98.48 > 3.5；"
        "当日是中位数的 43.58 倍（≥ 3 倍）、比中位数高 5,110（≥ 20）。"
        "当天（2026-02-02）和前一天（2026-02-01）都没有发布作品，"
        "播放量、阅读量也没有异常增长，这些新增粉丝没有内容来源。"
    )
    assert flag.inputs == {
        "value": "5230",
        "window_days": "28",
        "history_days": "28",
        "median": "120",
        "mad": "35",
        "spread": "35",
        "z": "98.48",
        "z_threshold": "3.5",
        "min_multiple": "3",
        "required_multiple": "3",
        "min_excess": "20",
        "posts_that_day_or_before": "0",
    }


def test_only_the_previous_28_days_make_the_baseline() -> None:
    # A busy first month, then four quiet weeks: 500 is ordinary for the first, not the second.
    values = [500] * 28 + [85, 155] * 14
    [flag] = detect(quiet_history(values, 500), [])
    assert flag.expected == D(120)


def test_fewer_than_14_prior_days_give_no_flag() -> None:
    assert detect(quiet_history([100] * 13, 5000), []) == []
    assert len(detect(quiet_history([100] * 14, 5000), [])) == 1


def test_the_window_is_calendar_days_and_missing_days_are_not_history() -> None:
    every_other_day = [(day(n), D(100)) for n in range(0, 28, 2)]  # 14 rows in the window
    assert len(detect({"likes": [*every_other_day, (day(28), D(5000))]}, [])) == 1
    assert detect({"likes": [*every_other_day[1:], (day(28), D(5000))]}, []) == []
    # 28 rows, but only 9 of them in the 28 days before the spike.
    every_third_day = [(day(n), D(100)) for n in range(0, 84, 3)]
    assert detect({"likes": [*every_third_day, (day(84), D(5000))]}, []) == []


def test_the_z_score_must_be_above_the_threshold_as_shown() -> None:
    days = quiet_history([90, 110] * 14, 160)  # z = 0.6745 × 60 / 10 = 4.047, shown 4.05
    assert detect(days, [], min_multiple=D(1), z_threshold=D("4.05")) == []
    [flag] = detect(days, [], min_multiple=D(1), z_threshold=D("4.04"))
    assert flag.score == D("4.05")
    assert detect(days, []) == []  # 160 is not 3 times the median of 100


def test_a_flat_history_does_not_divide_by_zero_and_a_single_one_more_is_not_a_spike() -> None:
    assert detect(quiet_history([50] * 28, 51), []) == []
    assert detect(quiet_history([50] * 28, 70), []) == []  # below 3 times the median
    [flag] = detect(quiet_history([50] * 28, 500), [])
    assert "MAD 为 0，改用平均绝对偏差 0，低于下限 2.5，按 2.5 计" in flag.explanation
    assert flag.score == D("121.41")  # 0.6745 × 450 / 2.5


def test_mostly_zero_history_uses_the_mean_absolute_deviation() -> None:
    history = [0] * 20 + [40] * 8  # median 0, MAD 0, mean absolute deviation 80/7
    assert detect(quiet_history(history, 50, "comments"), [], start=day(28)) == []
    [flag] = detect(quiet_history(history, 300, "comments"), [], start=day(28))
    assert "MAD 为 0，改用平均绝对偏差 11.43" in flag.explanation


def test_a_tiny_account_going_from_0_to_3_is_not_flagged() -> None:
    assert detect(quiet_history([0] * 28, 3, "likes"), []) == []
    assert detect(quiet_history([0] * 28, 19, "likes"), []) == []
    assert len(detect(quiet_history([0] * 28, 20, "likes"), [])) == 1


def test_a_post_that_takes_off_raises_no_flag_and_bought_followers_on_top_still_show() -> None:
    ordinary = {"plays": 2000, "likes": 80, "comments": 8, "shares": 6, "followers_new": 100}
    days = {
        code: [(day(n), D(value + n % 3)) for n in range(28)] + [(day(28), D(value * 5))]
        for code, value in ordinary.items()
    }
    posts = [PostStats("v028", day(28), 10000, None, 400)]
    # The post explains the plays; the plays explain the likes, comments and followers.
    assert summary(detect(days, posts)) == []

    # Bought followers on top of the same day go beyond what the traffic explains (5 × 3).
    days["followers_new"][-1] = (day(28), D(1600))
    flags = detect(days, posts)
    assert summary(flags) == [(a.DAILY_SPIKE, day(28), "", "followers_new")]
    assert "≥ 15 倍，即同日播放量 10000 为其中位数 2001 的 5 倍再乘 3" in flags[0].explanation


def test_plays_jumping_with_nothing_published_are_flagged() -> None:
    ordinary = {"plays": 2000, "likes": 80}
    days = {
        code: [(day(n), D(value + n % 3)) for n in range(28)] + [(day(28), D(value * 5))]
        for code, value in ordinary.items()
    }
    long_ago = [PostStats("v020", day(20), 3000, None, 120)]
    assert summary(detect(days, long_ago)) == [(a.DAILY_SPIKE, day(28), "", "plays")]
    # A post the day before still draws viewers: no flag.
    yesterday = [PostStats("v027", day(27), 3000, None, 120)]
    assert summary(detect(days, yesterday)) == []


def test_followers_jumping_after_a_post_are_a_plain_spike() -> None:
    days = quiet_history([85, 155] * 14, 5230)
    posted = [PostStats("v027", day(27), 3000, None, 120)]
    assert summary(detect(days, posted)) == [(a.DAILY_SPIKE, day(28), "", "followers_new")]
    long_ago = [PostStats("v026", day(26), 3000, None, 120)]
    assert summary(detect(days, long_ago)) == [
        (a.FOLLOWERS_WITHOUT_CONTENT, day(28), "", "followers_new")
    ]


def test_two_values_for_one_day_are_refused() -> None:
    with pytest.raises(ValueError, match="有两个值"):
        detect({"likes": [(day(1), D(1)), (day(1), D(2))]}, [])


# --- Likes against plays or reads --------------------------------------------------------------


@pytest.mark.parametrize(
    ("plays", "likes", "flagged"),
    [(1000, 500, False), (1000, 501, True), (20, 30, True), (5, 10, False), (0, 50, False)],
)
def test_a_post_with_likes_above_half_its_plays_is_flagged(
    plays: int, likes: int, flagged: bool
) -> None:
    post = PostStats("v1", day(3), plays, None, likes)
    flags = detect({}, [post])
    assert summary(flags) == ([(a.LIKES_EXCEED_VIEWS, day(3), "v1", "likes")] if flagged else [])


def test_likes_above_plays_say_so_and_articles_use_reads() -> None:
    [flag] = detect({}, [PostStats("a1", day(3), None, 20, 30)])
    assert flag.explanation == (
        "作品 a1（2026-01-08 发布）点赞数 30、阅读量 20，点赞率 = 30÷20 = 1.5 > 0.5，"
        "点赞数甚至超过了阅读量；自然的点赞率通常只有百分之几。"
    )
    assert (flag.value, flag.expected, flag.score) == (D(30), D(10), D("1.5"))
    assert flag.inputs == {"likes": "30", "reads": "20", "ratio": "1.5", "like_ratio_max": "0.5"}


def test_a_day_with_likes_above_half_its_plays_is_flagged() -> None:
    days = {"plays": [(day(1), D(1000)), (day(2), D(1000))]}
    days["likes"] = [(day(1), D(40)), (day(2), D(800))]
    [flag] = detect(days, [])
    assert summary([flag]) == [(a.LIKES_EXCEED_VIEWS, day(2), "", "likes")]
    assert flag.explanation.startswith("当日点赞数 800、播放量 1,000，点赞率 = 800÷1000 = 0.8")


# --- A post's like rate against the account's other posts ---------------------------------------


def posts_with_rates(rates: Sequence[float], plays: int = 10000) -> list[PostStats]:
    return [
        PostStats(f"p{n}", day(2 * n), plays, None, round(plays * rate))
        for n, rate in enumerate(rates)
    ]


USUAL = [0.03, 0.035, 0.04, 0.045, 0.05, 0.04, 0.038, 0.042]


def test_a_post_liked_ten_times_as_often_as_the_others_is_an_outlier() -> None:
    flags = detect({}, posts_with_rates([*USUAL, 0.4]))
    assert summary(flags) == [(a.RATIO_OUTLIER, day(16), "p8", "likes")]
    [flag] = flags
    assert flag.value == D("0.4")
    assert flag.expected == D("0.04")
    assert "本账号其他 8 个作品的点赞率中位数 0.04" in flag.explanation
    assert "稳健 z = 0.6745×(ln 0.4−ln 0.04)/" in flag.explanation
    assert "点赞可能是刷的" in flag.explanation
    assert flag.inputs["other_posts"] == "8"


def test_a_post_with_a_tenth_of_the_usual_like_rate_may_have_bought_plays() -> None:
    [flag] = detect({}, posts_with_rates([*USUAL, 0.004]))
    assert flag.kind == a.RATIO_OUTLIER
    assert flag.score < -flag.threshold
    assert " < −3.5，中位数是它的 10 倍（≥ 3 倍），播放量可能是刷的。" in flag.explanation


def test_outliers_need_eight_other_posts() -> None:
    assert detect({}, posts_with_rates([*USUAL[:7], 0.4])) == []


def test_a_post_three_times_as_liked_as_a_very_regular_account_is_not_enough_below_3() -> None:
    # Identical rates: the spread falls to its floor, the z-score is huge, the multiple decides.
    assert detect({}, posts_with_rates([0.04] * 8 + [0.11])) == []
    assert len(detect({}, posts_with_rates([0.04] * 8 + [0.12]))) == 1


def test_posts_outside_the_period_are_baseline_only() -> None:
    posts = posts_with_rates([*USUAL, 0.4])
    assert detect({}, posts, end=day(15)) == []
    assert len(detect({}, posts, start=day(16))) == 1


# --- Properties -------------------------------------------------------------------------------


@st.composite
def spiky_series(draw: st.DrawFn) -> list[int]:
    """Daily counts around a level with some noise, and a few large ones dropped in."""
    level = draw(st.integers(min_value=0, max_value=300))
    size, amplitude = draw(st.integers(0, 60)), draw(st.integers(0, 60))
    noise = draw(st.lists(st.integers(0, amplitude), min_size=size, max_size=size))
    spikes = draw(st.dictionaries(st.integers(0, 59), st.integers(0, 10**4), max_size=5))
    return [spikes.get(n, level + extra) for n, extra in enumerate(noise)]


@settings(max_examples=300, deadline=None)
@given(
    followers=spiky_series(),
    plays=spiky_series(),
    post_rows=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=59),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10**5)),
            st.integers(min_value=0, max_value=10**4),
        ),
        max_size=15,
    ),
    start=st.integers(min_value=0, max_value=59),
)
def test_any_numbers_give_flags_that_keep_the_rules(
    followers: list[int], plays: list[int], post_rows: list[tuple[int, int | None, int]], start: int
) -> None:
    days = {
        "followers_new": [(day(n), D(v)) for n, v in enumerate(followers)],
        "plays": [(day(n), D(v)) for n, v in enumerate(plays)],
    }
    posts = [
        PostStats(f"p{i}", day(n), views, None, likes)
        for i, (n, views, likes) in enumerate(post_rows)
    ]
    flags = detect(days, posts, start=day(start))
    assert flags == sorted(flags, key=lambda f: (f.date, f.kind, f.post_id, f.metric))
    assert len({flag.key for flag in flags}) == len(flags)
    for flag in flags:
        assert flag.date >= day(start)
        assert flag.kind in a.KINDS
        assert flag.score == flag.score.quantize(D("0.01"))
        assert flag.explanation
        if flag.kind in (a.DAILY_SPIKE, a.FOLLOWERS_WITHOUT_CONTENT):
            assert flag.score > a.Z_THRESHOLD
            assert flag.value - flag.expected >= a.MIN_EXCESS
            assert flag.value >= flag.expected * a.MIN_MULTIPLE
        if flag.kind == a.LIKES_EXCEED_VIEWS:
            assert flag.score >= a.LIKE_RATIO_MAX
            assert flag.value >= a.MIN_LIKES
        if flag.kind == a.RATIO_OUTLIER:
            assert abs(flag.score) > a.Z_THRESHOLD
