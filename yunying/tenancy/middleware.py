"""Attach the acting :class:`Actor` to every request, lazily."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .scoping import actor_for


class ActorMiddleware:
    """Sets ``request.actor``; views and templates read scope from it, never from the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
