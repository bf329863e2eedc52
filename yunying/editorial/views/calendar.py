"""Pages: calendar (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("calendar")


urls: list[URLPattern] = [
    path("calendar/", placeholder, name="calendar"),
]
