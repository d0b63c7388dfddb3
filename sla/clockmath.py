"""A clock's arithmetic on a calendar: its running segments, the business time used at an
instant, and the instant a given amount is used up. Pure (no ORM): the engine
(``sla.clocks``) and the tests call it with explicit instants.

A clock runs from its start to its stop, except inside its pauses. Elapsed business time
at ``t`` is the calendar's working time inside the running segments before ``t``; a due
instant is found by walking the segments in order, so a deadline that fell before a later
pause is found where it fell, and a pause never moves a deadline that already passed."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sla.worktime import WorkingTime

Pause = tuple[datetime, datetime]


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime | None
    """``None``: still running (neither stopped nor paused)."""


def running_segments(
    started_at: datetime,
    pauses: Iterable[Pause],
    paused_since: datetime | None = None,
    stopped_at: datetime | None = None,
) -> list[Segment]:
    """[start, stop) less the pauses, in order. Pauses may touch or overlap (a reopen's
    resolved interval beside a hold): they are merged first."""
    merged: list[list[datetime]] = []
    for start, end in sorted(pauses):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    stop = paused_since if stopped_at is None else min(stopped_at, paused_since or stopped_at)
    segments: list[Segment] = []
    cursor = started_at
    for start, end in merged:
        if stop is not None and start >= stop:
            break
        if start > cursor:
            segments.append(Segment(cursor, start))
        cursor = max(cursor, end)
    if stop is None:
        segments.append(Segment(cursor, None))
    elif stop > cursor:
        segments.append(Segment(cursor, stop))
    return segments


def elapsed(calendar: WorkingTime, segments: Iterable[Segment], at: datetime) -> int:
    """Business seconds used before ``at`` (never negative)."""
    total = 0
    for segment in segments:
        if segment.start >= at:
            break
        end = at if segment.end is None else min(segment.end, at)
        total += calendar.seconds_between(segment.start, end)
    return total


def closed_elapsed(calendar: WorkingTime, segments: Iterable[Segment]) -> int:
    """Business seconds used in the closed segments: everything up to the last pause or
    stop (the engine's ``elapsed_seconds`` cache)."""
    return sum(
        calendar.seconds_between(segment.start, segment.end)
        for segment in segments
        if segment.end is not None
    )


def due_at(calendar: WorkingTime, segments: Iterable[Segment], seconds: int) -> datetime | None:
    """The earliest instant at which ``seconds`` of business time are used, or ``None``
    when the clock stops or pauses before that (it is not due while it does not run)."""
    remaining = seconds
    for segment in segments:
        if segment.end is None:
            return calendar.add(segment.start, remaining)
        used = calendar.seconds_between(segment.start, segment.end)
        if used >= remaining:
            return calendar.add(segment.start, remaining)
        remaining -= used
    return None
