"""Pages: scoring (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("scoring")


urls: list[URLPattern] = [
    path("scores/", placeholder, name="scores"),
]
