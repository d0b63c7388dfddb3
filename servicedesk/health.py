"""``/health/`` for load balancers and orchestrators (django-health-check).

Database and cache failures answer 503: this node cannot serve. The broker and the
outbox's backlog are the workers' business: a failure there is reported as a warning in
the body and keeps the answer 200, since taking every web node out of the load balancer
would not bring a broker back, while the site itself still takes reports (the outbox keeps
them until the relay publishes). JSON with ``Accept: application/json`` or ``?format=json``.
docs/operations.md#health-checks.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import ServiceWarning
from health_check.views import HealthCheckView

from notifications.enums import DeliveryStatus
from notifications.models import Notification


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection: no worker round trip, which would make the
    web nodes' health depend on the workers'."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        from servicedesk.celery import app

        try:
            with app.connection_for_write(connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=0, timeout=2)
        except Exception as e:  # kombu raises the transport's own errors, of many kinds
            raise ServiceWarning(f"broker unreachable: {type(e).__name__}") from e


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    """The oldest notification that is due and still undelivered is younger than
    ``HEALTH_OUTBOX_MAX_AGE`` seconds. Pending rows waiting for a later retry are not
    late; rows past their attempt time are, and an old one means the relay or the
    workers are stuck. Reads the relay's own partial index (``notification_due``)."""

    def run(self) -> None:
        now = timezone.now()
        # A connection of its own, closed afterwards: checks run on a thread pool, and a
        # connection left open there would outlive the request.
        with connection.temporary_connection():
            oldest = (
                Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at")
                .values_list("next_attempt_at", flat=True)
                .first()
            )
        if oldest is None:
            return
        age = (now - oldest).total_seconds()
        if age > settings.HEALTH_OUTBOX_MAX_AGE:
            raise ServiceWarning(f"oldest due notification waits for {age:.0f} s")


def configured_checks() -> list[Any]:
    checks: list[Any] = ["health_check.checks.Database", "health_check.checks.Cache"]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks.append(Broker)
    checks.append(OutboxBacklog)
    return checks


def node_failed(results: list[HealthCheckResult]) -> bool:
    """A check failed with an error, not a warning: this node cannot serve."""
    return any(r.error is not None and not isinstance(r.error, ServiceWarning) for r in results)


class HealthView(HealthCheckView):
    template_name = "health/index.html"

    def get_checks(self) -> Any:
        self.checks = configured_checks()
        return super().get_checks()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = await super().get(request, *args, **kwargs)
        # The library answers 500 on any failure, warnings included. Here only what stops
        # this node from serving is an error, and its status is 503, as load balancers
        # expect of a node that is up but unable to serve.
        if response.status_code == 500:
            response.status_code = 503 if node_failed(self.results) else 200
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failed"] = node_failed(self.results)
        return context


health_view = HealthView.as_view()
