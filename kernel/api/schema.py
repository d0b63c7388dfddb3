"""OpenAPI pieces every endpoint shares: the ``Error`` component and its responses."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DESCRIPTIONS: dict[int, str] = {
    400: "The input is invalid: `errors` maps each field to its messages (code `invalid`); "
    "a body that is not JSON (`invalid_json`) or nests too deeply (`too_deep`); on lists, "
    "a cursor that is not one of the list's links (`invalid_cursor`).",
    401: "No valid token or session (code `not_authenticated`).",
    403: "The user may not do this (code `forbidden`).",
    404: "No such record, or not one this user may see (code `not_found`).",
    409: "The record's state does not allow this (code `move_not_allowed`).",
}

# Inline because a Serializer subclass cannot declare a field named ``errors``: the name
# belongs to Serializer.errors.
ERROR = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Stable machine-readable code."),
        "message": serializers.CharField(help_text="Human-readable explanation."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Per-field messages; present on `invalid` answers only.",
        ),
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(response=ERROR, description=DESCRIPTIONS[code]) for code in statuses
    }
