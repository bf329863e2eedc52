"""Forms of the account pages. Password inputs never render their value back."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yunying.core.forms import ActionModelForm
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor

from .choices import AccountChangeKind, Platform
from .models import PlatformAccount

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccountForm(ActionModelForm):
    class Meta:
        model = PlatformAccount
        fields = [
            "client",
            "platform",
            "platform_id",
            "display_name",
            "followers_at_signing",
            "oa_type",
            "certification_expires_on",
            "notes",
        ]
        widgets = {"certification_expires_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    login = forms.CharField(label=_("login"), max_length=128, required=False)
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to add it later."),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.visible_to(actor)  # type: ignore[attr-defined]


class AccountEditForm(ActionModelForm):
    class Meta:
        model = PlatformAccount
        fields = [
            "platform_id",
            "followers_at_signing",
            "oa_type",
            "certification_expires_on",
            "notes",
        ]
        widgets = {"certification_expires_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class CredentialForm(forms.Form):
    login = forms.CharField(label=_("login"), max_length=128)
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the password?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. publishing tonight's video")}),
    )


class AccountChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=AccountChangeKind.choices, widget=forms.RadioSelect
    )
    proposed_name = forms.CharField(label=_("new name"), max_length=128, required=False)
    password = forms.CharField(
        label=_("new password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CompetitorForm(forms.Form):
    """A competitor's account to watch: where it is and what to call it."""

    platform = forms.ChoiceField(label=_("platform"), choices=Platform.choices)
    platform_id = forms.CharField(
        label=_("platform id"),
        max_length=128,
        help_text=_("Douyin id, WeChat original id, store id or room number."),
    )
    display_name = forms.CharField(label=_("display name"), max_length=128)
    notes = forms.CharField(
        label=_("why we watch it"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompetitorNoteForm(forms.Form):
    """Something seen on a competitor's account, dated the day it happened."""

    account = forms.ModelChoiceField(label=_("competitor"), queryset=PlatformAccount.tracked.none())
    noted_on = forms.DateField(label=_("date"), widget=DATE)
    text = forms.CharField(
        label=_("note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A campaign, a new format, a price move, a post that took off."),
    )

    def __init__(self, *args: Any, competitors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["account"]).queryset = competitors
