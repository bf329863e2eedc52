"""Forms of the item pages and the client's review page.

The forms only read and shape the input; the actions check the business rules (accounts of the
client and of a platform the kind can go to, the A/B/C/D slot, editable states, the quoted
passage) and report problems by field, which the pages put next to these fields.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yunying.accounts.choices import AccountStatus
from yunying.accounts.models import PlatformAccount
from yunying.tenancy.choices import ClientStatus
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import Actor

from .actions import Anchor, Draft
from .choices import VIDEO_KINDS, ArticleSlot, ContentKind, MaterialKind
from .models import TEXT_PARTS, Column, ContentItem, ContentVersion, Material

# Kinds that have the video parts (script, subtitles, voice-over, music, cover).
VIDEO_PART_KINDS = VIDEO_KINDS | {ContentKind.LIVESTREAM_SCRIPT}
VIDEO_PARTS = ("script", "subtitles", "voiceover", "music")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def normalise_lines(text: str) -> str:
    """Browsers send CR LF from text areas; stored text uses LF, as the page's DOM does, so a
    passage selected on the page has the same offsets as in the stored text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Tagged:
    """Options carry their row's client (and platform) so the page can show only the options of
    the chosen client and kind; without JavaScript every option shows and the action decides."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, *args, **kwargs)  # type: ignore[misc]
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-client"] = instance.client_id
            platform = getattr(instance, "platform", None)
            if platform:
                option["attrs"]["data-platform"] = platform
        return option


class TaggedSelect(_Tagged, forms.Select):
    pass


class TaggedCheckboxes(_Tagged, forms.CheckboxSelectMultiple):
    pass


class _ClientScopedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.client} · {obj}"


class _ClientScopedMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.client} · {obj}"


class ItemForm(forms.Form):
    """Create an item (with kind and client) or edit one (kind and client stay)."""

    kind = forms.ChoiceField(label=_("kind"), choices=ContentKind.choices)
    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.none())
    accounts = _ClientScopedMultiple(
        label=_("target accounts"),
        queryset=PlatformAccount.objects.none(),
        widget=TaggedCheckboxes,
        required=False,
    )
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    script = forms.CharField(
        label=_("script"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    subtitles = forms.CharField(
        label=_("subtitles"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    voiceover = forms.CharField(
        label=_("voice-over"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    music = forms.CharField(
        label=_("music notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cover = _ClientScopedChoice(
        label=_("cover"),
        queryset=Material.objects.none(),
        widget=TaggedSelect,
        required=False,
        help_text=_("An image from the client's material library."),
    )
    column = _ClientScopedChoice(
        label=pgettext_lazy("content column", "column"),
        queryset=Column.objects.none(),
        widget=TaggedSelect,
        required=False,
    )
    article_slot = forms.ChoiceField(
        label=_("article slot"),
        choices=[("", "—"), *ArticleSlot.choices],
        required=False,
        help_text=_("Position in a multi-article push (articles only)."),
    )
    planned_at = forms.DateTimeField(
        label=_("planned publish time"), widget=DATETIME, required=False
    )
    attachments = _ClientScopedMultiple(
        label=_("attachments"),
        queryset=Material.objects.none(),
        widget=TaggedCheckboxes,
        required=False,
    )
    note = forms.CharField(
        label=_("what changed"),
        max_length=200,
        required=False,
        help_text=_("A line for the version list."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        actor: Actor,
        item: ContentItem | None = None,
        version: ContentVersion | None = None,
        **kwargs: Any,
    ) -> None:
        self.item = item
        if item is not None and version is not None:
            kwargs.setdefault("initial", {}).update(_initial(item, version))
        super().__init__(data, **kwargs)
        clients = Client.objects.visible_to(actor).filter(status=ClientStatus.ACTIVE)
        accounts = PlatformAccount.objects.visible_to(actor).filter(status=AccountStatus.ACTIVE)
        materials = Material.objects.visible_to(actor).order_by("client_id", "-uploaded_at")
        columns = Column.objects.visible_to(actor).filter(is_active=True)
        if item is not None:
            del self.fields["kind"], self.fields["client"]
            accounts = accounts.filter(client_id=item.client_id)
            materials = materials.filter(client_id=item.client_id)
            columns = columns.filter(client_id=item.client_id)
            self.item_kind: str = item.kind
            for name in _irrelevant_fields(item.kind):
                del self.fields[name]
        else:
            self.item_kind = str(self.data.get("kind") or self.initial.get("kind") or "")
            field_client: Any = self.fields["client"]
            field_client.queryset = clients
        field: Any
        for name, rows in (
            ("accounts", accounts.select_related("client")),
            ("cover", materials.filter(kind=MaterialKind.IMAGE).select_related("client")),
            ("column", columns.select_related("client")),
            ("attachments", materials.select_related("client")),
        ):
            if name in self.fields:
                field = self.fields[name]
                field.queryset = rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("title", "body", *VIDEO_PARTS):
            if isinstance(data.get(name), str):
                data[name] = normalise_lines(data[name])
        return data

    def draft(self, current: ContentVersion | None = None) -> Draft:
        """The text as entered; parts the kind does not have stay as they were (or empty)."""
        data = self.cleaned_data
        parts: dict[str, Any] = {name: getattr(current, name, "") for name in TEXT_PARTS}
        parts["cover"] = current.cover if current is not None else None
        skipped = set(_irrelevant_fields(self.item_kind))
        for name in (*TEXT_PARTS, "cover"):
            if name not in skipped and name in data:
                parts[name] = data[name]
        return Draft(note=data.get("note", ""), **parts)

    def targets(self) -> dict[str, Any]:
        """Accounts, column, slot and attachments for the actions."""
        data = self.cleaned_data
        slot = data.get("article_slot", "") if self.item_kind == ContentKind.WECHAT_ARTICLE else ""
        return {
            "accounts": list(data.get("accounts") or []),
            "column": data.get("column"),
            "article_slot": slot,
            "attachments": list(data.get("attachments") or []),
        }


def _irrelevant_fields(kind: str) -> list[str]:
    """Fields a kind does not have: the video parts for most kinds, the slot for non-articles."""
    names: list[str] = []
    if kind not in VIDEO_PART_KINDS:
        names.extend([*VIDEO_PARTS, "cover"])
    if kind != ContentKind.WECHAT_ARTICLE:
        names.append("article_slot")
    return names


def _initial(item: ContentItem, version: ContentVersion) -> dict[str, Any]:
    return {
        "title": version.title,
        "body": version.body,
        "script": version.script,
        "subtitles": version.subtitles,
        "voiceover": version.voiceover,
        "music": version.music,
        "cover": version.cover_id,
        "column": item.column_id,
        "article_slot": item.article_slot,
        "planned_at": item.planned_at,
        "accounts": [a.pk for a in item.accounts.all()],
        "attachments": [m.pk for m in item.attachments.all()],
    }


class TransitionForm(forms.Form):
    """One workflow move from the item page."""

    target = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("reason to pass the warnings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublishedForm(forms.Form):
    """The operator published by hand: where and when."""

    url = forms.URLField(
        label=_("address of the published post"), max_length=500, assume_scheme="https"
    )
    published_at = forms.DateTimeField(
        label=_("published at"),
        widget=DATETIME,
        required=False,
        help_text=_("Leave empty for now."),
    )


class DecisionForm(forms.Form):
    """The client's answer: approve, or return with a summary (required for a return)."""

    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        choices=[
            (APPROVE, pgettext_lazy("content", "Approve")),
            (RETURN, _("Return for revision")),
        ],
        widget=forms.HiddenInput,
    )
    summary = forms.CharField(
        label=_("your summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the item: what must change?"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == self.RETURN and not data.get("summary", "").strip():
            self.add_error("summary", _("Say what must change."))
        return data


class AnchorForm(forms.Form):
    """A remark on a passage: selected on the page (part, quote and offset filled in by the
    page's script) or, without JavaScript, the passage typed or pasted in."""

    part = forms.ChoiceField(label=_("part"), required=False)
    quote = forms.CharField(
        label=_("passage"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["part"]
        field.choices = [("", _("the whole item")), *(parts or [])]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["quote"] = normalise_lines(data.get("quote") or "")
        if data["quote"] and not data.get("part"):
            self.add_error("part", _("Choose the part the passage is in."))
        if (data["quote"] or data.get("part")) and not (data.get("body") or "").strip():
            self.add_error("body", _("Write the comment."))
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("body") or "").strip() and not data.get("quote")

    def anchor(self, start: int | None) -> Anchor:
        data = self.cleaned_data
        return Anchor(body=data["body"], part=data["part"], quote=data["quote"], start=start)


class _AnchorFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, parts: list[tuple[str, str]], **kwargs: Any) -> None:
        self.parts = parts
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"parts": self.parts}


AnchorFormSet = cast(
    type[_AnchorFormSet],
    forms.formset_factory(
        AnchorForm, formset=_AnchorFormSet, extra=1, max_num=50, validate_max=True
    ),
)
