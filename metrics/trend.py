"""The weekly trend: incidents, MTTA and both MTTRs (mean and median) per ISO week of
the reported time, in UTC; one GROUP BY query (docs/metrics.md#the-weekly-trend)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek

from metrics.durations import BY_KEY, Stats, stats_aggregates, stats_from
from metrics.scope import Scope, incidents

TREND_MEASURES = ("mtta", "mttr_recover", "mttr_resolve")


@dataclass(frozen=True)
class Week:
    start: datetime
    """Monday 00:00 UTC of the ISO week."""
    incidents: int
    measures: tuple[Stats, ...]

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


def week_start(at: datetime) -> datetime:
    day = at.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def weekly(scope: Scope) -> list[Week]:
    """Every week the period touches, oldest first; a week without incidents is there
    with a count of 0 and no figures (a chart shows the gap)."""
    aggregates: dict[str, Any] = {"total": Count("pk")}
    for key in TREND_MEASURES:
        aggregates.update(stats_aggregates(BY_KEY[key].expression(), key))
    rows = (
        incidents(scope)
        .annotate(week=TruncWeek("reported_at", tzinfo=UTC))
        .values("week")
        .annotate(**aggregates)
        .order_by("week")
    )
    found: dict[datetime, Any] = {week_start(row["week"]): row for row in rows}
    weeks, start = [], week_start(scope.start)
    # Loops over weeks (a few dozen), not over incidents.
    while start < scope.end:
        row = found.get(start)
        measures = tuple(
            stats_from(row, BY_KEY[key]) if row else Stats(key, BY_KEY[key].label, 0, *_NONE)
            for key in TREND_MEASURES
        )
        weeks.append(Week(start=start, incidents=row["total"] if row else 0, measures=measures))
        start += timedelta(days=7)
    return weeks


_NONE = (None, None, None)
