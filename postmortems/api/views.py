"""``/api/v1/postmortems/`` and ``/api/v1/action-items/``: thin adapters. The ticket
endpoints (detail, edit, moves, timeline, notes, history) come from ``TicketViewSet``;
here are only a postmortem's own: start one from an incident, reviewers, the Markdown
export, opening a problem; and the action items with their moves."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Incident
from kernel.api.filters import StableOrderingFilter
from kernel.api.idempotency import Idempotent
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.tickets import TicketViewSet, acting_user
from kernel.api.transactions import AnswerBeforeCommit
from kernel.errors import MoveForbidden
from postmortems.action_items import action_item_create, action_item_move, action_item_update
from postmortems.api.filters import ActionItemFilter, PostmortemFilter
from postmortems.api.serializers import (
    ActionItemCreateSerializer,
    ActionItemInputSerializer,
    ActionItemMoveSerializer,
    ActionItemSerializer,
    PostmortemCreateSerializer,
    PostmortemHistoryRecordSerializer,
    PostmortemListSerializer,
    PostmortemSerializer,
    PostmortemTimelineEntrySerializer,
    PostmortemUpdateSerializer,
    ReviewerInputSerializer,
)
from postmortems.export import markdown
from postmortems.models import ActionItem, Postmortem, PostmortemTemplate
from postmortems.problem_links import problem_open_for_item, problem_open_for_root_cause
from postmortems.workflow import (
    WORKFLOW,
    postmortem_add_reviewer,
    postmortem_refresh_facts,
    postmortem_remove_reviewer,
)
from problems.api.serializers import ProblemSerializer


class MarkdownRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: text/markdown``; the view answers the document."""

    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return str(data).encode(self.charset)


ITEMS = Prefetch(
    "action_items",
    queryset=ActionItem.objects.select_related("owner", "problem", "change", "postmortem"),
)


class PostmortemViewSet(TicketViewSet[Postmortem]):
    """Postmortems, by number (PIR0000001). Agents only: anyone else gets 404."""

    model = Postmortem
    workflow = WORKFLOW
    noun = "postmortem"
    list_help = "Agents only."
    update_help = (
        "Agents only; not once published. The facts from the incident (durations, key "
        "events, services) and `status` are read-only: use the moves."
    )
    related = (
        "incident",
        "author",
        "template",
        "problem",
        "service",
        "assignment_group",
        "assigned_to",
    )
    serializer_class = PostmortemSerializer
    list_serializer = PostmortemListSerializer
    update_serializer = PostmortemUpdateSerializer
    input_prefix = "Postmortem"
    timeline_serializer = PostmortemTimelineEntrySerializer
    history_serializer = PostmortemHistoryRecordSerializer
    agent_actions = frozenset(
        {"create", "partial_update", "work_notes", "history", "reviewers", "remove_reviewer",
         "markdown", "open_problem", "refresh_facts"}
    )  # fmt: skip

    filterset_class = PostmortemFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["created_at", "published_at", "number"]
    unique_ordering_fields = ("number",)
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Postmortem]:
        postmortems = super().get_queryset()
        if self.action == "list":
            return postmortems
        return postmortems.prefetch_related("services", "reviewers__user", ITEMS)

    def fresh(self, postmortem: Postmortem, *, status_code: int = status.HTTP_200_OK) -> Response:
        return self.render(self.get_queryset().get(pk=postmortem.pk), status_code=status_code)

    @extend_schema(
        summary="Start a postmortem",
        description="Agents only. From the incident (`incident`: its number), with its facts "
        "pre-filled: summary, services, impact times, the durations between its milestones "
        "and its starred timeline events. One per incident (409 for a second).",
        request=PostmortemCreateSerializer,
        responses={201: PostmortemSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        if not user.has_perm("postmortems.add_postmortem"):
            raise MoveForbidden("You may not write postmortems.")
        serializer = PostmortemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(serializer.validated_data)
        number = fields.pop("incident").strip().upper()
        incident = Incident.objects.filter(number=number).first()
        if incident is None:
            raise ValidationError({"incident": [f"No incident {number}."]})
        name = fields.pop("template", None)
        if name is not None:
            template = PostmortemTemplate.objects.filter(name=name, is_active=True).first()
            if template is None:
                raise ValidationError({"template": [f"No active template {name!r}."]})
            fields["template"] = template
        postmortem = WORKFLOW.create(by=user, incident=incident, **fields)
        response = self.fresh(postmortem, status_code=status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])
        return response

    @extend_schema(
        summary="Name a reviewer",
        description="Agents only; not the author, not once published. Named while in "
        "review, they are asked at once and have to approve too.",
        request=ReviewerInputSerializer,
        responses={200: PostmortemSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reviewers(self, request: Request, number: str) -> Response:
        postmortem = self.get_object()
        serializer = ReviewerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        postmortem_add_reviewer(postmortem, by=acting_user(request), user=user)
        return self.fresh(postmortem)

    @extend_schema(
        summary="Remove a reviewer",
        description="Agents only; not the last one while in review.",
        request=ReviewerInputSerializer,
        responses={200: PostmortemSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="remove-reviewer",
        url_name="remove-reviewer",
        filter_backends=[],
    )
    def remove_reviewer(self, request: Request, number: str) -> Response:
        postmortem = self.get_object()
        serializer = ReviewerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        postmortem_remove_reviewer(postmortem, by=acting_user(request), user=user)
        return self.fresh(postmortem)

    @extend_schema(
        summary="Read the facts again",
        description="Agents only; not once published. The impact times, durations, services "
        "and starred events as the incident has them now.",
        request=None,
        responses={200: PostmortemSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="refresh-facts",
        url_name="refresh-facts",
        filter_backends=[],
    )
    def refresh_facts(self, request: Request, number: str) -> Response:
        postmortem = postmortem_refresh_facts(self.get_object(), by=acting_user(request))
        return self.fresh(postmortem)

    @extend_schema(
        summary="Export as Markdown",
        description="Agents only. The whole review as one Markdown document.",
        responses={
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR, description="Markdown."),
            **error_responses(401, 403, 404),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, MarkdownRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def markdown(self, request: Request, number: str) -> HttpResponse:
        postmortem = self.get_object()
        # The document itself, whatever the client accepts; refusals stay JSON (below).
        response = HttpResponse(markdown(postmortem), content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{postmortem.number}.md"'
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.status_code >= 400:
            # An error is JSON with its code, even to a client asking for Markdown.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            request.accepted_renderer = response.accepted_renderer
            request.accepted_media_type = response.accepted_media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="Open a problem from the root causes",
        description="Agents who may log problems. Pre-filled with the root causes and linked "
        "to the incident (unless it has a problem already); the postmortem points at it. "
        "Answers the problem.",
        request=None,
        responses={201: ProblemSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="open-problem",
        url_name="open-problem",
        filter_backends=[],
    )
    def open_problem(self, request: Request, number: str) -> Response:
        problem = problem_open_for_root_cause(self.get_object(), by=acting_user(request))
        return Response(
            ProblemSerializer(problem, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ActionItemPagination(CursorPagination):
    ordering = ("-created_at", "-id")  # type: ignore[assignment]


@extend_schema(tags=["postmortems"])
@extend_schema_view(
    list=extend_schema(
        summary="List action items",
        description="Agents only. Filter by `owner`, `team` (the owner's), `overdue`, "
        "`postmortem`, `state`, `kind`.",
        responses={200: ActionItemSerializer(many=True), **error_responses(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="Get one action item",
        responses={200: ActionItemSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add an action item",
        description="Agents only. The owner is told.",
        request=ActionItemCreateSerializer,
        responses={201: ActionItemSerializer, **error_responses(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Edit an action item",
        description="Agents, or its owner. `state` changes through `.../move/`.",
        request=ActionItemInputSerializer,
        responses={200: ActionItemSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class ActionItemViewSet(
    Idempotent,
    AnswerBeforeCommit,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ActionItem],
):
    serializer_class = ActionItemSerializer
    permission_classes = (IsAuthenticated, IsAgent)
    pagination_class = ActionItemPagination
    filterset_class = ActionItemFilter
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ActionItem]:
        return ActionItem.objects.select_related("postmortem", "owner", "problem", "change")

    def create(self, request: Request) -> Response:
        serializer = ActionItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        postmortem = fields.pop("postmortem")
        links = {name: fields.pop(name) for name in ("problem", "change") if fields.get(name)}
        fields.pop("problem", None)
        fields.pop("change", None)
        item = action_item_create(postmortem, by=acting_user(request), **fields, **links)
        return Response(self._one(item), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        serializer = ActionItemInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = action_item_update(
            item, by=acting_user(request), changes=dict(serializer.validated_data)
        )
        return Response(self._one(item))

    def _one(self, item: ActionItem) -> dict[str, Any]:
        fresh = get_object_or_404(self.get_queryset(), pk=item.pk)
        return dict(self.get_serializer(fresh).data)

    @extend_schema(
        summary="Move an action item",
        description="To `open`, `in_progress`, `done` or `wont_do` (with a `reason`). Agents, "
        "or its owner.",
        request=ActionItemMoveSerializer,
        responses={200: ActionItemSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        serializer = ActionItemMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = action_item_move(item, by=acting_user(request), **serializer.validated_data)
        return Response(self._one(item))

    @extend_schema(
        summary="Open a problem for an action item",
        description="Agents who may log problems. Pre-filled, linked to the incident (unless "
        "it has a problem already); the item points at it. Answers the problem.",
        request=None,
        responses={201: ProblemSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="open-problem",
        url_name="open-problem",
        filter_backends=[],
    )
    def open_problem(self, request: Request, pk: str) -> Response:
        problem = problem_open_for_item(self.get_object(), by=acting_user(request))
        return Response(
            ProblemSerializer(problem, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
