"""What the ``/api/v1/incidents/{number}/response/...`` ViewSets share: agents only, the
incident found by its number (404), strict input, and the schema's tag and parameter."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from incidents.models import Incident
from kernel.api.idempotency import Idempotent
from kernel.api.permissions import IsAgent
from kernel.api.transactions import AnswerBeforeCommit

NUMBER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, description="The incident's number."
)
TAGS = ["major incidents"]


def refused(field: str, message: str) -> serializers.ValidationError:
    """A 400 naming ``field``: a body naming a record that does not exist."""
    return serializers.ValidationError({field: [message]})


class ResponseViewSet(Idempotent, AnswerBeforeCommit, viewsets.ViewSet):
    # Thin: each write calls one workflow function, whose refusals kernel.api.errors
    # answers (403, 409, 400).

    permission_classes = (IsAuthenticated, IsAgent)

    def _incident(self, number: str) -> Incident:
        return get_object_or_404(Incident.objects.select_related("service"), number=number)

    def _valid[S: serializers.Serializer[Any]](self, request: Request, serializer: type[S]) -> S:
        given = serializer(data=request.data)
        given.is_valid(raise_exception=True)
        return given
