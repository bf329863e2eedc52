"""Content items and their versions, the workflow log, reviews, the material library, planning
(columns, push slots), publishing set-up and attempts, scores and intake requests."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunying.accounts.models import PlatformAccount
from yunying.tenancy.models import Agency, Client, User
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import (
    ArticleSlot,
    ContentKind,
    IntakeChannel,
    IntakeStatus,
    MaterialKind,
    MaterialOwner,
    PublicationStatus,
    PublishMode,
    SilencePolicy,
    State,
)

# The parts of a version a reviewer can anchor a comment to, in display order.
TEXT_PARTS = ("title", "body", "script", "subtitles", "voiceover", "music")

DEFAULT_RUBRIC: list[dict[str, Any]] = [
    {"key": "content", "label": "内容质量", "weight": 40, "max": 10},
    {"key": "layout", "label": "排版与画面", "weight": 20, "max": 10},
    {"key": "timeliness", "label": "时效与选题", "weight": 20, "max": 10},
    {"key": "compliance", "label": "合规与准确", "weight": 20, "max": 10},
]


class EditorialSettings(models.Model):
    """The agency's defaults where a contract is silent, and its scoring rubric."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="editorial", verbose_name=_("agency")
    )
    review_working_days = models.PositiveSmallIntegerField(
        _("client review window (working days)"), default=3
    )
    max_revision_rounds = models.PositiveSmallIntegerField(_("maximum revision rounds"), default=3)
    client_silence = models.CharField(
        _("client silence past the window"),
        max_length=20,
        choices=SilencePolicy.choices,
        default=SilencePolicy.ESCALATE,
    )
    # [{"key", "label", "weight", "max"}]: criteria the supervisor scores published items on.
    rubric = models.JSONField(_("scoring rubric"), default=list)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope(client=None)

    class Meta:
        verbose_name = _("editorial settings")
        verbose_name_plural = _("editorial settings")

    def __str__(self) -> str:
        return str(self.agency)

    def criteria(self) -> list[dict[str, Any]]:
        return self.rubric or DEFAULT_RUBRIC


def material_path(instance: Material, filename: str) -> str:
    # One folder per client and month: the monthly archive the seeds ask for, and object-storage
    # friendly (no renames, no collisions).
    month = instance.archive_month or "unfiled"
    return (
        f"materials/{instance.agency_id}/{instance.client_id}/{month}/{uuid.uuid4().hex}-{filename}"
    )


class Material(models.Model):
    """A file in the client's material library, with who owns its copyright."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="materials", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    owner = models.CharField(_("copyright owner"), max_length=16, choices=MaterialOwner.choices)
    licence_note = models.CharField(_("licence note"), max_length=500, blank=True)
    # "YYYY-MM" of upload: the monthly archive it is filed in.
    archive_month = models.CharField(_("archive month"), max_length=7, db_index=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["client", "archive_month"])]

    def __str__(self) -> str:
        return self.title


class Column(models.Model):
    """A recurring column (栏目) planned on weekdays, with the person who fills it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="columns", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # ISO weekdays 1 (Monday) … 7 (Sunday) on which the column runs.
    weekdays = models.JSONField(_("weekdays"), default=list)
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = pgettext_lazy("content column", "column")
        verbose_name_plural = pgettext_lazy("content column", "columns")
        ordering = ["client_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="column_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PushSlot(models.Model):
    """A time of day the client's posts go out (11:00, 15:00–17:00, 20:00)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="push_slots", verbose_name=_("client")
    )
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("push slot")
        verbose_name_plural = _("push slots")
        ordering = ["client_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "starts_at"], name="push_slot_unique")
        ]

    def __str__(self) -> str:
        start = self.starts_at.strftime("%H:%M")
        return f"{start}–{self.ends_at.strftime('%H:%M')}" if self.ends_at else start


class ContentItem(models.Model):
    """One piece of content on its way from collected material to a published post."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="content_items", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ContentKind.choices)
    # The current version's title, kept here for lists and the calendar.
    title = models.CharField(_("title"), max_length=200)
    accounts = models.ManyToManyField(
        PlatformAccount, related_name="content_items", verbose_name=_("target accounts")
    )
    column = models.ForeignKey(
        Column,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=pgettext_lazy("content column", "column"),
    )
    article_slot = models.CharField(
        _("article slot"), max_length=1, choices=ArticleSlot.choices, blank=True
    )
    planned_at = models.DateTimeField(_("planned publish time"), null=True, blank=True)
    attachments = models.ManyToManyField(
        Material, blank=True, related_name="items", verbose_name=_("attachments")
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.COLLECTED
    )
    # Client review rounds: 1 until the client first returns the item.
    round = models.PositiveSmallIntegerField(_("revision round"), default=1)
    # The newest version's number (versions are never edited, only added).
    version = models.PositiveIntegerField(_("version"), default=0)
    # The version the client approved; what gets published.
    approved_version = models.PositiveIntegerField(_("approved version"), null=True, blank=True)
    # The rounds went past the contract's maximum: the account manager must step in.
    over_rounds = models.BooleanField(_("past the maximum rounds"), default=False)
    # Client review: when it was asked for, when the answer is due and the rule that says so.
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    review_rule = models.JSONField(_("review rule"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_url = models.URLField(_("published URL"), max_length=500, blank=True)
    # Who worked on it, for scores and bonuses: the editor who collected, the copywriter who wrote.
    editor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("editor"),
    )
    author = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copywriter"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["agency", "planned_at"]),
            models.Index(fields=["client", "planned_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class ContentVersion(models.Model):
    """One saved state of an item's text; every edit adds one, none is ever changed."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    # Rich text (sanitised HTML) for articles; description or copy for other kinds.
    body = models.TextField(_("body"), blank=True)
    # Video parts (seed 000: the client reviews subtitles, voice-over, music and cover).
    script = models.TextField(_("script"), blank=True)
    subtitles = models.TextField(_("subtitles"), blank=True)
    voiceover = models.TextField(_("voice-over"), blank=True)
    music = models.TextField(_("music notes"), blank=True)
    cover = models.ForeignKey(
        Material,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover"),
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        ordering = ["item_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def parts(self) -> dict[str, str]:
        """The text parts by name (what the compliance check and the diff look at)."""
        return {name: getattr(self, name) for name in TEXT_PARTS}


class StateChange(models.Model):
    """One move of the workflow: who, when, from where to where, why; never changed."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="changes", verbose_name=_("item")
    )
    source = models.CharField(_("from"), max_length=24, choices=State.choices)
    target = models.CharField(_("to"), max_length=24, choices=State.choices)
    # None when a background task moved it (deemed approval, publisher, archive).
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    round = models.PositiveSmallIntegerField(_("revision round"))
    version = models.PositiveIntegerField(_("version"))
    # The compliance findings of a gated move, and the supervisor's reason for passing warnings.
    findings = models.JSONField(_("compliance findings"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class ReviewComment(models.Model):
    """A reviewer's remark, anchored to a passage of one part of one version."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("item")
    )
    version = models.PositiveIntegerField(_("version"))
    round = models.PositiveSmallIntegerField(_("revision round"))
    part = models.CharField(_("part"), max_length=16, blank=True)
    # The quoted passage and its code-point offsets in that part (empty: about the whole item).
    quote = models.TextField(_("passage"), blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(_("comment"))
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["item_id", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class PublisherConfig(models.Model):
    """How scheduled items of one account are published, with the API credentials if any."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.OneToOneField(
        PlatformAccount,
        on_delete=models.CASCADE,
        related_name="publisher",
        verbose_name=_("account"),
    )
    mode = models.CharField(
        _("publishing"), max_length=16, choices=PublishMode.choices, default=PublishMode.MANUAL
    )
    appid = models.CharField(_("AppID"), max_length=64, blank=True)
    # The AppSecret, encrypted by the vault; never shown again.
    secret_ciphertext = models.TextField(blank=True, editable=False)
    api_base = models.URLField(_("API address"), default="https://api.weixin.qq.com")

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")

    def __str__(self) -> str:
        return f"{self.account} · {self.get_mode_display()}"


class Publication(models.Model):
    """One attempt to publish a push (one item, or a multi-article WeChat message)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    items = models.ManyToManyField(ContentItem, related_name="publications")
    mode = models.CharField(_("publishing"), max_length=16, choices=PublishMode.choices)
    status = models.CharField(_("status"), max_length=16, choices=PublicationStatus.choices)
    external_id = models.CharField(_("platform job id"), max_length=128, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # A failure worth trying again by itself (rate limits, network); others wait for a person.
    retryable = models.BooleanField(_("retried automatically"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.account} {self.created_at:%Y-%m-%d %H:%M}"


class Score(models.Model):
    """The supervisor's score of a published item on the agency's rubric (群发后主管评分)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    item = models.OneToOneField(
        ContentItem, on_delete=models.CASCADE, related_name="score", verbose_name=_("item")
    )
    # The rubric as it was when scored, so a later rubric change never rewrites old scores.
    criteria = models.JSONField(_("criteria"))
    marks = models.JSONField(_("marks"))
    total = models.DecimalField(_("total (0–100)"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("scored by")
    )
    scored_at = models.DateTimeField(_("scored at"))

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["-scored_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item} {self.total}"

    @property
    def total_decimal(self) -> Decimal:
        return Decimal(self.total)


class IntakeRequest(models.Model):
    """A request for content from another department or the client (the promotion SOP's form)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="intake_requests", verbose_name=_("client")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is about"), blank=True)
    department = models.CharField(_("requesting department"), max_length=64, blank=True)
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    channel = models.CharField(_("channels"), max_length=8, choices=IntakeChannel.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=ContentKind.choices)
    materials = models.ManyToManyField(Material, blank=True, verbose_name=_("materials"))
    status = models.CharField(
        _("status"), max_length=16, choices=IntakeStatus.choices, default=IntakeStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    item = models.OneToOneField(
        ContentItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake",
        verbose_name=_("item"),
    )

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("content request")
        verbose_name_plural = _("content requests")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title
