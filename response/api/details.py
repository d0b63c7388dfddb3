"""The ``major_response`` field of the incident detail (``GET /api/v1/incidents/{number}/``),
added by ``response.wiring`` through ``kernel.api.details``: the response's roles, war
room, child count and next update due, read in three queries."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.major import role_holders
from incidents.models import Incident, Role
from kernel.api.serializers import UserRefSerializer
from response.models import Cadence


class RoleHolderSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    user = UserRefSerializer(read_only=True)


class MajorResponseSerializer(serializers.Serializer[Any]):
    is_major = serializers.BooleanField(read_only=True)
    roles = RoleHolderSerializer(many=True, read_only=True)
    war_room_url = serializers.CharField(read_only=True, allow_blank=True)
    children_count = serializers.IntegerField(read_only=True)
    next_update_due = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null unless it is a major incident."
    )


@extend_schema_field(MajorResponseSerializer)
class MajorResponseField(serializers.Field[Any, Any, Any, Any]):
    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="The major-incident response: roles, war room, children, next update "
            "due (`/api/v1/incidents/{number}/response/...` for the rest).",
        )

    def to_representation(self, incident: Incident) -> dict[str, Any]:
        roles = [
            {"role": role, "user": user}
            for role, users in role_holders(incident).items()
            for user in users
        ]
        cadence = Cadence.objects.filter(incident=incident).only("next_update_due").first()
        value = {
            "is_major": incident.is_major,
            "roles": roles,
            "war_room_url": incident.war_room_url,
            "children_count": Incident.objects.filter(major_incident=incident).count(),
            "next_update_due": cadence.next_update_due if cadence and incident.is_major else None,
        }
        return dict(MajorResponseSerializer(value).data)
