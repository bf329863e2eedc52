"""The engine's view of a client: the client's own lexicon, compiled once per version."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from yunying.compliance.engine.lexicon import ExtraEntry, ExtraLexicon, compile_extra
from yunying.compliance.engine.scanner import ScanContext
from yunying.tenancy.models import Client

from .models import ClientLexicon, LexiconEntry


def lexicon_version(client: Client) -> int:
    return (
        ClientLexicon.objects.filter(client=client).values_list("version", flat=True).first() or 0
    )


@lru_cache(maxsize=256)
def _compiled(client_id: int, version: int, stamp: datetime, label: str) -> ExtraLexicon | None:
    """The client's active entries at ``version``. Version and change time in the key are what
    invalidates the cache: a change made in another process is seen on the next check, and a
    version number reused after a rolled-back change is told apart by its time."""
    entries = [
        ExtraEntry(e.term, e.kind, e.category, e.severity, e.reason)
        for e in LexiconEntry.objects.filter(client_id=client_id, removed_in=None)
    ]
    if not entries:
        return None
    return compile_extra(entries, version=label)


def scan_context(client: Client | None) -> ScanContext | None:
    """What a scan for ``client`` adds to the built-in rules (None when the client has no list)."""
    if client is None:
        return None
    row = ClientLexicon.objects.filter(client=client).values_list("version", "changed_at").first()
    if row is None or not row[0]:
        return None
    version, stamp = row
    extra = _compiled(client.pk, version, stamp, f"{client.name} 客户词库 v{version}")
    return ScanContext(extra=extra) if extra else None
