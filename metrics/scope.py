"""What a report is about: a period and the filters every metric takes (docs/metrics.md).

A ``Scope`` is plain data: the API and the reports page build it from their form
(``metrics.forms``), the functions read it. ``incidents(scope)`` is the one place the
filters meet the incident table."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from incidents.models import Incident

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class Scope:
    """Incidents reported in ``[start, end)`` matching every given filter; an empty
    filter does not filter. Each filter is a tuple: any of its values matches."""

    start: datetime
    end: datetime
    services: tuple[int, ...] = ()
    teams: tuple[int, ...] = ()
    priorities: tuple[int, ...] = ()
    severities: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    now: datetime = field(default_factory=timezone.now)
    using: str = "default"
    """The database alias read (a test runs the same report on SQLite)."""

    @classmethod
    def last(cls, days: int = DEFAULT_DAYS, **filters: Any) -> "Scope":
        """The ``days`` up to now, the default period of the API and the page."""
        now = timezone.now()
        return cls(start=now - timedelta(days=days), end=now, now=now, **filters)

    @property
    def at(self) -> datetime:
        """The instant the backlog is read at: the period's end, or now if that is later
        than now (a period ending in the future has no backlog there yet)."""
        return min(self.end, self.now)

    def filters_q(self, prefix: str = "") -> Q:
        """The filters (not the period) on incidents reached through ``prefix``."""
        q = Q()
        for name, values in (
            ("service", self.services),
            ("assignment_group", self.teams),
            ("priority", self.priorities),
            ("severity", self.severities),
            ("category", self.categories),
        ):
            if values:
                q &= Q(**{f"{prefix}{name}__in": values})
        return q

    def period_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}reported_at__gte": self.start, f"{prefix}reported_at__lt": self.end})


def incidents(scope: Scope) -> QuerySet[Incident]:
    """The incidents a report counts: reported in the period, matching the filters. No
    ordering: every caller aggregates."""
    return (
        Incident.objects.using(scope.using).filter(scope.period_q() & scope.filters_q()).order_by()
    )
