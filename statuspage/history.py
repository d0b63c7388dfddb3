"""The 90-day record of each service: per day, how long each impact lasted, from the
public updates. One query over the whole window, whatever the number of services,
incidents or days; it reads only the updates of public incidents that touch the window
(a handful a week even on a large desk), and cutting them into days happens here, so the
same code runs on PostgreSQL and on the SQLite of ``make run``.

Each update holds its impact until the next update of the same incident, or until the
public incident ended (a resolved update, or the incident resolved or closed in the
console), or now. Those segments are cut at local midnight and summed per service, day
and impact. Maintenance is not downtime and is left out, as Statuspage does."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import F, Window
from django.db.models.functions import Lead
from django.utils import timezone

from statuspage.enums import Impact, ServiceStatus, worst
from statuspage.models import StatusUpdate

DAYS = 90
DAY_SECONDS = 86_400
# Statuspage's uptime weighting: a partial outage counts for 30 % of its time, a major
# one fully, degraded performance not at all (the service works, slowly).
DOWNTIME_WEIGHT: dict[str, float] = {Impact.MAJOR_OUTAGE: 1.0, Impact.PARTIAL_OUTAGE: 0.3}


def _duration(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


@dataclass
class Day:
    day: date
    seconds: dict[str, float] = field(default_factory=dict)
    """Impact → seconds that day (capped at a day: overlapping incidents count once)."""

    @property
    def status(self) -> ServiceStatus:
        return worst(*(ServiceStatus(impact) for impact in self.seconds))

    @property
    def label(self) -> str:
        """What the bar says to someone who cannot see its colour."""
        when = f"{self.day.day} {self.day:%B}"
        if not self.seconds:
            return f"{when}: no incidents"
        ranked = sorted(self.seconds.items(), key=lambda kv: -list(Impact.values).index(kv[0]))
        parts = [f"{Impact(impact).label.lower()} for {_duration(s)}" for impact, s in ranked]
        return f"{when}: " + ", ".join(parts)


@dataclass
class ServiceHistory:
    days: list[Day]
    elapsed: float
    """Seconds in the window so far (today counts up to now)."""

    @property
    def uptime(self) -> float:
        """Percent of the window up, with Statuspage's weighting."""
        down = sum(
            min(DAY_SECONDS, sum(DOWNTIME_WEIGHT.get(k, 0.0) * v for k, v in day.seconds.items()))
            for day in self.days
        )
        return max(0.0, 100.0 * (1 - down / self.elapsed)) if self.elapsed else 100.0


def _midnight(day: date, zone: tzinfo) -> datetime:
    """Local midnight starting ``day`` (days are 23 or 25 hours long across DST)."""
    return timezone.make_aware(datetime.combine(day, time.min), zone)


def _segments(
    service_ids: list[int], *, start: datetime, now: datetime
) -> list[tuple[int, str, datetime, datetime]]:
    """(service, impact, from, to) for every stretch an update's impact held: until the
    next update of the same incident, the public incident's end (a resolved update, or the
    incident resolved or closed in the console), or now."""
    if not service_ids:
        return []
    public = "public_incident"
    incident = f"{public}__incident"
    rows = (
        StatusUpdate.objects.filter(
            **{f"{incident}__service_id__in": service_ids}, created_at__lt=now
        )
        # Whole incidents only (so the window below sees each one's every update): those
        # that ended before the window starts cannot reach into it.
        .exclude(**{f"{public}__resolved_at__lt": start})
        .exclude(**{f"{incident}__resolved_at__lt": start})
        .exclude(**{f"{incident}__closed_at__lt": start})
        .annotate(
            next_at=Window(
                Lead("created_at"),
                partition_by=[F("public_incident_id")],
                order_by=[F("created_at").asc(), F("id").asc()],
            )
        )
        .values_list(
            f"{incident}__service_id",
            "impact",
            "created_at",
            "next_at",
            f"{public}__resolved_at",
            f"{incident}__resolved_at",
            f"{incident}__closed_at",
        )
    )
    segments = []
    for service_id, impact, begins, *ends in rows:
        end = min([t for t in ends if t is not None] + [now])
        if end > begins:
            segments.append((service_id, impact, begins, end))
    return segments


def service_history(
    service_ids: list[int], *, now: datetime | None = None, days: int = DAYS
) -> dict[int, ServiceHistory]:
    """Each service's last ``days`` days (today last), in the current time zone."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    start = _midnight(first, zone)
    found: dict[tuple[int, date], dict[str, float]] = {}
    for service_id, impact, begins, ends in _segments(service_ids, start=start, now=now):
        day = max(first, timezone.localtime(begins, zone).date())
        while True:
            day_start, day_end = _midnight(day, zone), _midnight(day + timedelta(days=1), zone)
            if day_start >= ends:
                break
            overlap = (min(ends, day_end) - max(begins, day_start)).total_seconds()
            if overlap > 0:
                spent = found.setdefault((service_id, day), {})
                spent[impact] = min(DAY_SECONDS, spent.get(impact, 0.0) + overlap)
            day += timedelta(days=1)
    elapsed = (now - start).total_seconds()
    return {
        pk: ServiceHistory(
            [
                Day(first + timedelta(days=n), found.get((pk, first + timedelta(days=n)), {}))
                for n in range(days)
            ],
            elapsed,
        )
        for pk in service_ids
    }
