"""``/metrics`` for Prometheus (prometheus_client). docs/operations.md#metrics.

Two kinds of series:

- Request latency, a histogram observed by ``RequestMetricsMiddleware`` in each process. By
  route (the resolved URL pattern's name, never the raw path: bounded cardinality), method
  and status class. Under gunicorn each worker has its own; deploy/serve.py gives them a
  shared ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds them up from there.
- Outbox backlog, deliveries by channel and result, and escalation pages, read from the
  database when Prometheus scrapes: the rows are the truth, shared by every web node and
  worker, so no counter needs to live in a process.

Access: a bearer token (``METRICS_TOKEN``) or the client's address in
``METRICS_ALLOWED_NETWORKS`` (``REMOTE_ADDR`` only, never a forwarded header). With neither
set the endpoint does not exist (404).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from oncall.models import Page

# Not in prometheus_client's global registry: each scrape builds its own (below), with
# this histogram in one process or the multiprocess files under gunicorn.
REQUEST_LATENCY = Histogram(
    "servicedesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by route, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"  # 404s: never the raw path, which a client chooses
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    """Times the whole answer, whatever produced it: placed before every middleware but
    the CSP and the probes (``servicedesk.probes``), which are not timed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_LATENCY.labels(
            route_of(request), method, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


class DatabaseCollector(Collector):
    """Series read from the database at scrape time: a few indexed or small queries."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        # The relay's partial index (status = pending) keeps these two cheap at any log size.
        pending = Notification.objects.filter(status=DeliveryStatus.PENDING).aggregate(
            count=Count("pk"), oldest=Min("created_at")
        )
        due = (
            Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        yield GaugeMetricFamily(
            "servicedesk_outbox_backlog",
            "Notifications not yet delivered (pending), retries waiting included.",
            value=pending["count"],
        )
        oldest = pending["oldest"]
        yield GaugeMetricFamily(
            "servicedesk_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending notification (0 when none).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        yield GaugeMetricFamily(
            "servicedesk_outbox_oldest_due_age_seconds",
            "How long the oldest pending notification whose attempt time has come has "
            "waited past it (0 when none): the relay's or the workers' lag.",
            value=(now - due).total_seconds() if due else 0.0,
        )
        # One grouped count over the delivery log: the one query here that grows with the
        # log (about 0.1 s a million rows on PostgreSQL); the log's retention bounds it.
        deliveries = CounterMetricFamily(
            "servicedesk_notification_deliveries",
            "Notifications that reached a result, by channel: delivered, or failed (gave up).",
            labels=["channel", "result"],
        )
        counts = {
            (row["channel"], row["status"]): row["n"]
            for row in Notification.objects.order_by()
            .exclude(status=DeliveryStatus.PENDING)
            .values("channel", "status")
            .annotate(n=Count("pk"))
        }
        for channel in Channel.values:
            for result in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
                deliveries.add_metric([channel, result.value], counts.get((channel, result), 0))
        yield deliveries
        yield CounterMetricFamily(
            "servicedesk_escalation_pages",
            "People paged by on-call escalations.",
            value=Page.objects.count(),
        )


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(DatabaseCollector())
    return registry


def _allowed_by_network(request: HttpRequest) -> bool:
    networks: list[str] = settings.METRICS_ALLOWED_NETWORKS
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _allowed_by_token(request: HttpRequest) -> bool:
    token: str = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_NETWORKS:
        return HttpResponseNotFound("Not Found\n")  # off: as if it did not exist
    if not (_allowed_by_token(request) or _allowed_by_network(request)):
        return HttpResponseForbidden("metrics: a bearer token or an allowed network is needed\n")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
