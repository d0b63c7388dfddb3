"""Incidents per service, category and team (the assignment group), each one GROUP BY
query (docs/metrics.md#breakdowns)."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from incidents.models import OPEN_STATES
from metrics.expressions import Seconds
from metrics.scope import Scope, incidents

DIMENSIONS = {"service": "service", "category": "category", "team": "assignment_group"}


@dataclass(frozen=True)
class Share:
    dimension: str
    id: int | None
    """None: incidents without one."""
    name: str
    incidents: int
    open: int
    """Of them, still open now."""
    mttr_resolve_mean: float | None


def breakdown(scope: Scope, dimension: str, limit: int | None = None) -> list[Share]:
    """Most incidents first (then by name); ``limit`` keeps the top ones."""
    field = DIMENSIONS[dimension]
    rows = (
        incidents(scope)
        .values(field, f"{field}__name")
        .annotate(
            total=Count("pk"),
            still_open=Count("pk", filter=Q(status__in=OPEN_STATES)),
            mttr=Avg(Seconds("resolved_at", "reported_at")),
        )
        .order_by("-total", f"{field}__name")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        Share(
            dimension=dimension,
            id=row[field],
            name=row[f"{field}__name"] or "(none)",
            incidents=row["total"],
            open=row["still_open"],
            mttr_resolve_mean=None if row["mttr"] is None else float(row["mttr"]),
        )
        for row in rows
    ]


def all_breakdowns(scope: Scope) -> list[Share]:
    """The three tables one after another (the API's and the CSV's rows)."""
    return [share for dimension in DIMENSIONS for share in breakdown(scope, dimension)]
