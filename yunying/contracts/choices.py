"""Kinds and statuses of the contracts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunying.contracts.terms import ContractKind as K


class ContractKind(models.TextChoices):
    """The contract kinds of the seeds. Values are the ``kind`` key of the terms format."""

    # 账号代运营: monthly fixed fee, often with KPIs and tiers (seed 002).
    ACCOUNT_OPERATION = K.ACCOUNT_OPERATION, _("Monthly account operation")
    # 短视频制作: a per-video job delivered by a date (seed 000, 15-day job).
    VIDEO_PRODUCTION = K.VIDEO_PRODUCTION, _("Per-video production job")
    # 直播代播: a fee per livestream session, less lateness deductions.
    LIVESTREAM_SESSION = K.LIVESTREAM_SESSION, _("Per-session livestream hosting")
    # 坑位费 plus a commission on sales.
    LIVESTREAM_COMMISSION = K.LIVESTREAM_COMMISSION, _("Livestream appearance fee and commission")
    # 店铺兼职运营: hours per week with an ROI target (seed 001).
    STORE_PART_TIME = K.STORE_PART_TIME, _("Part-time store operation")
    # 区域渠道运营商.
    REGIONAL_OPERATOR = K.REGIONAL_OPERATOR, _("Regional channel operator")
    # 年度托管: a yearly fee with an ad-revenue share.
    YEARLY_HOSTING = K.YEARLY_HOSTING, _("Yearly hosting with ad-revenue share")


class ContractStatus(models.TextChoices):
    """Where a contract is in its life."""

    # Being written; terms may still change in place and the linter must pass before signing.
    DRAFT = "draft", pgettext_lazy("contract status", "Draft")
    # Signed by both parties; terms change only by an amendment (a new version).
    SIGNED = "signed", _("Signed")
    # Ran to its end date, or ended by agreement.
    ENDED = "ended", pgettext_lazy("contract status", "Ended")
    # Ended early under a termination clause.
    TERMINATED = "terminated", _("Terminated")


# Contracts settled by the monthly run.
SETTLED_STATUSES = frozenset({ContractStatus.SIGNED})
