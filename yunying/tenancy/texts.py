"""Sentences about tenancy rows, built from codes so they read in the current language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import Role


def describe_team_change(role: str, outgoing: str, incoming: str | None) -> str:
    """One line a client can read: who leaves, who comes, in which role."""
    label = Role(role).label
    if incoming:
        return _("%(role)s %(old)s → %(new)s") % {"role": label, "old": outgoing, "new": incoming}
    return _("%(role)s %(old)s leaves the team") % {"role": label, "old": outgoing}
