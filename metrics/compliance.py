"""SLA compliance: of the SLA clocks that stopped (not canceled) on the scope's incidents,
the share that made their target, per target, overall and per priority; one GROUP BY
query over the clocks (docs/metrics.md#sla-compliance)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from metrics.scope import Scope
from sla.models import Clock, Target

ALL_PRIORITIES = None


@dataclass(frozen=True)
class Compliance:
    target: str
    """``sla.models.Target``: response or resolution."""
    priority: int | None
    """None: every priority."""
    clocks: int
    made: int

    @property
    def missed(self) -> int:
        return self.clocks - self.made

    @property
    def rate(self) -> float | None:
        return self.made / self.clocks if self.clocks else None


def stopped_clocks(scope: Scope) -> Q:
    """Clocks that stopped and were not canceled, on the scope's incidents: only those
    have met or missed their target (``Clock.made_sla``)."""
    return (
        Q(stopped_at__isnull=False, cancelled_at__isnull=True)
        & scope.period_q("incident__")
        & scope.filters_q("incident__")
    )


def compliance(scope: Scope) -> list[Compliance]:
    """Per target (response first): the overall row, then one per priority that has
    clocks, in priority order."""
    rows = (
        Clock.objects.using(scope.using)
        .filter(stopped_clocks(scope))
        .values("target", "incident__priority")
        .annotate(clocks=Count("pk"), made=Count("pk", filter=Q(made_sla=True)))
        .order_by("target", "incident__priority")
    )
    by_target: dict[str, list[Compliance]] = {target.value: [] for target in Target}
    for row in rows:  # a row per target and priority: a handful, not one per clock
        by_target[row["target"]].append(
            Compliance(row["target"], row["incident__priority"], row["clocks"], row["made"])
        )
    result = []
    for target, per_priority in by_target.items():
        clocks = sum(c.clocks for c in per_priority)
        made = sum(c.made for c in per_priority)
        result += [Compliance(target, ALL_PRIORITIES, clocks, made), *per_priority]
    return result
