"""``/api/v1/changes/``: the ticket endpoints come from ``TicketViewSet``; here are only
the change's own: create (standard from a template), approve and reject, conflicts,
links to problems and incidents, and the change failure rate."""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from changes.api.serializers import (
    ChangeCreateSerializer,
    ChangeHistoryRecordSerializer,
    ChangeListSerializer,
    ChangeSerializer,
    ChangeTimelineEntrySerializer,
    ChangeUpdateSerializer,
    ConflictSerializer,
    DecisionSerializer,
    FailureRateSerializer,
    NumbersSerializer,
    RejectionSerializer,
)
from changes.approvals import change_approve, change_reject, changes_awaiting
from changes.conflicts import conflicts_for
from changes.links import change_link_incident, change_link_problem
from changes.models import Change, Status, Type
from changes.queries import failure_rate
from changes.workflow import WORKFLOW
from incidents.models import Incident
from kernel.api.filters import FilterSet, IdFilter, StableOrderingFilter
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.tickets import TicketViewSet, acting_user
from kernel.errors import MoveForbidden
from kernel.models import Ticket
from problems.models import Problem


class ChangeFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    type = django_filters.ChoiceFilter(choices=Type.choices)
    service = IdFilter(field_name="services", distinct=False)
    awaiting_my_approval = django_filters.BooleanFilter(
        method="filter_awaiting", help_text="true: changes waiting for your decision."
    )
    search = django_filters.CharFilter(method="filter_search", help_text="A number or title words.")

    class Meta:
        model = Change
        fields: list[str] = []

    def filter_awaiting(
        self, queryset: QuerySet[Change], name: str, value: bool
    ) -> QuerySet[Change]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(pk__in=changes_awaiting(user).values("pk"))

    def filter_search(self, queryset: QuerySet[Change], name: str, value: str) -> QuerySet[Change]:
        return queryset.search(value)  # type: ignore[attr-defined]


def by_number[M: Ticket](model: type[M], numbers: list[str]) -> list[M]:
    wanted = [number.strip().upper() for number in numbers]
    rows: QuerySet[M] = model._default_manager.filter(number__in=wanted)  # type: ignore[assignment]
    found = {t.number: t for t in rows}
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError({"numbers": [f"Not found: {', '.join(missing)}."]})
    return [found[number] for number in wanted]


DETAIL_POST: dict[str, Any] = {"detail": True, "methods": ["post"], "filter_backends": []}


class ChangeViewSet(TicketViewSet[Change]):
    """Changes, by number (CHG0000001). Agents only: anyone else gets 404."""

    model = Change
    workflow = WORKFLOW
    noun = "change"
    list_help = "Agents only."
    update_help = "Agents only. The type changes only in New before any approval."
    related = ("assigned_to", "assignment_group", "requested_by", "template")
    serializer_class = ChangeSerializer
    list_serializer = ChangeListSerializer
    update_serializer = ChangeUpdateSerializer
    input_prefix = "Change"
    timeline_serializer = ChangeTimelineEntrySerializer
    history_serializer = ChangeHistoryRecordSerializer
    agent_actions = frozenset(
        {"create", "partial_update", "work_notes", "history", "approve", "reject",
         "fixes_problems", "caused_incidents", "conflicts"}
    )  # fmt: skip

    filterset_class = ChangeFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["created_at", "planned_start", "number"]
    unique_ordering_fields = ("number",)
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Change]:
        changes = super().get_queryset()
        if self.action == "list":
            return changes  # flat rows: no services or approvals
        return changes.prefetch_related(
            "services", "approvals__approver", "approvals__group", "approvals__decided_by"
        )

    def fresh(self, change: Change) -> Response:
        return self.render(self.get_queryset().get(pk=change.pk))

    def link_each[M: Ticket](
        self, request: Request, model: type[M], link: Callable[..., None]
    ) -> Response:
        """Link the change to each of the posted ``numbers`` of ``model``."""
        serializer = NumbersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = self.get_object()
        for ticket in by_number(model, serializer.validated_data["numbers"]):
            link(change, ticket, by=acting_user(request))
        return self.fresh(change)

    @extend_schema(
        summary="Log a change",
        description="Agents only. A standard change names its `template` and takes its plans.",
        request=ChangeCreateSerializer,
        responses={201: ChangeSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        if not user.has_perm("changes.add_change"):
            raise MoveForbidden("You may not log changes.")
        serializer = ChangeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = WORKFLOW.create(by=user, **serializer.validated_data)
        response = self.fresh(change)
        response.status_code = 201
        response["Location"] = str(response.data["url"])
        return response

    @extend_schema(
        summary="Approve",
        description="Decide one approval awaiting you. Nobody approves their own change (403).",
        request=DecisionSerializer,
        responses={200: ChangeSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(**DETAIL_POST)
    def approve(self, request: Request, number: str) -> Response:
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = change_approve(
            self.get_object(), by=acting_user(request), **serializer.validated_data
        )
        return self.fresh(change)

    @extend_schema(
        summary="Reject",
        description="Reject with a comment: the change returns to New.",
        request=RejectionSerializer,
        responses={200: ChangeSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(**DETAIL_POST)
    def reject(self, request: Request, number: str) -> Response:
        serializer = RejectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data["comment"]
        change = change_reject(self.get_object(), by=acting_user(request), comment=comment)
        return self.fresh(change)

    @extend_schema(
        summary="List the scheduling conflicts",
        description="Booked changes on the same services overlapping the window, and blackout "
        "windows covering it. Touching windows do not conflict.",
        responses={200: ConflictSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def conflicts(self, request: Request, number: str) -> Response:
        return Response(ConflictSerializer(conflicts_for(self.get_object()), many=True).data)

    @extend_schema(
        summary="Link the problems it fixes",
        request=NumbersSerializer,
        responses={200: ChangeSerializer, **error_responses(400, 401, 403, 404)},
    )
    @action(**DETAIL_POST, url_path="fixes-problems", url_name="fixes-problems")
    def fixes_problems(self, request: Request, number: str) -> Response:
        return self.link_each(request, Problem, change_link_problem)

    @extend_schema(
        summary="Mark incidents as caused by this change",
        description="What the change failure rate counts. One causing change per incident.",
        request=NumbersSerializer,
        responses={200: ChangeSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(**DETAIL_POST, url_path="caused-incidents", url_name="caused-incidents")
    def caused_incidents(self, request: Request, number: str) -> Response:
        return self.link_each(request, Incident, change_link_incident)

    @extend_schema(
        summary="Change failure rate",
        description="The share of closed changes that caused at least one incident, computed "
        "in the database; the list's filters apply (`service`, `type`, ...).",
        responses={200: FailureRateSerializer, **error_responses(400, 401, 403)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="failure-rate",
        url_name="failure-rate",
        permission_classes=[IsAuthenticated, IsAgent],
        pagination_class=None,
        filter_backends=[DjangoFilterBackend],
    )
    def failure_rate(self, request: Request) -> Response:
        rate = failure_rate(self.filter_queryset(Change.objects.all()))
        return Response(FailureRateSerializer(rate).data)
