"""Pages of content requests (the promotion SOP's request form): the list, the form, and the
request's page where the content team accepts it into a collected item or declines it."""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Subquery, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yunying.accounts.choices import AccountStatus
from yunying.accounts.models import PlatformAccount
from yunying.core.views import ScopedListView, run_action
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor, get_visible_or_404

from .. import actions
from ..choices import (
    CLIENT_STATES,
    KIND_PLATFORMS,
    ContentKind,
    IntakeChannel,
    IntakeStatus,
    MaterialKind,
    MaterialOwner,
)
from ..models import ContentItem, IntakeRequest, Material
from .materials import is_readable_image

VIEW = "editorial.view_intakerequest"
ADD = "editorial.add_intakerequest"
DECIDE = "editorial.decide_intakerequest"
# The library offers this many of the client's newest materials to attach; older ones are
# found in the library and attached to the item later.
OFFERED_MATERIALS = 100
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _is_reviewer(actor: Actor) -> bool:
    return actor.client_ids is not None


def item_link_visible(actor: Actor, item: ContentItem | None) -> bool:
    """Whether the person may open the item a request became (reviewers: not while drafted)."""
    return item is not None and (not _is_reviewer(actor) or item.state in CLIENT_STATES)


# --- The list --------------------------------------------------------------------------------


class IntakeListView(ScopedListView):
    """Open requests first, then the decided ones, newest first within each."""

    model = IntakeRequest
    permission = VIEW
    template_name = "editorial/intake/intake_list.html"

    def get_queryset(self) -> Any:
        rows = (
            super()
            .get_queryset()
            .select_related("client", "submitted_by", "decided_by", "item")
            .annotate(
                waiting=Case(
                    When(status=IntakeStatus.OPEN, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("waiting", "-submitted_at", "-id")
        )
        client = self.request.GET.get("client", "")
        if client.isdigit():
            rows = rows.filter(client_id=int(client))
        if self.request.GET.get("status") in IntakeStatus.values:
            rows = rows.filter(status=self.request.GET["status"])
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            clients=Client.objects.visible_to(self.actor),
            statuses=IntakeStatus.choices,
            can_add=policy.can(self.actor, ADD),
            can_decide=policy.can(self.actor, DECIDE),
            **kwargs,
        )
        for intake in context["object_list"]:
            intake.item_visible = item_link_visible(self.actor, intake.item)
        return context


# --- The request form ------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(f, initial) for f in files if f]


class MaterialChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.get_kind_display()} · {obj.archive_month}"


class IntakeForm(forms.Form):
    """The request: what, for when, which channels, and the material it starts from."""

    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("what it is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    department = forms.CharField(
        label=gettext_lazy("requesting department"), max_length=64, required=False
    )
    desired_date = forms.DateField(label=gettext_lazy("desired date"), required=False, widget=DATE)
    channel = forms.ChoiceField(
        label=gettext_lazy("channels"), choices=IntakeChannel.choices, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ContentKind.choices)
    materials = MaterialChoiceField(
        label=gettext_lazy("materials from the library"),
        queryset=Material.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_files = MultipleFileField(
        label=gettext_lazy("or upload files"),
        required=False,
        help_text=gettext_lazy("They are filed in the client's library as well."),
    )
    new_owner = forms.ChoiceField(
        label=gettext_lazy("copyright of the uploaded files"),
        choices=MaterialOwner.choices,
        initial=MaterialOwner.CLIENT,
        required=False,
        widget=forms.RadioSelect,
    )
    new_licence_note = forms.CharField(
        label=gettext_lazy("licence note of the uploaded files"), max_length=500, required=False
    )

    def __init__(self, *args: Any, actor: Actor, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        library = Material.objects.visible_to(actor).filter(client=client)
        newest = library.order_by("-uploaded_at", "-id").values("pk")[:OFFERED_MATERIALS]
        field = self.fields["materials"]
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = library.filter(pk__in=Subquery(newest)).order_by("-uploaded_at")
        if not policy.can(actor, "editorial.add_material"):
            # Hosts and finance ask for content but do not file material in the library.
            for name in ("new_files", "new_owner", "new_licence_note"):
                del self.fields[name]
        elif _is_reviewer(actor):
            # The client answers for the rights of what it provides.
            del self.fields["new_owner"]

    def owner(self) -> str:
        return str(self.cleaned_data.get("new_owner") or MaterialOwner.CLIENT)


def guess_kind(upload: UploadedFile) -> str:
    """Image, video or document, from the file's type (an unreadable "image" is a document)."""
    kind = (mimetypes.guess_type(upload.name or "")[0] or "").split("/")[0]
    if kind == "image" and is_readable_image(upload):
        return MaterialKind.IMAGE
    if kind == "video":
        return MaterialKind.VIDEO
    return MaterialKind.DOCUMENT


def _submit(actor: Actor, client: Client, form: IntakeForm) -> IntakeRequest:
    """Upload the new files and submit the request, all or nothing."""
    data = form.cleaned_data
    uploaded: list[Material] = []
    try:
        with transaction.atomic():
            for upload in data.get("new_files", []):
                uploaded.append(
                    actions.upload_material(
                        actor=actor,
                        client=client,
                        kind=guess_kind(upload),
                        title=posixpath.splitext(upload.name or "")[0][:200] or _("Untitled"),
                        file=upload,
                        owner=form.owner(),
                        licence_note=data.get("new_licence_note", ""),
                    )
                )
            return actions.submit_intake(
                actor=actor,
                client=client,
                title=data["title"],
                kind=data["kind"],
                channel=data["channel"],
                description=data.get("description", ""),
                department=data.get("department", ""),
                desired_date=data.get("desired_date"),
                materials=[*data["materials"], *uploaded],
            )
    except Exception:
        # The rows were rolled back; the stored files would be orphans nobody can reach.
        for material in uploaded:
            material.file.delete(save=False)
        raise


@login_required
def intake_create(request: HttpRequest) -> HttpResponse:
    """The request form for one client (chosen first when the person serves several)."""
    actor = policy.actor_with(request, ADD)
    clients = Client.objects.visible_to(actor)
    chosen = request.GET.get("client", "")
    if not chosen.isdigit():
        only = list(clients[:2])
        if len(only) != 1:
            return render(request, "editorial/intake/intake_client.html", {"clients": clients})
        chosen = str(only[0].pk)
    client = get_visible_or_404(Client, actor, pk=int(chosen))
    form = IntakeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        actor=actor,
        client=client,
    )
    if request.method == "POST" and form.is_valid():
        ok, intake = run_action(form, lambda: _submit(actor, client, form))
        if ok:
            messages.success(request, _("Request “%(title)s” submitted.") % {"title": intake})
            return redirect(reverse("editorial:intake_detail", args=[intake.pk]))
    return render(
        request,
        "editorial/intake/intake_form.html",
        {"form": form, "client": client, "several_clients": clients.count() > 1},
        status=400 if form.is_bound else 200,
    )


# --- One request and its decision --------------------------------------------------------------


class AcceptForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("target accounts"),
        queryset=PlatformAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, accounts: QuerySet[PlatformAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["accounts"]
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = accounts
        only = list(accounts[:2])
        self.has_choices = bool(only)
        if not self.is_bound and len(only) == 1:
            self.initial["accounts"] = only


class DeclineForm(forms.Form):
    decision_note = forms.CharField(
        label=gettext_lazy("why it is declined"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def target_accounts(actor: Actor, intake: IntakeRequest) -> QuerySet[PlatformAccount]:
    """The client's active accounts an item of the requested kind may go to."""
    platforms = KIND_PLATFORMS.get(ContentKind(intake.kind), frozenset())
    return PlatformAccount.objects.visible_to(actor).filter(
        client_id=intake.client_id, platform__in=platforms, status=AccountStatus.ACTIVE
    )


@login_required
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request in full; the content team accepts (choosing accounts) or declines it here."""
    actor = policy.actor_with(request, VIEW)
    intake = get_visible_or_404(IntakeRequest, actor, pk=pk)
    can_decide = policy.can(actor, DECIDE) and intake.status == IntakeStatus.OPEN
    accounts = target_accounts(actor, intake) if can_decide else PlatformAccount.objects.none()
    decision = request.POST.get("decision") if request.method == "POST" else None
    accept_form = AcceptForm(request.POST if decision == "accept" else None, accounts=accounts)
    decline_form = DeclineForm(request.POST if decision == "decline" else None)
    if decision is not None:
        if not policy.can(actor, DECIDE):
            raise PermissionDenied
        if intake.status != IntakeStatus.OPEN:
            # Someone else decided while this page was open; say so instead of a stale form.
            messages.error(request, _("This request was already decided."))
            return redirect(reverse("editorial:intake_detail", args=[intake.pk]))
        if decision == "accept" and accept_form.is_valid():
            chosen = list(accept_form.cleaned_data["accounts"])
            ok, item = run_action(
                accept_form,
                lambda: actions.accept_intake(actor=actor, intake=intake, accounts=chosen),
            )
            if ok:
                messages.success(request, _("Accepted: the request is now a collected item."))
                return redirect(reverse("editorial:item_detail", args=[item.pk]))
        elif decision == "decline" and decline_form.is_valid():
            note = decline_form.cleaned_data["decision_note"]
            ok, _declined = run_action(
                decline_form,
                lambda: actions.decline_intake(actor=actor, intake=intake, note=note),
            )
            if ok:
                messages.success(request, _("Request declined."))
                return redirect(reverse("editorial:intake_list"))
    return render(
        request,
        "editorial/intake/intake_detail.html",
        {
            "intake": intake,
            "materials": intake.materials.select_related("client"),
            "item_visible": item_link_visible(actor, intake.item),
            "can_decide": can_decide,
            "accept_form": accept_form,
            "decline_form": decline_form,
            "has_accounts": accept_form.has_choices,
        },
        status=400 if decision is not None else 200,
    )


urls: list[URLPattern] = [
    path("requests/", IntakeListView.as_view(), name="intake_list"),
    path("requests/new/", intake_create, name="intake_create"),
    path("requests/<int:pk>/", intake_detail, name="intake_detail"),
]
