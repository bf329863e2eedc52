"""Pages: materials (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("materials")


urls: list[URLPattern] = [
    path("materials/", placeholder, name="material_list"),
]
