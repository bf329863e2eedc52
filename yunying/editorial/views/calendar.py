"""Pages: the content calendar (month and week, one client or all of them), moving items by drag
and drop or by a small form, and a client's columns and push slots.

Every page costs the same number of queries whatever the number of items: the items of the
shown days come in one query with their client and column, and the plan (columns, push slots,
holidays) in one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from yunying.core.views import run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client, User
from yunying.tenancy.scoping import Actor, get_visible_or_404
from yunying.workdays.choices import DayKind
from yunying.workdays.models import CalendarDay, CalendarYear

from .. import actions, planning
from ..choices import CLIENT_STATES, OPEN_STATES, PUBLISHED_STATES, ContentKind, State
from ..models import Column, ContentItem, PushSlot

VIEW = "editorial.view_contentitem"
SCHEDULE = "editorial.schedule_contentitem"
SETUP = "editorial.change_column"

# ``actions.reschedule`` refuses these; the calendar does not offer to drag them.
FIXED_STATES = frozenset({State.PUBLISHED, State.ARCHIVED, State.WITHDRAWN})
# An item dropped on a day without a time of its own goes out at the client's first push slot,
# or at 20:00 (the evening push the seeds' accounts use) when the client has none.
DEFAULT_TIME = dt.time(20, 0)
UNPLANNED_LIMIT = 30

KIND_SHORT: dict[str, str | Promise] = {
    ContentKind.WECHAT_ARTICLE: pgettext_lazy("content kind, short", "Article"),
    ContentKind.DOUYIN_VIDEO: pgettext_lazy("content kind, short", "Douyin"),
    ContentKind.CHANNELS_VIDEO: pgettext_lazy("content kind, short", "Channels"),
    ContentKind.LIVESTREAM_SCRIPT: pgettext_lazy("content kind, short", "Script"),
    ContentKind.STORE_COPY: pgettext_lazy("content kind, short", "Listing"),
    ContentKind.FORUM_POST: pgettext_lazy("content kind, short", "Forum"),
}
WEEKDAYS: list[tuple[int, str | Promise]] = [
    (1, pgettext_lazy("short weekday", "Mon")),
    (2, pgettext_lazy("short weekday", "Tue")),
    (3, pgettext_lazy("short weekday", "Wed")),
    (4, pgettext_lazy("short weekday", "Thu")),
    (5, pgettext_lazy("short weekday", "Fri")),
    (6, pgettext_lazy("short weekday", "Sat")),
    (7, pgettext_lazy("short weekday", "Sun")),
]
WEEKDAY_LABELS = dict(WEEKDAYS)


def calendar_items(actor: Actor) -> QuerySet[ContentItem]:
    """Items the actor may see on the plan: open ones; for a reviewer only client-facing ones."""
    rows = ContentItem.objects.visible_to(actor).filter(state__in=OPEN_STATES)
    if actor.client_ids is not None:
        rows = rows.filter(state__in=CLIENT_STATES)
    return rows


def calendar_url(view: str, day: dt.date, client: Client | None) -> str:
    query = {"view": view, "date": day.isoformat()}
    if client is not None:
        query["client"] = str(client.pk)
    return f"{reverse('editorial:calendar')}?{urlencode(query)}"


def slot_label(slot: planning.Slot) -> str:
    start = slot.starts_at.strftime("%H:%M")
    return f"{start}–{slot.ends_at.strftime('%H:%M')}" if slot.ends_at else start


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- Building the calendar -------------------------------------------------------------------


@dataclass
class Card:
    """One item as the calendar shows it."""

    item: ContentItem
    time: dt.time | None
    kind_short: str | Promise
    draggable: bool
    overdue: bool


@dataclass
class ColumnMark:
    """A column the weekday plan asks for on a day, and whether an item fills it yet."""

    column: Column
    # None when the viewer cannot know (a reviewer does not see internal drafts).
    missing: bool | None


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    # DayKind value ("holiday", "makeup_workday") or "".
    mark: str = ""
    mark_name: str = ""
    cards: list[Card] = field(default_factory=list)
    columns: list[ColumnMark] = field(default_factory=list)

    @property
    def is_holiday(self) -> bool:
        return self.mark == DayKind.HOLIDAY

    @property
    def is_makeup_day(self) -> bool:
        return self.mark == DayKind.MAKEUP_WORKDAY

    @property
    def is_weekend(self) -> bool:
        return self.date.isoweekday() >= 6

    @property
    def weekday_label(self) -> str | Promise:
        return WEEKDAY_LABELS[self.date.isoweekday()]


@dataclass
class Cell:
    date: dt.date
    cards: list[Card] = field(default_factory=list)


@dataclass
class Row:
    """A row of the week view: one push slot (or the other times) across the seven days."""

    label: str
    # "HH:MM" an item dropped in this row is moved to; "" keeps the item's own time of day.
    drop_time: str
    cells: list[Cell]
    is_other: bool = False


@dataclass(frozen=True)
class Request:
    """What the calendar is asked to show."""

    view: str
    anchor: dt.date
    client: Client | None

    def url(self, **changes: Any) -> str:
        view = changes.get("view", self.view)
        return calendar_url(view, changes.get("anchor", self.anchor), self.client)


def read_request(
    actor: Actor, params: Any, anchor_key: str = "date"
) -> tuple[Request, list[Client]]:
    """The view, date and client asked for, and the clients the actor may choose from."""
    clients = list(Client.objects.visible_to(actor).order_by("name"))
    view = params.get("view") if params.get("view") in {"month", "week"} else "month"
    anchor = planning.parse_day(params.get(anchor_key)) or timezone.localdate()
    raw = str(params.get("client") or "")
    chosen = next((c for c in clients if str(c.pk) == raw), None)
    return Request(view, anchor, chosen), clients


def _slots(actor: Actor, request: Request) -> dict[int, list[planning.Slot]]:
    rows = PushSlot.objects.visible_to(actor).order_by("starts_at")
    if request.client is not None:
        rows = rows.filter(client=request.client)
    by_client: dict[int, list[planning.Slot]] = {}
    for slot in rows:
        by_client.setdefault(slot.client_id, []).append(planning.Slot(slot.starts_at, slot.ends_at))
    return by_client


def _marks(days: list[dt.date]) -> tuple[dict[dt.date, tuple[str, str]], list[int]]:
    """Holidays and make-up working days among ``days``, and the years without calendar data."""
    first, last = days[0], days[-1]
    marks = {
        day: (kind, name)
        for day, kind, name in CalendarDay.objects.filter(date__range=(first, last)).values_list(
            "date", "kind", "name"
        )
    }
    years = {first.year, last.year}
    loaded = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return marks, sorted(years - loaded)


def build_calendar(actor: Actor, request: Request) -> dict[str, Any]:
    """Everything the calendar body shows, for the page and for the answer to a move."""
    if request.view == "week":
        weeks = [planning.week_days(request.anchor)]
        previous = request.anchor - dt.timedelta(days=7)
        following = request.anchor + dt.timedelta(days=7)
    else:
        weeks = planning.month_weeks(request.anchor)
        previous = planning.add_months(request.anchor, -1)
        following = planning.add_months(request.anchor, 1)
    all_days = [day for week in weeks for day in week]
    today = timezone.localdate()
    now = timezone.now()
    can_move = policy.can(actor, SCHEDULE)
    internal = actor.client_ids is None

    items = calendar_items(actor)
    if request.client is not None:
        items = items.filter(client=request.client)
    shown = list(
        items.filter(
            planned_at__gte=_aware(all_days[0]),
            planned_at__lt=_aware(all_days[-1] + planning.ONE_DAY),
        )
        .select_related("client", "column")
        .order_by("planned_at", "pk")
    )
    unplanned_rows = list(
        items.filter(planned_at__isnull=True)
        .exclude(state__in=PUBLISHED_STATES)
        .select_related("client")
        .order_by("-updated_at", "-pk")[: UNPLANNED_LIMIT + 1]
    )

    def card(item: ContentItem) -> Card:
        local = timezone.localtime(item.planned_at) if item.planned_at else None
        return Card(
            item=item,
            time=local.time() if local else None,
            kind_short=KIND_SHORT.get(item.kind, item.kind),
            draggable=can_move and item.state not in FIXED_STATES,
            overdue=item.planned_at is not None
            and item.planned_at < now
            and item.state not in PUBLISHED_STATES,
        )

    marks, missing_years = _marks(all_days)
    days = {
        day: Day(
            date=day,
            in_month=request.view == "week" or day.month == request.anchor.month,
            is_today=day == today,
            mark=marks.get(day, ("", ""))[0],
            mark_name=marks.get(day, ("", ""))[1],
        )
        for day in all_days
    }
    cards = [card(item) for item in shown]
    for one in cards:
        planned = timezone.localdate(one.item.planned_at)
        if planned in days:
            days[planned].cards.append(one)

    context: dict[str, Any] = {
        "cal": request,
        "weeks": [[days[d] for d in week] for week in weeks],
        "unplanned": [card(item) for item in unplanned_rows[:UNPLANNED_LIMIT]],
        "more_unplanned": len(unplanned_rows) > UNPLANNED_LIMIT,
        "missing_years": missing_years,
        "across": request.client is None,
        "can_move": can_move,
        "previous_url": request.url(anchor=previous),
        "next_url": request.url(anchor=following),
        "today_url": request.url(anchor=today),
        "month_url": request.url(view="month"),
        "week_url": request.url(view="week"),
        "heading_month": planning.month_start(request.anchor),
        "week_days": weeks[0],
    }
    if request.view == "week":
        context.update(_week_rows(actor, request, weeks[0], cards, days, internal))
    return context


def _week_rows(
    actor: Actor,
    request: Request,
    week: list[dt.date],
    cards: list[Card],
    days: dict[dt.date, Day],
    internal: bool,
) -> dict[str, Any]:
    """The push-slot rows and the weekday column plan of the week view."""
    slots = _slots(actor, request)
    keys = sorted(
        {slot for client_slots in slots.values() for slot in client_slots},
        key=lambda s: (s.starts_at, s.ends_at or s.starts_at),
    )
    rows = [
        Row(slot_label(s), s.starts_at.strftime("%H:%M"), [Cell(day) for day in week]) for s in keys
    ]
    other = Row(str(_("Other times")), "", [Cell(day) for day in week], is_other=True)
    index = {day: i for i, day in enumerate(week)}
    filled: set[tuple[int, dt.date]] = set()
    for one in cards:
        day = timezone.localdate(one.item.planned_at)
        if day not in index:
            continue
        if one.item.column_id is not None:
            filled.add((one.item.column_id, day))
        slot = planning.slot_of(one.time, slots.get(one.item.client_id, [])) if one.time else None
        target = rows[keys.index(slot)] if slot is not None else other
        target.cells[index[day]].cards.append(one)

    columns = Column.objects.visible_to(actor).filter(is_active=True)
    if request.client is not None:
        columns = columns.filter(client=request.client)
    plan = list(columns.select_related("owner", "client").order_by("client__name", "name"))
    planned = [planning.PlannedColumn(c.pk, frozenset(c.weekdays)) for c in plan]
    gaps = planning.unfilled(planned, week, filled)
    for column, rule in zip(plan, planned, strict=True):
        for day in week:
            if rule.runs_on(day):
                missing = (column.pk, day) in gaps if internal else None
                days[day].columns.append(ColumnMark(column, missing))
    return {"rows": [*rows, other], "has_columns": bool(plan)}


# --- Pages -----------------------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The content calendar: ``?view=month|week&date=YYYY-MM-DD&client=<id>``."""
    actor = policy.actor_with(request, VIEW)
    asked, clients = read_request(actor, request.GET)
    context = build_calendar(actor, asked)
    context.update(
        clients=clients,
        can_setup=asked.client is not None and policy.can(actor, SETUP),
    )
    return render(request, "editorial/calendar/calendar.html", context)


class MoveForm(forms.Form):
    """The no-script way to move an item: a day and, optionally, a time."""

    date = forms.DateField(
        label=gettext_lazy("date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.TimeField(
        label=gettext_lazy("time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Leave empty to keep the item's time of day."),
    )


def _moved_to(item: ContentItem, day: dt.date, time: dt.time | None) -> dt.datetime:
    """The new planned time: the time given, else the item's own time of day, else the client's
    first push slot (or 20:00)."""
    if time is None and item.planned_at is not None:
        time = timezone.localtime(item.planned_at).time()
    if time is None:
        first = PushSlot.objects.filter(client_id=item.client_id).order_by("starts_at").first()
        time = first.starts_at if first else DEFAULT_TIME
    return timezone.make_aware(dt.datetime.combine(day, time))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("editorial:calendar")


@login_required
def calendar_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item to another day (and time).

    The calendar's script posts ``partial=1`` and gets the calendar body back (or the reason for
    a refusal as text with status 422); without script the same URL is a small form page.
    """
    actor = policy.actor_with(request, SCHEDULE)
    item = get_visible_or_404(ContentItem, actor, pk=pk)
    partial = request.POST.get("partial") == "1"
    local = timezone.localtime(item.planned_at) if item.planned_at else None
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        initial={"date": local.date() if local else None, "time": local.time() if local else None},
    )
    if request.method == "POST" and form.is_valid():
        when = _moved_to(item, form.cleaned_data["date"], form.cleaned_data["time"])
        ok, _moved = run_action(
            form, lambda: actions.reschedule(actor=actor, item=item, planned_at=when)
        )
        if ok and partial:
            asked, _clients = read_request(actor, request.POST, anchor_key="anchor")
            return render(request, "editorial/calendar/_body.html", build_calendar(actor, asked))
        if ok:
            messages.success(
                request,
                _("“%(title)s” moved to %(when)s.")
                % {
                    "title": item.title,
                    "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect(_next_url(request))
    if partial:
        problems = [str(m) for errors in form.errors.values() for m in errors]
        return HttpResponse(
            " ".join(problems), status=422, content_type="text/plain; charset=utf-8"
        )
    return render(
        request,
        "editorial/calendar/move.html",
        {"form": form, "item": item, "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


# --- Columns and push slots ------------------------------------------------------------------


class ColumnForm(forms.Form):
    """A column of the weekday plan; the action checks the name, weekdays and owner."""

    name = forms.CharField(label=gettext_lazy("name"), max_length=64)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("owner"), queryset=User.objects.none(), required=False
    )
    description = forms.CharField(label=gettext_lazy("description"), max_length=300, required=False)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the client's current team may own a column (the action checks it again).
        owner = self.fields["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = (
                User.objects.filter(team_seats__client=client, team_seats__left_on__isnull=True)
                .distinct()
                .order_by("display_name", "username")
            )


class SlotForm(forms.Form):
    starts_at = forms.TimeField(
        label=gettext_lazy("from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Leave empty for a single time of day."),
    )


def _setup_url(client: Client) -> str:
    return reverse("editorial:calendar_setup", args=[client.pk])


@login_required
def calendar_setup(request: HttpRequest, client_pk: int) -> HttpResponse:
    """A client's columns (the weekday plan with owners) and push slots."""
    actor = policy.actor_with(request, SETUP)
    client = get_visible_or_404(Client, actor, pk=client_pk)
    which = request.POST.get("form") if request.method == "POST" else None
    column_form = ColumnForm(
        request.POST if which == "column" else None, client=client, prefix="column"
    )
    slot_form = SlotForm(request.POST if which == "slot" else None, prefix="slot")
    if which == "column" and column_form.is_valid():
        data = column_form.cleaned_data
        ok, column = run_action(
            column_form,
            lambda: actions.save_column(
                actor=actor,
                client=client,
                name=data["name"],
                weekdays=data["weekdays"],
                owner=data["owner"],
                description=data["description"],
            ),
        )
        if ok:
            messages.success(request, _("Column “%(name)s” saved.") % {"name": column.name})
            return redirect(_setup_url(client))
    if which == "slot" and slot_form.is_valid():
        data = slot_form.cleaned_data
        ok, slot = run_action(
            slot_form,
            lambda: actions.save_push_slot(
                actor=actor, client=client, starts_at=data["starts_at"], ends_at=data["ends_at"]
            ),
        )
        if ok:
            messages.success(request, _("Push slot %(slot)s added.") % {"slot": slot})
            return redirect(_setup_url(client))
    columns = Column.objects.visible_to(actor).filter(client=client).select_related("owner")
    context = {
        "client": client,
        "columns": [
            (column, [WEEKDAY_LABELS[d] for d in column.weekdays if d in WEEKDAY_LABELS])
            for column in columns.order_by("name")
        ],
        "slots": PushSlot.objects.visible_to(actor).filter(client=client).order_by("starts_at"),
        "column_form": column_form,
        "slot_form": slot_form,
        "calendar_url": calendar_url("week", timezone.localdate(), client),
    }
    return render(
        request,
        "editorial/calendar/setup.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def column_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, SETUP)
    column = get_visible_or_404(Column, actor, pk=pk)
    client = column.client
    form = ColumnForm(
        request.POST if request.method == "POST" else None,
        client=client,
        prefix="column",
        initial={
            "name": column.name,
            "weekdays": column.weekdays,
            "owner": column.owner_id,
            "description": column.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _saved = run_action(
            form,
            lambda: actions.save_column(
                actor=actor,
                client=client,
                name=data["name"],
                weekdays=data["weekdays"],
                owner=data["owner"],
                description=data["description"],
                column=column,
            ),
        )
        if ok:
            messages.success(request, _("Column “%(name)s” saved.") % {"name": data["name"]})
            return redirect(_setup_url(client))
    return render(
        request,
        "editorial/calendar/column_form.html",
        {"form": form, "column": column, "client": client, "cancel_url": _setup_url(client)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def push_slot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, SETUP)
    slot = get_visible_or_404(PushSlot, actor, pk=pk)
    client = slot.client
    label = str(slot)
    actions.delete_push_slot(actor=actor, slot=slot)
    messages.success(request, _("Push slot %(slot)s removed.") % {"slot": label})
    return redirect(_setup_url(client))


urls: list[URLPattern] = [
    path("calendar/", calendar, name="calendar"),
    path("calendar/move/<int:pk>/", calendar_move, name="calendar_move"),
    path("calendar/setup/<int:client_pk>/", calendar_setup, name="calendar_setup"),
    path("calendar/columns/<int:pk>/", column_edit, name="column_edit"),
    path("calendar/slots/<int:pk>/delete/", push_slot_delete, name="push_slot_delete"),
]
