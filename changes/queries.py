"""Reads change management needs, each computed in the database."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet

from changes.models import Change, ChangeIncident, Status


@dataclass(frozen=True)
class FailureRate:
    closed: int
    failed: int
    """Closed changes that caused at least one incident."""

    @property
    def rate(self) -> float | None:
        return self.failed / self.closed if self.closed else None


def failure_rate(changes: QuerySet[Change] | None = None) -> FailureRate:
    """The change failure rate: the share of closed changes that caused at least one
    incident, in one aggregate query."""
    caused = ChangeIncident.objects.filter(change=OuterRef("pk"))
    closed = (changes if changes is not None else Change.objects.all()).filter(status=Status.CLOSED)
    totals = closed.aggregate(closed=Count("pk"), failed=Count("pk", filter=Exists(caused)))
    return FailureRate(closed=totals["closed"], failed=totals["failed"])


CALENDAR_STATES = (Status.AUTHORIZE, Status.SCHEDULED, Status.IMPLEMENT, Status.REVIEW)


def on_calendar(start: datetime, end: datetime, service_id: int | None) -> QuerySet[Change]:
    """Changes whose planned window meets [start, end): scheduled and in-flight ones, and
    those awaiting authorization (shown as tentative)."""
    changes = Change.objects.filter(
        status__in=CALENDAR_STATES, planned_start__lt=end, planned_end__gt=start
    )
    if service_id is not None:
        changes = changes.filter(services=service_id)
    return changes.prefetch_related("services").order_by("planned_start", "number")
