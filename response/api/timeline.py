"""``/api/v1/incidents/{number}/response/scribe/``, ``.../stars/``, ``.../timeline/``
and the Markdown at ``.../timeline.md``: the merged timeline (``response.timeline``)."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.models import Incident
from kernel.api.permissions import IsAgent
from kernel.api.tickets import acting_user
from response.api.base import NUMBER, TAGS, ResponseViewSet
from response.api.serializers import ItemSerializer, ScribeInputSerializer, StarInputSerializer
from response.markdown import timeline_markdown
from response.timeline import (
    SCRIBE_VERB,
    scribe_entry_add,
    starred_items,
    timeline_of,
    timeline_star,
)


class ResponseTimelineViewSet(ResponseViewSet):
    """A major incident's merged timeline, scribe entries and stars (agents only)."""

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
