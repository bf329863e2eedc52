"""The account manager's part of a monthly report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import MAX_TEXT


class CommentaryForm(forms.Form):
    problems = forms.CharField(
        label=_("Problems found this month"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        required=False,
    )
    suggestions = forms.CharField(
        label=_("Suggestions for next month"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        required=False,
    )
