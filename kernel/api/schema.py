"""The OpenAPI document is the API's contract (schemathesis holds the API to it:
``tests/api/test_schemathesis.py``). What every endpoint shares is declared here once:
the ``Error`` component, the error answers every operation may give, request bodies that
refuse unknown fields, and views whose ``list`` answers one object."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers

DESCRIPTIONS: dict[int, str] = {
    400: "The input is invalid: `errors` maps each field to its messages (code `invalid`); "
    "a body that is not JSON (`invalid_json`) or nests too deeply (`too_deep`); on lists, "
    "a cursor that is not one of the list's links (`invalid_cursor`).",
    401: "No valid token or session (code `not_authenticated`).",
    403: "The user may not do this (code `forbidden`).",
    404: "No such record, or not one this user may see (code `not_found`).",
    409: "The record's state does not allow this (code `move_not_allowed`).",
    413: "The request body is too large (code `payload_too_large`).",
    415: "The body is not JSON (code `unsupported_media_type`).",
    422: "The `Idempotency-Key` was used before with another body.",
    429: "Too many requests: wait as `Retry-After` says (code `throttled`).",
    503: "The database cannot be reached: send it again after `Retry-After` seconds "
    "(code `unavailable`).",
}


@extend_schema_field(
    {
        "type": "object",
        "description": "Per-field messages: a list of messages, or for a list or nested "
        "field an object of the same shape keyed by item index or field name.",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object"},
            ]
        },
    }
)
class FieldErrors(serializers.DictField):
    """What ``errors`` holds: DRF nests a list field's messages by index
    (``{"numbers": {"0": ["..."]}}``)."""


# Inline because a Serializer subclass cannot declare a field named ``errors``: the name
# belongs to Serializer.errors.
ERROR = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Stable machine-readable code."),
        "message": serializers.CharField(help_text="Human-readable explanation."),
        "errors": FieldErrors(
            required=False, help_text="Per-field messages; present on `invalid` answers only."
        ),
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(response=ERROR, description=DESCRIPTIONS[code]) for code in statuses
    }


WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
# A text that may not be blank has a character Python's ``str.strip`` keeps (DRF trims
# before it checks): the whitespace is spelled out, as JSON Schema's ``\s`` is not Python's.
# Anchored, so that generators need not search a 50,000-character string for it.
WHITESPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_ONLY_WHITESPACE = rf"^[{WHITESPACE}]*[^{WHITESPACE}]"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, with what a view need not repeat:

    - every operation documents the errors any request may meet: 401, 403, 429 and 503
      always; 404 with a path parameter; 400 with query parameters or a body; 413 and
      415 with a body; 422 on a POST (an ``Idempotency-Key`` reused with another body).
      A view declares the ones only it gives (409 for a refused move).
    - a request body of a strict serializer (one that refuses fields it does not take)
      says so: ``additionalProperties: false``.
    - a view whose ``list`` answers one object (``list_is_object = True``) is not
      documented as an array.
    """

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for code in self.shared_errors():
            if str(code) not in responses:
                response = OpenApiResponse(response=ERROR, description=DESCRIPTIONS[code])
                responses[str(code)] = self._get_response_for_code(
                    response, str(code), direction=direction
                )
        return responses

    def shared_errors(self) -> list[int]:
        codes = [401, 403, 429, 503]
        if "{" in self.path:
            codes.append(404)
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if has_query or self.method in WITH_BODY:
            codes.append(400)
        if self.method in WITH_BODY:
            codes += [413, 415]
        if self.method == "POST":
            codes.append(422)
        return sorted(codes)

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and type(field) is serializers.CharField
            and not field.allow_blank
            and field.trim_whitespace
            and "pattern" not in schema
        ):
            schema["pattern"] = NOT_ONLY_WHITESPACE
        return schema

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "list_is_object", False):
            return False
        return bool(super()._is_list_view(serializer))
