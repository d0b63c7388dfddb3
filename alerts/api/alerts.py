"""``GET /api/v1/alerts/`` and ``GET /api/v1/incidents/{number}/alerts/``: alerts as
monitoring sent them, for agents. Read-only: only ``alerts.intake`` writes alerts. A row is
flat (the integration's and the incident's ids and labels, no payload), read in one query
per page."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from alerts.models import Alert, AlertSeverity, AlertStatus
from incidents.models import Incident
from incidents.visibility import visible_incidents
from kernel.api.filters import DateTimeFilter, FilterSet, IdFilter
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent, is_agent
from kernel.api.schema import error_responses
from kernel.api.tickets import acting_user


class AlertSerializer(serializers.ModelSerializer[Alert]):
    integration_name = serializers.CharField(source="integration.name", read_only=True)
    incident = serializers.CharField(
        source="incident.number",
        read_only=True,
        allow_null=True,
        help_text="The number of the incident it opened or joined; null while silenced.",
    )

    class Meta:
        model = Alert
        fields = (
            "id",
            "integration",
            "integration_name",
            "kind",
            "dedup_key",
            "status",
            "summary",
            "severity",
            "labels",
            "annotations",
            "starts_at",
            "ends_at",
            "generator_url",
            "first_seen",
            "last_seen",
            "count",
            "acknowledged_at",
            "flapping",
            "suppressed",
            "incident",
        )
        read_only_fields = fields


# What a page reads: the row's own columns and two joined labels, never the payload.
COLUMNS = (
    *(name for name in AlertSerializer.Meta.fields if name not in ("integration_name", "incident")),
    "integration__name",
    "incident__number",
)


def alert_rows() -> QuerySet[Alert]:
    return Alert.objects.select_related("integration", "incident").only(*COLUMNS)


class LatestSeen(CursorPagination):
    # DRF takes a tuple of fields here; its stubs admit only one.
    ordering = ("-last_seen", "-id")  # type: ignore[assignment]


class IncidentAlertFilter(FilterSet):
    # distinct=False: one column each, no duplicates to remove.
    status = django_filters.MultipleChoiceFilter(
        choices=AlertStatus.choices, distinct=False, help_text="Repeat to match either."
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=AlertSeverity.choices, distinct=False, help_text="Repeat to match several."
    )
    dedup_key = django_filters.CharFilter(help_text="The fingerprint or Events v2 dedup_key.")
    last_seen_after = DateTimeFilter(field_name="last_seen", lookup_expr="gte")
    last_seen_before = DateTimeFilter(field_name="last_seen", lookup_expr="lt")
    flapping = django_filters.BooleanFilter()

    class Meta:
        model = Alert
        fields: list[str] = []


class AlertFilter(IncidentAlertFilter):
    integration = IdFilter(help_text="An integration's id.")
    incident = django_filters.CharFilter(
        field_name="incident__number", help_text="An incident's number (INC0000042)."
    )

    class Meta(IncidentAlertFilter.Meta):
        pass


@extend_schema(tags=["alerts"])
@extend_schema_view(
    list=extend_schema(
        summary="List alerts",
        description="Agents only. Latest seen first.",
        responses={200: AlertSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="Show an alert",
        description="Agents only.",
        responses={200: AlertSerializer, **error_responses(401, 403, 404)},
    ),
)
class AlertViewSet(viewsets.ReadOnlyModelViewSet[Alert]):
    serializer_class = AlertSerializer
    permission_classes = (IsAuthenticated, IsAgent)
    pagination_class = LatestSeen
    filter_backends = [DjangoFilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return alert_rows()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # An alert asked for by its id is found by that alone, without the list's form.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


NUMBER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The incident's number."
)


@extend_schema(tags=["alerts"], parameters=[NUMBER])
@extend_schema_view(
    list=extend_schema(
        summary="List an incident's alerts",
        description="Agents only. Latest seen first; `status=firing` for those still firing.",
        responses={200: AlertSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
)
class IncidentAlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Alert]):
    serializer_class = AlertSerializer
    permission_classes = (IsAuthenticated,)
    pagination_class = LatestSeen
    filter_backends = [DjangoFilterBackend]
    filterset_class = IncidentAlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no incident
            return Alert.objects.none()
        return alert_rows().filter(incident=self.incident)

    def list(self, request: Request, *args: Any, number: str, **kwargs: Any) -> Response:
        # The incident first: one the user may not see is a 404 whoever asks, so that its
        # number does not leak; then the alerts are the desk's (a caller gets 403).
        self.incident = get_object_or_404(
            visible_incidents(Incident.objects.all(), acting_user(request)), number=number
        )
        if not is_agent(request):
            self.permission_denied(request, message=IsAgent.message)
        return super().list(request, *args, **kwargs)
