"""The independent computation the metrics are checked against: plain Python over the
incident rows read back with ``.values()``, the textbook definitions, no SQL aggregate."""

import itertools
import math
from datetime import UTC, datetime, timedelta
from statistics import fmean

from incidents.models import Incident
from metrics.scope import Scope
from sla.models import Clock

FIELDS = (
    "pk", "status", "service", "service__name", "assignment_group", "assignment_group__name",
    "category", "category__name", "priority", "severity", "reopen_count", "reassignment_count",
    "made_sla", "impact_started_at", "detected_at", "reported_at", "acknowledged_at",
    "mitigated_at", "resolved_at", "closed_at",
)  # fmt: skip
PAIRS = {
    "mttd": ("detected_at", "impact_started_at"),
    "mtta": ("acknowledged_at", "reported_at"),
    "mttr_recover": ("mitigated_at", "reported_at"),
    "mttr_resolve": ("resolved_at", "reported_at"),
}


def rows() -> list[dict]:
    return list(Incident.objects.values(*FIELDS))


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (the C = 1 variant; Hyndman & Fan 7)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def matches(row: dict, scope: Scope) -> bool:
    filters = {
        "service": scope.services,
        "assignment_group": scope.teams,
        "priority": scope.priorities,
        "severity": scope.severities,
        "category": scope.categories,
    }
    return all(not values or row[name] in values for name, values in filters.items())


def in_scope(all_rows: list[dict], scope: Scope) -> list[dict]:
    return [
        r for r in all_rows if scope.start <= r["reported_at"] < scope.end and matches(r, scope)
    ]


def stats(selected: list[dict], key: str) -> dict:
    end, start = PAIRS[key]
    values = [
        (r[end] - r[start]).total_seconds()
        for r in selected
        if r[end] is not None and r[start] is not None
    ]
    return {
        "count": len(values),
        "mean": fmean(values) if values else None,
        "p50": percentile(values, 0.5),
        "p90": percentile(values, 0.9),
    }


def clock_rows() -> list[dict]:
    """Every clock with its incident's fields under the incident's own names."""
    fields = ("target", "made_sla", "stopped_at", "cancelled_at")
    incident_fields = (
        "reported_at",
        "service",
        "assignment_group",
        "priority",
        "severity",
        "category",
    )
    return [
        {**{f: row[f] for f in fields}, **{f: row[f"incident__{f}"] for f in incident_fields}}
        for row in Clock.objects.values(*fields, *(f"incident__{f}" for f in incident_fields))
    ]


def compliance(clocks: list[dict], scope: Scope, target: str, priority: int | None) -> dict:
    counted = [
        c
        for c in in_scope(clocks, scope)
        if c["target"] == target
        and c["stopped_at"] is not None
        and c["cancelled_at"] is None
        and (priority is None or c["priority"] == priority)
    ]
    return {"clocks": len(counted), "made": sum(1 for c in counted if c["made_sla"] is True)}


def week_of(at: datetime) -> datetime:
    day = at.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def open_at(all_rows: list[dict], scope: Scope) -> list[dict]:
    at = scope.at
    return [
        r
        for r in all_rows
        if matches(r, scope)
        and r["reported_at"] <= at
        and (r["resolved_at"] is None or r["resolved_at"] > at)
        and (r["closed_at"] is None or r["closed_at"] > at)
    ]


def consecutive_gaps(selected: list[dict], service: int) -> list[float]:
    """What a LAG() window would give: each incident's gap to the one before it."""
    times = sorted(r["reported_at"] for r in selected if r["service"] == service)
    return [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
