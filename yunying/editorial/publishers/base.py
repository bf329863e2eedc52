"""The publisher interface: one scheduled push in, one outcome out.

Pure of Django so each platform's client is tested against its fake server alone. A *push* is what
goes out at one slot on one account: a single item, or for WeChat Official Accounts a multi-article
message whose articles are ordered by their A/B/C/D slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Article:
    """One item of a push, as the platform needs it."""

    item_id: int
    title: str
    # Rich text (HTML) for articles; the script for videos.
    content: str
    author: str = ""
    digest: str = ""
    source_url: str = ""
    # The cover image's bytes and file name, uploaded by publishers that need a media id.
    cover: bytes | None = None
    cover_name: str = ""


@dataclass(frozen=True)
class Push:
    """Everything one publisher call sends: articles for one account at one slot."""

    account_id: int
    platform_id: str
    articles: tuple[Article, ...]


class PublishStatus:
    """Where a push stands after a call. Values are stored on publication attempts."""

    PUBLISHED = "published"  # live; urls are known
    PENDING = "pending"  # accepted by the platform, result not known yet: poll again
    MANUAL = "manual"  # waits for an operator to publish by hand and record the URL
    FAILED = "failed"  # refused; error says why; the item stays scheduled for a retry


@dataclass(frozen=True)
class PublishOutcome:
    status: str
    # The platform's handle for the job (publish_id), kept to poll it.
    external_id: str = ""
    # Article URL per item id, once published.
    urls: dict[int, str] = field(default_factory=dict)
    error: str = ""
    # True when trying again later may succeed (rate limits, quotas, network).
    retryable: bool = False


class Publisher(Protocol):
    """Sends a push; ``poll`` follows up a pending one."""

    mode: str

    def publish(self, push: Push) -> PublishOutcome: ...

    def poll(self, push: Push, external_id: str) -> PublishOutcome: ...


class ManualPublisher:
    """The operator publishes by hand and records URL and time (``actions.record_publication``)."""

    mode = "manual"

    def publish(self, push: Push) -> PublishOutcome:
        return PublishOutcome(status=PublishStatus.MANUAL)

    def poll(self, push: Push, external_id: str) -> PublishOutcome:
        return PublishOutcome(status=PublishStatus.MANUAL)
