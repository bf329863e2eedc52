"""Kinds and severities of an agency's own lexicon entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yunying.compliance.engine.types import BLOCK, CATEGORIES, WARN


class EntryKind(models.TextChoices):
    """What an entry of a client's lexicon does."""

    # A word to find: a finding whenever it appears (in any disguise).
    TERM = "term", _("Term to find")
    # A phrase to let through: hits inside it are suppressed (a trademark, a title).
    WHITELIST = "whitelist", _("Phrase to allow")


class Severity(models.TextChoices):
    """How a finding of the entry weighs at the editorial gate."""

    # Stops the item until the text is changed.
    BLOCK = BLOCK, _("Block")
    # Passes only with a supervisor's reason.
    WARN = WARN, _("Warn")


# The engine's categories, labelled in Chinese by the engine itself (findings carry them as is).
CATEGORY_CHOICES = [(key, label) for key, label in CATEGORIES.items() if key != "account_name"]
