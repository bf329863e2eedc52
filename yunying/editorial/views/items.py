"""Pages: items (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("items")


urls: list[URLPattern] = [
    path("", placeholder, name="item_list"),
    path("new/", placeholder, name="item_create"),
    path("<int:pk>/", placeholder, name="item_detail"),
]
