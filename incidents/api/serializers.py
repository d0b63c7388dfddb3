"""What the incident API reads and what it answers with.

Input serializers only parse: the views hand what they parse to ``incidents.workflow``,
which alone writes incidents. Output serializers only render. Foreign keys are ids on the
way in and ``{"id", "name"}`` on the way out, so clients need no second request to show them.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.models import HoldReason, Incident, IncidentTimelineEntry, ResolutionCode, Status
from incidents.workflow import EDITABLE_FIELDS
from kernel.enums import Priority
from kernel.transitions import Move

# Fields clients commonly try to write, with where to go instead.
READ_ONLY_HINTS: dict[str, str] = {
    "status": "Read-only: change it with a move action (POST .../<move>/).",
    "priority": "Read-only: derived from impact and urgency; see POST .../override-priority/.",
}


def reject_unknown(data: object, fields: Mapping[str, Any]) -> None:
    """Refuse fields the serializer does not take instead of silently dropping them, so a
    client that sends ``status`` or misspells a field learns it at once."""
    if not isinstance(data, Mapping):
        return  # DRF itself answers "expected a dictionary"
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise serializers.ValidationError(
            {
                name: [READ_ONLY_HINTS.get(name, "This field cannot be set here.")]
                for name in unknown
            }
        )


class StrictSerializer(serializers.Serializer[Any]):
    def to_internal_value(self, data: Any) -> Any:
        reject_unknown(data, self.fields)
        return super().to_internal_value(data)


# --- output ---------------------------------------------------------------------------


class NamedRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    """An incident. ``allowed_moves`` names the moves the requesting user may make now."""

    # allowed_moves reads the move table and the user's cached permissions: no query per row.

    url = serializers.HyperlinkedIdentityField(view_name="incident-detail", lookup_field="number")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    priority_display = serializers.CharField(source="get_priority_display", read_only=True)
    caller = UserRefSerializer(read_only=True, allow_null=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    subcategory = NamedRefSerializer(read_only=True, allow_null=True)
    assignment_group = NamedRefSerializer(read_only=True, allow_null=True)
    is_major = serializers.BooleanField(read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = (
            "url",
            "number",
            "title",
            "description",
            "status",
            "status_display",
            "priority",
            "priority_display",
            "priority_override_reason",
            "impact",
            "urgency",
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
            "created_at",
            "updated_at",
            "allowed_moves",
        )
        read_only_fields = fields

    def get_allowed_moves(self, incident: Incident) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not isinstance(user, User):
            return []
        moves = Incident.moves.allowed_from(incident.status)
        return [move.name for move in moves if move.permits(user, incident)]


class TimelineEntrySerializer(serializers.ModelSerializer[IncidentTimelineEntry]):
    author = UserRefSerializer(read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = IncidentTimelineEntry
        fields = ("id", "kind", "kind_display", "verb", "body", "data", "author", "created_at")
        read_only_fields = fields


class HistoryRecordSerializer(serializers.Serializer[Any]):
    """One django-simple-history row: who changed the incident, when, why, and the state
    and assignment it was left in."""

    history_id = serializers.IntegerField(read_only=True)
    history_date = serializers.DateTimeField(read_only=True)
    history_type = serializers.ChoiceField(
        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], read_only=True
    )
    history_user = UserRefSerializer(read_only=True, allow_null=True)
    history_change_reason = serializers.CharField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, read_only=True)
    assignment_group = NamedRefSerializer(read_only=True, allow_null=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)


# --- input ----------------------------------------------------------------------------

# What an end user reporting through the API may not decide for themselves.
AGENT_ONLY_FIELDS = frozenset(
    {"caller", "source", "impact", "severity", "assignment_group", "assigned_to"}
)


class IncidentCreateSerializer(serializers.ModelSerializer[Incident]):
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

    def to_internal_value(self, data: Any) -> Any:
        reject_unknown(data, self.fields)
        return super().to_internal_value(data)


class IncidentUpdateSerializer(IncidentCreateSerializer):
    """Changes to an incident's editable fields; ``reason`` goes to the history row."""

    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Why: kept in the history."
    )

    class Meta(IncidentCreateSerializer.Meta):
        fields = (*EDITABLE_FIELDS, "reason")


class NoteSerializer(StrictSerializer):
    body = serializers.CharField(max_length=50_000)


class PriorityOverrideSerializer(StrictSerializer):
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        allow_null=True,
        help_text="The priority to set; null hands the priority back to the matrix.",
    )
    reason = serializers.CharField(max_length=500, help_text="Why the matrix's priority is wrong.")


def _note(required: bool) -> serializers.Field[Any, Any, Any, Any]:
    return serializers.CharField(
        required=required, allow_blank=not required, max_length=50_000, help_text="A remark."
    )


# One factory per input name a move may declare in the table. A move naming an input
# missing here fails at import, not at the first request.
MOVE_INPUT_FIELDS: dict[str, Any] = {
    "note": _note,
    "reason": lambda required: serializers.CharField(
        required=required, max_length=50_000, help_text="Why."
    ),
    "hold_reason": lambda required: serializers.ChoiceField(
        choices=HoldReason.choices, required=required, help_text="What the incident waits for."
    ),
    "resolution_code": lambda required: serializers.ChoiceField(
        choices=ResolutionCode.choices, required=required, help_text="How it was resolved."
    ),
    "resolution_notes": lambda required: serializers.CharField(
        required=required, max_length=50_000, help_text="What was done; the caller reads it."
    ),
}


def move_input_serializer(move: Move) -> type[StrictSerializer]:
    """The body of ``POST .../<move>/``, built from the move's ``inputs`` in the table."""
    attrs: dict[str, Any] = {
        name: MOVE_INPUT_FIELDS[name](name in move.required) for name in move.inputs
    }
    attrs["__doc__"] = f"What {move.label.lower()} asks for."
    attrs["__module__"] = __name__
    return type(f"{move.name.capitalize()}Serializer", (StrictSerializer,), attrs)


MOVE_INPUTS: dict[str, type[StrictSerializer]] = {
    move.name: move_input_serializer(move) for move in Incident.moves
}
