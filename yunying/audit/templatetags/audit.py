"""Template filters that make audit entries readable."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from yunying.audit.labels import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.filter
def audit_actor(label: str) -> str:
    # Scheduled work records itself as "system" (see Actor.label).
    return _("System") if label == "system" else label
