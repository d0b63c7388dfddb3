"""Every API error is JSON: ``{"code": "...", "message": "...", "errors": {...}}``.

Workflow refusals keep the code and status they carry (409 for a refused move, 400 for
missing input, 403 for a forbidden one); DRF's own errors are mapped to stable codes. The
edge's refusals keep theirs (``invalid_json``, ``too_deep``, ``payload_too_large``,
``invalid_cursor``), and a database that cannot be reached is a 503 ``unavailable`` with
``Retry-After``: the request may be sent again as it is. The table is in docs/api.md.
"""

from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.errors import MoveInvalid, WorkflowError

CODES: dict[int, str] = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "unavailable",
}
# Codes more precise than their status's: kept as the exception raised them.
EDGE_CODES = frozenset({"invalid_json", "too_deep", "invalid_cursor", "payload_too_large"})
UNAVAILABLE_MESSAGE = "The service is briefly unavailable; try again shortly."


def is_outage(exc: BaseException) -> bool:
    """The database could not be reached or dropped the connection: nothing the request
    did wrong, and sending it again later may well succeed. psycopg's own classes too,
    for the rare call Django does not wrap."""
    return isinstance(
        exc, OperationalError | InterfaceError | psycopg.OperationalError | psycopg.InterfaceError
    )


def discard_broken_connections() -> None:
    """Close every connection that failed: the next request then opens a new one rather
    than reuse a dead one (Django would also drop it when the request ends; closing it
    now keeps it from being used again by anything the response still runs)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def unavailable_body() -> dict[str, str]:
    return {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}


def retry_after() -> str:
    return str(settings.UNAVAILABLE_RETRY_AFTER)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_outage(exc):
        discard_broken_connections()
        return Response(
            unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": retry_after()},
        )
    if isinstance(exc, WorkflowError):
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if isinstance(exc, MoveInvalid):
            body["errors"] = exc.errors
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django answer 500 and log it
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "code": "invalid",
            "message": "The request has invalid fields.",
            "errors": errors,
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or CODES.get(response.status_code, "error")
        if code not in EDGE_CODES:
            code = CODES.get(response.status_code, code)
        response.data = {"code": code, "message": str(detail)}
    return response
