"""When a change puts its services under maintenance: one rule, read by the status page (which
shows it) and by alerts (which open no incident for a service under maintenance)."""

from datetime import datetime

from django.db.models import Q

from changes.models import Change, Status


def maintaining_q(now: datetime) -> Q:
    """Customer-visible changes under way at ``now``: being implemented, or scheduled with
    their planned window covering it."""
    return Q(customer_visible=True) & (
        Q(status=Status.IMPLEMENT)
        | Q(status=Status.SCHEDULED, planned_start__lte=now, planned_end__gt=now)
    )


def is_maintaining(change: Change, now: datetime) -> bool:
    """``maintaining_q`` for one change already read (its window, not its visibility)."""
    if change.status == Status.IMPLEMENT:
        return True
    start, end = change.planned_start, change.planned_end
    return start is not None and end is not None and start <= now < end
