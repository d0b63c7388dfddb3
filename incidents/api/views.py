"""``/api/v1/incidents/``: a thin adapter. Each endpoint parses its input, calls one
function of ``incidents.workflow`` and renders the result; refusals come back as the
workflow's errors, which ``servicedesk.api.errors`` turns into JSON with a stable code."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from incidents.api.filters import IncidentFilter
from incidents.api.serializers import (
    AGENT_ONLY_FIELDS,
    MOVE_INPUTS,
    HistoryRecordSerializer,
    IncidentCreateSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    NoteSerializer,
    PriorityOverrideSerializer,
    TimelineEntrySerializer,
)
from incidents.models import Incident, IncidentTimelineEntry, Source
from incidents.workflow import (
    incident_add_note,
    incident_create,
    incident_move,
    incident_override_priority,
    incident_update,
)
from kernel.enums import TimelineKind
from kernel.errors import MoveForbidden
from kernel.transitions import Move
from servicedesk.api.filters import StableOrderingFilter
from servicedesk.api.pagination import CursorPagination
from servicedesk.api.permissions import IsAgentForRecord
from servicedesk.api.schema import error_responses

RELATED = ("caller", "assigned_to", "service", "category", "subcategory", "assignment_group")
AGENT_ACTIONS = frozenset({"partial_update", "work_notes", "history"})


class TimelinePagination(CursorPagination):
    # DRF takes a tuple of fields here; its stubs admit only one.
    ordering = ("created_at", "id")  # type: ignore[assignment]


class HistoryPagination(CursorPagination):
    # DRF takes a tuple of fields here; its stubs admit only one.
    ordering = ("-history_date", "-history_id")  # type: ignore[assignment]


def acting_user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user


@extend_schema(tags=["incidents"])
@extend_schema_view(
    list=extend_schema(
        summary="List incidents",
        description="Agents see every incident; everyone else sees those they called in.",
        responses={200: IncidentSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="Get one incident",
        responses={200: IncidentSerializer, **error_responses(401, 404)},
    ),
)
class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Incident]
):
    """Incidents, by number (INC0000001)."""

    # The move actions (POST .../<move>/) are added from ``Incident.moves`` below.

    lookup_field = "number"
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    # Not priority: cursor pages position on the first ordering field, and five values
    # with a million rows cannot be paged. Filter by priority instead.
    ordering_fields = ["reported_at", "updated_at", "number"]
    unique_ordering_fields = ("number",)
    ordering = ["-reported_at"]

    def get_queryset(self) -> QuerySet[Incident]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Incident.objects.none()
        incidents = Incident.objects.select_related(*RELATED)
        user = acting_user(self.request)
        if user.is_agent:
            return incidents
        # Anyone else sees only what they called in; other numbers are 404, not 403, so
        # that a number's existence does not leak.
        return incidents.filter(caller=user)

    def get_permissions(self) -> Sequence[BasePermission]:
        if self.action in AGENT_ACTIONS:
            return [IsAuthenticated(), IsAgentForRecord()]
        return [IsAuthenticated()]

    def render(self, incident: Incident, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(incident).data, status=status_code)

    @extend_schema(
        summary="Report an incident",
        description=(
            "Agents may set every editable field; the source defaults to `api`. End users "
            "are the caller, the source is `portal`, and they may not set "
            + ", ".join(f"`{name}`" for name in sorted(AGENT_ONLY_FIELDS))
            + "."
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
            fields.update(caller=user, source=Source.PORTAL)
        incident = incident_create(by=user, **fields)
        response = self.render(incident, status_code=status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])  # a Hyperlink; WSGI wants str
        return response

    @extend_schema(
        summary="Edit an incident's fields",
        description="Agents only. `status` and `priority` are read-only here: use the moves "
        "and `override-priority`.",
        request=IncidentUpdateSerializer,
        responses={200: IncidentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request: Request, number: str) -> Response:
        incident = self.get_object()
        serializer = IncidentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(serializer.validated_data)
        reason = changes.pop("reason", "")
        incident = incident_update(
            incident, by=acting_user(request), changes=changes, reason=reason
        )
        return self.render(incident)

    @extend_schema(
        summary="Override the priority",
        description="Managers only, with a reason. `priority: null` returns to the matrix.",
        request=PriorityOverrideSerializer,
        responses={200: IncidentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="override-priority",
        url_name="override-priority",
        filter_backends=[],
    )
    def override_priority(self, request: Request, number: str) -> Response:
        incident = self.get_object()
        serializer = PriorityOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = incident_override_priority(
            incident, by=acting_user(request), **serializer.validated_data
        )
        return self.render(incident)

    @extend_schema(
        methods=["GET"],
        summary="List the timeline",
        description="Events, comments and, for agents, work notes, oldest first.",
        responses={200: TimelineEntrySerializer(many=True), **error_responses(401, 404)},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=TimelinePagination,
        filter_backends=[],
    )
    def timeline(self, request: Request, number: str) -> Response:
        entries = self.get_object().timeline.select_related("author")
        if not acting_user(request).is_agent:
            entries = entries.exclude(kind=TimelineKind.WORK_NOTE)
        return self.page(entries, TimelineEntrySerializer)

    @extend_schema(
        methods=["GET"],
        summary="List the comments",
        description="Comments the caller sees, oldest first.",
        responses={200: TimelineEntrySerializer(many=True), **error_responses(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a comment",
        description="The caller sees it. A caller's comment on an incident awaiting the "
        "caller puts it back in progress.",
        request=NoteSerializer,
        responses={201: TimelineEntrySerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=TimelinePagination,
        filter_backends=[],
    )
    def comments(self, request: Request, number: str) -> Response:
        return self.notes(request, internal=False)

    @extend_schema(
        methods=["GET"],
        summary="List the work notes",
        description="Agents only: notes the caller never sees, oldest first.",
        responses={200: TimelineEntrySerializer(many=True), **error_responses(401, 403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a work note",
        description="Agents only.",
        request=NoteSerializer,
        responses={201: TimelineEntrySerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="work-notes",
        url_name="work-notes",
        pagination_class=TimelinePagination,
        filter_backends=[],
    )
    def work_notes(self, request: Request, number: str) -> Response:
        return self.notes(request, internal=True)

    @extend_schema(
        summary="List the audit history",
        description="Agents only: every saved version, newest first, with who and why.",
        responses={200: HistoryRecordSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=HistoryPagination,
        filter_backends=[],
    )
    def history(self, request: Request, number: str) -> Response:
        incident = self.get_object()
        records = incident.history.select_related("history_user", "assignment_group", "assigned_to")
        return self.page(records, HistoryRecordSerializer)

    def notes(self, request: Request, *, internal: bool) -> Response:
        incident = self.get_object()
        kind = TimelineKind.WORK_NOTE if internal else TimelineKind.COMMENT
        if request.method != "POST":
            return self.page(
                incident.timeline.filter(kind=kind).select_related("author"),
                TimelineEntrySerializer,
            )
        user = acting_user(request)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident_add_note(
            incident, by=user, body=serializer.validated_data["body"], internal=internal
        )
        # The workflow returns the incident, not the note: the note is this user's latest
        # of its kind on this incident.
        entry = (
            IncidentTimelineEntry.objects.select_related("author")
            .filter(ticket=incident, kind=kind, author=user)
            .latest("created_at", "id")
        )
        return Response(TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def page(self, queryset: QuerySet[Any], serializer_class: type[Any]) -> Response:
        rows = self.paginate_queryset(queryset)
        data = serializer_class(rows, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def make_move(self, request: Request, name: str) -> Response:
        """The one handler behind every ``POST .../<move>/``."""
        incident = self.get_object()
        user = acting_user(request)
        # Answer in the order the workflow checks (state, then user, then input), so that a
        # move refused for the state is a 409 even when its body is incomplete. The
        # workflow checks again under the row lock; this is only the early answer.
        move = Incident.moves.check(incident.status, name)
        if not move.permits(user, incident):
            raise MoveForbidden(f"You may not {move.label.lower()} {incident.number}.")
        serializer = MOVE_INPUTS[name](data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = incident_move(incident, name, by=user, **serializer.validated_data)
        return self.render(incident)


def move_action(move: Move) -> Any:
    """``POST .../<move>/`` for one move of the table, documented from the table."""

    def handler(self: IncidentViewSet, request: Request, number: str) -> Response:
        return self.make_move(request, move.name)

    handler.__name__ = handler.__qualname__ = f"move_{move.name}"
    table = Incident.moves
    who = "the caller or " if move.requester_may else ""
    description = (
        f"{move.help} From {table.describe_sources(move)} to "
        f"{table.status(move.target).label}. Allowed to {who}users with `{move.permission}`."
    ).strip()
    inputs = MOVE_INPUTS[move.name]
    decorated = action(
        detail=True, methods=["post"], url_path=move.name, url_name=move.name, filter_backends=[]
    )(handler)
    return extend_schema(
        operation_id=f"v1_incidents_{move.name}",
        summary=move.label,
        description=description,
        request=inputs if move.inputs else None,
        responses={200: IncidentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )(decorated)


# Generated rather than written out, so that a move added to the table gets its endpoint.
for _move in Incident.moves:
    setattr(IncidentViewSet, f"move_{_move.name}", move_action(_move))
