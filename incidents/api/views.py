"""``/api/v1/incidents/``: a thin adapter on the shared ``TicketViewSet`` (moves, edits,
timeline, notes, history, priority override). What is the incident's own is here: who
sees which incidents, and how end users report them."""

from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from incidents.api.filters import IncidentFilter
from incidents.api.serializers import (
    AGENT_ONLY_FIELDS,
    HistoryRecordSerializer,
    IncidentCreateSerializer,
    IncidentListSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    TimelineEntrySerializer,
)
from incidents.export import export_filename, export_rows
from incidents.models import Incident, Source
from incidents.visibility import visible_incidents
from incidents.workflow import WORKFLOW
from kernel.api.filters import StableOrderingFilter
from kernel.api.schema import error_responses
from kernel.api.tickets import TicketViewSet, acting_user


class IncidentViewSet(TicketViewSet[Incident]):
    """Incidents, by number (INC0000001)."""

    model = Incident
    workflow = WORKFLOW
    noun = "incident"
    list_help = (
        "Agents see every incident; everyone else sees those they called in "
        "and those of the people a manager lets them report for."
    )
    update_help = (
        "Agents only. `status` and `priority` are read-only here: use the moves "
        "and `override-priority`."
    )
    requester = "caller"
    comment_help = "A caller's comment on an incident awaiting the caller puts it back in progress."
    related = (
        "caller",
        "assigned_to",
        "service",
        "category",
        "subcategory",
        "assignment_group",
        "major_incident",
    )
    serializer_class = IncidentSerializer
    list_serializer = IncidentListSerializer
    update_serializer = IncidentUpdateSerializer
    timeline_serializer = TimelineEntrySerializer
    history_serializer = HistoryRecordSerializer

    filterset_class = IncidentFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    # Not priority: cursor pages position on the first ordering field, and five values
    # with a million rows cannot be paged. Filter by priority instead.
    ordering_fields = ["reported_at", "updated_at", "number"]
    unique_ordering_fields = ("number",)
    ordering = ["-reported_at"]
    # The export (``export.csv``) takes the list's filters and order, none of its pages.
    listing_actions = frozenset({"list", "export"})

    def visible(self, tickets: QuerySet[Incident], user: User) -> QuerySet[Incident]:
        # The one rule the portal shares; other numbers are 404, not 403, so that a
        # number's existence does not leak.
        return visible_incidents(tickets, user)

    # --- the export: the list's rows as a CSV file -------------------------------------

    def get_queryset(self) -> QuerySet[Incident]:
        if self.action == "export" and not getattr(self, "swagger_fake_view", False):
            # The list's rows, read by ``incidents.export`` as values of its own columns.
            return self.visible(Incident.objects.all(), acting_user(self.request))
        return super().get_queryset()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The export is CSV whatever the client accepts; only its errors use a renderer.
        return super().perform_content_negotiation(request, force or self.action == "export")

    @extend_schema(
        operation_id="v1_incidents_export",
        summary="Export incidents as CSV",
        description=(
            "The incidents the list would show with the same filters and order, all of "
            "them (no pages), streamed as one CSV file (attachment `incidents-<date>.csv`). "
            "Columns, formats and the formula escape: docs/import.md#servicedesk; "
            "`import_incidents --format servicedesk` reads the file back. " + list_help
        ),
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="One header line, one line per incident; times in UTC.",
            ),
            **error_responses(400, 401),
        },
    )
    def export(self, request: Request) -> StreamingHttpResponse:
        """``GET /api/v1/incidents/export.csv`` (routed in ``servicedesk.urls``: a file,
        no trailing slash)."""
        incidents = self.filter_queryset(self.get_queryset())
        answer = StreamingHttpResponse(
            export_rows(incidents), content_type="text/csv; charset=utf-8"
        )
        answer["Content-Disposition"] = f'attachment; filename="{export_filename(timezone.now())}"'
        return answer

    @extend_schema(
        summary="Report an incident",
        description=(
            "Agents may set every editable field; the source defaults to `api`. End users "
            "are the caller, the source is `portal`, the service must be a public one, and they "
            "may not set " + ", ".join(f"`{name}`" for name in sorted(AGENT_ONLY_FIELDS)) + "."
        ),
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, **error_responses(400, 401)},
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        serializer = IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(serializer.validated_data)
        if user.is_agent:
            fields.setdefault("source", Source.API)
        else:
            refused = sorted(AGENT_ONLY_FIELDS & set(fields))
            if refused:
                raise ValidationError(
                    {name: ["Only agents may set this field."] for name in refused}
                )
            service = fields.get("service")
            if service is not None and not service.is_public:
                # Internal services are the desk's business: end users report on the
                # services the portal and the status page show them.
                raise ValidationError({"service": ["Choose one of the public services."]})
            fields.update(caller=user, source=Source.PORTAL)
        incident = WORKFLOW.create(by=user, **fields)
        response = self.render(incident, status_code=status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])  # a Hyperlink; WSGI wants str
        return response
