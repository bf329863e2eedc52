"""Checking the audit chains: ``yunying audit verify`` and the audit page call this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .chain import HASHED_FIELDS, first_break
from .models import AuditEntry, ChainHead


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of ``verify``: entries checked per chain and the first break found, if any."""

    checked: dict[str, int]
    problem: str | None = None
    chain: str | None = None
    seq: int | None = None
    entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify() -> VerifyReport:
    """Recompute every chain; stop at the first broken link."""
    values = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    checked: dict[str, int] = {}
    heads = {c: (s, h) for c, s, h in ChainHead.objects.values_list("chain", "seq", "last_hash")}
    chains = set(heads) | set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        rows = AuditEntry.objects.filter(chain=chain).order_by("seq").values(*values)
        counter = _Counter(rows.iterator(chunk_size=2000))
        broken = first_break(chain, counter, heads.get(chain))
        checked[chain] = counter.count
        if broken is not None:
            return VerifyReport(checked, broken.problem, chain, broken.seq, broken.entry_id)
    return VerifyReport(checked)


class _Counter:
    """Pass rows through while counting them, so verify needs one query per chain."""

    def __init__(self, rows: Any) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Any:
        for row in self._rows:
            self.count += 1
            yield row
