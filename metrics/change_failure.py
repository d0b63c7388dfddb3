"""Change failure rate: the share of changes closed in the period that failed, overall
and per change type; one GROUP BY query (docs/metrics.md#change-failure-rate).

A change failed when it was closed *unsuccessful* (``changes.models.CloseCode``) or caused
an incident (``ChangeIncident``, the "caused incidents" link), whichever way it was closed.
Canceled changes were never carried out and do not count."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from changes.models import Change, ChangeIncident, CloseCode, Status, Type
from metrics.scope import Scope

OVERALL = "all"


@dataclass(frozen=True)
class ChangeFailure:
    type: str
    """A change type, or "all"."""
    changes: int
    failed: int

    @property
    def rate(self) -> float | None:
        return self.failed / self.changes if self.changes else None


def closed_changes(scope: Scope) -> QuerySet[Change]:
    """Closed in the period and matching the filters a change has: service (its own or
    one of its affected services), team, priority, category. Severity is an incident's
    and is not applied."""
    q = Q(status=Status.CLOSED, closed_at__gte=scope.start, closed_at__lt=scope.end)
    if scope.services:
        affected = Change.services.through.objects.filter(
            change=OuterRef("pk"), service__in=scope.services
        )
        q &= Q(service__in=scope.services) | Q(Exists(affected))
    for name, values in (
        ("assignment_group", scope.teams),
        ("priority", scope.priorities),
        ("category", scope.categories),
    ):
        if values:
            q &= Q(**{f"{name}__in": values})
    return Change.objects.using(scope.using).filter(q).order_by()


def change_failure(scope: Scope) -> list[ChangeFailure]:
    """ "all" first, then every change type (0 when none closed)."""
    caused = ChangeIncident.objects.filter(change=OuterRef("pk"))
    failed = Q(close_code=CloseCode.UNSUCCESSFUL) | Q(Exists(caused))
    rows = {
        row["type"]: row
        for row in closed_changes(scope)
        .values("type")
        .annotate(total=Count("pk"), failed=Count("pk", filter=failed))
    }
    per_type = [
        ChangeFailure(
            kind.value,
            rows[kind]["total"] if kind in rows else 0,
            rows[kind]["failed"] if kind in rows else 0,
        )
        for kind in Type
    ]
    overall = ChangeFailure(
        OVERALL, sum(row.changes for row in per_type), sum(row.failed for row in per_type)
    )
    return [overall, *per_type]
