"""MTTD, MTTA, MTTR-recover and MTTR-resolve, the reopened and made-SLA counts and the
per-incident rates, for the incidents of a scope: one aggregate query, or one GROUP BY
priority for the same figures per priority (docs/metrics.md#the-summary)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, Count, Expression, FloatField, Q, Value, When

from metrics.expressions import Percentile, Seconds
from metrics.scope import Scope, incidents


@dataclass(frozen=True)
class Measure:
    """The time from one milestone to another, per incident where both are recorded."""

    key: str
    label: str
    end: str
    start: str

    def expression(self) -> Expression:
        return Seconds(self.end, self.start)


MEASURES = (
    Measure("mttd", "Mean time to detect", "detected_at", "impact_started_at"),
    Measure("mtta", "Mean time to acknowledge", "acknowledged_at", "reported_at"),
    Measure("mttr_recover", "Mean time to recover", "mitigated_at", "reported_at"),
    Measure("mttr_resolve", "Mean time to resolve", "resolved_at", "reported_at"),
)
BY_KEY = {measure.key: measure for measure in MEASURES}


@dataclass(frozen=True)
class Stats:
    """Seconds: the mean, the median, the 90th percentile, over ``count`` incidents (the
    ones with both timestamps). All None when the count is 0."""

    key: str
    label: str
    count: int
    mean: float | None
    p50: float | None
    p90: float | None


@dataclass(frozen=True)
class Summary:
    incidents: int
    measures: tuple[Stats, ...]
    reopen_rate: float | None
    """Share of the incidents reopened at least once (None without incidents)."""
    reassignments_per_incident: float | None
    """Mean reassignment count (None without incidents)."""
    reopened: int = 0
    """Incidents reopened at least once."""
    made_sla_recorded: int = 0
    """Incidents whose ``made_sla`` is recorded (not None: every clock stopped, or the
    source's own flag for an imported incident)."""
    made_sla: int = 0
    """Of them, the ones that made it."""
    priority: int | None = None
    """The priority these incidents have (``summary_by_priority``); None: every one."""

    @property
    def made_sla_rate(self) -> float | None:
        """Share of the incidents with a recorded flag that made their SLA."""
        return self.made_sla / self.made_sla_recorded if self.made_sla_recorded else None


def stats_aggregates(expression: Expression, prefix: str) -> dict[str, Any]:
    """The four aggregates of one measure, named ``<prefix>_count`` and so on."""
    return {
        f"{prefix}_count": Count(expression),
        f"{prefix}_mean": Avg(expression),
        f"{prefix}_p50": Percentile(expression, 0.5),
        f"{prefix}_p90": Percentile(expression, 0.9),
    }


def stats_from(row: Mapping[str, Any], measure: Measure, prefix: str | None = None) -> Stats:
    prefix = prefix or measure.key
    mean = row[f"{prefix}_mean"]
    return Stats(
        key=measure.key,
        label=measure.label,
        count=int(row[f"{prefix}_count"] or 0),
        mean=None if mean is None else float(mean),
        p50=row[f"{prefix}_p50"],
        p90=row[f"{prefix}_p90"],
    )


def summary_aggregates() -> dict[str, Any]:
    """What a summary counts, over the scope or per group."""
    aggregates: dict[str, Any] = {"total": Count("pk")}
    for measure in MEASURES:
        aggregates.update(stats_aggregates(measure.expression(), measure.key))
    reopened = Case(When(reopen_count__gt=0, then=Value(1.0)), default=Value(0.0))
    aggregates["reopen_rate"] = Avg(reopened, output_field=FloatField())
    aggregates["reopened"] = Count("pk", filter=Q(reopen_count__gt=0))
    aggregates["reassignments"] = Avg("reassignment_count", output_field=FloatField())
    aggregates["sla_recorded"] = Count("made_sla")
    aggregates["sla_made"] = Count("pk", filter=Q(made_sla=True))
    return aggregates


def summary_from(row: Mapping[str, Any], priority: int | None = None) -> Summary:
    return Summary(
        incidents=row["total"],
        measures=tuple(stats_from(row, measure) for measure in MEASURES),
        reopen_rate=_float(row["reopen_rate"]),
        reassignments_per_incident=_float(row["reassignments"]),
        reopened=row["reopened"],
        made_sla_recorded=row["sla_recorded"],
        made_sla=row["sla_made"],
        priority=priority,
    )


def summary(scope: Scope) -> Summary:
    """Every measure and rate of the scope's incidents, in one query."""
    return summary_from(incidents(scope).aggregate(**summary_aggregates()))


def summary_by_priority(scope: Scope) -> list[Summary]:
    """The summary of each priority the scope's incidents have, highest (1) first: one
    GROUP BY query (a row per priority, not per incident)."""
    rows = incidents(scope).values("priority").annotate(**summary_aggregates()).order_by("priority")
    return [summary_from(row, row["priority"]) for row in rows]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
