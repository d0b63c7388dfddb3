"""When the demo's everyday incidents happened: each move of a demo incident is made at the
moment it would have been on a real desk (acknowledged minutes after a P1 is logged, hours
after a P4; resolved within or past its target), so its timeline, its history, its SLA
clocks and the reports read like a real desk's rather than all at the minute of the load.

The demo travels the process clock to each moment (``time_machine``) and calls the same
workflow functions as everyone else: nothing in the product knows it is replaying."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import time_machine

# Typical minutes from one step of a path to the next, per priority (P1..P5): how soon an
# incident is acknowledged, then each later move. A share of them run late on purpose, so
# the demo shows missed SLAs as well as met ones.
ACKNOWLEDGE_MINUTES = {1: (2, 25), 2: (5, 45), 3: (20, 360), 4: (60, 900), 5: (60, 2880)}
RESOLVE_MINUTES = {1: (20, 90), 2: (60, 600), 3: (120, 2400), 4: (240, 5000), 5: (600, 9000)}
LATE_SHARE = 0.15
OTHER_MINUTES = {
    "hold": (10, 240),
    "reopen": (120, 1440),
    "confirm": (30, 1440),
    "close": (1440, 4320),
    "cancel": (5, 120),
}
# The last step lands at least this long before the load, so nothing happens in the future.
MARGIN = timedelta(minutes=2)


def step_times(
    path: tuple[str, ...],
    *,
    priority: int,
    reported_at: datetime,
    now: datetime,
    rng: random.Random,
) -> list[datetime]:
    """The moment of each move of ``path``, after ``reported_at`` and before ``now``:
    drawn per priority, then squeezed proportionally when the incident is too recent for
    them (an incident logged an hour ago was acknowledged sooner, not in the future)."""
    gaps: list[float] = []
    for move in path:
        if move == "acknowledge":
            low, high = ACKNOWLEDGE_MINUTES[priority]
        elif move == "resolve":
            low, high = RESOLVE_MINUTES[priority]
        else:
            low, high = OTHER_MINUTES[move]
        if rng.random() < LATE_SHARE:
            high *= 3
        gaps.append(rng.uniform(low, high))
    room = (now - MARGIN - reported_at).total_seconds() / 60
    total = sum(gaps)
    if total > room > 0:
        gaps = [gap * room / total for gap in gaps]
    times: list[datetime] = []
    at = reported_at
    for gap in gaps:
        at += timedelta(minutes=gap)
        times.append(at)
    return times


@contextmanager
def happening_at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were ``moment``: every timestamp the workflow stamps (the
    milestones, the timeline entry, the history row) is that moment."""
    with time_machine.travel(moment, tick=False):
        yield
