"""Sentences about account changes, built from codes so they read in the current language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import AccountChangeKind


def describe_account_change(kind: str, proposed_name: str) -> str:
    if kind == AccountChangeKind.RENAME:
        return _("rename to “%(name)s”") % {"name": proposed_name}
    return _("set a new password")
