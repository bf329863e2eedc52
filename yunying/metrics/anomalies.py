"""Detection of suspicious engagement (刷量刷粉) in an account's own numbers.

Pure: imports nothing from Django. Platform rules forbid bought followers, plays and likes, so the
agency must notice when an account's numbers look bought; a reviewer then confirms or dismisses
each flag. A flag is evidence, not a verdict, and so every flag shows its working: the rule, the
numbers and the formula in Chinese (:attr:`Flag.explanation`) and the inputs as plain strings
(:attr:`Flag.inputs`).

Four rules, each comparing the account with itself:

``daily_spike``
    A day's followers_new, plays, reads, likes, comments or shares far above the previous
    ``window`` days: a robust (modified) z-score 0.6745 × (value − median) / MAD above
    ``z_threshold``, and at the same time at least ``min_multiple`` times the median and at least
    ``min_excess`` above it. Only rises are flagged. Followers, likes, comments and shares
    follow traffic, so on a day when plays (or reads) are k times their own median, the multiple
    they need is ``min_multiple`` × k: a post that takes off is one flag (on its plays), not five,
    while bought followers on top of it still show. Plays and reads are flagged only on days
    when nothing was published that day or the day before: new content is what makes them jump.
``followers_without_content``
    A followers_new spike (as above) on a day when nothing was published that day or the day
    before and neither plays nor reads spiked: followers that no content explains. It replaces the
    ``daily_spike`` flag of followers_new on that day, as the more specific finding.
``likes_exceed_views``
    Likes above ``like_ratio_max`` times the plays (or reads, for articles), per post and per day.
``ratio_outlier``
    A post whose like rate (likes ÷ plays or reads) is far from the account's other posts: a
    robust z-score of its logarithm against theirs beyond ±``z_threshold`` and a rate at least
    ``min_multiple`` times (or at most 1/``min_multiple`` of) their median. Too high suggests bought
    likes (and needs ``min_likes``), too low bought plays (and needs enough views that the usual
    rate would have given ``min_likes``). A post already flagged ``likes_exceed_views`` is not
    flagged again.

Where the thresholds come from: 0.6745 (the standard normal's upper quartile, which makes the
MAD comparable to a standard deviation) and 3.5 are the modified z-score and cut-off recommended
by Iglewicz and Hoaglin (1993). 28 days are four whole weeks, so each weekday weighs the same in
the median. The multiple of 3, the excess of 20, the like rate of 0.5 and the minimum of 20 likes
are our own judgement: organic days on a social account swing to twice the usual often enough,
tiny accounts move by a handful, organic like rates are a few per cent of plays or reads, and
half of all viewers liking a post is beyond anything organic.

Robust statistics because a bought spike must not hide the next one: the median and the MAD
hardly move when a few days in the window are themselves spikes. When more than half of the
history sits on one value the MAD is 0; the mean absolute deviation from the median stands in,
and the spread is never taken below max(1, 5 % of the median) (for counts) or 0.1 (for the
logarithm of a like rate, about ±10 %), so that a flat history does not divide by zero and a
single +1 does not count as a spike.

Numbers are compared as the explanation shows them (z-scores and multiples to 2 places, like
rates to 4, the spread as shown), so that an explanation never reads "3.5 > 3.5" and its formula
recomputes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from yunying.metrics.definitions import label, plain

DAILY_SPIKE = "daily_spike"
FOLLOWERS_WITHOUT_CONTENT = "followers_without_content"
LIKES_EXCEED_VIEWS = "likes_exceed_views"
RATIO_OUTLIER = "ratio_outlier"
KIND_TITLES: dict[str, str] = {
    DAILY_SPIKE: "单日异常增长",
    FOLLOWERS_WITHOUT_CONTENT: "无内容涨粉",
    LIKES_EXCEED_VIEWS: "点赞数超出播放/阅读",
    RATIO_OUTLIER: "作品点赞率离群",
}
KINDS: tuple[str, ...] = tuple(KIND_TITLES)

# Traffic, which organic engagement follows.
VIEW_METRICS: tuple[str, ...] = ("plays", "reads")
# The daily metrics a spike is looked for in. Losses (followers_lost) are not engagement.
SPIKE_METRICS: tuple[str, ...] = (
    "followers_new",
    "plays",
    "reads",
    "likes",
    "comments",
    "shares",
)

WINDOW = 28
MIN_HISTORY = 14
Z_THRESHOLD = Decimal("3.5")
MIN_MULTIPLE = Decimal(3)
MIN_EXCESS = Decimal(20)
LIKE_RATIO_MAX = Decimal("0.5")
MIN_LIKES = 20
MIN_POSTS = 8

MAD_FACTOR = Decimal("0.6745")
COUNT_SPREAD_SHARE = Decimal("0.05")
LOG_SPREAD_FLOOR = Decimal("0.1")

_CENTS = Decimal("0.01")

_DayFilter = Callable[[dt.date], bool]


@dataclass(frozen=True)
class PostStats:
    """One post's numbers to date. Videos have ``plays``, articles ``reads``; either may be None."""

    post_id: str
    published_on: dt.date
    plays: int | None
    reads: int | None
    likes: int
    comments: int = 0
    shares: int = 0
    favourites: int = 0


@dataclass(frozen=True)
class Flag:
    """One suspicious day or post, with the rule's working.

    ``value`` is what was observed (a count, or for ``ratio_outlier`` the post's like rate) and
    ``expected`` what it is compared with (a median, or for ``likes_exceed_views`` the most likes
    the ratio allows); ``score`` is the robust z-score or the like rate, rounded to 2 places, and
    ``threshold`` the limit it crossed.
    """

    kind: str
    date: dt.date
    post_id: str
    metric: str
    value: Decimal
    expected: Decimal
    score: Decimal
    threshold: Decimal
    explanation: str
    inputs: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def title(self) -> str:
        """The kind's Chinese title."""
        return KIND_TITLES[self.kind]

    @property
    def key(self) -> str:
        """A natural key: detecting again over the same data gives the same keys."""
        return f"{self.kind}:{self.date.isoformat()}:{self.post_id}:{self.metric}"


@dataclass(frozen=True)
class _Robust:
    """A value set against a sample: median, spread and the modified z-score."""

    median: Decimal
    mad: Decimal
    spread: Decimal
    spread_note: str
    z: Decimal

    def formula(self, value: str, median: str) -> str:
        z = plain(self.z).replace("-", "−")
        return f"稳健 z = {plain(MAD_FACTOR)}×({value}−{median})/{plain(self.spread)} = {z}"


def detect(
    days: Mapping[str, Sequence[tuple[dt.date, Decimal]]],
    posts: Sequence[PostStats],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    window: int = WINDOW,
    min_history: int = MIN_HISTORY,
    z_threshold: Decimal = Z_THRESHOLD,
    min_multiple: Decimal = MIN_MULTIPLE,
    min_excess: Decimal = MIN_EXCESS,
    like_ratio_max: Decimal = LIKE_RATIO_MAX,
    min_likes: int = MIN_LIKES,
    min_posts: int = MIN_POSTS,
) -> list[Flag]:
    """Flag the suspicious days and posts of one account between ``start`` and ``end``.

    ``days`` maps a metric code to the account's (date, value) rows, one per day, in any order;
    rows before ``start`` serve as history only. ``posts`` are the account's posts, all of them
    that are known: posts outside the period still tell which days had content and what the
    account's usual like rate is, but only posts published in the period are flagged; post ids
    are unique. The thresholds default to the module's constants and can be set one by one.
    Flags come sorted by date, kind, post and metric.
    """
    series = {code: _by_day(code, rows) for code, rows in days.items()}

    def in_period(day: dt.date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    spikes = _spikes(series, in_period, window, min_history, z_threshold, min_multiple, min_excess)
    post_days = {post.published_on for post in posts}
    # New content is what makes plays and reads jump: on a real account every day with a new
    # post is a "spike" of them, so only a jump with nothing published that day or the day
    # before is suspicious (bought plays). The jump still counts as traffic for the other rules.
    flags: list[Flag] = []
    for (code, day), spike in spikes.items():
        if code in VIEW_METRICS and _published(day, post_days):
            continue
        if code == "followers_new" and _without_content(day, post_days, spikes):
            flags.append(_followers_without_content(spike))
        else:
            flags.append(spike)
    flags += _daily_like_ratio(series, in_period, like_ratio_max, min_likes)
    post_flags = [
        flag
        for post in posts
        if in_period(post.published_on)
        and (flag := _post_like_ratio(post, like_ratio_max, min_likes)) is not None
    ]
    flagged = {flag.post_id for flag in post_flags}
    flags += post_flags
    flags += _ratio_outliers(
        posts, in_period, flagged, z_threshold, min_multiple, min_likes, min_posts
    )
    return sorted(flags, key=lambda flag: (flag.date, flag.kind, flag.post_id, flag.metric))


def _by_day(code: str, rows: Iterable[tuple[dt.date, Decimal]]) -> dict[dt.date, Decimal]:
    found: dict[dt.date, Decimal] = {}
    for day, value in rows:
        if day in found:
            # Two values for one day would make the history ambiguous; the caller must decide.
            raise ValueError(f"“{label(code)}”在 {day.isoformat()} 有两个值")
        found[day] = Decimal(value)
    return found


@dataclass(frozen=True)
class _Traffic:
    """The day's plays or reads against their own median, which organic engagement follows."""

    code: str
    value: Decimal
    median: Decimal

    @property
    def multiple(self) -> Decimal:
        return self.value / self.median


def _spikes(
    series: Mapping[str, Mapping[dt.date, Decimal]],
    in_period: _DayFilter,
    window: int,
    min_history: int,
    z_threshold: Decimal,
    min_multiple: Decimal,
    min_excess: Decimal,
) -> dict[tuple[str, dt.date], Flag]:
    found: dict[tuple[str, dt.date], Flag] = {}
    traffic_by_day: dict[dt.date, _Traffic | None] = {}
    for code in SPIKE_METRICS:
        values = series.get(code, {})
        for day, value in values.items():
            if not in_period(day):
                continue
            history = _history(values, day, window)
            if len(history) < min_history:
                continue
            traffic = None
            if code not in VIEW_METRICS:
                if day not in traffic_by_day:
                    traffic_by_day[day] = _traffic(series, day, window, min_history)
                traffic = traffic_by_day[day]
            flag = _spike(
                code,
                day,
                value,
                history,
                traffic,
                window,
                z_threshold,
                min_multiple,
                min_excess,
            )
            if flag is not None:
                found[code, day] = flag
    return found


def _history(values: Mapping[dt.date, Decimal], day: dt.date, window: int) -> list[Decimal]:
    # Calendar days, not rows: a day without a row is missing, not zero, and not replaced by an
    # older day.
    return [
        values[past]
        for back in range(1, window + 1)
        if (past := day - dt.timedelta(days=back)) in values
    ]


def _traffic(
    series: Mapping[str, Mapping[dt.date, Decimal]], day: dt.date, window: int, min_history: int
) -> _Traffic | None:
    for code in VIEW_METRICS:
        values = series.get(code, {})
        if day not in values:
            continue
        history = _history(values, day, window)
        if len(history) >= min_history and (median := _median(history)) > 0:
            return _Traffic(code, values[day], median)
    return None


def _spike(
    code: str,
    day: dt.date,
    value: Decimal,
    history: Sequence[Decimal],
    traffic: _Traffic | None,
    window: int,
    z_threshold: Decimal,
    min_multiple: Decimal,
    min_excess: Decimal,
) -> Flag | None:
    floor = max(Decimal(1), _median(history) * COUNT_SPREAD_SHARE)
    robust = _robust(value, history, floor, places=2)
    median = robust.median
    excess = value - median
    # A post that takes off raises plays and, with them, likes, comments and followers: those
    # rise only counts beyond min_multiple times the traffic's own rise.
    required = min_multiple
    traffic_note = ""
    if traffic is not None and traffic.multiple > 1:
        required = min_multiple * _round(traffic.multiple)
        traffic_note = (
            f"，即同日{label(traffic.code)} {plain(traffic.value)} 为其中位数 "
            f"{plain(traffic.median)} 的 {_short(traffic.multiple)} 倍再乘 {plain(min_multiple)}"
        )
    if robust.z <= z_threshold or excess < min_excess or value < median * required:
        return None
    if median > 0:
        shown = f"{_short(value / median)} 倍（≥ {plain(required)} 倍{traffic_note}）"
        multiple = f"是中位数的 {shown}、"
    else:
        multiple = ""
    explanation = (
        f"{label(code)} {_grouped(value)}，前 {window} 天（{len(history)} 天有数据）"
        f"中位数 {_grouped(median)}、{robust.spread_note}，"
        f"{robust.formula(plain(value), plain(median))} > {plain(z_threshold)}；"
        f"当日{multiple}比中位数高 {_grouped(excess)}（≥ {plain(min_excess)}）。"
    )
    inputs = {
        "value": plain(value),
        "window_days": str(window),
        "history_days": str(len(history)),
        "median": plain(median),
        "mad": plain(robust.mad),
        "spread": plain(robust.spread),
        "z": plain(robust.z),
        "z_threshold": plain(z_threshold),
        "min_multiple": plain(min_multiple),
        "required_multiple": plain(required),
        "min_excess": plain(min_excess),
    }
    if traffic is not None:
        inputs[traffic.code] = plain(traffic.value)
        inputs[f"{traffic.code}_median"] = plain(traffic.median)
    return Flag(
        kind=DAILY_SPIKE,
        date=day,
        post_id="",
        metric=code,
        value=value,
        expected=median,
        score=robust.z,
        threshold=z_threshold,
        explanation=explanation,
        inputs=inputs,
    )


def _published(day: dt.date, post_days: set[dt.date]) -> bool:
    """Something was published that day or the day before (content still drawing viewers)."""
    return day in post_days or day - dt.timedelta(days=1) in post_days


def _without_content(
    day: dt.date, post_days: set[dt.date], spikes: Mapping[tuple[str, dt.date], Flag]
) -> bool:
    traffic = ("plays", day) in spikes or ("reads", day) in spikes
    return not _published(day, post_days) and not traffic


def _followers_without_content(spike: Flag) -> Flag:
    day_before = spike.date - dt.timedelta(days=1)
    explanation = (
        f"{spike.explanation}当天（{spike.date.isoformat()}）和前一天（{day_before.isoformat()}）"
        f"都没有发布作品，{label('plays')}、{label('reads')}也没有异常增长，这些新增粉丝没有内容来源。"
    )
    return Flag(
        kind=FOLLOWERS_WITHOUT_CONTENT,
        date=spike.date,
        post_id="",
        metric=spike.metric,
        value=spike.value,
        expected=spike.expected,
        score=spike.score,
        threshold=spike.threshold,
        explanation=explanation,
        inputs=spike.inputs | {"posts_that_day_or_before": "0"},
    )


def _daily_like_ratio(
    series: Mapping[str, Mapping[dt.date, Decimal]],
    in_period: _DayFilter,
    like_ratio_max: Decimal,
    min_likes: int,
) -> list[Flag]:
    flags = []
    plays, reads = series.get("plays", {}), series.get("reads", {})
    for day, likes in series.get("likes", {}).items():
        if not in_period(day):
            continue
        views_code = "plays" if day in plays else "reads"
        views = plays.get(day, reads.get(day))
        flag = _like_ratio(day, "", "当日", likes, views_code, views, like_ratio_max, min_likes)
        if flag is not None:
            flags.append(flag)
    return flags


def _post_like_ratio(post: PostStats, like_ratio_max: Decimal, min_likes: int) -> Flag | None:
    views_code, views = _views(post)
    subject = f"作品 {post.post_id}（{post.published_on.isoformat()} 发布）"
    return _like_ratio(
        post.published_on,
        post.post_id,
        subject,
        Decimal(post.likes),
        views_code,
        None if views is None else Decimal(views),
        like_ratio_max,
        min_likes,
    )


def _like_ratio(
    day: dt.date,
    post_id: str,
    subject: str,
    likes: Decimal,
    views_code: str,
    views: Decimal | None,
    like_ratio_max: Decimal,
    min_likes: int,
) -> Flag | None:
    # No views, or 0 of them, usually means the plays were not counted yet rather than liked
    # without being seen: there is nothing to compare with.
    if views is None or views <= 0 or likes < min_likes:
        return None
    # Compared as shown, to 4 places: 501 likes on 1000 plays read 0.501 > 0.5.
    ratio = _short_decimal(likes / views, 4)
    if ratio <= like_ratio_max:
        return None
    views_label = label(views_code)
    beyond = f"，{label('likes')}甚至超过了{views_label}" if likes > views else ""
    explanation = (
        f"{subject}{label('likes')} {_grouped(likes)}、{views_label} {_grouped(views)}，"
        f"点赞率 = {plain(likes)}÷{plain(views)} = {plain(ratio)} > {plain(like_ratio_max)}"
        f"{beyond}；自然的点赞率通常只有百分之几。"
    )
    return Flag(
        kind=LIKES_EXCEED_VIEWS,
        date=day,
        post_id=post_id,
        metric="likes",
        value=likes,
        expected=_round(views * like_ratio_max),
        score=_round(ratio),
        threshold=like_ratio_max,
        explanation=explanation,
        inputs={
            "likes": plain(likes),
            views_code: plain(views),
            "ratio": plain(ratio),
            "like_ratio_max": plain(like_ratio_max),
        },
    )


def _ratio_outliers(
    posts: Sequence[PostStats],
    in_period: _DayFilter,
    already_flagged: set[str],
    z_threshold: Decimal,
    min_multiple: Decimal,
    min_likes: int,
    min_posts: int,
) -> list[Flag]:
    # A rate needs likes and views above 0 to have a logarithm; a post without likes is not
    # evidence of bought likes and its rate says little about bought plays.
    rated = [
        (post, views_code, Decimal(views), (Decimal(post.likes) / Decimal(views)).ln())
        for post in posts
        for views_code, views in [_views(post)]
        if views is not None and views > 0 and post.likes > 0
    ]
    flags = []
    for index, (post, views_code, views, log_rate) in enumerate(rated):
        if not in_period(post.published_on) or post.post_id in already_flagged:
            continue
        # Each post is compared with the others, so that it does not pull its own baseline.
        others = [other[3] for other_index, other in enumerate(rated) if other_index != index]
        if len(others) < min_posts:
            continue
        flag = _ratio_outlier(
            post, views_code, views, log_rate, others, z_threshold, min_multiple, min_likes
        )
        if flag is not None:
            flags.append(flag)
    return flags


def _ratio_outlier(
    post: PostStats,
    views_code: str,
    views: Decimal,
    log_rate: Decimal,
    other_log_rates: Sequence[Decimal],
    z_threshold: Decimal,
    min_multiple: Decimal,
    min_likes: int,
) -> Flag | None:
    robust = _robust(log_rate, other_log_rates, LOG_SPREAD_FLOOR, places=4)
    # The median of the logarithms is the logarithm of the median rate (for an even count, of the
    # geometric mean of the middle two), so the shown median and formula agree.
    rate, median = Decimal(post.likes) / views, robust.median.exp()
    # Multiples are compared as shown, to 2 places, whichever way round is above 1.
    above, below = _round(rate / median), _round(median / rate)
    high = robust.z > z_threshold and above >= min_multiple and post.likes >= min_likes
    # Too few likes is only telling when the usual rate would have given min_likes of them.
    low = robust.z < -z_threshold and below >= min_multiple and views * median >= min_likes
    if not (high or low):
        return None
    shown_rate, shown_median = _short(rate, 4), _short(median, 4)
    if high:
        verdict = (
            f" > {plain(z_threshold)}，是中位数的 {plain(above)} 倍"
            f"（≥ {plain(min_multiple)} 倍），点赞可能是刷的。"
        )
    else:
        verdict = (
            f" < −{plain(z_threshold)}，中位数是它的 {plain(below)} 倍"
            f"（≥ {plain(min_multiple)} 倍），{label(views_code)}可能是刷的。"
        )
    explanation = (
        f"作品 {post.post_id}（{post.published_on.isoformat()} 发布）点赞率 = "
        f"{label('likes')} {plain(Decimal(post.likes))}÷{label(views_code)} {plain(views)}"
        f" = {shown_rate}，本账号其他 {len(other_log_rates)} 个作品的点赞率中位数 {shown_median}；"
        f"按对数比较，对数点赞率的 {robust.spread_note}，"
        f"{robust.formula(f'ln {shown_rate}', f'ln {shown_median}')}{verdict}"
    )
    return Flag(
        kind=RATIO_OUTLIER,
        date=post.published_on,
        post_id=post.post_id,
        metric="likes",
        value=_short_decimal(rate, 4),
        expected=_short_decimal(median, 4),
        score=robust.z,
        threshold=z_threshold,
        explanation=explanation,
        inputs={
            "likes": str(post.likes),
            views_code: plain(views),
            "rate": shown_rate,
            "other_posts": str(len(other_log_rates)),
            "median_rate": shown_median,
            "log_mad": _short(robust.mad, 4),
            "log_spread": plain(robust.spread),
            "z": plain(robust.z),
            "z_threshold": plain(z_threshold),
            "min_multiple": plain(min_multiple),
        },
    )


def _robust(value: Decimal, sample: Sequence[Decimal], floor: Decimal, places: int) -> _Robust:
    median = _median(sample)
    deviations = [abs(x - median) for x in sample]
    mad = _median(deviations)
    spread, note = mad, f"MAD {_short(mad, places)}"
    if mad == 0:
        spread = sum(deviations, Decimal(0)) / len(deviations)
        note = f"MAD 为 0，改用平均绝对偏差 {_short(spread, places)}"
    if spread < floor:
        note += f"，低于下限 {_short(floor, places)}，按 {_short(floor, places)} 计"
        spread = floor
    # The spread is used as shown, so that the formula in the explanation recomputes.
    spread = _short_decimal(spread, places)
    z = _round(MAD_FACTOR * (value - median) / spread)
    return _Robust(median, mad, spread, note, z)


def _views(post: PostStats) -> tuple[str, int | None]:
    return ("plays", post.plays) if post.plays is not None else ("reads", post.reads)


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)


def _short_decimal(value: Decimal, places: int = 2) -> Decimal:
    return Decimal(plain(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)))


def _short(value: Decimal, places: int = 2) -> str:
    return plain(_short_decimal(value, places))


def _grouped(value: Decimal) -> str:
    # Thousands separators for the reader (5,230); formulas keep the bare number.
    return format(_short_decimal(value), ",")
