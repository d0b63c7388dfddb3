"""Mean time between failures per service: the mean gap between consecutive incidents'
reported times on the service, in the scope (docs/metrics.md#mtbf).

The gaps between consecutive times add up to the last minus the first, so their mean is
``(max - min) / (n - 1)``: exactly what a LAG() window would average, from one GROUP BY
and no sort."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min

from metrics.expressions import Seconds
from metrics.scope import Scope, incidents


@dataclass(frozen=True)
class ServiceMtbf:
    service: int
    name: str
    incidents: int
    first_reported_at: datetime
    last_reported_at: datetime
    mtbf: float | None
    """Seconds; None with fewer than two incidents."""


def mtbf_per_service(scope: Scope) -> list[ServiceMtbf]:
    """Services with incidents in the scope, the most incidents first."""
    rows = (
        incidents(scope)
        .filter(service__isnull=False)
        .values("service", "service__name")
        .annotate(
            total=Count("pk"),
            first=Min("reported_at"),
            last=Max("reported_at"),
            span=Seconds(Max("reported_at"), Min("reported_at")),
        )
        .order_by("-total", "service__name")
    )
    return [
        ServiceMtbf(
            service=row["service"],
            name=row["service__name"],
            incidents=row["total"],
            first_reported_at=row["first"],
            last_reported_at=row["last"],
            mtbf=float(row["span"]) / (row["total"] - 1) if row["total"] > 1 else None,
        )
        for row in rows
    ]
