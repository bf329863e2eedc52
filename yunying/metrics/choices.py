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
    # Peak concurrent viewers of the day's livestreams; a peak, so a period reads its highest day.
    LIVE_PEAK = "live_peak", _("Live peak viewers")


class FactSource(models.TextChoices):
    """Where a stored value came from."""

    # An uploaded METRICS.csv or POSTS.csv.
    FILE = "file", _("File import")
    # Typed in by a person (e.g. calls from the client's phone log).
    MANUAL = "manual", _("Entered by hand")
    # Fetched from the platform's API by the daily sync.
    API = "api", _("Platform API")


class ImportStatus(models.TextChoices):
    """Where an uploaded file is on its way into the store."""

    # Waiting for a worker (large files run in the background).
    QUEUED = "queued", _("Queued")
    # Rows are being read and checked; ``rows_read`` grows.
    READING = "reading", _("Reading")
    # The checked rows are being written, in one transaction.
    WRITING = "writing", _("Writing")
    # Written (all rows, or the good ones when the uploader chose to keep them).
    DONE = "done", _("Imported")
    # The file had problems and the uploader chose all-or-nothing: nothing was written.
    REJECTED = "rejected", _("Rejected")
    # Something outside the file went wrong (a crash); nothing was written.
    FAILED = "failed", _("Failed")


IMPORT_FINISHED = frozenset({ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED})


class SyncState(models.TextChoices):
    """How an account's daily sync from its platform's API stands."""

    # Configured, nothing fetched yet.
    NEW = "new", _("Not run yet")
    # The last run stored every day up to the newest complete one.
    OK = "ok", _("Up to date")
    # The last run failed in a way that may pass (quota, network); it is tried again later.
    RETRYING = "retrying", _("Retrying")
    # The platform refused in a way a person must fix (credentials, authorisation expired).
    NEEDS_ATTENTION = "attention", _("Needs attention")


class FlagStatus(models.TextChoices):
    """A suspicious-engagement finding's review."""

    # Found by the detector, waiting for a reviewer.
    OPEN = "open", _("To review")
    # A reviewer agrees the numbers look bought or faked (seed 003 forbids it).
    CONFIRMED = "confirmed", _("Confirmed")
    # A reviewer found an innocent cause (a viral post, a campaign) and wrote it down.
    DISMISSED = "dismissed", _("Dismissed")
