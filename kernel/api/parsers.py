"""The API's JSON parser, with limits: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a
413 ``payload_too_large``, nesting deeper than ``API_JSON_MAX_DEPTH`` a 400 ``too_deep``,
both decided before the body is decoded (Python's decoder recurses once per level: 3,000
brackets blow its stack, a ``RecursionError`` the API would answer 500). A string that
PostgreSQL cannot store (a NUL, an unpaired surrogate: both only as ``\\u`` escapes) is a
400 ``invalid`` naming where it is, whichever field or move input it was meant for."""

import math
import re
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import QueryDict
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.utils import json

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict
    from django.utils.datastructures import MultiValueDict

# A JSON string, escapes included: brackets inside one do not nest anything.
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
EMPTY_PAIRS = re.compile(rb"\[\]|\{\}")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


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


def unstorable_at(value: Any) -> str | None:
    """Where the first string PostgreSQL refuses is (``"notes"``, ``"items.2"``), or None.
    Iterative, though the depth check already bounds the nesting."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return path or "non_field_errors"
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if UNSTORABLE.search(key):
                    return UNSTORABLE.sub("", where) or "non_field_errors"
                stack.append((where, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), child)
                for index, child in enumerate(item)
            )
    return None


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
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        parsed: dict[str, Any] = load_json(body, encoding=encoding, strict=self.strict)
        return parsed


def finite_float(text: str) -> float:
    """A JSON number as a float, refused when it overflows (``1e400`` is ``inf``, which no
    JSON column stores)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"The number {text[:40]} is out of range.")
    return value


def load_json(body: bytes, *, encoding: str = "utf-8", strict: bool = True) -> Any:
    """``body`` decoded, or the edge's refusal: ``TooDeep`` past ``API_JSON_MAX_DEPTH``,
    ``InvalidJSON``, or a ``ValidationError`` naming where a string PostgreSQL cannot store
    is. Every JSON body read by hand (the alert intake) goes through it too."""
    depth = settings.API_JSON_MAX_DEPTH
    if nesting_exceeds(body, depth):
        raise TooDeep(f"The JSON body nests arrays and objects deeper than {depth} levels.")
    try:
        text = body.decode(encoding)
        parse_constant = json.strict_constant if strict else None
        parsed = json.loads(text, parse_constant=parse_constant, parse_float=finite_float)
    except ValueError as exc:
        raise InvalidJSON(f"JSON parse error - {exc}") from exc
    where = unstorable_at(parsed) if "\\u" in text else None
    if where is not None:
        message = "Null characters and unpaired surrogates are not allowed."
        raise ValidationError({where: [message]})
    return parsed


def refuse_unstorable_fields(data: QueryDict) -> None:
    for key, values in data.lists():
        if UNSTORABLE.search(key) or any(UNSTORABLE.search(value) for value in values):
            name = UNSTORABLE.sub("", key) or "non_field_errors"
            raise ValidationError({name: ["Null characters are not allowed."]})


class FormParser(parsers.FormParser):
    """DRF's, refusing a NUL in a field as the JSON parser does."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> "_ImmutableQueryDict":
        data = super().parse(stream, media_type, parser_context)
        refuse_unstorable_fields(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's, refusing a NUL in a field as the JSON parser does."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> "parsers.DataAndFiles[_ImmutableQueryDict, MultiValueDict[str, Any]]":
        parsed = super().parse(stream, media_type, parser_context)
        refuse_unstorable_fields(parsed.data)
        return parsed
