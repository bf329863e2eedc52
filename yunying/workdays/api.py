"""REST API of the working-day calendar: the loaded years and the two calculations.

The calendar is national reference data, so any signed-in user may read it (the default
``IsAuthenticated`` permission); nothing here is tenant-scoped.

Errors: bad or missing query parameters give 400 with messages per parameter
(``{"n": ["A valid integer is required."]}``). A question that touches a year without data gives
409 Conflict, ``{"detail": "...", "missing_year": 2027}``: the request is well formed, but the
server's calendar is not yet in a state to answer it, and it will be once that year is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import services
from .calendar import MissingCalendarYear
from .forms import MAX_WORKING_DAYS
from .models import CalendarDay, CalendarYear


class CalendarDaySerializer(serializers.ModelSerializer[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]


class CalendarYearSerializer(serializers.ModelSerializer[CalendarYear]):
    days = CalendarDaySerializer(many=True, read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "source", "imported_at", "day_count", "days"]


class CalendarYearViewSet(viewsets.ReadOnlyModelViewSet[CalendarYear]):
    """Years with holiday data, each with its holidays and make-up working days."""

    queryset = CalendarYear.objects.prefetch_related("days")
    serializer_class = CalendarYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"


class AddQuerySerializer(serializers.Serializer[Any]):
    date = serializers.DateField(help_text="Start date, YYYY-MM-DD (not counted).")
    n = serializers.IntegerField(
        min_value=-MAX_WORKING_DAYS,
        max_value=MAX_WORKING_DAYS,
        help_text="Working days to add; negative counts backwards.",
    )


class AddResultSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    n = serializers.IntegerField()
    result = serializers.DateField()


class BetweenQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="First date, YYYY-MM-DD (not counted).")
    end = serializers.DateField(help_text="Last date, YYYY-MM-DD (counted).")


class BetweenResultSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    result = serializers.IntegerField(
        help_text="Working days in (start, end]; negative if end < start."
    )


class MissingYearSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    missing_year = serializers.IntegerField()


_ERRORS = {
    400: OpenApiResponse(description="Bad parameters; messages per parameter."),
    409: OpenApiResponse(
        MissingYearSerializer, description="A year the question touches has no holiday data."
    ),
}


def _answer(
    request: Request,
    query_class: type[serializers.Serializer[Any]],
    result_class: type[serializers.Serializer[Any]],
    compute: Callable[[dict[str, Any]], Any],
) -> Response:
    """Check the query (400), compute (409 for a missing year), echo the query and result."""
    query = query_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    try:
        result = compute(params)
    except MissingCalendarYear as exc:
        return Response(
            {"detail": services.missing_year_message(exc.year), "missing_year": exc.year},
            status=status.HTTP_409_CONFLICT,
        )
    return Response(result_class({**params, "result": result}).data)


class WorkdayViewSet(viewsets.ViewSet):
    """Working-day arithmetic on the PRC calendar."""

    @extend_schema(
        operation_id="workdays_add",
        parameters=[AddQuerySerializer],
        responses={200: AddResultSerializer, **_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def add(self, request: Request) -> Response:
        """The date ``n`` working days after ``date``."""
        return _answer(
            request,
            AddQuerySerializer,
            AddResultSerializer,
            lambda q: services.add_working_days(q["date"], q["n"]),
        )

    @extend_schema(
        operation_id="workdays_between",
        parameters=[BetweenQuerySerializer],
        responses={200: BetweenResultSerializer, **_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def between(self, request: Request) -> Response:
        """The number of working days after ``start`` up to and including ``end``."""
        return _answer(
            request,
            BetweenQuerySerializer,
            BetweenResultSerializer,
            lambda q: services.working_days_between(q["start"], q["end"]),
        )


ROUTES = [
    ("workdays/years", CalendarYearViewSet, "calendar-year"),
    ("workdays", WorkdayViewSet, "workday"),
]
