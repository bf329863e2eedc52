"""Pages: the supervisor's score of a published item, the month's scores with the bonus
allocation (and its Excel export), and the agency's editorial settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm, formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunying.core.views import add_action_errors
from yunying.settlement.engine import Month
from yunying.tenancy import policy
from yunying.tenancy.models import User
from yunying.tenancy.scoping import Actor, get_visible_or_404

from .. import actions, bonus, export
from ..choices import PUBLISHED_STATES, SilencePolicy
from ..models import ContentItem, Score
from ..rules import settings_for

# Published items stay on the "to score" list this long (two reporting months).
TO_SCORE_DAYS = 60


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- The supervisor's score ------------------------------------------------------------------


def mark_field(key: str) -> str:
    # Prefixed so that a criterion called "comment" cannot clash with the comment field.
    return f"mark_{key}"


class ScoreForm(forms.Form):
    """One number per rubric criterion, then a comment."""

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, criteria: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        marks: dict[str, forms.Field] = {}
        for criterion in self.criteria:
            top = Decimal(str(criterion["max"]))
            marks[mark_field(criterion["key"])] = forms.DecimalField(
                label=criterion["label"],
                min_value=Decimal(0),
                max_value=top,
                max_digits=8,
                decimal_places=2,
                help_text=_("weight %(weight)s · 0 to %(max)s")
                % {"weight": bonus.plain(criterion["weight"]), "max": bonus.plain(top)},
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        self.fields = {**marks, "comment": self.fields["comment"]}

    def marks(self) -> dict[str, Decimal]:
        """The valid marks entered so far, by criterion key."""
        data = getattr(self, "cleaned_data", {})
        found = {c["key"]: data.get(mark_field(c["key"])) for c in self.criteria}
        return {key: value for key, value in found.items() if value is not None}

    def add_score_errors(self, exc: ValidationError) -> None:
        """The action names criteria by key; show each under its own field."""
        if hasattr(exc, "error_dict"):
            keys = {c["key"] for c in self.criteria}
            exc = ValidationError(
                {
                    mark_field(key) if key in keys else key: messages
                    for key, messages in exc.message_dict.items()
                }
            )
        add_action_errors(self, exc)


def _total_context(criteria: Sequence[Mapping[str, Any]], marks: Mapping[str, Any]) -> dict:
    complete = all(c["key"] in marks for c in criteria)
    return {
        "formula": bonus.score_formula(criteria, marks),
        "total": actions.score_total(criteria, marks) if complete else None,
    }


@login_required
def score_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Score a published item on the agency's rubric (群发后主管评分); ``?preview=1`` only
    computes the total of the marks typed so far (the form asks for it as you type)."""
    actor = policy.actor_with(request, "editorial.score_contentitem")
    item = get_visible_or_404(ContentItem, actor, pk=pk)
    criteria = settings_for(item.agency_id).criteria()
    existing = Score.objects.filter(item=item).select_related("scored_by").first()
    initial: dict[str, Any] = {}
    stored_marks: dict[str, Any] = {}
    if existing is not None:
        # Re-scoring starts from the marks given, for the criteria the rubric still has.
        stored_marks = {
            c["key"]: existing.marks[c["key"]] for c in criteria if c["key"] in existing.marks
        }
        initial = {mark_field(k): v for k, v in stored_marks.items()}
        initial["comment"] = existing.comment
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and request.GET.get("preview"):
        form.is_valid()
        return render(
            request, "editorial/scoring/_total.html", _total_context(criteria, form.marks())
        )
    if request.method == "POST" and form.is_valid():
        try:
            score = actions.score_item(
                actor=actor, item=item, marks=form.marks(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_score_errors(exc)
        else:
            messages.success(request, _("Scored %(total)s of 100.") % {"total": score.total})
            return redirect("editorial:score_item", pk=item.pk)
    stored = None
    if existing is not None:
        stored = {
            "score": existing,
            "formula": bonus.score_formula(existing.criteria, existing.marks),
            "marks": [{**c, "mark": existing.marks.get(c["key"])} for c in existing.criteria],
        }
    return render(
        request,
        "editorial/scoring/score_form.html",
        {
            "item": item,
            "form": form,
            "stored": stored,
            "scorable": item.state in PUBLISHED_STATES,
            **_total_context(criteria, form.marks() if form.is_bound else stored_marks),
        },
    )


# --- The month's scores and the bonus pool ---------------------------------------------------


class BonusForm(forms.Form):
    """The month to show and, optionally, the bonus pool to share out."""

    month = forms.CharField(label=gettext_lazy("Month"), required=False)
    pool = forms.DecimalField(
        label=gettext_lazy("Bonus pool (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )

    def clean_month(self) -> Month:
        text = self.cleaned_data["month"]
        if not text:
            return Month.of(timezone.localdate())
        try:
            return Month.parse(text)
        except ValueError:
            raise ValidationError(_("Enter a month as YYYY-MM.")) from None


def _bonus_params(request: HttpRequest) -> tuple[BonusForm, Month, Decimal | None]:
    form = BonusForm(request.GET or None)
    if not form.is_bound:
        return form, Month.of(timezone.localdate()), None
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    month = data.get("month") or Month.of(timezone.localdate())
    return form, month, data.get("pool")


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def bonus_report(actor: Actor, month: Month, pool: Decimal | None) -> export.BonusReport:
    """The scored items published in ``month`` (published or archived, not taken down), the
    credit of each person and, given a pool, the allocation."""
    end = month.end + dt.timedelta(days=1)
    scores = list(
        Score.objects.visible_to(actor)
        .filter(
            item__state__in=PUBLISHED_STATES,
            item__published_at__gte=day_start(month.start),
            item__published_at__lt=day_start(end),
        )
        .select_related("item__client", "item__author", "item__editor", "scored_by")
        .order_by("item__published_at", "item_id")
    )
    names: dict[int, str] = {}
    criteria: dict[str, str] = {}
    rows = []
    for score in scores:
        item = score.item
        for user in (item.author, item.editor):
            if user is not None:
                names[user.pk] = str(user)
        for criterion in score.criteria:
            criteria.setdefault(criterion["key"], criterion["label"])
        rows.append(
            export.ScoreRow(
                item_id=item.pk,
                published_on=timezone.localdate(item.published_at)
                if item.published_at
                else month.start,
                client=item.client.name,
                title=item.title,
                author=_name(item.author),
                editor=_name(item.editor),
                marks={k: Decimal(v) for k, v in score.marks.items()},
                total=score.total_decimal,
                scorer=_name(score.scored_by),
                scored_at=timezone.localtime(score.scored_at),
                comment=score.comment,
            )
        )
    credited = bonus.credits(
        bonus.ScoredItem(s.total_decimal, s.item.author_id, s.item.editor_id) for s in scores
    )
    tallies = sorted(bonus.tally(credited), key=lambda t: (-t.points, names[t.person]))
    total_points = sum((t.points for t in tallies), Decimal("0.00"))
    allocation = (
        bonus.allocate(pool, [(t.person, t.points) for t in tallies]) if pool is not None else None
    )
    people = [
        export.PersonRow(
            person_id=t.person,
            name=names[t.person],
            items=t.items,
            points=t.points,
            average=t.average,
            share=allocation.shares[t.person] if allocation is not None else None,
        )
        for t in tallies
    ]
    receiver = allocation.remainder_to if allocation is not None else None
    return export.BonusReport(
        month=str(month),
        people=people,
        scores=rows,
        criteria=list(criteria.items()),
        total_points=total_points,
        allocation=allocation,
        remainder_to=names.get(receiver, "") if receiver is not None else "",
    )


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """Items waiting for a score, and the month's scores per person with the bonus table."""
    actor = policy.actor_with(request, "editorial.view_score")
    form, month, pool = _bonus_params(request)
    report = bonus_report(actor, month, pool)
    since = timezone.now() - dt.timedelta(days=TO_SCORE_DAYS)
    to_score = (
        ContentItem.objects.visible_to(actor)
        .filter(state__in=PUBLISHED_STATES, published_at__gte=since, score__isnull=True)
        .select_related("client", "author", "editor")
        .order_by("-published_at", "-id")
    )
    query = {"month": str(month), **({"pool": str(pool)} if pool is not None else {})}
    return render(
        request,
        "editorial/scoring/scores.html",
        {
            "form": form,
            "month": month,
            "report": report,
            "to_score": to_score,
            "to_score_days": TO_SCORE_DAYS,
            "can_score": policy.can(actor, "editorial.score_contentitem"),
            "can_configure": policy.can(actor, "editorial.change_editorialsettings"),
            "export_query": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


@login_required
def scores_export(request: HttpRequest) -> HttpResponse:
    """The same month as an Excel workbook (sheets 奖金分配 and 评分明细)."""
    actor = policy.actor_with(request, "editorial.view_score")
    form, month, pool = _bonus_params(request)
    if form.is_bound and not form.is_valid():
        # Show the page with the problem rather than a file with a guessed pool.
        return redirect(f"{reverse('editorial:scores')}?{request.GET.urlencode()}")
    content = export.bonus_workbook(bonus_report(actor, month, pool))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bonus-{month}.xlsx"'
    return response


# --- The agency's editorial settings ---------------------------------------------------------


class SettingsForm(forms.Form):
    review_working_days = forms.IntegerField(
        label=gettext_lazy("Client review window (working days)"), min_value=1, max_value=30
    )
    max_revision_rounds = forms.IntegerField(
        label=gettext_lazy("Maximum revision rounds"), min_value=1, max_value=20
    )
    client_silence = forms.ChoiceField(
        label=gettext_lazy("Client silence past the window means"),
        choices=SilencePolicy.choices,
        widget=forms.RadioSelect,
    )


class CriterionForm(forms.Form):
    """One row of the rubric."""

    key = forms.RegexField(
        label=gettext_lazy("Key"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=32,
        error_messages={"invalid": gettext_lazy("Lower-case letters, digits and _.")},
    )
    label = forms.CharField(label=gettext_lazy("Label"), max_length=40)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    max = forms.DecimalField(
        label=gettext_lazy("Maximum mark"),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rubric is a table whose headers name the columns; inputs carry their own names.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class BaseCriterionFormSet(forms.BaseFormSet):
    def kept(self) -> list[BaseForm]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        keys = [form.cleaned_data["key"] for form in self.kept()]
        if not keys:
            raise ValidationError(_("Keep at least one criterion."))
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValidationError(
                _("Criterion “%(key)s” is listed twice.") % {"key": "、".join(twice)}
            )

    def rubric(self) -> list[dict[str, Any]]:
        return [
            {
                "key": form.cleaned_data["key"],
                "label": form.cleaned_data["label"].strip(),
                "weight": _number(form.cleaned_data["weight"]),
                "max": _number(form.cleaned_data["max"]),
            }
            for form in self.kept()
        ]


CriterionFormSet = formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)
RUBRIC_PREFIX = "rubric"


def rubric_formset(data: Any = None, initial: Any = None) -> BaseCriterionFormSet:
    return cast(BaseCriterionFormSet, CriterionFormSet(data, initial=initial, prefix=RUBRIC_PREFIX))


def _number(value: Decimal) -> int | float:
    # Stored in JSON as the plain number people typed (40, 12.5), like the default rubric.
    return int(value) if value == value.to_integral_value() else float(value)


@login_required
def editorial_settings(request: HttpRequest) -> HttpResponse:
    """The agency's defaults where a contract says nothing, and the scoring rubric."""
    actor = policy.actor_with(request, "editorial.change_editorialsettings")
    found = settings_for(actor.home_agency())
    initial = {
        "review_working_days": found.review_working_days,
        "max_revision_rounds": found.max_revision_rounds,
        "client_silence": found.client_silence,
    }
    rows = [
        {**c, "weight": bonus.plain(c["weight"]), "max": bonus.plain(c["max"])}
        for c in found.criteria()
    ]
    if request.method != "POST":
        form = SettingsForm(initial=initial)
        rubric = rubric_formset(initial=rows)
    elif "more" in request.POST:
        # Another blank row, nothing saved yet.
        data = request.POST.copy()
        field = f"{RUBRIC_PREFIX}-TOTAL_FORMS"
        data[field] = str(int(data.get(field, "0") or 0) + 1)
        form = SettingsForm(data)
        rubric = rubric_formset(data)
    else:
        form = SettingsForm(request.POST)
        # Without initial rows: every row with something in it counts, blank ones do not.
        rubric = rubric_formset(request.POST)
        if form.is_valid() and rubric.is_valid():
            try:
                actions.update_settings(
                    actor=actor,
                    review_working_days=form.cleaned_data["review_working_days"],
                    max_revision_rounds=form.cleaned_data["max_revision_rounds"],
                    client_silence=form.cleaned_data["client_silence"],
                    rubric=rubric.rubric(),
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Editorial settings saved."))
                return redirect("editorial:editorial_settings")
    return render(
        request,
        "editorial/scoring/settings.html",
        {"form": form, "rubric": rubric, "show_errors": "more" not in request.POST},
    )


urls: list[URLPattern] = [
    path("scores/", scores, name="scores"),
    path("scores/export/", scores_export, name="scores_export"),
    path("<int:pk>/score/", score_item, name="score_item"),
    path("settings/", editorial_settings, name="editorial_settings"),
]
