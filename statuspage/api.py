"""``/api/v1/incidents/{number}/status-updates/``: list an incident's public updates, or
post one (agents). A thin adapter on ``statuspage.workflow.status_update_post``."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Incident
from incidents.visibility import visible_incidents
from kernel.api.idempotency import Idempotent
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.tickets import acting_user
from kernel.api.transactions import AnswerBeforeCommit
from statuspage.enums import Impact, Phase
from statuspage.links import absolute
from statuspage.models import StatusUpdate
from statuspage.workflow import BODY_MAX, TITLE_MAX, status_update_post


class StatusUpdateInputSerializer(serializers.Serializer[Any]):
    refuses_unknown_fields = True  # see to_internal_value; the schema says so
    body = serializers.CharField(max_length=BODY_MAX, help_text="The public text (plain).")
    phase = serializers.ChoiceField(choices=Phase.choices)
    impact = serializers.ChoiceField(
        choices=Impact.choices,
        required=False,
        allow_null=True,
        help_text="Default: unchanged; on the first update, from the severity or priority "
        "(SEV1/P1 major outage, SEV2/P2 partial outage, else degraded performance).",
    )
    title = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text="The public title: required on the first update, which makes it public.",
    )

    def to_internal_value(self, data: Any) -> Any:
        # Unknown fields are a typo the client should hear about, not silently drop.
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


class StatusUpdateSerializer(serializers.ModelSerializer[StatusUpdate]):
    title = serializers.CharField(source="public_incident.title", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="The public incident page.")

    class Meta:
        model = StatusUpdate
        fields = ("id", "title", "phase", "impact", "body", "author", "created_at", "url")
        read_only_fields = fields

    def get_url(self, update: StatusUpdate) -> str:
        return absolute(update.public_incident.url)


NUMBER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The incident's number."
)


@extend_schema(tags=["status page"], parameters=[NUMBER])
@extend_schema_view(
    list=extend_schema(
        summary="List an incident's public status updates",
        description="Newest first. Anyone who may see the incident.",
        responses={200: StatusUpdateSerializer(many=True), **error_responses(401, 404)},
    ),
    create=extend_schema(
        summary="Post a public status update",
        description="Agents only. The first update makes the incident public (give a "
        "`title`); each one is on the status page, the feed and `summary.json`, and is "
        "mailed to the service's confirmed subscribers.",
        request=StatusUpdateInputSerializer,
        responses={201: StatusUpdateSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class IncidentStatusUpdateViewSet(Idempotent, AnswerBeforeCommit, viewsets.ViewSet):
    permission_classes = (IsAuthenticated,)

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [IsAuthenticated(), IsAgent()]
        return list(super().get_permissions())

    def _incident(self, request: Request, number: str) -> Incident:
        return get_object_or_404(
            visible_incidents(Incident.objects.all(), acting_user(request)), number=number
        )

    def list(self, request: Request, number: str) -> Response:
        incident = self._incident(request, number)
        updates = (
            StatusUpdate.objects.filter(public_incident__incident=incident)
            .select_related("public_incident__incident", "author")
            .order_by("-created_at", "-id")
        )
        return Response(StatusUpdateSerializer(updates, many=True).data)

    def create(self, request: Request, number: str) -> Response:
        incident = self._incident(request, number)
        given = StatusUpdateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        update = status_update_post(incident, by=acting_user(request), **given.validated_data)
        return Response(StatusUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
