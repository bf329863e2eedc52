"""Pages: meetings (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("meetings")


urls: list[URLPattern] = [
    path("meetings/standup/", placeholder, name="standup"),
    path("meetings/weekly/", placeholder, name="weekly"),
]
