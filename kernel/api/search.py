"""``GET /api/v1/search/?q=``: the one search (``kernel.search``) as JSON, for anyone
signed in. Agents find every type and work notes; anyone else only the records they may
see (their own incidents) and only by their comments. docs/api.md#search."""

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kernel.api.schema import NOT_ONLY_WHITESPACE
from kernel.api.tickets import acting_user
from kernel.search import MAX_TERM, Hit, search


class SearchParameters(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=MAX_TERM, help_text="A number or words.")


class SearchHitSerializer(serializers.Serializer[Hit]):
    type = serializers.CharField(source="kind", help_text="incident, problem, known_error, ...")
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="The state, in words.")
    priority = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    rank = serializers.FloatField(help_text="Higher is better; comparable within a group.")
    matched = serializers.ListField(
        child=serializers.CharField(),
        help_text='Where the words were found: "details", "comment", "work note".',
    )
    url = serializers.SerializerMethodField(help_text="The record in this API.")

    def get_url(self, hit: Hit) -> str:
        try:
            return reverse(f"{API_NAMES[hit.kind]}-detail", kwargs={"number": hit.number})
        except (KeyError, NoReverseMatch):
            return ""


class SearchGroupSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(source="kind")
    # A field named like DRF's own Field.label attribute: fine at run time (the metaclass
    # takes declared fields out of the class), not to the stubs.
    label = serializers.CharField()  # type: ignore[assignment]
    results = SearchHitSerializer(source="hits", many=True)


class SearchResultsSerializer(serializers.Serializer[Any]):
    query = serializers.CharField(source="term")
    jump = SearchHitSerializer(
        allow_null=True, help_text="The record an exact number names; then no groups."
    )
    groups = SearchGroupSerializer(many=True)


# The router's names of each type's detail route.
API_NAMES = {
    "incident": "incident",
    "problem": "problem",
    "known_error": "known-error",
    "change": "change",
    "postmortem": "postmortem",
}


class SearchViewSet(viewsets.ViewSet):
    permission_classes = (IsAuthenticated,)
    list_is_object = True  # one answer of groups, not a list (kernel.api.schema)

    @extend_schema(
        operation_id="search",
        tags=["search"],
        summary="Search every record type",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_TERM, "pattern": NOT_ONLY_WHITESPACE},
                required=True,
                description="A record's number (any case, padded or not: `inc42`) or "
                "words. Words are matched in titles, descriptions, comments and, for "
                "agents, work notes.",
            )
        ],
        responses={200: SearchResultsSerializer},
    )
    def list(self, request: Request) -> Response:
        parameters = SearchParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        results = search(parameters.validated_data["q"], user=acting_user(request))
        return Response(SearchResultsSerializer(results).data)
