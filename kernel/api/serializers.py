"""Serializers every ticket type's API shares: references, notes, the priority override,
timeline and history rows, move inputs built from the move table, and the ``allowed_moves``
and ``links`` fields of a ticket.

Input serializers only parse; output serializers only render."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from catalog.models import Team
from kernel.enums import Priority
from kernel.links import relations_of
from kernel.models import Ticket
from kernel.moves import Choice, Input, TeamRef, TicketWorkflow
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


class StrictModelSerializer[M: models.Model](serializers.ModelSerializer[M]):
    def to_internal_value(self, data: Any) -> Any:
        reject_unknown(data, self.fields)
        return super().to_internal_value(data)


# --- output ---------------------------------------------------------------------------

# What every ticket's representation opens with, in the schema's order.
TICKET_HEAD: tuple[str, ...] = (
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
)
# ...and closes with.
TICKET_TAIL: tuple[str, ...] = ("created_at", "updated_at", "allowed_moves", "links")


class NamedRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class TicketRefSerializer(serializers.Serializer[Ticket]):
    """Another ticket, as a link to it: enough to show it without a second request."""

    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)


class TicketFieldsMixin(serializers.Serializer[Any]):
    """``allowed_moves`` (for the requesting user) and ``links`` (registered cross links).
    Both read only what is in memory: the move table, cached permissions, and the rows
    ``kernel.links.with_relations`` loaded with the list."""

    allowed_moves = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    # What every ticket type shows the same way; a type lists the ones it has in its
    # Meta.fields (DRF does not require fields declared on a base class).
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    priority_display = serializers.CharField(source="get_priority_display", read_only=True)
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    assignment_group = NamedRefSerializer(read_only=True, allow_null=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    subcategory = NamedRefSerializer(read_only=True, allow_null=True)

    def get_allowed_moves(self, ticket: Ticket) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not isinstance(user, User):
            return []
        return [move.name for move in type(ticket).moves.offered(ticket, user)]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Linked tickets of other types, by relation (`problem`, ...).",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string"},
                        "title": {"type": "string"},
                        "status_display": {"type": "string"},
                    },
                },
            },
        }
    )
    def get_links(self, ticket: Ticket) -> dict[str, Any]:
        return {
            relation.name: [TicketRefSerializer(target).data for target in relation.targets(ticket)]
            for relation in relations_of(type(ticket))
        }


def timeline_serializer(entry_model: type[models.Model], name: str) -> type[Any]:
    """The output serializer of a ticket type's timeline entries."""
    fields = ("id", "kind", "kind_display", "verb", "body", "data", "author", "created_at")
    meta = type("Meta", (), {"model": entry_model, "fields": fields, "read_only_fields": fields})
    attrs: dict[str, Any] = {
        "author": UserRefSerializer(read_only=True, allow_null=True),
        "kind_display": serializers.CharField(source="get_kind_display", read_only=True),
        "Meta": meta,
        "__module__": __name__,
    }
    return type(name, (serializers.ModelSerializer,), attrs)


def history_serializer(status: type[models.IntegerChoices], name: str) -> type[Any]:
    """One django-simple-history row: who changed the ticket, when, why, and the state
    and assignment it was left in."""
    attrs: dict[str, Any] = {
        "history_id": serializers.IntegerField(read_only=True),
        "history_date": serializers.DateTimeField(read_only=True),
        "history_type": serializers.ChoiceField(
            choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], read_only=True
        ),
        "history_user": UserRefSerializer(read_only=True, allow_null=True),
        "history_change_reason": serializers.CharField(read_only=True, allow_null=True),
        "status": serializers.ChoiceField(choices=status.choices, read_only=True),
        "status_display": serializers.CharField(source="get_status_display", read_only=True),
        "priority": serializers.ChoiceField(choices=Priority.choices, read_only=True),
        "assignment_group": NamedRefSerializer(read_only=True, allow_null=True),
        "assigned_to": UserRefSerializer(read_only=True, allow_null=True),
        "__doc__": history_serializer.__doc__,
        "__module__": __name__,
    }
    return type(name, (serializers.Serializer,), attrs)


# --- input ----------------------------------------------------------------------------


class NoteSerializer(StrictSerializer):
    body = serializers.CharField(max_length=50_000)


class PriorityOverrideSerializer(StrictSerializer):
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        allow_null=True,
        help_text="The priority to set; null hands the priority back to the matrix.",
    )
    reason = serializers.CharField(max_length=500, help_text="Why the matrix's priority is wrong.")


def input_field(spec: Input) -> serializers.Field[Any, Any, Any, Any]:
    """The API field of one move input (``kernel.moves``): it documents the input in the
    schema; the workflow parses the value under the row lock."""
    kind, required = spec.kind, spec.required
    if isinstance(kind, Choice):
        return serializers.ChoiceField(
            choices=kind.choices.choices, required=required, help_text=kind.help
        )
    if isinstance(kind, TeamRef):
        return serializers.PrimaryKeyRelatedField(
            queryset=Team.objects.filter(is_active=True), required=required, help_text=kind.help
        )
    return serializers.CharField(
        required=required,
        allow_blank=not required,
        max_length=kind.max_length,
        help_text=kind.help,
    )


def move_input_serializers(
    workflow: TicketWorkflow[Any], prefix: str = ""
) -> dict[str, type[StrictSerializer]]:
    """The body of each ``POST .../<move>/``, built from the move function's inputs."""

    def build(move: Move) -> type[StrictSerializer]:
        attrs: dict[str, Any] = {
            spec.name: input_field(spec) for spec in workflow.inputs(move.name)
        }
        attrs["__doc__"] = f"What {move.label.lower()} asks for."
        attrs["__module__"] = __name__
        name = prefix + "".join(part.capitalize() for part in move.name.split("_"))
        return type(f"{name}Serializer", (StrictSerializer,), attrs)

    return {move.name: build(move) for move in workflow.model.moves}
