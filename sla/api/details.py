"""The incident detail's ``sla`` field (``kernel.api.details``)."""

from typing import Any

from rest_framework import serializers


class SlaField(serializers.Field[Any, Any, Any, Any]):
    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, incident: Any) -> list[dict[str, Any]]:
        return []
