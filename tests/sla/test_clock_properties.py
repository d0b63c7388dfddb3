"""Property tests (hypothesis): for random event sequences (holds for pausing and other
reasons, resumes, resolves, reopens, priority changes at random minutes, across both DST
changes on an office calendar) the clocks agree with an independent minute-by-minute
count: elapsed business time equals the count, never negative, a due instant is the first
minute the count reaches it, stamps never move, the first matching definition applies,
and a priority change keeps the time already spent and the pauses already taken.

Incidents are real: made and moved through ``incidents.workflow`` at chosen instants
(time-machine travels the clock). Each example runs in a savepoint rolled back after it."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents.models import Status
from incidents.workflow import incident_update
from sla import clockmath
from sla.clockops import segments
from sla.models import Clock, Target
from tests.sla.support import at, move, office_calendar

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
HOLIDAY = date(2026, 3, 30)  # a Monday holiday right after the spring change
# Fridays before the spring (29 March) and autumn (25 October) changes, and a plain week.
STARTS = [
    datetime(2026, 3, 27, 7, 30, tzinfo=UTC),
    datetime(2026, 10, 23, 14, 0, tzinfo=UTC),
    datetime(2026, 6, 8, 6, 0, tzinfo=UTC),
]
ACTIONS = [
    "acknowledge",
    "hold_caller",
    "hold_change",
    "resume",
    "resolve",
    "reopen",
    "p1",
    "p2",
    "p3",
]
PAUSING = {"hold_caller"}


def working(minute: datetime, office: bool) -> bool:
    """The independent rule: an office minute counts on a working weekday 09:00-17:00
    Berlin wall time, not on the holiday; a 24x7 minute always counts."""
    if not office:
        return True
    local = minute.astimezone(BERLIN)
    return local.weekday() < 5 and 9 <= local.hour < 17 and local.date() != HOLIDAY


def brute(
    start: datetime, until: datetime, stopped: list[tuple[datetime, datetime]], office: bool
) -> int:
    """Business seconds in [start, until) outside the ``stopped`` intervals, minute by minute."""
    total, minute = 0, start
    while minute < until:
        if working(minute, office) and not any(a <= minute < b for a, b in stopped):
            total += 60
        minute += MINUTE
    return total


@pytest.fixture
def definitions(define, always):
    office = office_calendar(holidays=(HOLIDAY,))
    return {
        1: define(
            "P1 24x7", always, order=1, priorities=[1], response_target=0.25, resolution_target=4
        ),
        2: define(
            "P2 office", office, order=2, priorities=[2], response_target=1, resolution_target=8
        ),
        3: define("Any office", office, order=3, unit="business_days", resolution_target=2),
    }


steps = st.lists(
    st.tuples(st.integers(min_value=1, max_value=400), st.sampled_from(ACTIONS)),
    min_size=1,
    max_size=7,
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from(STARTS), story=steps)
def test_clocks_agree_with_a_minute_by_minute_count(
    make_incident, agent, caller, definitions, start, story
):
    with transaction.atomic():
        _run(make_incident, agent, caller, definitions, start, story)
        transaction.set_rollback(True)


def _run(make_incident, agent, caller, definitions, start, story):
    with at(start):
        incident = make_incident(impact=3, urgency=1)  # P3
    now = start
    # The independent record of when the resolution clock must not run.
    stopped: list[tuple[datetime, datetime]] = []
    off_since: datetime | None = None
    stamps: dict[int, tuple] = {}
    for gap, action in story:
        now += timedelta(minutes=gap)
        status = incident.status
        if action == "acknowledge" and status == Status.NEW:
            incident = move(incident, "acknowledge", now, agent)
        elif action.startswith("hold") and status in (Status.NEW, Status.IN_PROGRESS):
            reason = "awaiting_caller" if action in PAUSING else "awaiting_change"
            incident = move(incident, "hold", now, agent, hold_reason=reason)
            if action in PAUSING:
                off_since = now
        elif action == "resume" and status == Status.ON_HOLD:
            incident = move(incident, "resume", now, agent)
            if off_since is not None:
                stopped.append((off_since, now))
                off_since = None
        elif action == "resolve" and status in (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD):
            incident = move(
                incident,
                "resolve",
                now,
                agent,
                resolution_code="solution_provided",
                resolution_notes="Fixed.",
            )
            off_since = off_since or now
        elif action == "reopen" and status == Status.RESOLVED:
            incident = move(incident, "reopen", now, caller, reason="Still broken.")
            stopped.append((off_since, now))
            off_since = None
        elif action in ("p1", "p2", "p3") and status != Status.CLOSED:
            previous = Clock.objects.active().get(incident=incident, target=Target.RESOLUTION)
            impact = int(action[1])
            with at(now):
                incident = incident_update(incident, by=agent, changes={"impact": impact})
            clock = Clock.objects.active().get(incident=incident, target=Target.RESOLUTION)
            if clock.pk != previous.pk:
                # Retroactive start: same start, same pauses, a new target.
                assert clock.started_at == previous.started_at
                assert clock.pauses == previous.pauses
                assert clock.paused_since == previous.paused_since
        else:
            continue
        _check(incident, definitions, start, now, stopped, off_since, stamps)


def _check(incident, definitions, start, now, stopped, off_since, stamps):
    clock = (
        Clock.objects.active()
        .select_related("definition__calendar")
        .get(incident=incident, target=Target.RESOLUTION)
    )
    # The first matching definition (by priority here) applies, unless the clock stopped
    # before the priority changed (a finished clock keeps its outcome).
    if clock.stopped_at is None:
        assert clock.definition == definitions[min(incident.priority, 3)]
    office = not clock.definition.calendar.always_on
    calendar = clock.definition.calendar.working_time()
    closed = stopped + ([(off_since, now + MINUTE)] if off_since else [])
    expected = brute(start, now, closed, office)
    parts = segments(clock)
    used = clockmath.elapsed(calendar, parts, now)
    assert used == expected >= 0
    if clock.stopped_at is not None:
        assert clock.made_sla is (expected <= clock.target_seconds)
    if clock.is_running:
        due = clock.breach_at
        assert due is not None
        reached = brute(start, due, stopped, office)
        assert reached == clock.target_seconds
        assert brute(start, due - MINUTE, stopped, office) < clock.target_seconds
        assert clock.warn_at <= clock.breach_at
    else:
        assert clock.breach_at is None and clock.warn_at is None
    for row in Clock.objects.filter(incident=incident):
        seen = stamps.get(row.pk)
        now_stamps = (row.warned_at, row.breached_at)
        if seen is not None:
            # Once stamped, never moved nor cleared.
            assert all(old is None or old == new for old, new in zip(seen, now_stamps, strict=True))
        if row.warned_at and row.breached_at:
            assert row.warned_at <= row.breached_at
        stamps[row.pk] = now_stamps
