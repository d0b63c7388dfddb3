"""The incident detail's ``sla`` field (``kernel.api.details``, plugged in by
``sla.wiring``): the incident's active clocks, for agents (callers get an empty list)."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import Incident
from sla.models import Clock

CLOCK_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "target": {"type": "string", "enum": ["response", "resolution"]},
            "definition": {"type": "string"},
            "target_seconds": {"type": "integer"},
            "due": {"type": "string", "format": "date-time", "nullable": True},
            "time_left_seconds": {"type": "integer", "nullable": True},
            "paused": {"type": "boolean"},
            "stopped_at": {"type": "string", "format": "date-time", "nullable": True},
            "warned_at": {"type": "string", "format": "date-time", "nullable": True},
            "breached_at": {"type": "string", "format": "date-time", "nullable": True},
            "made_sla": {"type": "boolean", "nullable": True},
        },
        "required": ["target", "definition", "due", "time_left_seconds", "paused", "made_sla"],
    },
}


def _agent(context: Mapping[str, Any]) -> bool:
    user = getattr(context.get("request"), "user", None)
    return bool(getattr(user, "is_agent", False))


@extend_schema_field(CLOCK_SCHEMA)
class SlaField(serializers.Field[Any, Any, Any, Any]):
    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="The incident's SLA clocks (docs/sla.md): `due` is the deadline while "
            "the clock runs; `time_left_seconds` is the wall-clock time to it (negative "
            "once past), or the business time left while paused; empty for callers.",
        )

    def to_representation(self, incident: Incident) -> list[dict[str, Any]]:
        if not _agent(self.context):
            return []
        now = timezone.now()
        stamp = serializers.DateTimeField().to_representation
        clocks = Clock.objects.active().filter(incident=incident).select_related("definition")
        rows: list[dict[str, Any]] = []
        for clock in clocks.order_by("target", "id"):
            left = clock.time_left(now)
            rows.append(
                {
                    "target": clock.target,
                    "definition": clock.definition.name,
                    "target_seconds": clock.target_seconds,
                    "due": stamp(clock.breach_at) if clock.breach_at else None,
                    "time_left_seconds": None if left is None else int(left.total_seconds()),
                    "paused": clock.is_paused,
                    "stopped_at": stamp(clock.stopped_at) if clock.stopped_at else None,
                    "warned_at": stamp(clock.warned_at) if clock.warned_at else None,
                    "breached_at": stamp(clock.breached_at) if clock.breached_at else None,
                    "made_sla": clock.made_sla,
                }
            )
        return rows
