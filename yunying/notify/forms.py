"""Forms of the group-bot pages. Webhook and secret inputs never render their value back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import BotKind

# A webhook is a credential like a password: not shown back, not remembered by the browser.
SECRET_INPUT = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class GroupBotForm(forms.Form):
    kind = forms.ChoiceField(label=_("platform"), choices=BotKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("name"), max_length=64, help_text=_("For example the group's name.")
    )
    webhook = forms.CharField(
        label=_("webhook URL"),
        widget=SECRET_INPUT,
        help_text=_("From the group's bot settings. Stored encrypted; never shown again."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=SECRET_INPUT,
        help_text=_("DingTalk and Feishu: the secret of the bot's signature check (加签)."),
    )
