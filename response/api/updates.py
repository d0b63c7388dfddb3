"""``/api/v1/incidents/{number}/response/updates/`` and ``.../stakeholders/``: a major
incident's stakeholder updates and the stakeholders who hear the internal ones."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Team
from kernel.api.schema import error_responses
from kernel.api.tickets import acting_user
from response.api.base import NUMBER, TAGS, ResponseViewSet, refused
from response.api.serializers import (
    StakeholderInputSerializer,
    StakeholderSerializer,
    UpdateInputSerializer,
    UpdateSerializer,
)
from response.models import Stakeholder, StakeholderUpdate
from response.updates import stakeholder_add, stakeholder_remove, stakeholder_update_post


class ResponseUpdatesViewSet(ResponseViewSet):
    """A major incident's stakeholder updates and stakeholders (agents only)."""

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
                raise refused("user", "No such user.")
        else:
            team = Team.objects.filter(pk=data["team"]).first()
            if team is None:
                raise refused("team", "No such team.")
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
