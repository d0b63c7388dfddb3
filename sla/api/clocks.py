"""``GET /api/v1/sla/clocks/`` and ``GET /api/v1/sla/clocks/{id}/``: every incident's SLA
clocks, for agents (dashboards, "what breaches next"). Read-only: clocks are written by the
clock engine and the alarms only."""

from datetime import datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from kernel.api.filters import FilterSet
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from sla.models import Clock, SlaDefinition, Target
from sla.models.clocks import RUNNING

# A year of minutes: enough for any SLA, and a timedelta the database can hold.
MAX_WITHIN_MINUTES = 525_600


STATES = (
    ("running", "Running"),
    ("paused", "Paused"),
    ("stopped", "Stopped (met or missed)"),
    ("cancelled", "Cancelled (the incident was canceled, or another definition applies)"),
)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_WITHIN_MINUTES})
class MinutesFilter(django_filters.Filter):
    """A whole number of minutes, from 1 to a year."""

    field_class = forms.IntegerField


def state_of(clock: Clock) -> str:
    if clock.cancelled_at is not None:
        return "cancelled"
    if clock.stopped_at is not None:
        return "stopped"
    if clock.paused_since is not None:
        return "paused"
    return "running"


class DefinitionRefSerializer(serializers.ModelSerializer[SlaDefinition]):
    class Meta:
        model = SlaDefinition
        fields = ("id", "name")


class ClockSerializer(serializers.ModelSerializer[Clock]):
    incident = serializers.CharField(source="incident.number", help_text="The incident's number.")
    definition = DefinitionRefSerializer(read_only=True)
    state = serializers.SerializerMethodField(help_text="running, paused, stopped or cancelled.")
    due = serializers.DateTimeField(
        source="breach_at",
        allow_null=True,
        help_text="When the target is used up (100 %), while running; null otherwise.",
    )
    time_left_seconds = serializers.SerializerMethodField(
        help_text="Seconds until the deadline while running (negative once past it); the "
        "business seconds left while paused; null once stopped or cancelled."
    )

    class Meta:
        model = Clock
        fields = (
            "id",
            "incident",
            "target",
            "definition",
            "state",
            "target_seconds",
            "elapsed_seconds",
            "started_at",
            "paused_since",
            "pauses",
            "stopped_at",
            "cancelled_at",
            "cancel_reason",
            "warn_at",
            "due",
            "time_left_seconds",
            "warned_at",
            "breached_at",
            "made_sla",
        )
        read_only_fields = fields

    def get_state(self, clock: Clock) -> str:
        return state_of(clock)

    def get_time_left_seconds(self, clock: Clock) -> int | None:
        left = clock.time_left(self.context.get("now"))
        return None if left is None else int(left.total_seconds())


class ClockFilter(FilterSet):
    target = django_filters.ChoiceFilter(choices=Target.choices)
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state")
    breaching_within = MinutesFilter(
        method="filter_breaching_within",
        min_value=1,
        max_value=MAX_WITHIN_MINUTES,
        help_text="Minutes: running clocks not breached yet whose deadline falls within them.",
    )
    breached = django_filters.BooleanFilter(
        method="filter_breached",
        help_text="true: stamped breached, or running past the deadline; false: the others.",
    )
    incident = django_filters.CharFilter(
        method="filter_incident", help_text="The incident's number."
    )

    class Meta:
        model = Clock
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Clock], name: str, value: str) -> QuerySet[Clock]:
        if value == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        active = queryset.filter(cancelled_at__isnull=True)
        if value == "stopped":
            return active.filter(stopped_at__isnull=False)
        if value == "paused":
            return active.filter(stopped_at__isnull=True, paused_since__isnull=False)
        return active.filter(RUNNING)

    def filter_breaching_within(
        self, queryset: QuerySet[Clock], name: str, value: Any
    ) -> QuerySet[Clock]:
        soon = Clock.objects.breaching_within(timezone.now(), timedelta(minutes=int(value)))
        return queryset.filter(pk__in=soon.values("pk"))

    def filter_breached(self, queryset: QuerySet[Clock], name: str, value: bool) -> QuerySet[Clock]:
        breached = Clock.objects.breached(timezone.now()).values("pk")
        return queryset.filter(pk__in=breached) if value else queryset.exclude(pk__in=breached)

    def filter_incident(self, queryset: QuerySet[Clock], name: str, value: str) -> QuerySet[Clock]:
        return queryset.filter(incident__number=value.strip().upper())


@extend_schema(tags=["sla"])
@extend_schema_view(
    list=extend_schema(
        responses={200: ClockSerializer(many=True), **error_responses(400, 401, 403)}
    ),
    retrieve=extend_schema(responses={200: ClockSerializer, **error_responses(401, 403, 404)}),
)
class ClockViewSet(viewsets.ReadOnlyModelViewSet[Clock]):
    """Incidents' SLA clocks, newest first; agents only. ``?breaching_within=60`` is
    what breaches in the next hour, ``?state=paused`` what waits for the caller."""

    serializer_class = ClockSerializer
    pagination_class = CursorPagination
    permission_classes = (IsAuthenticated, IsAgent)
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClockFilter
    queryset = Clock.objects.select_related("incident", "definition")

    def get_serializer_context(self) -> dict[str, Any]:
        # One "now" for the whole page: every row's time left is measured from it.
        now: datetime = timezone.now()
        return {**super().get_serializer_context(), "now": now}
