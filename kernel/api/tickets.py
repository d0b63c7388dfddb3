"""The API plumbing every ticket type shares: lookup by number, edits, the move actions
(generated from the type's move table), the priority override, the timeline, comments,
work notes and history. A ticket type's ViewSet subclasses ``TicketViewSet``, names its
workflow and serializers, and writes only what is its own (create, visibility)."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer

from accounts.models import User
from kernel.api.idempotency import Idempotent
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgentForRecord
from kernel.api.schema import error_responses
from kernel.api.serializers import (
    NoteSerializer,
    PriorityOverrideSerializer,
    move_input_serializers,
    row_values,
)
from kernel.api.transactions import AnswerBeforeCommit
from kernel.enums import TimelineKind
from kernel.history import with_changes
from kernel.links import with_relations
from kernel.models import Ticket
from kernel.moves import TicketWorkflow
from kernel.timeline import requester_entries
from kernel.transitions import Move

type Handler = Callable[..., Response]


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


class TicketViewSet[T: Ticket](
    Idempotent,
    AnswerBeforeCommit,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[T],
):
    """Base for ``/api/v1/<tickets>/``. Subclasses set the class attributes below; the
    endpoints named in ``generated`` are then added per subclass, each documented with
    that subclass's serializers. Writes answer from inside their transaction
    (``AnswerBeforeCommit``)."""

    model: ClassVar[type[Ticket]]
    workflow: ClassVar[TicketWorkflow[Any]]
    noun: ClassVar[str]
    """"incident": used in operation ids and documentation."""
    requester: ClassVar[str] = "requester"
    """Who besides agents sees comments: "caller" for incidents."""
    comment_help: ClassVar[str] = ""
    """What else a comment does, for the documentation."""
    related: ClassVar[tuple[str, ...]] = ()
    """What the detail joins."""
    list_serializer: ClassVar[type[Serializer[Any]] | None] = None
    """The flat row of the list (``TicketListFieldsMixin``), read as values; None: the
    list shows the detail's representation."""
    update_serializer: ClassVar[type[BaseSerializer[Any]]]
    move_inputs: ClassVar[Mapping[str, type[BaseSerializer[Any]]]]
    """Each move's body, for the schema: built from the workflow's move functions."""
    input_prefix: ClassVar[str] = ""
    list_help: ClassVar[str] = "Agents only."
    """Who sees which records, for the list's documentation."""
    update_help: ClassVar[str] = ""
    """What edits cannot do, for the documentation of ``PATCH``."""
    """Prefix of the move bodies' schema names ("Problem": ``ProblemAssessSerializer``)."""
    timeline_serializer: ClassVar[type[BaseSerializer[Any]]]
    history_serializer: ClassVar[type[BaseSerializer[Any]]]
    agent_actions: ClassVar[frozenset[str]] = frozenset({"partial_update", "work_notes", "history"})
    listing_actions: ClassVar[frozenset[str]] = frozenset({"list"})
    """Actions that read the list's filters and ordering (an export besides the list)."""

    lookup_field = "number"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" not in cls.__dict__:
            return  # an intermediate base
        cls.move_inputs = move_input_serializers(cls.workflow, cls.input_prefix)
        for move in cls.model.moves:
            setattr(cls, f"move_{move.name}", move_endpoint(cls, move))
        for name, endpoint in generated_endpoints(cls).items():
            setattr(cls, name, endpoint)
        document(cls)

    # --- what subclasses may change ----------------------------------------------------

    def visible(self, tickets: QuerySet[T], user: User) -> QuerySet[T]:
        """The tickets ``user`` may see; others answer 404 so numbers do not leak."""
        return tickets if user.is_agent else tickets.none()

    def get_queryset(self) -> QuerySet[T]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model._default_manager.none()  # type: ignore[return-value]
        manager = self.model._default_manager
        if self.action == "list" and self.list_serializer is not None:
            # Rows as values: no model instance per row, only the columns the list shows.
            rows: QuerySet[T] = self.visible(manager.all(), acting_user(self.request))  # type: ignore[arg-type]
            return rows.values(*row_values(self.list_serializer))  # type: ignore[return-value]
        tickets: QuerySet[T] = manager.select_related(*self.related)  # type: ignore[assignment]
        return self.visible(with_relations(tickets), acting_user(self.request))

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters narrow a list; a record asked for by its number is found by that alone
        # (DRF would build the list's filter form for every detail request).
        if self.action not in self.listing_actions:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "list" and self.list_serializer is not None:
            return self.list_serializer
        return super().get_serializer_class()

    def get_permissions(self) -> Sequence[Any]:
        if self.action in self.agent_actions:
            return [IsAuthenticated(), IsAgentForRecord()]
        return super().get_permissions()  # the action's own, else IsAuthenticated

    # --- shared handlers ---------------------------------------------------------------

    def render(self, ticket: Ticket, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(ticket).data, status=status_code)

    def page(self, queryset: QuerySet[Any], serializer_class: type[Any]) -> Response:
        rows = self.paginate_queryset(queryset)
        data = serializer_class(rows, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = getattr(self.request, "user", None)
        if isinstance(user, User) and not user.is_agent:
            # Timeline entries in the requester's view: the type's allow-list.
            context["requester_timeline"] = self.model.requester_timeline
        return context

    def partial_update(self, request: Request, number: str) -> Response:
        ticket = self.get_object()
        serializer = self.update_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(serializer.validated_data)
        reason = changes.pop("reason", "")
        ticket = self.workflow.update(
            ticket, by=acting_user(request), changes=changes, reason=reason
        )
        return self.render(ticket)

    def make_move(self, request: Request, name: str) -> Response:
        """The one handler behind every ``POST .../<move>/``. The workflow checks the state,
        the user's rights and the body, in that order, under the row lock: a move refused
        for the state is a 409 even when its body is incomplete."""
        ticket = self.get_object()
        data = request.data
        if not isinstance(data, Mapping):
            raise ValidationError({"non_field_errors": ["Send the move's inputs as an object."]})
        inputs = {str(key): data.get(key) for key in data}  # a form's last value per key
        ticket = self.workflow.make(ticket, name, by=acting_user(request), inputs=inputs)
        return self.render(ticket)

    def override(self, request: Request) -> Response:
        ticket = self.get_object()
        serializer = PriorityOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = self.workflow.override_priority(
            ticket, by=acting_user(request), **serializer.validated_data
        )
        return self.render(ticket)

    def timeline_page(self, request: Request) -> Response:
        entries = self.get_object().timeline.select_related("author")  # type: ignore[attr-defined]
        if not acting_user(request).is_agent:
            # An allow-list, not "all but work notes": pages, reassignments and whatever
            # is recorded next stay with the desk.
            entries = requester_entries(entries, self.model.requester_timeline)
        return self.page(entries, self.timeline_serializer)

    def history_page(self) -> Response:
        """Each version with what it changed: the page's rows and the one before them,
        two queries however long the page (``kernel.history.with_changes``)."""
        ticket = self.get_object()
        history = ticket.history
        records = history.select_related("history_user", "assignment_group", "assigned_to")
        rows = with_changes(history.all(), self.paginate_queryset(records) or [])
        data = self.history_serializer(rows, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(data.data)

    def notes(self, request: Request, *, internal: bool) -> Response:
        ticket = self.get_object()
        kind = TimelineKind.WORK_NOTE if internal else TimelineKind.COMMENT
        timeline = ticket.timeline  # type: ignore[attr-defined]
        if request.method != "POST":
            return self.page(
                timeline.filter(kind=kind).select_related("author"), self.timeline_serializer
            )
        user = acting_user(request)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.workflow.add_note(
            ticket, by=user, body=serializer.validated_data["body"], internal=internal
        )
        # The workflow returns the ticket, not the note: the note is this user's latest
        # of its kind on this ticket.
        entry = (
            timeline.model.objects.select_related("author")
            .filter(ticket=ticket, kind=kind, author=user)
            .latest("created_at", "id")
        )
        return Response(self.timeline_serializer(entry).data, status=status.HTTP_201_CREATED)


def document(view: type[TicketViewSet[Any]]) -> None:
    """The list, retrieve and edit endpoints documented for ``view``'s type."""
    noun = view.noun
    shown: Any = view.serializer_class
    rows: Any = view.list_serializer or shown
    article = "an" if noun[0] in "aeiou" else "a"
    extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s",
            description=view.list_help,
            responses={200: rows(many=True), **error_responses(400, 401)},
        ),
        retrieve=extend_schema(
            summary=f"Get one {noun}", responses={200: shown, **error_responses(401, 404)}
        ),
        partial_update=extend_schema(
            summary=f"Edit {article} {noun}'s fields",
            description=view.update_help,
            request=view.update_serializer,
            responses={200: shown, **error_responses(400, 401, 403, 404, 409)},
        ),
    )(view)
    extend_schema(tags=[f"{noun}s"])(view)


def move_endpoint(view: type[TicketViewSet[Any]], move: Move) -> Any:
    """``POST .../<move>/`` for one move of the table, documented from the table."""

    def handler(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.make_move(request, move.name)

    handler.__name__ = handler.__qualname__ = f"move_{move.name}"
    table = view.model.moves
    who = f"the {view.requester} or " if move.requester_may else ""
    rule = f" Only {move.only_if_help}." if move.only_if_help else ""
    description = (
        f"{move.help} From {table.describe_sources(move)} to "
        f"{table.describe_target(move)}.{rule} "
        f"Allowed to {who}users with `{move.permission}`."
    ).strip()
    inputs = view.move_inputs[move.name]
    decorated = action(
        detail=True, methods=["post"], url_path=move.name, url_name=move.name, filter_backends=[]
    )(handler)
    return extend_schema(
        operation_id=f"v1_{view.noun}s_{move.name}",
        summary=move.label,
        description=description,
        request=inputs if view.workflow.inputs(move.name) else None,
        responses={200: view.serializer_class, **error_responses(400, 401, 403, 404, 409)},
    )(decorated)


def generated_endpoints(view: type[TicketViewSet[Any]]) -> dict[str, Any]:
    """The detail endpoints besides the moves, each documented for ``view``'s type."""
    requester, entry = view.requester, view.timeline_serializer

    def override_priority(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.override(request)

    def timeline(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.timeline_page(request)

    def comments(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.notes(request, internal=False)

    def work_notes(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.notes(request, internal=True)

    def history(self: TicketViewSet[Any], request: Request, number: str) -> Response:
        return self.history_page()

    no_filters: dict[str, Any] = {"detail": True, "filter_backends": []}
    timeline_pages = {**no_filters, "pagination_class": TimelinePagination}
    return {
        "override_priority": extend_schema(
            summary="Override the priority",
            description="Managers only, with a reason. `priority: null` returns to the matrix.",
            request=PriorityOverrideSerializer,
            responses={200: view.serializer_class, **error_responses(400, 401, 403, 404, 409)},
        )(
            action(
                methods=["post"],
                url_path="override-priority",
                url_name="override-priority",
                **no_filters,
            )(override_priority)
        ),
        "timeline": extend_schema(
            methods=["GET"],
            summary="List the timeline",
            description="Events, comments and, for agents, work notes, oldest first.",
            responses={200: entry(many=True), **error_responses(401, 404)},
        )(action(methods=["get"], **timeline_pages)(timeline)),
        "comments": extend_schema(
            methods=["GET"],
            summary="List the comments",
            description=f"Comments the {requester} sees, oldest first.",
            responses={200: entry(many=True), **error_responses(401, 404)},
        )(
            extend_schema(
                methods=["POST"],
                summary="Add a comment",
                description=f"The {requester} sees it. {view.comment_help}".strip(),
                request=NoteSerializer,
                responses={201: entry, **error_responses(400, 401, 403, 404, 409)},
            )(action(methods=["get", "post"], **timeline_pages)(comments))
        ),
        "work_notes": extend_schema(
            methods=["GET"],
            summary="List the work notes",
            description=f"Agents only: notes the {requester} never sees, oldest first.",
            responses={200: entry(many=True), **error_responses(401, 403, 404)},
        )(
            extend_schema(
                methods=["POST"],
                summary="Add a work note",
                description="Agents only.",
                request=NoteSerializer,
                responses={201: entry, **error_responses(400, 401, 403, 404, 409)},
            )(
                action(
                    methods=["get", "post"],
                    url_path="work-notes",
                    url_name="work-notes",
                    **timeline_pages,
                )(work_notes)
            )
        ),
        "history": extend_schema(
            summary="List the audit history",
            description="Agents only: every saved version, newest first: who (`history_user`), "
            "when (`history_date`), why (`history_change_reason`) and each field it changed "
            "(`changes`: `field`, `old`, `new`).",
            responses={200: view.history_serializer(many=True), **error_responses(401, 403, 404)},
        )(action(methods=["get"], pagination_class=HistoryPagination, **no_filters)(history)),
    }
