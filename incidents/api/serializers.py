"""What the incident API reads and what it answers with.

Input serializers only parse: the views hand what they parse to ``incidents.workflow``,
which alone writes incidents. Output serializers only render. Foreign keys are ids on the
way in and ``{"id", "name"}`` on the way out, so clients need no second request to show them.
The pieces every ticket type shares live in ``kernel.api.serializers``.
"""

from typing import Any

from rest_framework import serializers

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.models import Incident, IncidentTimelineEntry, Status
from incidents.workflow import EDITABLE_FIELDS
from kernel.api.serializers import (
    TICKET_HEAD,
    TICKET_LIST_HEAD,
    TICKET_LIST_TAIL,
    TICKET_TAIL,
    BuiltFieldsOnce,
    DetailUrlField,
    FlatRows,
    NoteSerializer,
    PriorityOverrideSerializer,
    StrictModelSerializer,
    TicketFieldsMixin,
    TicketListFieldsMixin,
    UserNameField,
    UserRefSerializer,
    history_serializer,
    timeline_serializer,
)

__all__ = ["NoteSerializer", "PriorityOverrideSerializer"]

# --- output ---------------------------------------------------------------------------


class IncidentSerializer(TicketFieldsMixin, BuiltFieldsOnce):
    """An incident. ``allowed_moves`` names the moves the requesting user may make now;
    ``links`` its problem and the change that caused it, when there are such."""

    url = serializers.HyperlinkedIdentityField(view_name="incident-detail", lookup_field="number")
    caller = UserRefSerializer(read_only=True, allow_null=True)
    is_major = serializers.BooleanField(read_only=True)

    class Meta:
        model = Incident
        fields = (
            *TICKET_HEAD,
            "severity",
            "is_major",
            "source",
            "caller",
            "contact",
            "service",
            "category",
            "subcategory",
            "assignment_group",
            "assigned_to",
            "reassignment_count",
            "reopen_count",
            "hold_reason",
            "resolution_code",
            "resolution_notes",
            "close_code",
            "close_notes",
            "detected_at",
            "reported_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
            *TICKET_TAIL,
        )
        read_only_fields = fields


class MajorField(serializers.BooleanField):
    """``Incident.is_major`` for a row read as values."""

    columns = ("priority", "severity")

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, value: Any) -> bool:
        return Incident.major(value["priority"], value["severity"])


class IncidentListSerializer(TicketListFieldsMixin, BuiltFieldsOnce):
    """An incident in a list: what a queue shows, flat. Open one for everything else."""

    url = DetailUrlField("incident-detail")
    is_major = MajorField()
    caller = serializers.IntegerField(source="caller_id", read_only=True, allow_null=True)
    caller_name = UserNameField("caller")

    class Meta:
        model = Incident
        fields = (
            *TICKET_LIST_HEAD,
            "severity",
            "is_major",
            "source",
            "hold_reason",
            "service",
            "service_name",
            "caller",
            "caller_name",
            *TICKET_LIST_TAIL,
            "reported_at",
        )
        read_only_fields = fields
        list_serializer_class = FlatRows


TimelineEntrySerializer = timeline_serializer(IncidentTimelineEntry, "TimelineEntrySerializer")
HistoryRecordSerializer = history_serializer(Status, "HistoryRecordSerializer")


# --- input ----------------------------------------------------------------------------

# What an end user reporting through the API may not decide for themselves.
AGENT_ONLY_FIELDS = frozenset(
    {"caller", "source", "impact", "severity", "assignment_group", "assigned_to"}
)


class IncidentCreateSerializer(StrictModelSerializer[Incident]):
    """A new incident. End users may set only the fields outside ``AGENT_ONLY_FIELDS``;
    they are the caller, and the source is the portal."""

    class Meta:
        model = Incident
        fields = EDITABLE_FIELDS
        extra_kwargs = {
            "caller": {"queryset": User.objects.filter(is_active=True)},
            "assigned_to": {"queryset": User.objects.filter(is_active=True)},
            "service": {"queryset": Service.objects.filter(is_active=True)},
            "category": {"queryset": Category.objects.filter(is_active=True)},
            "subcategory": {"queryset": Category.objects.filter(is_active=True)},
            "assignment_group": {"queryset": Team.objects.filter(is_active=True)},
        }


class IncidentUpdateSerializer(IncidentCreateSerializer):
    """Changes to an incident's editable fields; ``reason`` goes to the history row."""

    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Why: kept in the history."
    )

    class Meta(IncidentCreateSerializer.Meta):
        fields = (*EDITABLE_FIELDS, "reason")
