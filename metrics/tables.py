"""Every report as a table: named columns and rows of plain values (seconds as floats,
times as datetimes). The API answers them as JSON and CSV, the reports page shows them
under its charts; one source for all three."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kernel.enums import Priority
from metrics.backlog import backlog
from metrics.breakdown import all_breakdowns
from metrics.change_failure import change_failure
from metrics.compliance import compliance
from metrics.durations import MEASURES, Summary, summary, summary_by_priority
from metrics.mtbf import mtbf_per_service
from metrics.scope import Scope
from metrics.trend import TREND_MEASURES, weekly

STATS = ("count", "mean", "p50", "p90")


@dataclass(frozen=True)
class Table:
    name: str
    """The file name's stem and the API path's last word."""
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)
    """Figures beside the rows (the summary's rates, the backlog's instant)."""


def incidents_table(scope: Scope) -> Table:
    result = summary(scope)
    rows = [
        {"measure": s.key, "label": s.label, "count": s.count}
        | {"mean": s.mean, "p50": s.p50, "p90": s.p90}
        for s in result.measures
    ]
    extra = {"incidents": result.incidents, **rates(result)}
    return Table("incidents", ("measure", "label", *STATS), rows, extra)


# A summary's counts and rates beside its measures (``Summary`` attributes).
RATES = (
    "reopened",
    "reopen_rate",
    "reassignments_per_incident",
    "made_sla_recorded",
    "made_sla",
    "made_sla_rate",
)


def rates(result: Summary) -> dict[str, Any]:
    return {name: getattr(result, name) for name in RATES}


def priorities_table(scope: Scope) -> Table:
    columns = ["priority", "label", "incidents", *RATES]
    columns += [f"{m.key}_{stat}" for m in MEASURES for stat in STATS]
    labels: dict[int | None, str] = dict(Priority.choices)
    rows = []
    for result in summary_by_priority(scope):
        row: dict[str, Any] = {
            "priority": result.priority,
            "label": labels.get(result.priority, str(result.priority)),
            "incidents": result.incidents,
        }
        row |= rates(result)
        for stats in result.measures:
            row |= {f"{stats.key}_{stat}": getattr(stats, stat) for stat in STATS}
        rows.append(row)
    return Table("priorities", tuple(columns), rows)


def trend_table(scope: Scope) -> Table:
    columns = ["week", "start", "incidents"]
    columns += [f"{key}_{stat}" for key in TREND_MEASURES for stat in STATS]
    rows = []
    for week in weekly(scope):
        row: dict[str, Any] = {"week": week.label, "start": week.start, "incidents": week.incidents}
        for stats in week.measures:
            row |= {f"{stats.key}_{stat}": getattr(stats, stat) for stat in STATS}
        rows.append(row)
    return Table("trend", tuple(columns), rows)


def breakdown_table(scope: Scope) -> Table:
    columns = ("dimension", "id", "name", "incidents", "open", "mttr_resolve_mean")
    rows = [
        {column: getattr(share, column) for column in columns} for share in all_breakdowns(scope)
    ]
    return Table("breakdown", columns, rows)


def backlog_table(scope: Scope) -> Table:
    rows: list[dict[str, Any]] = [
        {"bucket": b.key, "label": b.label, "incidents": b.incidents} for b in backlog(scope)
    ]
    extra = {"at": scope.at, "total": sum(b["incidents"] for b in rows)}
    return Table("backlog", ("bucket", "label", "incidents"), rows, extra)


def services_table(scope: Scope) -> Table:
    columns = ("service", "name", "incidents", "first_reported_at", "last_reported_at", "mtbf")
    rows = [{column: getattr(m, column) for column in columns} for m in mtbf_per_service(scope)]
    return Table("services", columns, rows)


def changes_table(scope: Scope) -> Table:
    rows = [
        {"type": c.type, "changes": c.changes, "failed": c.failed, "rate": c.rate}
        for c in change_failure(scope)
    ]
    return Table("changes", ("type", "changes", "failed", "rate"), rows)


def sla_table(scope: Scope) -> Table:
    columns = ("target", "priority", "clocks", "made", "missed", "rate")
    rows = [{column: getattr(c, column) for column in columns} for c in compliance(scope)]
    return Table("sla", columns, rows)


def period(scope: Scope) -> dict[str, datetime]:
    return {"from": scope.start, "to": scope.end}
