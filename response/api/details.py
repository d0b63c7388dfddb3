"""Fields ``response.wiring`` adds to the incident detail (``GET /api/v1/incidents/{number}/``)
through ``kernel.api.details``: the number of child incidents and when the next
stakeholder update is due. (Roles, war room and ``major_since`` are the incident's own.)"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import Incident
from response.models import Cadence


def _agent(context: Mapping[str, Any]) -> bool:
    """The response is the desk's business: callers reading their incident see none of it."""
    user = getattr(context.get("request"), "user", None)
    return bool(getattr(user, "is_agent", False))


@extend_schema_field(OpenApiTypes.INT)
class ChildrenCountField(serializers.Field[Any, Any, Any, Any]):
    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="How many incidents are linked to this major incident as children "
            "(`.../response/children/` lists them); 0 for callers.",
        )

    def to_representation(self, incident: Incident) -> int:
        if not incident.is_major or not _agent(self.context):
            return 0
        return Incident.objects.filter(major_incident=incident).count()


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class NextUpdateDueField(serializers.Field[Any, Any, Any, Any]):
    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="When the next stakeholder update of this major incident is due; null "
            "when it is not one, and for callers.",
        )

    def to_representation(self, incident: Incident) -> str | None:
        due: datetime | None = None
        if incident.is_major and _agent(self.context):
            cadence = Cadence.objects.filter(incident=incident).only("next_update_due").first()
            due = cadence.next_update_due if cadence else None
        return serializers.DateTimeField().to_representation(due) if due else None
