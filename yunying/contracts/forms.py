"""Forms of the contract pages.

Terms come as YAML, typed or uploaded. Once the YAML parses, the form grows one select per
account key of the terms (``account_A``...) listing the client's accounts on that platform: the
page re-renders with them, preselecting the only candidate, and the user confirms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yunying.accounts.models import PlatformAccount
from yunying.tenancy.models import Client, TeamMember
from yunying.tenancy.scoping import Actor

from . import terms as terms_module
from .actions import account_field
from .models import Contract

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD = 256 * 1024


class TermsForm(forms.Form):
    """YAML terms (typed or uploaded) and, once they parse, the account selects."""

    terms_yaml = forms.CharField(
        label=_("terms (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "mono"}),
        help_text=_("The yunying.terms/1 format. Errors are shown by YAML path."),
    )
    terms_file = forms.FileField(label=_("or upload a YAML file"), required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        actor: Actor,
        client: Client | None = None,
        keep_keys: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        if data is not None:
            data = data.copy()
            upload = files.get("terms_file") if files else None
            if upload is not None and (upload.size or 0) <= MAX_UPLOAD:
                # The uploaded text goes into the textarea, so the re-rendered form keeps it.
                data["terms_yaml"] = upload.read().decode("utf-8", errors="replace")
        super().__init__(data, files, **kwargs)
        self.actor = actor
        self.account_keys: list[str] = []
        self.needs_confirmation = False
        client = client or self._client_from_data()
        if data is None or client is None:
            return
        try:
            parsed = terms_module.load_yaml(str(data.get("terms_yaml", "")))
        except terms_module.TermsError:
            return  # the action reports every error with its path
        accounts = PlatformAccount.objects.visible_to(actor).filter(client=client)
        for key, spec in parsed.accounts.items():
            if key in keep_keys:
                continue
            name = account_field(key)
            candidates = accounts.filter(platform=spec.platform)
            self.fields[name] = forms.ModelChoiceField(
                label=_("Account “%(key)s”: %(name)s") % {"key": key, "name": spec.name},
                queryset=candidates,
                required=False,
            )
            self.account_keys.append(key)
            if name not in data:
                self.needs_confirmation = True
                only = list(candidates[:2])
                if len(only) == 1:
                    data[name] = str(only[0].pk)

    def _client_from_data(self) -> Client | None:
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = self.files.get("terms_file") if self.files else None
        if upload is not None and (upload.size or 0) > MAX_UPLOAD:
            raise ValidationError({"terms_file": _("The file is too large.")})
        if self.needs_confirmation:
            raise ValidationError(
                _("Choose which of the client's accounts each account of the terms is, then save.")
            )
        return cleaned

    def account_links(self) -> dict[str, PlatformAccount]:
        return {
            key: account
            for key in self.account_keys
            if (account := self.cleaned_data.get(account_field(key))) is not None
        }


class ContractCreateForm(TermsForm):
    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.none())
    number = forms.CharField(label=_("contract number"), max_length=64)
    title = forms.CharField(label=_("title"), max_length=200)
    team = forms.ModelMultipleChoiceField(
        label=_("team"),
        queryset=TeamMember.objects.none(),
        required=False,
        help_text=_("The seats of the client's team that serve this contract."),
    )
    field_order = ["client", "number", "title", "terms_yaml", "terms_file", "team"]

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        self._actor = actor
        super().__init__(*args, actor=actor, **kwargs)
        clients = Client.objects.visible_to(actor)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        seats = TeamMember.objects.visible_to(actor).filter(left_on__isnull=True)
        chosen = self._client_from_data()
        if chosen is not None:
            seats = seats.filter(client=chosen)
        self.fields["team"].queryset = seats.select_related("user", "client")  # type: ignore[attr-defined]
        self.order_fields([*self.field_order, *(account_field(k) for k in self.account_keys)])

    def _client_from_data(self) -> Client | None:
        raw = str(self.data.get("client", "")) if self.is_bound else ""
        if not raw.isdigit():
            return None
        return Client.objects.visible_to(self._actor).filter(pk=int(raw)).first()


class TeamForm(forms.Form):
    team = forms.ModelMultipleChoiceField(
        label=_("team"),
        queryset=TeamMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = TeamMember.objects.filter(  # type: ignore[attr-defined]
            client_id=contract.client_id, left_on__isnull=True
        ).select_related("user")


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("signed on"), widget=DATE, initial=timezone.localdate)


class MonthField(forms.CharField):
    """A month (``YYYY-MM``, the browser's month input) as the date of its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return dt.date(year, month, 1)
        except ValueError:
            raise ValidationError(_("Enter a month as YYYY-MM.")) from None


class AmendForm(TermsForm):
    effective_from = MonthField(
        label=_("effective from (month)"),
        help_text=_("An amendment takes effect on the first day of a month."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    field_order = ["effective_from", "note", "terms_yaml", "terms_file"]


class EndForm(forms.Form):
    END = "end"
    TERMINATE = "terminate"
    how = forms.ChoiceField(
        label=_("how it ends"),
        choices=[
            (END, _("Ended at its term or by agreement")),
            (TERMINATE, _("Terminated under a termination clause")),
        ],
        widget=forms.RadioSelect,
        initial=END,
    )
    ended_on = forms.DateField(label=_("ended on"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
