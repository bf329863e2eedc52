"""Pages: intake (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("intake")


urls: list[URLPattern] = [
    path("requests/", placeholder, name="intake_list"),
]
