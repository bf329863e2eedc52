"""Pages: review (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("review")


urls: list[URLPattern] = [
    path("<int:pk>/review/", placeholder, name="review"),
]
