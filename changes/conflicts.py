"""Conflict detection before a change is scheduled: another booked change on one of its
services overlapping its window, or a blackout window covering it. Windows are half-open
[start, end), so back-to-back windows that only touch do not conflict."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from changes.models import IN_FLIGHT, BlackoutWindow, Change
from kernel.errors import WorkflowError


@dataclass(frozen=True)
class Conflict:
    kind: str
    """``change`` or ``blackout``"""
    reference: str
    """The other change's number or the blackout window's name."""
    start: datetime
    end: datetime

    def __str__(self) -> str:
        what = "change" if self.kind == "change" else "blackout window"
        return f"{what} {self.reference} ({self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M})"


class ScheduleConflict(WorkflowError):
    """The change's window collides with another change or a freeze."""

    code = "schedule_conflict"
    http_status = 409

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            "Cannot schedule: the window conflicts with "
            + "; ".join(str(conflict) for conflict in conflicts)
            + ". A manager may override with a reason."
        )


def conflicts_for(change: Change) -> list[Conflict]:
    """Two queries, whatever the number of changes and windows."""
    start, end = change.planned_start, change.planned_end
    if start is None or end is None:
        return []
    services = list(change.services.values_list("pk", flat=True))
    others = (
        Change.objects.filter(
            status__in=IN_FLIGHT,
            services__in=services,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .exclude(pk=change.pk)
        .values_list("number", "planned_start", "planned_end")
        .distinct()
        .order_by("planned_start", "number")
    )
    blackouts = BlackoutWindow.objects.filter(start__lt=end, end__gt=start).filter(
        Q(service__isnull=True) | Q(service__in=services)
    )
    return [
        Conflict("change", number, other_start, other_end)
        for number, other_start, other_end in others
        if other_start is not None and other_end is not None  # the filter guarantees it
    ] + [Conflict("blackout", window.name, window.start, window.end) for window in blackouts]
