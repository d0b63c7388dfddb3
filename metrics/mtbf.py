"""Mean time between failures per service: the mean gap between consecutive incidents'
reported times on the service, in the scope (docs/metrics.md#mtbf).

The gaps between consecutive times add up to the last minus the first, so their mean is
``(max - min) / (n - 1)``: exactly what a LAG() window would average, from one GROUP BY
and no sort."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min

from metrics.breakdown import SHARE_AGGREGATES, Share, share
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


# Grouped by service, with its name.
SERVICE = ("service", "service__name")
# What the MTBF of a service is made of, per group.
MTBF_AGGREGATES: dict[str, Any] = {
    "total": Count("pk"),
    "first": Min("reported_at"),
    "last": Max("reported_at"),
    "span": Seconds(Max("reported_at"), Min("reported_at")),
}


def mtbf_per_service(scope: Scope) -> list[ServiceMtbf]:
    """Services with incidents in the scope, the most incidents first."""
    rows = (
        incidents(scope)
        .filter(service__isnull=False)
        .values(*SERVICE)
        .annotate(**MTBF_AGGREGATES)
        .order_by("-total", "service__name")
    )
    return [_mtbf(row) for row in rows]


def _mtbf(row: Mapping[str, Any]) -> ServiceMtbf:
    return ServiceMtbf(
        service=row["service"],
        name=row["service__name"],
        incidents=row["total"],
        first_reported_at=row["first"],
        last_reported_at=row["last"],
        mtbf=float(row["span"]) / (row["total"] - 1) if row["total"] > 1 else None,
    )


def services_and_mtbf(scope: Scope, limit: int) -> tuple[list[Share], list[ServiceMtbf]]:
    """The reports page's two per-service tables from one GROUP BY (one scan of the
    period, not two): ``breakdown(scope, "service", limit)`` and ``mtbf_per_service``,
    which order alike (most incidents, then name); the MTBF table leaves out the incidents
    without a service."""
    rows = (
        incidents(scope)
        .values(*SERVICE)
        .annotate(**{**SHARE_AGGREGATES, **MTBF_AGGREGATES})
        .order_by("-total", "service__name")
    )
    shares: list[Share] = []
    mtbf: list[ServiceMtbf] = []
    for row in rows:  # a row per service: a handful, not one per incident
        if len(shares) < limit:
            shares.append(
                share(
                    "service",
                    row["service"],
                    row["service__name"],
                    row["total"],
                    row["still_open"],
                    row["mttr"],
                )
            )
        if row["service"] is not None:
            mtbf.append(_mtbf(row))
    return shares, mtbf
