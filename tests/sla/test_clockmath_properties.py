"""Property tests of the clock arithmetic alone (no database, so thousands of examples):
random pauses (touching, overlapping, before a stop or open), random stops, a 24x7 and a
Berlin office calendar across both DST changes. Elapsed time equals a minute-by-minute
count and never decreases as time goes on; a due instant is the first minute the count
reaches the amount, or none when the clock stops or pauses before."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.clockmath import due_at, elapsed, running_segments
from sla.worktime import ALWAYS, WorkingTime

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
HOLIDAY = date(2026, 3, 30)
OFFICE = WorkingTime(
    zone=BERLIN,
    weekly=tuple(((time(9), time(17)),) if day < 5 else () for day in range(7)),
    holidays=frozenset({HOLIDAY}),
)
STARTS = [datetime(2026, 3, 27, 7, 30, tzinfo=UTC), datetime(2026, 10, 23, 14, 0, tzinfo=UTC)]


def working(minute: datetime, office: bool) -> bool:
    if not office:
        return True
    local = minute.astimezone(BERLIN)
    return local.weekday() < 5 and 9 <= local.hour < 17 and local.date() != HOLIDAY


def runs(minute, start, pauses, paused_since, stopped_at) -> bool:
    if minute < start or (stopped_at is not None and minute >= stopped_at):
        return False
    if paused_since is not None and minute >= paused_since:
        return False
    return not any(a <= minute < b for a, b in pauses)


@st.composite
def clocks(draw):
    start = draw(st.sampled_from(STARTS))
    offsets = sorted(draw(st.lists(st.integers(0, 2400), max_size=6)))
    pauses = []
    for first, second in zip(offsets[::2], offsets[1::2], strict=False):
        pauses.append((start + first * MINUTE, start + second * MINUTE))
    open_pause = draw(st.one_of(st.none(), st.integers(0, 2400)))
    stop = draw(st.one_of(st.none(), st.integers(0, 2400)))
    paused_since = None if open_pause is None else start + open_pause * MINUTE
    stopped_at = None if stop is None else start + stop * MINUTE
    if paused_since is not None and stopped_at is not None:
        paused_since = None  # the engine closes a pause before it stops a clock
    return start, pauses, paused_since, stopped_at


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(
    clock=clocks(), office=st.booleans(), probe=st.integers(0, 2600), amount=st.integers(1, 1800)
)
def test_elapsed_and_due_agree_with_a_minute_by_minute_count(clock, office, probe, amount):
    start, pauses, paused_since, stopped_at = clock
    calendar = OFFICE if office else ALWAYS
    parts = running_segments(start, pauses, paused_since, stopped_at)
    at = start + probe * MINUTE
    counted, reached, minute = 0, None, start
    limit = start + 2600 * MINUTE
    while minute < limit:
        if minute == at:
            assert elapsed(calendar, parts, at) == counted * 60
        if working(minute, office) and runs(minute, start, pauses, paused_since, stopped_at):
            counted += 1
            if counted == amount and reached is None:
                reached = minute + MINUTE
        minute += MINUTE
    due = due_at(calendar, parts, amount * 60)
    if reached is not None:
        assert due is not None and elapsed(calendar, parts, due) == amount * 60
        # The earliest such instant: a minute earlier, the amount was not used yet.
        assert due <= reached and elapsed(calendar, parts, due - MINUTE) < amount * 60
    elif stopped_at is not None or paused_since is not None:
        assert due is None  # it stops or pauses before the amount is used
    assert elapsed(calendar, parts, at) >= 0
    assert elapsed(calendar, parts, at + MINUTE) >= elapsed(calendar, parts, at)
