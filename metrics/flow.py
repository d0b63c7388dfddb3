"""Incidents created and resolved per day, and the open ones by priority: the agents'
home shows both (``metrics.home``). Each is one GROUP BY on an index (``reported_at``,
``inc_metrics_resolved``, ``inc_status_priority``), bounded by the days asked for or by the
open incidents, whatever the size of the table."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from incidents.models import OPEN_STATES, Incident
from kernel.enums import Priority


@dataclass(frozen=True)
class Day:
    day: date
    created: int
    resolved: int


def daily_flow(days: int, now: datetime | None = None) -> list[Day]:
    """The last ``days`` days up to today (in the current time zone), oldest first; a day
    without incidents is there with zeros. Resolved means the resolved time fell that day,
    whatever happened to the incident since."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), tzinfo=timezone.get_current_timezone())
    created = _per_day("reported_at", since)
    resolved = _per_day("resolved_at", since)
    span = (first + timedelta(days=n) for n in range(days))
    return [Day(day, created.get(day, 0), resolved.get(day, 0)) for day in span]


def _per_day(field: str, since: datetime) -> dict[date, int]:
    """Incidents per day of ``field`` (in the current time zone) from ``since`` on."""
    return dict(
        Incident.objects.filter(**{f"{field}__gte": since})
        .order_by()
        .annotate(day=TruncDate(field))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )


def open_by_priority() -> list[tuple[Priority, int]]:
    """Every priority, most urgent first, with its open incidents (0 too)."""
    found = dict(
        Incident.objects.filter(status__in=OPEN_STATES)
        .order_by()
        .values("priority")
        .annotate(n=Count("pk"))
        .values_list("priority", "n")
    )
    return [(priority, found.get(priority, 0)) for priority in Priority]
