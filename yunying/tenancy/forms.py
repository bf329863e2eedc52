"""Forms of the tenancy pages. They validate input; the actions decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yunying.core.forms import ActionModelForm

from .choices import TEAM_ROLES, Role, TeamChangeKind
from .models import Agency, Client, Membership, TeamMember, User
from .scoping import Actor


class ClientForm(ActionModelForm):
    class Meta:
        model = Client
        fields = ["name", "industry", "contact_name", "contact_phone", "status"]


class AgencyRegistrationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=128)
    slug = forms.SlugField(label=_("web name"), max_length=64)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, required=False
    )
    admin_username = forms.CharField(label=_("admin user name"), max_length=150)
    admin_display_name = forms.CharField(
        label=_("admin display name"), max_length=64, required=False
    )
    admin_password = forms.CharField(
        label=_("admin initial password"),
        min_length=8,
        widget=forms.PasswordInput(render_value=False),
    )


class AgencySettingsForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=128)
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, required=False
    )
    certification_reminder_days = forms.CharField(
        label=_("certification reminder days"),
        help_text=_("Days before expiry, separated by commas, e.g. 30, 7."),
    )
    client_response_working_days = forms.IntegerField(
        label=_("client response window (working days)"), min_value=1, max_value=60
    )

    def clean_certification_reminder_days(self) -> list[int]:
        raw = self.cleaned_data["certification_reminder_days"].replace("，", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Give whole numbers separated by commas.")) from exc

    @classmethod
    def initial_for(cls, agency: Agency) -> dict[str, Any]:
        return {
            "name": agency.name,
            "credit_code": agency.credit_code,
            "certification_reminder_days": ", ".join(map(str, agency.certification_reminder_days)),
            "client_response_working_days": agency.client_response_working_days,
        }


def _people_choices(
    actor: Actor, role: str | None = None, exclude: int | None = None
) -> forms.ModelChoiceField:
    """People of the actor's agency who hold ``role`` (any team role when none is given)."""
    memberships = Membership.objects.visible_to(actor).filter(is_active=True)
    memberships = memberships.filter(role=role) if role else memberships.filter(role__in=TEAM_ROLES)
    people = User.objects.filter(pk__in=memberships.values("user_id"))
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return forms.ModelChoiceField(label=_("person"), queryset=people.order_by("username"))


TEAM_ROLE_CHOICES = [(r.value, r.label) for r in Role if r in TEAM_ROLES]


class TeamMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=TEAM_ROLE_CHOICES)
    user = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none())
    joined_on = forms.DateField(
        label=_("joined on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = _people_choices(actor)


class TeamChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=TeamChangeKind.choices, widget=forms.RadioSelect
    )
    incoming = forms.ModelChoiceField(
        label=_("successor"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Actor, member: TeamMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _people_choices(actor, member.role, exclude=member.user_id)
        field.required = False
        field.label = _("successor")
        self.fields["incoming"] = field


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject."),
    )


PERSON_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.ASSOCIATION]


class PersonForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=64, required=False)
    phone = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    role = forms.ChoiceField(label=_("role"), choices=PERSON_ROLE_CHOICES)
    client = forms.ModelChoiceField(
        label=_("client"),
        queryset=Client.objects.none(),
        required=False,
        help_text=_("Only for client reviewers."),
    )
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput(render_value=False), min_length=8
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(actor)  # type: ignore[attr-defined]
