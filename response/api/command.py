"""``/api/v1/incidents/{number}/response/roles/``, ``.../children/`` and
``.../milestones/``: incident command, through ``incidents.major`` and
``incidents.milestones``."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.api.serializers import RoleSerializer
from incidents.major import (
    incident_assign_role,
    incident_link_major,
    incident_remove_role,
    incident_unlink_major,
)
from incidents.milestones import MILESTONES, incident_set_milestone
from incidents.models import Incident, IncidentRole, Role
from kernel.api.schema import error_responses
from kernel.api.tickets import acting_user
from response.api.base import NUMBER, TAGS, ResponseViewSet, refused
from response.api.serializers import (
    ChildInputSerializer,
    ChildSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    RoleInputSerializer,
)


class ResponseCommandViewSet(ResponseViewSet):
    """A major incident's roles, child incidents and milestones (agents only)."""

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
                raise refused("user", "No such user.")
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
        responses={204: None, **error_responses(400, 409)},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path=r"roles/(?P<role>[a-z]{1,20})/(?P<user_id>[0-9]{1,18})",
    )
    def remove_role(self, request: Request, number: str, role: str, user_id: str) -> Response:
        incident = self._incident(number)
        # The path names one role holding: a role or a holder that is not there is a 404,
        # like any record that does not exist.
        if not incident.roles.filter(role=role, user_id=int(user_id)).exists():
            raise NotFound(f"Nobody with id {user_id} holds the {role} role on {number}.")
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
            raise refused("child", "No such incident.")
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
