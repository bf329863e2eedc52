"""Kinds, states and settings of the editorial pipeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContentKind(models.TextChoices):
    """What is being produced. Machine names are shared with the API."""

    # 公众号图文: one article of a single or multi-article push.
    WECHAT_ARTICLE = "wechat_article", _("WeChat article")
    # 抖音短视频.
    DOUYIN_VIDEO = "douyin_video", _("Douyin short video")
    # 视频号视频.
    CHANNELS_VIDEO = "channels_video", _("Channels video")
    # 直播脚本.
    LIVESTREAM_SCRIPT = "livestream_script", _("Livestream script")
    # 店铺商品文案.
    STORE_COPY = "store_copy", _("Store listing copy")
    # 论坛帖子 (the promotion department's channels).
    FORUM_POST = "forum_post", _("Forum post")


VIDEO_KINDS = frozenset({ContentKind.DOUYIN_VIDEO, ContentKind.CHANNELS_VIDEO})

# The kind a contract's quota counts (``quotas[].kind`` in the terms) for each content kind.
QUOTA_KIND = {
    ContentKind.WECHAT_ARTICLE: "article",
    ContentKind.DOUYIN_VIDEO: "video",
    ContentKind.CHANNELS_VIDEO: "video",
    ContentKind.LIVESTREAM_SCRIPT: "script",
    ContentKind.STORE_COPY: "listing",
    ContentKind.FORUM_POST: "post",
}

# The platforms an item of each kind may target (an article goes to Official Accounts only).
KIND_PLATFORMS = {
    ContentKind.WECHAT_ARTICLE: frozenset({"wechat_oa"}),
    ContentKind.DOUYIN_VIDEO: frozenset({"douyin"}),
    ContentKind.CHANNELS_VIDEO: frozenset({"wechat_channels"}),
    ContentKind.LIVESTREAM_SCRIPT: frozenset({"livestream", "douyin", "wechat_channels"}),
    ContentKind.STORE_COPY: frozenset({"store"}),
    ContentKind.FORUM_POST: frozenset({"douyin", "wechat_oa", "wechat_channels", "store"}),
}


class ArticleSlot(models.TextChoices):
    """Position of an article in a multi-article push (the contracts' A+B+C+D plan)."""

    # A: about the client's products.
    PRODUCT = "A", _("A · Product")
    # B: industry knowledge and experience.
    KNOWLEDGE = "B", _("B · Industry knowledge")
    # C: industry news.
    NEWS = "C", _("C · Industry news")
    # D: other trending topics.
    TRENDING = "D", _("D · Trending")


class State(models.TextChoices):
    """Where an item stands, in the order of seed 002's workflow line."""

    # 文章收集整理: material gathered by an editor.
    COLLECTED = "collected", _("Collected")
    # 精选文章: pre-selected for production.
    SELECTED = "selected", _("Selected")
    # 文字处理: the copywriter writes or edits the text.
    EDITING = "editing", _("Editing")
    # 排版审核: the copywriter checks the layout.
    LAYOUT_REVIEW = "layout_review", _("Layout review")
    # 群内预览: previewed in the team's group chat.
    TEAM_PREVIEW = "team_preview", _("Team preview")
    # 主管审核: the supervisor reviews.
    SUPERVISOR_REVIEW = "supervisor_review", _("Supervisor review")
    # The client's reviewer approves or returns, within the contract's window.
    CLIENT_REVIEW = "client_review", _("Client review")
    # Approved and waiting for its publish slot.
    SCHEDULED = "scheduled", _("Scheduled")
    # Live on the platform; never deleted (seed 000 part 1).
    PUBLISHED = "published", pgettext_lazy("content state", "Published")
    # Filed in the monthly archive after publishing.
    ARCHIVED = "archived", pgettext_lazy("content state", "Archived")
    # Sent back for another revision round.
    RETURNED = "returned", _("Returned for revision")
    # Dropped before publishing, or taken down after (recorded, never deleted).
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which the text may still change; from supervisor review on, the approved version is
# frozen so that what the client approves is exactly what is published.
EDITABLE_STATES = frozenset(
    {State.COLLECTED, State.SELECTED, State.EDITING, State.LAYOUT_REVIEW, State.RETURNED}
)
# States that still count as planned work (calendar, quotas).
OPEN_STATES = frozenset(State) - {State.WITHDRAWN}
# Approved by the client (or past it).
APPROVED_STATES = frozenset({State.SCHEDULED, State.PUBLISHED, State.ARCHIVED})
PUBLISHED_STATES = frozenset({State.PUBLISHED, State.ARCHIVED})
# What a client's reviewer sees of the plan: items from the moment they reach the client, never
# the agency's internal drafts (``visibility.visible_items`` adds the client's own returns).
CLIENT_STATES = frozenset({State.CLIENT_REVIEW, State.SCHEDULED, State.PUBLISHED, State.ARCHIVED})


class MaterialKind(models.TextChoices):
    """What a library file is."""

    # Photos, posters, covers.
    IMAGE = "image", _("Image")
    # Footage and finished videos.
    VIDEO = "video", _("Video")
    # Briefs, product sheets, PDFs.
    DOCUMENT = "document", _("Document")


class MaterialOwner(models.TextChoices):
    """Who holds the copyright (the contracts put the client's pictures at the client's risk)."""

    # Provided by the client, who answers for its rights.
    CLIENT = "client", _("Provided by the client")
    # Made or licensed by the agency.
    AGENCY = "agency", _("Made by the agency")


class SilencePolicy(models.TextChoices):
    """What the client's silence past the review window means (a contract setting)."""

    # The account manager is told and chases the client; nothing is published.
    ESCALATE = "escalate", _("Escalate to the account manager")
    # The item counts as approved and is scheduled.
    DEEMED_APPROVAL = "deemed_approval", _("Deemed approved")


class PublishMode(models.TextChoices):
    """How scheduled items of an account reach the platform."""

    # An operator publishes by hand and records URL and time.
    MANUAL = "manual", _("By hand")
    # The Official Account's draft and publish API.
    WECHAT_OA = "wechat_oa", _("WeChat Official Account API")


class PublicationStatus(models.TextChoices):
    """One publishing attempt of a push."""

    # Sent to the platform, result awaited.
    PENDING = "pending", _("Pending")
    # Waiting for an operator to publish by hand.
    MANUAL = "manual", _("Waiting for manual publishing")
    # Live.
    PUBLISHED = "published", pgettext_lazy("publication", "Published")
    # Refused by the platform; the item stays scheduled.
    FAILED = "failed", _("Failed")


class IntakeChannel(models.TextChoices):
    """Channels a request asks for (the promotion SOP's free and paid channels)."""

    # Own accounts and free channels.
    FREE = "free", _("Free channels")
    # Paid promotion.
    PAID = "paid", _("Paid channels")


class IntakeStatus(models.TextChoices):
    """A content request from another department or the client."""

    # Waiting for the team.
    OPEN = "open", pgettext_lazy("intake", "Open")
    # Turned into a collected item.
    ACCEPTED = "accepted", _("Accepted")
    # Declined with a reason.
    DECLINED = "declined", _("Declined")
