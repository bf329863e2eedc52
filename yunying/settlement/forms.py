"""Forms of the settlement pages. The actions validate the business rules and report by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunying.contracts.choices import ContractStatus
from yunying.contracts.models import Contract
from yunying.tenancy.scoping import Actor

from .choices import RECORDABLE, EventKind
from .engine import Month

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2}


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker gives exactly that)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class SettleForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("contract"), queryset=Contract.objects.none())
    month = MonthField(label=_("period"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["contract"]
        field.queryset = Contract.objects.visible_to(actor).exclude(status=ContractStatus.DRAFT)


class AdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount"),
        help_text=_("Negative to reduce the total."),
        **MONEY,  # type: ignore[arg-type]
    )
    description = forms.CharField(label=_("description"), max_length=200)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    """The client's decision on a statement; a dispute needs a comment."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("approve", pgettext_lazy("statement", "Approve")), ("dispute", _("Dispute"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you dispute: say which lines and why."),
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), **MONEY)  # type: ignore[arg-type]
    paid_on = forms.DateField(label=_("paid on"), widget=DATE)
    reference = forms.CharField(label=_("bank reference"), max_length=100, required=False)
    allow_overpayment = forms.BooleanField(
        label=_("The client paid more than is open"), required=False
    )


class NoticeForm(forms.Form):
    notice_date = forms.DateField(label=_("notice date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("amount"),
        required=False,
        help_text=_("Leave empty for the whole open amount."),
        **MONEY,  # type: ignore[arg-type]
    )


class EventForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(k.value, k.label) for k in EventKind if k in RECORDABLE]
    )
    account = forms.CharField(
        label=_("account key"),
        max_length=32,
        required=False,
        help_text=_("The key of the account in the terms (A, B), when it concerns one."),
    )
    ref = forms.CharField(
        label=_("reference"),
        max_length=64,
        required=False,
        help_text=_("For deliveries: the same name on the due date and on delivery."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
