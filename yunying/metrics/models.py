"""Stored facts that settlement and reports read: daily metric values and published posts."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.accounts.models import PlatformAccount
from yunying.tenancy.models import Agency, Client
from yunying.tenancy.scoping import TenantQuerySet, TenantScope

from .choices import FactSource, FlagStatus, ImportStatus, Metric, SyncState
from .definitions import plain
from .files import MAX_KIND, MAX_POST_ID, VALUE_INTEGER_DIGITS, VALUE_PLACES


class DailyMetric(models.Model):
    """One stored metric's value for one account on one day (the natural key).

    The largest table by far (an account a year is a few thousand rows), so it carries only the
    index its reads use: the natural key (account, date, metric), which serves every "these
    accounts over these days" read and one account's series of one metric alike (a month of an
    account is at most a few hundred entries of that index). A second index (account, metric,
    date) cost a third of a bulk import's insert time and served nothing the first does not.

    No foreign key is checked by the database here, the account's included: PostgreSQL checks
    a foreign key row by row at commit, which was 9.5 s of a 1,000,000-row import (of about
    35 s). Integrity is kept set-wise instead: every writer takes the account from its row (the
    actions get and lock the account row; ``bulk`` resolves every key against the agency's
    accounts and locks them for the whole import), accounts are never deleted (archived;
    ``PROTECT`` refuses a delete in the ORM), and ``agency`` and ``client`` are copies of the
    account's, kept for scoping.
    """

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        verbose_name=_("agency"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        verbose_name=_("client"),
    )
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="daily_metrics",
        verbose_name=_("account"),
    )
    date = models.DateField(_("date"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_INTEGER_DIGITS + VALUE_PLACES, decimal_places=VALUE_PLACES
    )
    source = models.CharField(_("source"), max_length=16, choices=FactSource.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("daily metric")
        verbose_name_plural = _("daily metrics")
        ordering = ["account_id", "date", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "metric"], name="daily_metric_unique_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_metric_display()} {plain(self.value)}"


class PostFact(models.Model):
    """A published item of an account as the platform reports it (its id is the natural key)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="post_facts",
        verbose_name=_("account"),
    )
    post_id = models.CharField(_("post id"), max_length=MAX_POST_ID)
    published_on = models.DateField(_("published on"))
    # Free short text agreed with the contract's quotas: video, article, image, live ...
    kind = models.CharField(_("kind"), max_length=MAX_KIND)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Empty, like the counts below, when the source does not give them (the WeChat data cube
    # has no likes): not measured, which is not zero.
    likes = models.PositiveIntegerField(_("likes"), null=True, blank=True)
    reads = models.PositiveBigIntegerField(_("reads"), null=True, blank=True)
    plays = models.PositiveBigIntegerField(_("plays"), null=True, blank=True)
    comments = models.PositiveBigIntegerField(_("comments"), null=True, blank=True)
    shares = models.PositiveBigIntegerField(_("shares"), null=True, blank=True)
    favourites = models.PositiveBigIntegerField(_("favourites"), null=True, blank=True)
    # Columns of the platform's export our schema has no field for (完播率 ...), as exported.
    extras = models.JSONField(_("platform extras"), default=dict, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=FactSource.choices, default=FactSource.FILE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["account_id", "published_on", "post_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "post_id"], name="post_fact_unique_id"),
        ]
        indexes = [models.Index(fields=["account", "published_on"])]

    def __str__(self) -> str:
        return f"{self.post_id} ({self.kind}, {self.published_on})"


class DailyExtra(models.Model):
    """What a platform reports for an account's day beyond the stored metrics (traffic sources,
    完播率, 主页访问量 ...), kept as given so nothing of an export is lost."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="daily_extras",
        verbose_name=_("account"),
    )
    date = models.DateField(_("date"))
    data = models.JSONField(_("data"), default=dict)
    source = models.CharField(_("source"), max_length=16, choices=FactSource.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("daily extras")
        verbose_name_plural = _("daily extras")
        ordering = ["account_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="daily_extra_unique_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} ({len(self.data)})"


def import_path(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.agency_id}/{instance.client_id}/{uuid.uuid4().hex}"


class ImportJob(models.Model):
    """One uploaded file on its way into the store, kept with its outcome.

    The file itself is stored (Django storage, never served by URL) so a rejected import can be
    looked at again and a question about a number can be traced to the file it came from.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("account"),
    )
    mapping = models.CharField(_("format"), max_length=32)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=import_path, max_length=300, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, editable=False)
    # False: any bad row rejects the whole file (the default); True: good rows are written.
    keep_good_rows = models.BooleanField(_("keep the good rows"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    # Counts by kind: {"metrics": {"created": …}, "posts": {…}, "extras": {…}, "rejected_rows": n}.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The first problems, each {"source", "row", "column", "message"}; ``problem_count`` has all.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class SyncConfig(models.Model):
    """An account's connection to its platform's data API and where its daily sync stands.

    Secrets (the AppSecret or client secret, Douyin's tokens) are kept by the vault as
    ciphertext and never shown again. ``synced_through`` is the last day stored completely: a
    run fetches the days after it up to the newest complete one, all or nothing.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.OneToOneField(
        PlatformAccount,
        on_delete=models.CASCADE,
        related_name="sync_config",
        verbose_name=_("account"),
    )
    enabled = models.BooleanField(_("sync daily"), default=True)
    # WeChat: the AppID; Douyin: the client key of the agency's open-platform application.
    app_id = models.CharField(_("AppID / client key"), max_length=64)
    secret_ciphertext = models.TextField(editable=False)
    # Douyin only: the authorised user and the OAuth tokens (JSON, encrypted).
    open_id = models.CharField(_("open_id"), max_length=128, blank=True)
    tokens_ciphertext = models.TextField(blank=True, editable=False)
    api_base = models.URLField(_("API address"), blank=True)
    synced_through = models.DateField(_("stored through"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=SyncState.choices, default=SyncState.NEW
    )
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("platform sync")
        verbose_name_plural = _("platform syncs")

    def __str__(self) -> str:
        return f"{self.account} ({self.get_state_display()})"


class EngagementFlag(models.Model):
    """A day or post whose numbers look implausible against the account's own history (刷量刷粉),
    with the rule's working, and its review. Detecting again finds the same ``key`` and leaves
    the row (and its review) alone."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency"))
    client = models.ForeignKey(Client, on_delete=models.PROTECT, verbose_name=_("client"))
    account = models.ForeignKey(
        PlatformAccount,
        on_delete=models.PROTECT,
        related_name="engagement_flags",
        verbose_name=_("account"),
    )
    key = models.CharField(max_length=160, editable=False)
    kind = models.CharField(_("kind"), max_length=32)
    date = models.DateField(_("date"))
    post_id = models.CharField(_("post id"), max_length=MAX_POST_ID, blank=True)
    metric = models.CharField(_("metric"), max_length=32)
    value = models.DecimalField(_("observed"), max_digits=24, decimal_places=4)
    expected = models.DecimalField(_("expected"), max_digits=24, decimal_places=4)
    score = models.DecimalField(_("score"), max_digits=16, decimal_places=2)
    threshold = models.DecimalField(_("threshold"), max_digits=16, decimal_places=2)
    explanation = models.TextField(_("how it was found"))
    inputs = models.JSONField(_("inputs"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_scope: ClassVar[TenantScope] = TenantScope()

    class Meta:
        verbose_name = _("suspicious engagement")
        verbose_name_plural = _("suspicious engagement")
        ordering = ["-date", "account_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="engagement_flag_unique_key"),
        ]
        indexes = [models.Index(fields=["agency", "status", "-date"])]

    def __str__(self) -> str:
        return f"{self.account} {self.date} {self.kind}"
