"""Upload forms of the metrics page: the file is parsed while the form is cleaned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .actions import MAX_IMPORT_BYTES
from .choices import FlagStatus, Metric
from .files import FileFormatError, Problem, parse_metrics_csv, parse_posts_csv
from .mappings import MAPPINGS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadForm(forms.Form):
    """A CSV file; valid when it parses. ``rows`` holds the parsed rows, ``problems`` each bad
    cell by row and column."""

    file = forms.FileField(label=_("CSV file (UTF-8)"))
    parse: Callable[..., list[Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[Any] = []
        self.problems: list[Problem] = []

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV in UTF-8.")) from None
        try:
            self.rows = type(self).parse(text, source=upload.name)
        except FileFormatError as exc:
            self.problems = exc.problems
            count = len(exc.problems)
            raise forms.ValidationError(
                ngettext(
                    "The file has %(count)d problem; nothing was imported.",
                    "The file has %(count)d problems; nothing was imported.",
                    count,
                )
                % {"count": count}
            ) from None
        return upload


class MetricsUploadForm(UploadForm):
    prefix = "metrics"
    parse = staticmethod(parse_metrics_csv)


class PostsUploadForm(UploadForm):
    prefix = "posts"
    parse = staticmethod(parse_posts_csv)


class PlatformImportForm(forms.Form):
    """A platform export (or our template) for one account: which format, the file, and what to
    do with a file that has problems."""

    mapping = forms.ChoiceField(label=_("Format"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    keep_good_rows = forms.BooleanField(
        label=_("If some rows have problems, import the good rows anyway"),
        required=False,
        help_text=_("Unticked: a file with any problem is rejected whole, nothing is written."),
    )

    def __init__(self, *args: Any, platform: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fitting = [m for m in MAPPINGS.values() if not m.platforms or platform in m.platforms]
        field = cast(forms.ChoiceField, self.fields["mapping"])
        field.choices = [(m.name, m.title) for m in fitting]
        field.help_text = " ".join(f"{m.title}：{m.help}" for m in fitting)
        self.initial.setdefault("mapping", fitting[0].name)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ManualEntryForm(forms.Form):
    """One day's value typed in by hand (calls from the client's phone log, for example)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=20, decimal_places=4)


class SyncForm(forms.Form):
    """The account's data API connection; the secret is write-only."""

    app_id = forms.CharField(label=_("AppID / client key"), max_length=64)
    secret = forms.CharField(
        label=_("Secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Kept encrypted and never shown again; leave empty to keep the stored one."),
    )
    api_base = forms.URLField(label=_("API address"), required=False, assume_scheme="https")
    enabled = forms.BooleanField(label=_("Sync every day"), required=False, initial=True)


class FlagReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(FlagStatus.CONFIRMED, _("Confirm")), (FlagStatus.DISMISSED, _("Dismiss"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to dismiss: what explains the numbers (a viral post, a campaign)."),
    )
