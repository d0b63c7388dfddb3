"""``/api/v1/problems/`` and ``/api/v1/known-errors/``: thin adapters. The ticket
endpoints come from ``TicketViewSet``; here are only the problem's own: create, linking
and resolving incidents, the recurring-incident report and the known-error database."""

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Incident
from kernel.api.filters import StableOrderingFilter
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.tickets import TicketViewSet, acting_user
from kernel.errors import MoveForbidden
from problems.api.filters import KnownErrorFilter, ProblemFilter
from problems.api.serializers import (
    IncidentNumbersSerializer,
    KnownErrorSerializer,
    ProblemCreateSerializer,
    ProblemHistoryRecordSerializer,
    ProblemListSerializer,
    ProblemSerializer,
    ProblemTimelineEntrySerializer,
    ProblemUpdateSerializer,
    RecurringQuerySerializer,
    RecurringSerializer,
)
from problems.models import Problem
from problems.queries import known_errors, recurring_candidates
from problems.workflow import (
    WORKFLOW,
    problem_link_incident,
    problem_resolve_incidents,
)


def incidents_by_number(numbers: list[str]) -> list[Incident]:
    wanted = [number.strip().upper() for number in numbers]
    found = {i.number: i for i in Incident.objects.filter(number__in=wanted)}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError({"incidents": [f"No incident {', '.join(missing)}."]})
    return [found[number] for number in wanted]


class ProblemViewSet(TicketViewSet[Problem]):
    """Problems, by number (PRB0000001). Agents only: anyone else gets 404."""

    model = Problem
    workflow = WORKFLOW
    noun = "problem"
    list_help = "Agents only."
    update_help = (
        "Agents only. `status`, `priority` and `workaround` are read-only here: "
        "use the moves (`mark_known_error` documents a workaround)."
    )
    related = (
        "assigned_to",
        "service",
        "category",
        "subcategory",
        "assignment_group",
        "duplicate_of",
    )
    serializer_class = ProblemSerializer
    list_serializer = ProblemListSerializer
    update_serializer = ProblemUpdateSerializer
    input_prefix = "Problem"
    timeline_serializer = ProblemTimelineEntrySerializer
    history_serializer = ProblemHistoryRecordSerializer
    agent_actions = frozenset(
        {"create", "partial_update", "work_notes", "history", "link_incidents", "resolve_incidents"}
    )

    filterset_class = ProblemFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["created_at", "updated_at", "number"]
    unique_ordering_fields = ("number",)
    ordering = ["-created_at"]

    @extend_schema(
        summary="Log a problem",
        description="Agents only. `incidents` (numbers) are linked at once.",
        request=ProblemCreateSerializer,
        responses={201: ProblemSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        if not user.has_perm("problems.add_problem"):
            raise MoveForbidden("You may not log problems.")
        serializer = ProblemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(serializer.validated_data)
        incidents = incidents_by_number(fields.pop("incidents", []))
        problem = WORKFLOW.create(by=user, incidents=incidents, **fields)
        response = self.render(self.get_queryset().get(pk=problem.pk), status_code=201)
        response["Location"] = str(response.data["url"])
        return response

    @extend_schema(
        summary="Link incidents",
        description="Record that this problem is behind these incidents. An incident linked "
        "to another problem is refused (409).",
        request=IncidentNumbersSerializer,
        responses={200: ProblemSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="link-incidents",
        url_name="link-incidents",
        filter_backends=[],
    )
    def link_incidents(self, request: Request, number: str) -> Response:
        problem = self.get_object()
        serializer = IncidentNumbersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        for incident in incidents_by_number(serializer.validated_data["incidents"]):
            problem_link_incident(problem, incident, by=acting_user(request))
        return self.render(self.get_queryset().get(pk=problem.pk))

    @extend_schema(
        summary="Resolve the open incidents",
        description="Resolve every open linked incident with the fix (once resolved) or the "
        "workaround, each through the incident workflow. Answers the incidents resolved.",
        request=None,
        responses={
            200: {
                "type": "object",
                "properties": {"resolved": {"type": "array", "items": {"type": "string"}}},
            },
            **error_responses(401, 403, 404, 409),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="resolve-incidents",
        url_name="resolve-incidents",
        filter_backends=[],
    )
    def resolve_incidents(self, request: Request, number: str) -> Response:
        resolved = problem_resolve_incidents(self.get_object(), by=acting_user(request))
        return Response({"resolved": [incident.number for incident in resolved]})

    @extend_schema(
        summary="Recurring incidents without a problem",
        description="Services and categories with at least `minimum` incidents in the last "
        "`days` days, none linked to a problem: candidates for a new problem.",
        parameters=[RecurringQuerySerializer],
        responses={200: RecurringSerializer(many=True), **error_responses(400, 401, 403)},
    )
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[IsAuthenticated, IsAgent],
        filter_backends=[],
        pagination_class=None,
    )
    def recurring(self, request: Request) -> Response:
        query = RecurringQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = recurring_candidates(**query.validated_data)
        return Response(RecurringSerializer(rows, many=True).data)


class KnownErrorPagination(CursorPagination):
    ordering = ("-known_error_at", "-id")  # type: ignore[assignment]


@extend_schema(tags=["problems"])
@extend_schema_view(
    list=extend_schema(
        summary="Search the known-error database",
        description="Open known errors with their workaround. `incident=INC...` lists those "
        "suggested for that incident.",
        responses={200: KnownErrorSerializer(many=True), **error_responses(400, 401, 403)},
    ),
)
class KnownErrorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Problem]):
    serializer_class = KnownErrorSerializer
    permission_classes = (IsAuthenticated, IsAgent)
    filterset_class = KnownErrorFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = KnownErrorPagination

    def get_queryset(self) -> QuerySet[Problem]:
        return known_errors().select_related("service", "category")
