"""The working-day page: coverage, the missing-year warning, a calculator, the operator's import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from yunying.tenancy.scoping import Actor, actor_for

from . import actions, services
from .calendar import MissingCalendarYear
from .choices import DayKind
from .forms import AddForm, BetweenForm, ImportForm
from .models import CalendarYear


@dataclass(frozen=True)
class Calculation:
    """The answer of one calculator form, or the year that stopped it."""

    result: Any = None
    missing_year: int | None = None


def _calculate(form: AddForm | BetweenForm) -> Calculation | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if isinstance(form, AddForm):
            return Calculation(result=services.add_working_days(data["date"], data["n"]))
        return Calculation(result=services.working_days_between(data["start"], data["end"]))
    except MissingCalendarYear as exc:
        return Calculation(missing_year=exc.year)


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    actor: Actor = actor_for(request)
    years = list(CalendarYear.objects.select_related("imported_by"))
    loaded = {row.year for row in years}
    this_year = timezone.localdate().year
    span = range(years[0].year, years[-1].year + 1) if years else range(0)
    context: dict[str, Any] = {
        "years": years,
        "first_year": years[0].year if years else None,
        "last_year": years[-1].year if years else None,
        "gap_years": [year for year in span if year not in loaded],
        # This year matters as much as next year; both warn when missing.
        "warn_years": [y for y in (this_year, this_year + 1) if y not in loaded],
        "add_form": AddForm(),
        "between_form": BetweenForm(),
        "can_import": actor.is_operator,
        "import_form": ImportForm() if actor.is_operator else None,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Coverage and warnings; the calculators answer here (fragment for htmx, page otherwise)."""
    op = request.GET.get("op")
    form: AddForm | BetweenForm | None = None
    if op == "add":
        form = AddForm(request.GET)
    elif op == "between":
        form = BetweenForm(request.GET)
    if form is None:
        return render(request, "workdays/calendar.html", _page_context(request))
    result = {"op": op, "form": form, "calculation": _calculate(form)}
    if request.headers.get("HX-Request"):
        # The fragment replaces only the result box, so it carries the input errors itself.
        return render(request, "workdays/_result.html", {**result, "fragment": True})
    forms = {"add_form" if op == "add" else "between_form": form, f"{op}_result": result}
    return render(request, "workdays/calendar.html", _page_context(request, **forms))


@login_required
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    """Operators upload a YAML or CSV file; problems are listed by row beside the form."""
    actor: Actor = actor_for(request)
    if not actor.is_operator:
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    import_errors: list[tuple[str, str]] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            rows = actions.import_calendar(
                data["text"], fmt=data["format"], actor=actor, source=data["source"]
            )
        except ValidationError as exc:
            import_errors = [
                (location, message)
                for location, problems in exc.message_dict.items()
                for message in problems
            ]
        else:
            years = ", ".join(str(row.year) for row in rows)
            messages.success(
                request,
                ngettext(
                    "Imported the holiday calendar of %(years)s.",
                    "Imported the holiday calendars of %(years)s.",
                    len(rows),
                )
                % {"years": years},
            )
            return redirect("workdays:calendar")
    context = _page_context(request, import_form=form, import_errors=import_errors)
    return render(request, "workdays/calendar.html", context, status=400)


@dataclass(frozen=True)
class HolidayBlock:
    """Consecutive holiday days of one name, as a notice announces them."""

    name: str
    first: date
    last: date

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1


@login_required
@require_GET
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    """The holidays and make-up working days of one loaded year."""
    calendar_year = get_object_or_404(CalendarYear.objects.select_related("imported_by"), year=year)
    days = list(calendar_year.days.all())
    blocks: list[HolidayBlock] = []
    for day in days:
        if day.kind != DayKind.HOLIDAY:
            continue
        last = blocks[-1] if blocks else None
        if last is not None and last.name == day.name and last.last + timedelta(1) == day.date:
            blocks[-1] = HolidayBlock(last.name, last.first, day.date)
        else:
            blocks.append(HolidayBlock(day.name, day.date, day.date))
    return render(
        request,
        "workdays/year_detail.html",
        {
            "calendar_year": calendar_year,
            "days": days,
            "blocks": blocks,
            "makeup_days": [d for d in days if d.kind == DayKind.MAKEUP_WORKDAY],
        },
    )
