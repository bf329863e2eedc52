from django.urls import URLPattern

from .views import (
    calendar,
    intake,
    items,
    materials,
    meetings,
    publishing,
    quotas,
    review,
    scoring,
)

app_name = "editorial"

urlpatterns: list[URLPattern] = [
    *items.urls,
    *review.urls,
    *calendar.urls,
    *quotas.urls,
    *intake.urls,
    *materials.urls,
    *meetings.urls,
    *scoring.urls,
    *publishing.urls,
]
