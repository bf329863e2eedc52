"""Forms of the compliance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yunying.compliance.engine.types import PLATFORMS
from yunying.tenancy.models import Client

from .choices import CATEGORY_CHOICES, EntryKind, Severity

PLATFORM_LABELS = {
    "douyin": _("Douyin"),
    "wechat_oa": _("WeChat Official Account"),
    "wechat_channels": _("WeChat Channels"),
    "livestream": _("Livestream script"),
}
MAX_TEXT = 1_000_000


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("text"),
        max_length=MAX_TEXT,
        # As typed: the offsets in the table are offsets into exactly this text.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A post, a script or a caption; up to 1,000,000 characters."),
    )
    platform = forms.ChoiceField(
        label=_("platform"), choices=[(p, PLATFORM_LABELS[p]) for p in PLATFORMS]
    )
    client = forms.ModelChoiceField(
        label=_("client"),
        queryset=Client.objects.none(),
        required=False,
        help_text=_("Adds the agency's own list for this client."),
    )

    def __init__(self, *args: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=EntryKind.choices, widget=forms.RadioSelect, initial="term"
    )
    term = forms.CharField(label=_("term"), max_length=100)
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *CATEGORY_CHOICES], required=False
    )
    severity = forms.ChoiceField(
        label=_("severity"), choices=[("", "—"), *Severity.choices], required=False
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        help_text=_("Why the term is on the list; shown with every finding."),
    )
