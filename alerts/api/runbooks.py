"""The ``runbooks`` field of the incident detail (``GET /api/v1/incidents/{number}/``),
added by ``alerts.wiring`` through ``kernel.api.details``: incidents import nothing of
alerts."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.runbooks import links_for
from incidents.models import Incident

READ_PERMISSION = "alerts.view_runbook"


class RunbookRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Null for an address an alert gave in its `runbook_url` annotation.",
    )
    title = serializers.CharField(read_only=True)
    url = serializers.URLField(
        read_only=True, help_text="Where to read it: the console's page, or the alert's address."
    )


@extend_schema_field(RunbookRefSerializer(many=True))
class RunbooksField(serializers.Field[Any, Any, Any, Any]):
    """The incident's runbooks, best match first (``alerts.runbooks.links_for``: two
    queries, whatever the number of its alerts); empty for users who may not read
    runbooks, such as callers."""

    def __init__(self) -> None:
        super().__init__(
            source="*",
            read_only=True,
            help_text="Runbooks for this incident: those matching its alerts' names or labels "
            "first, then its service's, then addresses its alerts carry (`runbook_url`).",
        )

    def to_representation(self, incident: Incident) -> list[dict[str, Any]]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if request is None or user is None or not user.has_perm(READ_PERMISSION):
            return []
        return [
            {
                "id": link.runbook.pk if link.runbook is not None else None,
                "title": link.title,
                "url": request.build_absolute_uri(link.url),
            }
            for link in links_for(incident, with_body=False)
        ]
