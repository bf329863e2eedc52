"""Scores per person and the bonus pool's allocation: pure arithmetic, no Django.

Credit rule: an item's copywriter (author) and its editor each get the item's score; a person
who is both gets it once, and a missing person gets nothing. A person's *points* are the sum of
the scores credited to them in the month.

Allocation rule: share = pool × points ÷ total points, rounded half-up to 0.01 yuan. The cents
that rounding gains or loses (the remainder) go to the largest share, so the shares add up to
the pool exactly; should a negative remainder exceed the largest share (only with a pool of a
few cents), the rest comes from the next largest, so no share is ever negative. With no points
at all nothing is allocated.

The score formula text (Σ weight × mark ÷ max ÷ Σ weight × 100, numbers filled in) lives here
too, so a page and the Excel export explain a score the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Generic, TypeVar

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

K = TypeVar("K", bound=Hashable)


def plain(value: Decimal | int | float | str) -> str:
    """A number as people write it: no exponent, no trailing zeros (8, 7.5, 0.25)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text == "-0" else text


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# --- Who gets an item's score -----------------------------------------------------------------


@dataclass(frozen=True)
class ScoredItem(Generic[K]):
    """A scored item and the people who worked on it (None where nobody is recorded)."""

    score: Decimal
    author: K | None
    editor: K | None


def credits(items: Iterable[ScoredItem[K]]) -> list[tuple[K, Decimal]]:
    """(person, score) for every person an item credits, by the credit rule."""
    found: list[tuple[K, Decimal]] = []
    for item in items:
        people = [item.author]
        if item.editor != item.author:
            people.append(item.editor)
        found.extend((person, item.score) for person in people if person is not None)
    return found


@dataclass(frozen=True)
class Tally(Generic[K]):
    """One person's month: how many scored items, their points and the average score."""

    person: K
    items: int
    points: Decimal

    @property
    def average(self) -> Decimal:
        return cents(self.points / self.items) if self.items else ZERO


def tally(credited: Iterable[tuple[K, Decimal]]) -> list[Tally[K]]:
    """Per person, in order of first appearance."""
    counts: dict[K, int] = {}
    points: dict[K, Decimal] = {}
    for person, score in credited:
        counts[person] = counts.get(person, 0) + 1
        points[person] = points.get(person, ZERO) + score
    return [Tally(person, counts[person], points[person]) for person in counts]


# --- Sharing the pool -------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation(Generic[K]):
    """Each person's share of the pool, and where the rounding remainder went."""

    pool: Decimal
    total_points: Decimal
    shares: dict[K, Decimal]
    # pool − Σ rounded shares before the correction (positive: cents added to the largest).
    remainder: Decimal
    # Who received the remainder (None when there was none or nothing was allocated).
    remainder_to: K | None

    @property
    def allocated(self) -> Decimal:
        return sum(self.shares.values(), ZERO)


def check_pool(pool: Decimal) -> Decimal:
    """The pool as an amount of yuan: finite, not negative, at most two decimal places."""
    if not pool.is_finite() or pool < 0:
        raise ValueError("the bonus pool must be a number of yuan, zero or more")
    if pool != pool.quantize(CENT):
        raise ValueError("the bonus pool has at most two decimal places")
    return pool.quantize(CENT)


def allocate(pool: Decimal, points: Sequence[tuple[K, Decimal]]) -> Allocation[K]:
    """Share ``pool`` in proportion to ``points`` (person, points ≥ 0), by the allocation rule.

    Ties for the largest share go to the person listed first.
    """
    pool = check_pool(pool)
    if any(p < 0 for _, p in points):
        raise ValueError("points cannot be negative")
    total = sum((p for _, p in points), ZERO)
    if total == 0:
        return Allocation(pool, total, {person: ZERO for person, _ in points}, ZERO, None)
    # Enough digits for any pool and points a month can produce, so only the final rounding
    # to cents rounds.
    with localcontext(prec=60):
        shares = {person: cents(pool * p / total) for person, p in points}
    remainder = pool - sum(shares.values(), ZERO)
    order = sorted(range(len(points)), key=lambda i: -shares[points[i][0]])
    receiver = points[order[0]][0] if remainder else None
    left = remainder
    for index in order:
        if not left:
            break
        person = points[index][0]
        # A negative remainder takes at most what the share holds, then moves on.
        change = left if left > 0 else max(left, -shares[person])
        shares[person] += change
        left -= change
    return Allocation(pool, total, shares, remainder, receiver)


# --- Explaining a score -----------------------------------------------------------------------


def score_formula(criteria: Sequence[Mapping[str, Any]], marks: Mapping[str, Any]) -> str:
    """The weighted total's working with the numbers in (without "= total"):
    ``(40 × 8 ÷ 10 + 20 × 9 ÷ 10) ÷ 60 × 100``; a criterion without a mark shows "?"."""
    terms = []
    for criterion in criteria:
        mark = marks.get(criterion["key"])
        shown = plain(mark) if mark not in (None, "") else "?"
        terms.append(f"{plain(criterion['weight'])} × {shown} ÷ {plain(criterion['max'])}")
    weights = sum((Decimal(str(c["weight"])) for c in criteria), Decimal(0))
    return f"({' + '.join(terms)}) ÷ {plain(weights)} × 100"
