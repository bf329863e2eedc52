"""Hashing of audit entries: pure Python, no Django, so verification logic is easy to test."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# The fields that the hash covers, in the order they are documented (the JSON is key-sorted).
HASHED_FIELDS = (
    "chain",
    "seq",
    "agency_id",
    "client_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "data",
    "reason",
    "created_at",
)


def canonical_time(value: datetime) -> str:
    """UTC with microseconds, so the text is the same whichever database stored it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's fields as canonical JSON."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    if isinstance(payload["created_at"], datetime):
        payload["created_at"] = canonical_time(payload["created_at"])
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold, and why."""

    chain: str
    seq: int
    entry_id: int | None
    problem: str


def first_break(
    chain: str, entries: Iterable[Mapping[str, Any]], head: tuple[int, str] | None
) -> Break | None:
    """Walk one chain in sequence order; return the first broken link or ``None``.

    ``entries`` yield the hashed fields plus ``id``, ``prev_hash`` and ``hash``. ``head`` is the
    (seq, hash) the chain head records, which catches entries removed from the end.
    """
    expected_prev = GENESIS
    expected_seq = 1
    for entry in entries:
        if entry["seq"] != expected_seq:
            return Break(chain, expected_seq, entry["id"], f"entry {expected_seq} is missing")
        if entry["prev_hash"] != expected_prev:
            return Break(chain, entry["seq"], entry["id"], "previous-hash link does not match")
        if entry_hash(entry["prev_hash"], entry) != entry["hash"]:
            return Break(chain, entry["seq"], entry["id"], "content does not match its hash")
        expected_prev = entry["hash"]
        expected_seq += 1
    last_seq = expected_seq - 1
    if head is not None and (head[0] != last_seq or head[1] != expected_prev):
        return Break(chain, last_seq + 1, None, f"chain head expects entry {head[0]}")
    return None
