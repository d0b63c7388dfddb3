"""What the incident API reads and what it answers with.

Input serializers only parse: the views hand what they parse to ``incidents.workflow``,
which alone writes incidents. Output serializers only render. Foreign keys are ids on the
way in and ``{"id", "name"}`` on the way out, so clients need no second request to show them.
The pieces every ticket type shares live in ``kernel.api.serializers``.
"""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.models import Incident, IncidentTimelineEntry, Role, Status
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
    TicketRefSerializer,
    UserNameField,
    UserRefSerializer,
    history_serializer,
    timeline_serializer,
)

__all__ = ["NoteSerializer", "PriorityOverrideSerializer"]

# --- output ---------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    user = UserRefSerializer(read_only=True)
    assigned_at = serializers.DateTimeField(read_only=True)


@extend_schema_field(RoleSerializer(many=True))
class RolesField(serializers.Field[Any, Any, Any, Any]):
    """The major-incident roles, for agents (one query); empty for callers, like the war
    room: incident command is the desk's business."""

    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="Incident commander, communications lead, scribe and subject-matter "
            "experts, in the order they were named. Agents only.",
        )

    def to_representation(self, incident: Incident) -> list[dict[str, Any]]:
        if not incident.is_major or not _agent(self.context):
            return []
        rows = incident.roles.select_related("user").order_by("assigned_at", "id")
        return [RoleSerializer(row, context=self.context).data for row in rows]


def _agent(context: Mapping[str, Any]) -> bool:
    user = getattr(context.get("request"), "user", None)
    return bool(user is not None and getattr(user, "is_agent", False))


class IncidentSerializer(TicketFieldsMixin, BuiltFieldsOnce):
    """An incident. ``allowed_moves`` names the moves the requesting user may make now;
    ``links`` its problem and the change that caused it, when there are such."""

    url = serializers.HyperlinkedIdentityField(view_name="incident-detail", lookup_field="number")
    caller = UserRefSerializer(read_only=True, allow_null=True)
    is_major = serializers.BooleanField(
        read_only=True, help_text="Declared a major incident (see `major_since`)."
    )
    major_incident = TicketRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The major incident this one reports the same outage as; resolved with it.",
    )
    roles = RolesField()
    # A plain string: blank when there is none, which an OpenAPI "uri" would refuse.
    war_room_url = serializers.CharField(
        read_only=True, help_text="The chat channel or video call of the response; agents only."
    )

    class Meta:
        model = Incident
        fields = (
            *TICKET_HEAD,
            "severity",
            "is_major",
            "major_since",
            "major_incident",
            "roles",
            "war_room_url",
            "source",
            "caller",
            "contact",
            "service",
            "category",
            "subcategory",
            "location",
            "configuration_item",
            "assignment_group",
            "assigned_to",
            "reassignment_count",
            "reopen_count",
            "made_sla",
            "hold_reason",
            "resolution_code",
            "resolution_notes",
            "close_code",
            "close_notes",
            "impact_started_at",
            "detected_at",
            "reported_at",
            "acknowledged_at",
            "mitigated_at",
            "resolved_at",
            "closed_at",
            *TICKET_TAIL,
        )
        read_only_fields = fields

    def to_representation(self, instance: Incident) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not _agent(self.context):
            data["war_room_url"] = ""  # callers read their incident too: the room is the desk's
        return data


class MajorField(serializers.BooleanField):
    """``Incident.is_major`` for a row read as values."""

    columns = ("major_since",)

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, value: Any) -> bool:
        return value["major_since"] is not None


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
    {
        "caller",
        "source",
        "impact",
        "severity",
        "configuration_item",
        "assignment_group",
        "assigned_to",
    }
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
