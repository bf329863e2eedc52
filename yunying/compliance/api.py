"""REST: check a text or an account name; read a client's own lexicon.

``POST /api/compliance/check/`` ``{"text", "platform", "client"?}`` and
``POST /api/compliance/check-name/`` ``{"name"}`` answer
``{"findings": [{rule, category, severity, start, end, text, message, source, lexicon_version}],
"blocking": bool}``; offsets are code points of the text as sent.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from yunying.compliance.engine.names import check_name
from yunying.compliance.engine.scanner import scan
from yunying.compliance.engine.types import BLOCK, PLATFORMS, Finding
from yunying.core.api import ScopedViewSet
from yunying.tenancy import policy
from yunying.tenancy.models import Client
from yunying.tenancy.scoping import actor_for, visible

from . import services
from .forms import MAX_TEXT
from .models import LexiconEntry


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    category = serializers.CharField()
    severity = serializers.ChoiceField(choices=["block", "warn"])
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    message = serializers.CharField()
    # The metaclass takes declared fields off the class, so "source" does not shadow Field.source.
    source = serializers.CharField()  # type: ignore[assignment]
    lexicon_version = serializers.CharField()


class FindingsSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    blocking = serializers.BooleanField()


class CheckSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    platform = serializers.ChoiceField(choices=list(PLATFORMS))
    client = serializers.IntegerField(required=False)


class CheckNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)


def _answer(findings: list[Finding]) -> Response:
    return Response(
        {
            "findings": [f.as_dict() for f in findings],
            "blocking": any(f.severity == BLOCK for f in findings),
        }
    )


class _CheckBase(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        policy.require(actor_for(request), "compliance.check")


class CheckViewSet(_CheckBase):
    """Check a text against the rules for a platform (and the client's own list)."""

    @extend_schema(request=CheckSerializer, responses={200: FindingsSerializer})
    def create(self, request: Request) -> Response:
        data = CheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = None
        if "client" in data.validated_data:
            client = (
                visible(Client, actor_for(request)).filter(pk=data.validated_data["client"]).first()
            )
            if client is None:
                raise serializers.ValidationError({"client": [_("No such client.")]})
        findings = scan(
            data.validated_data["text"],
            platform=data.validated_data["platform"],
            context=services.scan_context(client),
        )
        return _answer(findings)


class CheckNameViewSet(_CheckBase):
    """Check a proposed account name against the naming rules."""

    @extend_schema(request=CheckNameSerializer, responses={200: FindingsSerializer})
    def create(self, request: Request) -> Response:
        data = CheckNameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _answer(check_name(data.validated_data["name"].strip()))


class LexiconEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LexiconEntry
        fields = [
            "id",
            "client",
            "kind",
            "term",
            "category",
            "severity",
            "reason",
            "added_in",
            "added_at",
            "removed_in",
            "removed_at",
        ]
        read_only_fields = fields


class LexiconEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The agencies' own lexicon entries per client (removed ones too, with their version)."""

    model = LexiconEntry
    serializer_class = LexiconEntrySerializer

    def get_queryset(self) -> Any:
        rows = super().get_queryset()
        client = self.request.query_params.get("client", "")
        return rows.filter(client_id=int(client)) if client.isdigit() else rows


ROUTES = [
    ("compliance/check", CheckViewSet, "compliance-check"),
    ("compliance/check-name", CheckNameViewSet, "compliance-check-name"),
    ("compliance/lexicon-entries", LexiconEntryViewSet, "lexicon-entry"),
]
