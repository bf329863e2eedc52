"""Metric codes and fact sources of the metrics app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """The stored daily metrics; mirrors ``definitions.STORED`` (a test keeps them equal)."""

    # Follower count at the end of the day; a level, so a period reads its latest value.
    FOLLOWERS_TOTAL = "followers_total", _("Followers (total)")
    # Followers gained that day.
    FOLLOWERS_NEW = "followers_new", _("New followers")
    # Followers who unfollowed that day.
    FOLLOWERS_LOST = "followers_lost", _("Lost followers")
    # Article reads (WeChat Official Accounts).
    READS = "reads", _("Reads")
    # Video plays.
    PLAYS = "plays", _("Plays")
    # Likes received.
    LIKES = "likes", _("Likes")
    # Comments received.
    COMMENTS = "comments", _("Comments")
    # Shares.
    SHARES = "shares", _("Shares")
    # Favourites (收藏).
    FAVOURITES = "favourites", _("Favourites")
    # Private messages and comments left for the account.
    MESSAGES = "messages", _("Messages")
    # Phone calls from the account's page (often logged by hand from the client's phone log).
    CALLS = "calls", _("Calls")
    # Visitors of the store.
    STORE_VISITORS = "store_visitors", _("Store visitors")
    # Orders placed.
    ORDERS = "orders", _("Orders")
    # Sales amount in yuan.
    SALES = "sales", _("Sales")
    # Advertising spend in yuan.
    AD_SPEND = "ad_spend", _("Ad spend")
    # Advertising revenue in yuan.
    AD_REVENUE = "ad_revenue", _("Ad revenue")
    # Gross merchandise value of livestream sales in yuan.
    GMV = "gmv", _("GMV")
    # Livestream viewers.
    LIVE_VIEWERS = "live_viewers", _("Live viewers")
    # Minutes streamed live.
    LIVE_MINUTES = "live_minutes", _("Live minutes")


class FactSource(models.TextChoices):
    """Where a stored value came from."""

    # An uploaded METRICS.csv or POSTS.csv.
    FILE = "file", _("File import")
    # Typed in by a person (e.g. calls from the client's phone log).
    MANUAL = "manual", _("Entered by hand")
    # Fetched from the platform's API (a later release).
    API = "api", _("Platform API")
