"""REST endpoints for the agency, clients, people and dedicated teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from yunying.core.api import ScopedViewSet, limit_choices

from . import actions
from .choices import Role, TeamChangeKind
from .models import Agency, Client, ClientRequest, Membership, TeamChangeRequest, TeamMember, User
from .scoping import Actor


def _people(actor: Actor) -> Any:
    """People of the actor's agency, for choosing a team member or a successor."""
    return User.objects.filter(pk__in=Membership.objects.visible_to(actor).values("user_id"))


class AgencySerializer(serializers.ModelSerializer):
    certification_reminder_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365), allow_empty=False
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "slug",
            "credit_code",
            "certification_reminder_days",
            "client_response_working_days",
            "created_at",
        ]
        read_only_fields = ["slug", "created_at"]


class AgencyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """The agency of the signed-in person; its admin edits its settings."""

    model = Agency
    serializer_class = AgencySerializer

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = actions.update_agency(
            cast(Agency, serializer.instance), actor=self.actor, **serializer.validated_data
        )


class ClientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "industry",
            "contact_name",
            "contact_phone",
            "status",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness per agency is checked by the action, which knows the agency.
        validators: list[Any] = []


class ClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Clients of the agency; a client reviewer sees only their own."""

    model = Client
    serializer_class = ClientSerializer

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = actions.create_client(actor=self.actor, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = actions.update_client(
            cast(Client, serializer.instance), actor=self.actor, **serializer.validated_data
        )


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "display_name",
            "role",
            "client",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class PersonCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        min_length=8, write_only=True, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=[r for r in Role.values if r != Role.ASSOCIATION])
    display_name = serializers.CharField(max_length=64, required=False, default="")
    phone = serializers.CharField(max_length=20, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    client = serializers.IntegerField(required=False, allow_null=True, default=None)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Roles of people in the agency. Creating adds a person; deleting revokes the role."""

    model = Membership
    serializer_class = MembershipSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("user")

    def get_serializer_class(self) -> Any:
        return PersonCreateSerializer if self.action == "create" else MembershipSerializer

    @extend_schema(request=PersonCreateSerializer, responses=MembershipSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client_id = data.pop("client")
        client = None
        if client_id is not None:
            client = Client.objects.visible_to(self.actor).filter(pk=client_id).first()
            if client is None:
                raise serializers.ValidationError({"client": [_("No such client.")]})
        membership = actions.add_person(actor=self.actor, client=client, **data)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Membership) -> None:
        actions.revoke_membership(instance, actor=self.actor)


class TeamMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "client", "user", "username", "role", "joined_on", "left_on"]
        read_only_fields = ["left_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            limit_choices(self, "client", Client.objects.visible_to(view.actor))
            limit_choices(self, "user", _people(view.actor))


class TeamMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Dedicated team seats. Adding is direct; replacing or removing is a team change request."""

    model = TeamMember
    serializer_class = TeamMemberSerializer

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("user")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = actions.add_team_member(
            data["client"],
            actor=self.actor,
            user=data["user"],
            role=data["role"],
            joined_on=data.get("joined_on"),
        )


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


# What every client request shows; its life cycle is read-only to the API.
REQUEST_FIELDS = [
    "id",
    "client",
    "reason",
    "status",
    "requested_by",
    "requested_at",
    "respond_by",
    "decided_by",
    "decided_at",
    "decision_comment",
]
REQUEST_READ_ONLY = [
    "client",
    "status",
    "requested_by",
    "requested_at",
    "decided_by",
    "decided_at",
    "decision_comment",
]


class ClientRequestSerializer(serializers.ModelSerializer):
    """Base of the serializers of client requests: adds the explained answer deadline."""

    respond_by = serializers.SerializerMethodField()

    def get_respond_by(self, obj: ClientRequest) -> dict[str, Any]:
        deadline = obj.response_deadline
        return {
            "date": deadline.due,
            "missing_year": deadline.missing_year,
            "overdue": deadline.overdue,
            "explanation": deadline.explanation,
        }


class ClientRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """Base of client-request endpoints: DELETE withdraws, POST …/decide/ is the reviewer's."""

    action_permissions = {"decide": "decide"}
    decide_with: Callable[..., ClientRequest]
    withdraw_with: Callable[..., ClientRequest]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("agency")

    def perform_destroy(self, instance: ClientRequest) -> None:
        self.withdraw_with(instance, actor=self.actor)

    @extend_schema(request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """The client reviewer approves (the change takes effect) or rejects the request."""
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        change = self.decide_with(
            self.get_object(),
            actor=self.actor,
            approve=decision.validated_data["approve"],
            comment=decision.validated_data["comment"],
        )
        return Response(self.get_serializer(change).data)


class TeamChangeSerializer(ClientRequestSerializer):
    class Meta:
        model = TeamChangeRequest
        fields = [*REQUEST_FIELDS, "kind", "outgoing", "incoming"]
        read_only_fields = REQUEST_READ_ONLY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            limit_choices(self, "outgoing", TeamMember.objects.visible_to(view.actor))
            limit_choices(self, "incoming", _people(view.actor))


class TeamChangeViewSet(ClientRequestViewSet):
    """Requests to replace or remove team members. DELETE withdraws a pending request."""

    model = TeamChangeRequest
    serializer_class = TeamChangeSerializer
    decide_with = staticmethod(actions.decide_team_change)
    withdraw_with = staticmethod(actions.withdraw_team_change)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = actions.request_team_change(
            data["outgoing"],
            actor=self.actor,
            kind=data.get("kind", TeamChangeKind.REPLACE),
            reason=data.get("reason", ""),
            incoming=data.get("incoming"),
        )


ROUTES = [
    ("agency", AgencyViewSet, "agency"),
    ("clients", ClientViewSet, "client"),
    ("memberships", MembershipViewSet, "membership"),
    ("team-members", TeamMemberViewSet, "team-member"),
    ("team-changes", TeamChangeViewSet, "team-change"),
]
