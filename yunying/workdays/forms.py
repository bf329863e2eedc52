"""Forms of the working-day page: the two calculators and the operator's import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import guess_format

# Far beyond any contract term, small enough that a typo cannot ask for a century.
MAX_WORKING_DAYS = 3650
MAX_UPLOAD_BYTES = 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AddForm(forms.Form):
    """A date plus a number of working days."""

    date = forms.DateField(label=_("Start date"), widget=DateInput())
    n = forms.IntegerField(
        label=_("Working days"), min_value=-MAX_WORKING_DAYS, max_value=MAX_WORKING_DAYS
    )


class BetweenForm(forms.Form):
    """Two dates whose working days in between are counted."""

    start = forms.DateField(label=_("From (not counted)"), widget=DateInput())
    end = forms.DateField(label=_("To (counted)"), widget=DateInput())


class ImportForm(forms.Form):
    """An import file for :func:`yunying.workdays.actions.import_calendar`."""

    file = forms.FileField(label=_("File"), help_text=_("YAML or CSV, UTF-8 encoded."))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name")), ("yaml", "YAML"), ("csv", "CSV")],
        required=False,
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        required=False,
        help_text=_("For example the title of the State Council notice."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 1 MB."))
            return cleaned
        try:
            cleaned["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("file", _("The file is not UTF-8 text."))
            return cleaned
        fmt = cleaned.get("format") or guess_format(upload.name or "")
        if fmt is None:
            self.add_error(
                "format", _("Choose the format: the file name does not end in .yaml or .csv.")
            )
        cleaned["format"] = fmt
        return cleaned
