"""``/health/`` and ``/metrics`` answered before the host check and the HTTPS redirect.

A load balancer probes a node by its address, so its ``Host`` header is not in
``ALLOWED_HOSTS``, and Prometheus scrapes over plain HTTP on the internal network behind
TLS termination: in the normal stack either would turn every probe into a 400 or a 301.
This middleware sits after the CSP middleware (the HTML health page gets the policy too)
and before ``SecurityMiddleware`` and ``CommonMiddleware``; neither endpoint reads the
session or the user. docs/operations.md#health-checks and #metrics.
"""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse

from servicedesk.health import health_view
from servicedesk.metrics import metrics_view

HEALTH_PATH = "/health/"
METRICS_PATH = "/metrics"


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path_info == HEALTH_PATH:
            # django-health-check's view is async; Django's handler would adapt it the same way.
            response: HttpResponse = async_to_sync(health_view)(request)
            if hasattr(response, "render"):
                response.render()
            return response
        if request.path_info == METRICS_PATH:
            return metrics_view(request)
        return self.get_response(request)
