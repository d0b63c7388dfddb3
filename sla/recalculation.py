"""Calendar edits move the deadlines of the clocks that count on that calendar.

A stopped clock is measured on the calendar as it is when it stops, so a running or
paused clock's stored ``warn_at``/``breach_at`` must follow every calendar change (a
holiday added, imported or generated, working periods or time zone edited): otherwise the
alarms tell a breach on the old deadline and the clock then ends ``made_sla``. Definition
edits are not replayed: they apply to clocks started after them (docs/sla.md)."""

from typing import TYPE_CHECKING

from kernel.workflow import save_audited
from sla.clockops import refresh
from sla.matching import load_calendar
from sla.models import Calendar, Clock

if TYPE_CHECKING:
    from accounts.models import User


def clocks_recalculate(calendar: Calendar, *, by: "User | None") -> int:
    """Recompute the due instants of every active, unstopped clock on ``calendar`` (one
    query finds them, two read the calendar); each changed clock is saved audited.
    Returns how many changed. Call it inside the transaction that changed the calendar."""
    fresh = Calendar.objects.get(pk=calendar.pk)
    working = load_calendar(fresh).working_time()
    clocks = Clock.objects.active().filter(definition__calendar=fresh, stopped_at__isnull=True)
    changed = 0
    for clock in clocks.iterator(chunk_size=500):
        before = (clock.elapsed_seconds, clock.warn_at, clock.breach_at)
        refresh(clock, working)
        if (clock.elapsed_seconds, clock.warn_at, clock.breach_at) != before:
            save_audited(clock, by=by, reason=f"Calendar '{fresh}' changed")
            changed += 1
    return changed
