"""``{% group_bots_link client %}``: the way from a client's page to its team group's bots."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from yunying.tenancy import policy
from yunying.tenancy.scoping import actor_for

register = template.Library()


@register.simple_tag(takes_context=True)
def group_bots_link(context: dict[str, Any], client: Any) -> SafeString | str:
    """A button to the bots page, for the people the policy lets see bots (not reviewers)."""
    request = context.get("request")
    if request is None or not policy.can(actor_for(request), "notify.view_groupbot"):
        return ""
    return format_html(
        '<a href="{}" role="button" class="outline">{}</a>',
        reverse("groupbots:list", args=[client.pk]),
        _("Group bots"),
    )
