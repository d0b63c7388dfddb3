"""One clock, in memory: the moves the engine (``sla.clocks``) and the re-evaluation
(``sla.reevaluation``) make on a ``Clock`` before saving it. No query here: the caller
loaded the clock's definition and calendar."""

from typing import TYPE_CHECKING

from sla import clockmath
from sla.models import Clock, SlaDefinition
from sla.worktime import WorkingTime

if TYPE_CHECKING:
    from datetime import datetime

    from incidents.models import Incident


def segments(clock: Clock) -> list[clockmath.Segment]:
    return clockmath.running_segments(
        clock.started_at, clock.closed_pauses(), clock.paused_since, clock.stopped_at
    )


def resume(clock: Clock, at: "datetime") -> None:
    """Close the open pause at ``at``."""
    since = clock.paused_since
    if since is None:
        return
    if at > since:
        clock.pauses = [*clock.pauses, [since.isoformat(), at.isoformat()]]
    clock.paused_since = None


def stop(clock: Clock, at: "datetime", calendar: WorkingTime) -> None:
    """Stop at ``at`` (closing a pause first): ``made_sla`` is whether the business time
    used is within the target. A deadline passed before the alarms saw it is stamped now,
    at the instant it passed, without a notice."""
    at = max(at, clock.started_at)
    if clock.paused_since is not None:
        resume(clock, max(at, clock.paused_since))
    clock.stopped_at = at
    parts = segments(clock)
    used = clockmath.elapsed(calendar, parts, at)
    clock.made_sla = used <= clock.target_seconds
    if clock.warned_at is None and used >= clock.warn_seconds:
        clock.warned_at = due(calendar, parts, clock.warn_seconds)
    if clock.breached_at is None and not clock.made_sla:
        clock.breached_at = due(calendar, parts, clock.target_seconds)


def restart(clock: Clock, at: "datetime") -> None:
    """Run a stopped clock again from ``at``; the stopped interval is a pause."""
    stopped = clock.stopped_at
    if stopped is None:
        return
    if at > stopped:
        clock.pauses = [*clock.pauses, [stopped.isoformat(), at.isoformat()]]
    clock.stopped_at = None
    clock.made_sla = None


def cancel(clock: Clock, at: "datetime", reason: str) -> None:
    clock.cancelled_at = at
    clock.cancel_reason = reason[:200]


def refresh(clock: Clock, calendar: WorkingTime) -> None:
    """The business time used up to the last pause or stop, and the due instants while
    the clock runs (none while paused, stopped or cancelled)."""
    parts = segments(clock)
    clock.elapsed_seconds = clockmath.closed_elapsed(calendar, parts)
    if clock.is_running:
        clock.warn_at = due(calendar, parts, clock.warn_seconds)
        clock.breach_at = due(calendar, parts, clock.target_seconds)
    else:
        clock.warn_at = clock.breach_at = None


def due(calendar: WorkingTime, parts: list[clockmath.Segment], seconds: int) -> "datetime | None":
    try:
        return clockmath.due_at(calendar, parts, seconds)
    except ValueError:
        return None  # a calendar without working time: never due


def working_time_of(clock: Clock) -> WorkingTime:
    return clock.definition.calendar.working_time()


class Calendars:
    """Each calendar's working time once per event."""

    def __init__(self) -> None:
        self.known: dict[int, WorkingTime] = {}

    def of(self, clock: Clock) -> WorkingTime:
        calendar = clock.definition.calendar
        if calendar.pk not in self.known:
            self.known[calendar.pk] = calendar.working_time()
        return self.known[calendar.pk]


def new_clock(
    incident: "Incident",
    definition: SlaDefinition,
    target: str,
    *,
    started_at: "datetime",
    pauses: list[list[str]] | None = None,
    paused_since: "datetime | None" = None,
) -> Clock | None:
    """An unsaved clock of ``definition`` for ``target`` (None: it has no such target)."""
    seconds = definition.target_seconds(target, definition.calendar.business_day)
    if seconds is None:
        return None
    return Clock(
        incident=incident,
        target=target,
        definition=definition,
        target_seconds=seconds,
        started_at=started_at,
        pauses=list(pauses or []),
        paused_since=paused_since,
    )
