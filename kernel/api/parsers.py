"""The API's JSON parser, with limits: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a
413 ``payload_too_large``, nesting deeper than ``API_JSON_MAX_DEPTH`` a 400 ``too_deep``,
both decided before the body is decoded (Python's decoder recurses once per level: 3,000
brackets blow its stack, a ``RecursionError`` the API would answer 500)."""

import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json

# A JSON string, escapes included: brackets inside one do not nest anything.
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
EMPTY_PAIRS = re.compile(rb"\[\]|\{\}")


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class TooDeep(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The JSON body is nested too deeply."
    default_code = "too_deep"


class InvalidJSON(ParseError):
    default_code = "invalid_json"


def nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether ``body``'s arrays and objects nest deeper than ``limit``, without recursion:
    strings removed, only brackets kept, each pass removes the innermost empty pairs.
    Raises ``InvalidJSON`` for brackets that cannot balance (nothing left to remove)."""
    brackets = STRING.sub(b"", body).translate(None, NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        shorter = EMPTY_PAIRS.sub(b"", brackets)
        if len(shorter) == len(brackets):
            raise InvalidJSON("JSON parse error - unbalanced brackets.")
        brackets = shorter
    return bool(brackets)


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is over {limit} bytes.")
        try:
            body = stream.read() if stream is not None else b""
        except RequestDataTooBig as exc:
            raise PayloadTooLarge(f"The request body is over {limit} bytes.") from exc
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge(f"The request body is over {limit} bytes.")
        depth = settings.API_JSON_MAX_DEPTH
        if nesting_exceeds(body, depth):
            raise TooDeep(f"The JSON body nests arrays and objects deeper than {depth} levels.")
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
            parse_constant = json.strict_constant if self.strict else None
            parsed: dict[str, Any] = json.loads(text, parse_constant=parse_constant)
            return parsed
        except ValueError as exc:
            raise InvalidJSON(f"JSON parse error - {exc}") from exc
