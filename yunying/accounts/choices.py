"""Platforms, account types and statuses of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Platform(models.TextChoices):
    """Where an operated account lives. Machine names are shared with the CLI and API."""

    # 抖音 short-video account (personal or enterprise).
    DOUYIN = "douyin", _("Douyin")
    # 微信公众号, subscription or service type.
    WECHAT_OA = "wechat_oa", _("WeChat Official Account")
    # 视频号.
    WECHAT_CHANNELS = "wechat_channels", _("WeChat Channels")
    # An e-commerce store (Douyin shop, Taobao, JD, Youzan ...).
    STORE = "store", _("E-commerce store")
    # A livestream room.
    LIVESTREAM = "livestream", _("Livestream room")


class OfficialAccountType(models.TextChoices):
    """The two kinds of WeChat Official Account; only ``wechat_oa`` accounts have one."""

    # 订阅号: one mass message a day.
    SUBSCRIPTION = "subscription", _("Subscription account")
    # 服务号: four mass messages a month, more interfaces.
    SERVICE = "service", _("Service account")


class AccountRole(models.TextChoices):
    """Whose account it is to the agency: one it operates, or a competitor it watches."""

    # Operated under the client's contract: content, quotas, KPIs, credentials, sync.
    OPERATED = "operated", _("Operated account")
    # A competitor of the client, watched from public figures (imports and manual entry only):
    # compared with the client's own accounts in the monthly report, never counted in them.
    COMPETITOR = "competitor", _("Competitor")


class AccountStatus(models.TextChoices):
    """Whether the agency still operates the account."""

    # Operated now.
    ACTIVE = "active", pgettext_lazy("account status", "Active")
    # No longer operated; kept with its history.
    ARCHIVED = "archived", _("Archived")


class AccountChangeKind(models.TextChoices):
    """Changes the agency may make to an account only with the client's approval (seed 000)."""

    # A new display name (nickname) for the account.
    RENAME = "rename", _("Change the account name")
    # A new login password.
    PASSWORD = "password", _("Change the password")
