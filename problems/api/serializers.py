"""What the problem API reads and answers with, on the shared ticket serializers."""

from typing import Any

from rest_framework import serializers

from accounts.models import User
from catalog.models import Category, Service, Team
from kernel.api.serializers import (
    TICKET_HEAD,
    TICKET_LIST_HEAD,
    TICKET_LIST_TAIL,
    TICKET_TAIL,
    BuiltFieldsOnce,
    DetailUrlField,
    FlatRows,
    NamedRefSerializer,
    StrictModelSerializer,
    StrictSerializer,
    TicketFieldsMixin,
    TicketListFieldsMixin,
    TicketRefSerializer,
    history_serializer,
    timeline_serializer,
)
from problems.models import Problem, ProblemTimelineEntry, Status
from problems.workflow import EDITABLE_FIELDS


class ProblemSerializer(TicketFieldsMixin, BuiltFieldsOnce):
    """A problem. ``links`` lists its incidents and the changes that fix it."""

    url = serializers.HyperlinkedIdentityField(view_name="problem-detail", lookup_field="number")
    duplicate_of = TicketRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = (
            *TICKET_HEAD,
            "service",
            "category",
            "subcategory",
            "assignment_group",
            "assigned_to",
            "reassignment_count",
            "root_cause",
            "workaround",
            "known_error",
            "known_error_at",
            "fix_notes",
            "resolution_code",
            "close_notes",
            "duplicate_of",
            "resolved_at",
            "closed_at",
            *TICKET_TAIL,
        )
        read_only_fields = fields


class ProblemListSerializer(TicketListFieldsMixin, BuiltFieldsOnce):
    """A problem in a list, flat. Open one for its analysis and links."""

    url = DetailUrlField("problem-detail")

    class Meta:
        model = Problem
        fields = (
            *TICKET_LIST_HEAD,
            "known_error",
            "service",
            "service_name",
            *TICKET_LIST_TAIL,
        )
        read_only_fields = fields
        list_serializer_class = FlatRows


class KnownErrorSerializer(serializers.ModelSerializer[Problem]):
    """A known error: the problem and the workaround agents apply meanwhile."""

    url = serializers.HyperlinkedIdentityField(view_name="problem-detail", lookup_field="number")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = (
            "url",
            "number",
            "title",
            "status",
            "status_display",
            "priority",
            "service",
            "category",
            "workaround",
            "known_error_at",
        )
        read_only_fields = fields


class RecurringQuerySerializer(serializers.Serializer[Any]):
    """The query of ``GET /api/v1/problems/recurring/``."""

    minimum = serializers.IntegerField(
        min_value=1, max_value=100_000, default=3, help_text="At least this many incidents."
    )
    days = serializers.IntegerField(
        min_value=1, max_value=3650, default=30, help_text="In this many days."
    )


class RecurringSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(read_only=True, help_text="`service` or `category`.")
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    incidents = serializers.IntegerField(read_only=True, help_text="Incidents without a problem.")


ProblemTimelineEntrySerializer = timeline_serializer(
    ProblemTimelineEntry, "ProblemTimelineEntrySerializer"
)
ProblemHistoryRecordSerializer = history_serializer(Status, "ProblemHistoryRecordSerializer")


class ProblemCreateSerializer(StrictModelSerializer[Problem]):
    incidents = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Numbers of incidents this problem explains.",
    )

    class Meta:
        model = Problem
        fields = (*EDITABLE_FIELDS, "incidents")
        extra_kwargs = {
            "assigned_to": {"queryset": User.objects.filter(is_active=True)},
            "service": {"queryset": Service.objects.filter(is_active=True)},
            "category": {"queryset": Category.objects.filter(is_active=True)},
            "subcategory": {"queryset": Category.objects.filter(is_active=True)},
            "assignment_group": {"queryset": Team.objects.filter(is_active=True)},
        }


class ProblemUpdateSerializer(StrictModelSerializer[Problem]):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Why: kept in the history."
    )

    class Meta(ProblemCreateSerializer.Meta):
        fields = (*EDITABLE_FIELDS, "reason")


class IncidentNumbersSerializer(StrictSerializer):
    incidents = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, help_text="Numbers."
    )
