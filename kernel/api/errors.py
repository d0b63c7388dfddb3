"""Every API error is JSON: ``{"code": "...", "message": "...", "errors": {...}}``.

Workflow refusals keep the code and status they carry (409 for a refused move, 400 for
missing input, 403 for a forbidden one); DRF's own errors are mapped to stable codes.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
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
    415: "unsupported_media_type",
    429: "throttled",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
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
        if response.status_code == status.HTTP_401_UNAUTHORIZED:
            code = "not_authenticated"
        response.data = {"code": CODES.get(response.status_code, code), "message": str(detail)}
    return response
