"""What every platform's data adapter gives the metrics sync: days, posts and one kind of error.

Pure Python (no Django). A ``MetricsSource`` answers for a range of past days, all or nothing:
``fetch`` returns a complete ``Fetched`` (one ``DayData`` per day of the range, in order, and the
posts) or raises ``SourceError``; it never returns part of a range or part of a day, so the
caller can write what it gets in one transaction and, on an error, write nothing and try again
later when ``retryable`` says that may help.

Metric codes are our stored ones (``yunying.metrics``): followers_total, followers_new,
followers_lost, reads, plays, likes, comments, shares, favourites, messages. A source puts in
``metrics`` only those its platform gives; a metric left out was not measured, which is not zero.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

# The platforms' days are days in China: a day's data is complete once that day ends there.
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DayData:
    """One day of an account: stored metrics, and what else the platform says about the day."""

    date: dt.date
    metrics: dict[str, Decimal]
    # Platform-specific and JSON-serialisable, e.g. {"user_source": {"search": 12}}.
    extras: dict[str, Any]


@dataclass(frozen=True)
class PostData:
    """One published item (article, video) with its counts as the platform gives them."""

    post_id: str
    published_on: dt.date
    title: str
    kind: str  # "article" (WeChat) or "video" (Douyin)
    metrics: dict[str, int]
    extras: dict[str, Any]


@dataclass(frozen=True)
class Fetched:
    """A complete answer for a range: exactly one ``DayData`` per day, in order, and the posts."""

    days: list[DayData]
    posts: list[PostData]


class SourceError(Exception):
    """Fetching failed; nothing of the range may be used.

    ``message`` explains it in Chinese for the people who see the sync's status; ``retryable``
    says whether the same fetch may succeed later (quota, busy, network, data not yet there);
    ``code`` is the platform's error code when there is one.
    """

    def __init__(self, message: str, *, retryable: bool = False, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:
        # Task queues pickle exceptions; the default reduce loses keyword-only fields.
        return (_rebuild, (type(self), self.message, self.retryable, self.code))


class DateRangeError(SourceError):
    """The range cannot be served: reversed, too old, too long, or not yet complete.

    Never retryable as asked: the caller must ask for another range (or wait for the day).
    """

    def __init__(self, message: str, *, retryable: bool = False, code: int | None = None) -> None:
        super().__init__(message, retryable=False, code=code)


def _rebuild(cls: type[SourceError], message: str, retryable: bool, code: int | None) -> Any:
    return cls(message, retryable=retryable, code=code)


class MetricsSource(Protocol):
    """One account on one platform, able to answer for past days."""

    def fetch(self, start: dt.date, end: dt.date) -> Fetched: ...


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def shanghai_now() -> dt.datetime:
    """The current time in China, the platforms' clock."""
    return dt.datetime.now(SHANGHAI)


def in_shanghai(moment: dt.datetime) -> dt.datetime:
    """``moment`` on China's clock; a naive datetime is taken as already being China's time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def read_count(row: Mapping[str, Any], key: str, what: str) -> int:
    """A non-negative whole count from a platform's row (numbers may arrive as strings).

    A missing or malformed count is a ``SourceError`` that is not retryable: the platform changed
    its format, and asking again would give the same answer.
    """
    value = row.get(key)
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise SourceError(f"{what}的数据格式不对：字段 {key} 的值是 {value!r}，应为非负整数。")
    return value
