"""REST endpoints for platform accounts, credential metadata and account change requests.

Passwords go in (write-only fields) but never come out: no response carries a password or a
ciphertext. Revealing a password is a page in the web app, where a reason is typed and audited.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers

from yunying.core.api import ScopedViewSet, limit_choices
from yunying.tenancy.api import (
    REQUEST_FIELDS,
    REQUEST_READ_ONLY,
    ClientRequestSerializer,
    ClientRequestViewSet,
)
from yunying.tenancy.models import Client

from . import actions
from .actions import MAX_SECRET_LENGTH
from .models import AccountChangeRequest, Credential, PlatformAccount

PASSWORD = {"input_type": "password"}


class AccountSerializer(serializers.ModelSerializer):
    login = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=128)
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=MAX_SECRET_LENGTH,
        style=PASSWORD,
        trim_whitespace=False,
    )
    has_credential = serializers.SerializerMethodField()

    class Meta:
        model = PlatformAccount
        fields = [
            "id",
            "client",
            "platform",
            "platform_id",
            "display_name",
            "followers_at_signing",
            "oa_type",
            "certification_expires_on",
            "status",
            "notes",
            "has_credential",
            "created_at",
            "login",
            "password",
        ]
        read_only_fields = ["status", "created_at"]
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            limit_choices(self, "client", Client.objects.visible_to(view.actor))
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # Updates cannot move an account to another client or platform.
            self.fields["client"].read_only = True
            self.fields["platform"].read_only = True

    def get_has_credential(self, obj: PlatformAccount) -> bool:
        return hasattr(obj, "credential")


class AccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Platform accounts. DELETE archives the account (its history stays)."""

    model = PlatformAccount
    serializer_class = AccountSerializer
    action_permissions = {"destroy": "change"}

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("credential")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = actions.create_account(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        if data.pop("login", None) or data.pop("password", None):
            message = _("Changing the login or password needs the client's approval.")
            raise serializers.ValidationError({"password": [message]})
        account = cast(PlatformAccount, serializer.instance)
        serializer.instance = actions.update_account(account, actor=self.actor, **data)

    def perform_destroy(self, instance: PlatformAccount) -> None:
        actions.archive_account(instance, actor=self.actor)


class CredentialSerializer(serializers.ModelSerializer):
    class Meta:
        model = Credential
        fields = ["id", "account", "client", "login", "updated_at", "updated_by"]
        read_only_fields = fields


class CredentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """What is in the vault, without the secrets."""

    model = Credential
    serializer_class = CredentialSerializer


class AccountChangeSerializer(ClientRequestSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=MAX_SECRET_LENGTH,
        style=PASSWORD,
        trim_whitespace=False,
    )

    class Meta:
        model = AccountChangeRequest
        fields = [*REQUEST_FIELDS, "account", "kind", "proposed_name", "password"]
        read_only_fields = REQUEST_READ_ONLY
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            limit_choices(self, "account", PlatformAccount.objects.visible_to(view.actor))


class AccountChangeViewSet(ClientRequestViewSet):
    """Rename and password-change requests. DELETE withdraws a pending request."""

    model = AccountChangeRequest
    serializer_class = AccountChangeSerializer
    decide_with = staticmethod(actions.decide_account_change)
    withdraw_with = staticmethod(actions.withdraw_account_change)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = actions.request_account_change(
            data["account"],
            actor=self.actor,
            kind=data["kind"],
            reason=data.get("reason", ""),
            proposed_name=data.get("proposed_name", ""),
            password=data.get("password", ""),
        )


ROUTES = [
    ("accounts", AccountViewSet, "account"),
    ("credentials", CredentialViewSet, "credential"),
    ("account-changes", AccountChangeViewSet, "account-change"),
]
