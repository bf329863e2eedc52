"""Pages for clients, dedicated teams, people, approvals and agency settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from yunying.core.views import ScopedDetailView, ScopedListView, action_form_page
from yunying.workdays.services import missing_years

from . import actions, policy
from .choices import ChangeRequestStatus, Role
from .forms import (
    AgencyRegistrationForm,
    AgencySettingsForm,
    ClientForm,
    PersonForm,
    TeamChangeForm,
    TeamMemberForm,
)
from .models import Agency, Client, Membership, TeamChangeRequest, TeamMember
from .request_views import RequestPages
from .scoping import SESSION_AGENCY_KEY, actor_for, get_visible_or_404


class ClientListView(ScopedListView):
    model = Client
    permission = "tenancy.view_client"
    template_name = "tenancy/client_list.html"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .annotate(
                account_count=Count("accounts", distinct=True),
                team_size=Count("team", filter=Q(team__left_on__isnull=True), distinct=True),
            )
            .order_by("name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            can_add=policy.can(self.actor, "tenancy.add_client"), **kwargs
        )


class ClientDetailView(ScopedDetailView):
    model = Client
    permission = "tenancy.view_client"
    template_name = "tenancy/client_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        client: Client = self.object
        actor = self.actor
        from yunying.accounts.models import PlatformAccount

        accounts = list(PlatformAccount.objects.visible_to(actor).filter(client=client))
        team = (
            TeamMember.objects.visible_to(actor)
            .filter(client=client)
            .select_related("user")
            .order_by("left_on", "role")
        )
        pending = (
            TeamChangeRequest.objects.visible_to(actor)
            .filter(client=client, status=ChangeRequestStatus.PENDING)
            .select_related("outgoing__user", "incoming", "agency")
        )
        tracked = [a.certification_expires_on for a in accounts if a.certification_expires_on]
        return super().get_context_data(
            accounts=accounts,
            current_team=[m for m in team if m.left_on is None],
            past_team=[m for m in team if m.left_on is not None],
            pending_changes=pending,
            pending_member_ids={c.outgoing_id for c in pending},
            calendar_gaps=missing_years(tracked),
            can_change=policy.can(actor, "tenancy.change_client"),
            can_add_member=policy.can(actor, "tenancy.add_teammember"),
            can_request_change=policy.can(actor, "tenancy.add_teamchangerequest"),
            can_add_account=policy.can(actor, "accounts.add_platformaccount"),
            **kwargs,
        )


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.add_client")
    return action_form_page(
        request,
        ClientForm(request.POST or None),
        perform=lambda data: actions.create_client(actor=actor, **data),
        success=_("Client created."),
        redirect_to=client_url,
        title=_("New client"),
    )


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.change_client")
    client = get_visible_or_404(Client, actor, pk=pk)
    return action_form_page(
        request,
        ClientForm(request.POST or None, instance=client),
        perform=lambda data: actions.update_client(client, actor=actor, **data),
        success=_("Client updated."),
        redirect_to=client_url,
        title=_("Edit %(name)s") % {"name": client.name},
        cancel_url=client_url(client),
    )


def client_url(client: Client) -> str:
    return reverse("tenancy:client_detail", args=[client.pk])


@login_required
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.add_teammember")
    client = get_visible_or_404(Client, actor, pk=pk)
    return action_form_page(
        request,
        TeamMemberForm(request.POST or None, actor=actor),
        perform=lambda data: actions.add_team_member(client, actor=actor, **data),
        success=_("Team member added."),
        redirect_to=lambda member: client_url(member.client),
        title=_("Add to the team of %(name)s") % {"name": client.name},
        cancel_url=client_url(client),
    )


@login_required
def team_change_request(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.add_teamchangerequest")
    member = get_visible_or_404(TeamMember, actor, pk=pk)
    return action_form_page(
        request,
        TeamChangeForm(request.POST or None, actor=actor, member=member),
        perform=lambda data: actions.request_team_change(member, actor=actor, **data),
        success=_("Request sent to the client for approval."),
        redirect_to=lambda change: reverse("tenancy:team_change_detail", args=[change.pk]),
        title=_("Change the team: %(member)s") % {"member": member},
        intro=_("Replacing or removing a team member takes effect only after the client approves."),
        submit_label=_("Send for approval"),
        cancel_url=client_url(member.client),
    )


team_change_detail, team_change_decide, team_change_withdraw = RequestPages(
    model=TeamChangeRequest,
    template="tenancy/team_change_detail.html",
    url_prefix="tenancy:team_change",
    decide_action=actions.decide_team_change,
    withdraw_action=actions.withdraw_team_change,
).views()


@login_required
def requests_list(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the client: team changes and account changes."""
    actor = actor_for(request)
    if not (
        policy.can(actor, "tenancy.view_teamchangerequest")
        and policy.can(actor, "accounts.view_accountchangerequest")
    ) or not (actor.has_role(Role.AGENCY_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_REVIEWER)):
        raise PermissionDenied
    from yunying.accounts.models import AccountChangeRequest

    team = TeamChangeRequest.objects.visible_to(actor).select_related(
        "client", "outgoing__user", "incoming", "agency", "requested_by"
    )
    account = AccountChangeRequest.objects.visible_to(actor).select_related(
        "client", "account", "agency", "requested_by"
    )
    show = request.GET.get("show", "pending")
    if show != "all":
        team = team.filter(status=ChangeRequestStatus.PENDING)
        account = account.filter(status=ChangeRequestStatus.PENDING)
    return render(
        request,
        "tenancy/requests.html",
        {
            "team_changes": list(team[:200]),
            "account_changes": list(account[:200]),
            "show": show,
        },
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.view_membership")
    if not actor.has_role(Role.AGENCY_ADMIN):
        raise PermissionDenied
    memberships = (
        Membership.objects.visible_to(actor)
        .filter(is_active=True)
        .select_related("user", "client")
        .order_by("user__username", "role")
    )
    by_user: dict[int, dict[str, Any]] = {}
    for m in memberships:
        entry = by_user.setdefault(m.user_id, {"user": m.user, "memberships": []})
        entry["memberships"].append(m)
    return render(
        request,
        "tenancy/people.html",
        {"people": list(by_user.values()), "can_add": policy.can(actor, "tenancy.add_membership")},
    )


@sensitive_post_parameters("password")
@login_required
@sensitive_variables()
def person_add(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.add_membership")
    return action_form_page(
        request,
        PersonForm(request.POST or None, actor=actor),
        perform=lambda data: actions.add_person(actor=actor, **data),
        success=_("Person added."),
        redirect_to=lambda membership: reverse("tenancy:people"),
        title=_("Add a person"),
    )


@require_POST
@login_required
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.delete_membership")
    membership = get_visible_or_404(Membership, actor, pk=pk)
    try:
        actions.revoke_membership(membership, actor=actor)
        messages.success(request, _("Role removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("tenancy:people")


@require_POST
@login_required
def switch_agency(request: HttpRequest) -> HttpResponse:
    """Work in another agency the person belongs to (staff of several agencies)."""
    chosen = request.POST.get("agency", "")
    if not chosen.isdigit() or int(chosen) not in actor_for(request).agency_ids:
        raise PermissionDenied
    request.session[SESSION_AGENCY_KEY] = int(chosen)
    return redirect("core:home")


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """The platform operator's list of registered agencies."""
    if not actor_for(request).is_operator:
        raise PermissionDenied
    agencies = Agency.objects.annotate(
        client_count=Count("clients", distinct=True),
        people_count=Count("memberships__user", distinct=True),
    ).order_by("name")
    return render(request, "tenancy/agency_list.html", {"agencies": agencies})


@sensitive_post_parameters("admin_password")
@login_required
@sensitive_variables()
def agency_register(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    if not actor.is_operator:
        raise PermissionDenied
    return action_form_page(
        request,
        AgencyRegistrationForm(request.POST or None),
        perform=lambda data: actions.register_agency(actor=actor, **data),
        success=_("Agency registered."),
        redirect_to=lambda agency: reverse("tenancy:agency_list"),
        title=_("Register an agency"),
    )


@login_required
def agency_settings(request: HttpRequest) -> HttpResponse:
    actor = policy.actor_with(request, "tenancy.change_agency")
    agency = get_visible_or_404(Agency, actor, pk=actor.agency_id)
    return action_form_page(
        request,
        AgencySettingsForm(request.POST or None, initial=AgencySettingsForm.initial_for(agency)),
        perform=lambda data: actions.update_agency(agency, actor=actor, **data),
        success=_("Settings saved."),
        redirect_to=lambda agency: reverse("tenancy:agency_settings"),
        title=_("Agency settings"),
    )
