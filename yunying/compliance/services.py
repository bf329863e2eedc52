"""The engine's view of a client: the client's own lexicon, compiled once per version."""

from __future__ import annotations

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
def _compiled(client_id: int, version: int, label: str) -> ExtraLexicon | None:
    """The client's active entries at ``version``; the version in the key is what invalidates
    the cache, so a change made in another process is seen on the next check."""
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
    version = lexicon_version(client)
    if not version:
        return None
    extra = _compiled(client.pk, version, f"{client.name} 客户词库 v{version}")
    return ScanContext(extra=extra) if extra else None
