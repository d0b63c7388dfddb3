"""The edge: what every request meets before and after our views, and Django's error
views. API routes (``/api/``) always answer JSON ``{"code", "message"}``; pages get the
friendly templates ``400.html`` ... ``503.html``. Nothing here queries the database, so
the pages render while it is down.

- A NUL in the path is a 404, in a query parameter a 400: PostgreSQL refuses NUL in text,
  and a lookup carrying one would fail there (``DataError``) instead of finding nothing.
- A database that cannot be reached (``kernel.api.errors.is_outage``) is a 503 with
  ``Retry-After``, from any view and from Django's last-resort 500 handler. The broken
  connection is closed here, so the next request connects afresh as soon as PostgreSQL
  is back (persistent connections would otherwise carry the dead one on).
"""

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from kernel.api.errors import discard_broken_connections, is_outage, retry_after, unavailable_body

logger = logging.getLogger(__name__)

NUL_MESSAGE = "Null characters are not allowed."


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    """An error page that makes no query: the context processors' user and messages (a
    session lookup each) are shadowed, so it renders while the database is down."""
    context.update(user=None, messages=())
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def error(
    request: HttpRequest, status: int, code: str, message: str, template: str, **extra: Any
) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"code": code, "message": message, **extra}, status=status)
    return page(request, template, status, message=message)


def not_found(request: HttpRequest) -> HttpResponse:
    return error(request, 404, "not_found", "Not found.", "404.html")


def unavailable(request: HttpRequest) -> HttpResponse:
    discard_broken_connections()
    if is_api(request):
        response: HttpResponse = JsonResponse(unavailable_body(), status=503)
    else:
        response = page(request, "503.html", 503)
    response["Retry-After"] = retry_after()
    return response


class EdgeMiddleware:
    """First in ``MIDDLEWARE``: refuses what must not reach a view, and turns a database
    outage in a view into a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return not_found(request)
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            refused = sorted(
                {
                    name.replace("\x00", "")
                    for name, values in request.GET.lists()
                    if "\x00" in name or any("\x00" in value for value in values)
                }
            )
            if refused:
                return error(
                    request,
                    400,
                    "invalid",
                    "The request has invalid fields.",
                    "400.html",
                    errors={name: [NUL_MESSAGE] for name in refused},
                )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            return unavailable(request)
        return None


# --- Django's error views (servicedesk.urls: handler400 ... handler500) ------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error(
            request, 413, "payload_too_large", "The request body is too large.", "400.html"
        )
    return error(request, 400, "bad_request", "The request could not be understood.", "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error(request, 403, "forbidden", "You may not do this.", "403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return not_found(request)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except``: the exception is the one being handled.
    if is_outage(sys.exc_info()[1] or Exception()):
        return unavailable(request)
    return error(request, 500, "server_error", "Something went wrong on our side.", "500.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error(
        request,
        403,
        "csrf_failed",
        "The form expired or came from another site: reload the page and try again.",
        "403.html",
    )
