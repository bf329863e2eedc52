from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from yunying.editorial.tabs import tabs_for

register = template.Library()


@register.inclusion_tag("editorial/_tabs.html", takes_context=True)
def editorial_tabs(context: dict[str, Any]) -> dict[str, Any]:
    """The content area's tab bar, for the roles of the person looking."""
    request = context["request"]
    links = []
    for tab in tabs_for(request.actor):
        url = reverse(tab.url_name)
        links.append({"label": tab.label, "url": url, "active": request.path == url})
    return {"tabs": links}
