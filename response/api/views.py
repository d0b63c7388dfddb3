"""``/api/v1/incidents/{number}/response/...``: a major incident's response, for agents:
stakeholder updates, stakeholders, roles, children, milestones, scribe entries, stars and
the merged timeline (JSON here, Markdown at ``.../timeline.md``). Thin: each write calls
one function of ``response`` or ``incidents.major``/``incidents.milestones``, whose
refusals ``kernel.api.errors`` answers (403, 409, 400)."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Team
from incidents.api.serializers import RoleSerializer
from incidents.major import (
    incident_assign_role,
    incident_link_major,
    incident_remove_role,
    incident_unlink_major,
)
from incidents.milestones import MILESTONES, incident_set_milestone
from incidents.models import Incident, IncidentRole, Role
from kernel.api.idempotency import Idempotent
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.tickets import acting_user
from kernel.api.transactions import AnswerBeforeCommit
from response.api.serializers import (
    ChildInputSerializer,
    ChildSerializer,
    ItemSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    RoleInputSerializer,
    ScribeInputSerializer,
    StakeholderInputSerializer,
    StakeholderSerializer,
    StarInputSerializer,
    UpdateInputSerializer,
    UpdateSerializer,
)
from response.markdown import timeline_markdown
from response.models import Stakeholder, StakeholderUpdate
from response.timeline import (
    SCRIBE_VERB,
    scribe_entry_add,
    starred_items,
    timeline_of,
    timeline_star,
)
from response.updates import stakeholder_add, stakeholder_remove, stakeholder_update_post

NUMBER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The incident's number."
)
TAGS = ["major incidents"]


def _refused(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


class IncidentResponseViewSet(Idempotent, AnswerBeforeCommit, viewsets.ViewSet):
    permission_classes = (IsAuthenticated, IsAgent)

    def _incident(self, number: str) -> Incident:
        return get_object_or_404(Incident.objects.select_related("service"), number=number)

    def _valid[S: serializers.Serializer[Any]](self, request: Request, serializer: type[S]) -> S:
        given = serializer(data=request.data)
        given.is_valid(raise_exception=True)
        return given

    # --- stakeholder updates ----------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List a major incident's stakeholder updates",
        description="Newest first, internal and public.",
        responses={200: UpdateSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Post a stakeholder update",
        description="The communications lead, the commander or a manager. Internal: told to "
        "the stakeholders and watchers. Public (`public: true`): posted on the status page "
        "and mailed to its subscribers. Sets when the next update is due.",
        request=UpdateInputSerializer,
        responses={201: UpdateSerializer, **error_responses(409)},
    )
    @action(detail=False, methods=["get", "post"])
    def updates(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "GET":
            rows = StakeholderUpdate.objects.filter(incident=incident).select_related("author")
            return Response(UpdateSerializer(rows.order_by("-created_at", "-id"), many=True).data)
        data = self._valid(request, UpdateInputSerializer).validated_data
        update = stakeholder_update_post(
            incident,
            by=acting_user(request),
            body=data["body"],
            public=data["public"],
            phase=data.get("phase"),
            title=data.get("title"),
            next_update_due=data.get("next_update_due"),
        )
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    # --- stakeholders -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List a major incident's stakeholders",
        responses={200: StakeholderSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Add a stakeholder",
        description="A user or a team (its members at each update) hears the internal "
        "updates. The communications lead, the commander or a manager.",
        request=StakeholderInputSerializer,
        responses={201: StakeholderSerializer, **error_responses(409)},
    )
    @action(detail=False, methods=["get", "post"])
    def stakeholders(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "GET":
            rows = Stakeholder.objects.filter(incident=incident).select_related(
                "user", "team", "added_by"
            )
            return Response(StakeholderSerializer(rows, many=True).data)
        data = self._valid(request, StakeholderInputSerializer).validated_data
        user = team = None
        if data.get("user") is not None:
            user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
            if user is None:
                raise _refused("user", "No such user.")
        else:
            team = Team.objects.filter(pk=data["team"]).first()
            if team is None:
                raise _refused("team", "No such team.")
        added = stakeholder_add(incident, by=acting_user(request), user=user, team=team)
        return Response(StakeholderSerializer(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        parameters=[
            NUMBER,
            OpenApiParameter("stakeholder_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        summary="Remove a stakeholder",
        request=None,
        responses={204: None, **error_responses(409)},
    )
    @action(
        detail=False, methods=["delete"], url_path=r"stakeholders/(?P<stakeholder_id>[0-9]{1,18})"
    )
    def remove_stakeholder(self, request: Request, number: str, stakeholder_id: str) -> Response:
        incident = self._incident(number)
        stakeholder = get_object_or_404(Stakeholder, pk=int(stakeholder_id), incident=incident)
        stakeholder_remove(incident, by=acting_user(request), stakeholder=stakeholder)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- roles ------------------------------------------------------------------------

    def _roles(self, incident: Incident) -> list[IncidentRole]:
        rows = IncidentRole.objects.filter(incident=incident).select_related("user")
        return list(rows.order_by("assigned_at", "id"))

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List an incident's response roles",
        responses={200: RoleSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Assign a response role",
        description="Commander, communications lead and scribe are one person each (the new "
        "one replaces the old); experts are many. The person is told.",
        request=RoleInputSerializer,
        responses={200: RoleSerializer(many=True), **error_responses(409)},
    )
    @action(detail=False, methods=["get", "post"])
    def roles(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "POST":
            data = self._valid(request, RoleInputSerializer).validated_data
            user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
            if user is None:
                raise _refused("user", "No such user.")
            incident_assign_role(
                incident,
                by=acting_user(request),
                role=data["role"],
                user=user,
                reason=data.get("reason", ""),
            )
        return Response(RoleSerializer(self._roles(incident), many=True).data)

    @extend_schema(
        tags=TAGS,
        parameters=[
            NUMBER,
            OpenApiParameter("role", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Role.values),
            OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        summary="Remove a response role from someone",
        request=None,
        responses={204: None, **error_responses(409)},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path=r"roles/(?P<role>[a-z]{1,20})/(?P<user_id>[0-9]{1,18})",
    )
    def remove_role(self, request: Request, number: str, role: str, user_id: str) -> Response:
        incident = self._incident(number)
        if role not in Role.values:
            raise _refused("role", f"Choose one of {', '.join(Role.values)}.")
        user = get_object_or_404(get_user_model(), pk=int(user_id))
        incident_remove_role(incident, by=acting_user(request), role=role, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- children ---------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List a major incident's child incidents",
        responses={200: ChildSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Link a child incident",
        description="The child reports the same outage; it is resolved with this incident.",
        request=ChildInputSerializer,
        responses={201: ChildSerializer, **error_responses(409)},
    )
    @action(detail=False, methods=["get", "post"])
    def children(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "GET":
            rows = Incident.objects.filter(major_incident=incident).order_by("reported_at", "id")
            return Response(ChildSerializer(cast(Any, rows), many=True).data)
        data = self._valid(request, ChildInputSerializer).validated_data
        child = Incident.objects.filter(number=data["child"]).first()
        if child is None:
            raise _refused("child", "No such incident.")
        linked = incident_link_major(child, by=acting_user(request), parent=incident)
        return Response(ChildSerializer(linked).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        parameters=[
            NUMBER,
            OpenApiParameter(
                "child", OpenApiTypes.STR, OpenApiParameter.PATH, description="Its number."
            ),
        ],
        summary="Unlink a child incident",
        request=None,
        responses={204: None, **error_responses(409)},
    )
    @action(detail=False, methods=["delete"], url_path=r"children/(?P<child>[^/.]{1,20})")
    def unlink_child(self, request: Request, number: str, child: str) -> Response:
        incident = self._incident(number)
        found = get_object_or_404(Incident, number=child, major_incident=incident)
        incident_unlink_major(found, by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- milestones -------------------------------------------------------------------

    def _milestones(self, incident: Incident) -> list[dict[str, Any]]:
        return [{"milestone": m, "at": getattr(incident, f"{m}_at")} for m in MILESTONES]

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List an incident's milestones",
        description="From impact started to closed, in their required order.",
        responses={200: MilestoneSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Set a milestone by hand",
        description="With a reason (history row); refused when it breaks the order.",
        request=MilestoneInputSerializer,
        responses={200: MilestoneSerializer(many=True), **error_responses(409)},
    )
    @action(detail=False, methods=["get", "post"])
    def milestones(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "POST":
            data = self._valid(request, MilestoneInputSerializer).validated_data
            incident = incident_set_milestone(
                incident,
                by=acting_user(request),
                milestone=data["milestone"],
                at=data["at"],
                reason=data["reason"],
            )
        return Response(MilestoneSerializer(self._milestones(incident), many=True).data)

    # --- the timeline -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List the scribe entries",
        description="In the merged timeline's order (by the time each states).",
        responses={200: ItemSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Add a scribe entry",
        description="What happened at `at` (earlier than now): placed at that time in the "
        "merged timeline. The scribe, the commander or any agent.",
        request=ScribeInputSerializer,
        responses={201: ItemSerializer},
    )
    @action(detail=False, methods=["get", "post"])
    def scribe(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "GET":
            written = [item for item in timeline_of(incident) if item.kind == SCRIBE_VERB]
            return Response(ItemSerializer(written, many=True).data)
        data = self._valid(request, ScribeInputSerializer).validated_data
        entry = scribe_entry_add(
            incident, by=acting_user(request), at=data["at"], body=data["body"]
        )
        item = next(i for i in timeline_of(incident) if i.key == f"entry:{entry.pk}")
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="List the starred timeline items",
        description="The key events postmortems start from, oldest first.",
        responses={200: ItemSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        tags=TAGS,
        parameters=[NUMBER],
        summary="Star or unstar a timeline item",
        description="Answers the starred items after the change.",
        request=StarInputSerializer,
        responses={200: ItemSerializer(many=True)},
    )
    @action(detail=False, methods=["get", "post"])
    def stars(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        if request.method == "GET":
            return Response(ItemSerializer(starred_items(incident), many=True).data)
        data = self._valid(request, StarInputSerializer).validated_data
        timeline_star(incident, by=acting_user(request), key=data["key"], starred=data["starred"])
        return Response(ItemSerializer(starred_items(incident), many=True).data)

    @extend_schema(
        tags=TAGS,
        parameters=[NUMBER],
        summary="The merged timeline",
        description="Timeline entries, alerts, linked changes' events and notifications "
        "sent, by event time, then record time, then source and id. Markdown: "
        "`.../response/timeline.md`.",
        responses={200: ItemSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def timeline(self, request: Request, number: str) -> Response:
        incident = self._incident(number)
        return Response(ItemSerializer(timeline_of(incident), many=True).data)


class TimelineMarkdownView(APIView):
    """``GET /api/v1/incidents/{number}/response/timeline.md``: the merged timeline as a
    Markdown document (errors are JSON like everywhere in the API)."""

    permission_classes = (IsAuthenticated, IsAgent)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is Markdown whatever the client accepts; only errors use the renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=TAGS,
        parameters=[NUMBER],
        summary="The merged timeline as Markdown",
        responses={
            (200, "text/markdown"): OpenApiResponse(
                response=OpenApiTypes.STR, description="The timeline, times in UTC."
            )
        },
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        incident = get_object_or_404(Incident, number=number)
        answer = HttpResponse(
            timeline_markdown(incident), content_type="text/markdown; charset=utf-8"
        )
        answer["Content-Disposition"] = f'inline; filename="{incident.number}-timeline.md"'
        return answer
