"""Business time is exactly what a clock on the wall shows: WorkingTime against a
brute-force minute-by-minute count, for random calendars, holidays and zones, over spans
that often cross the spring and autumn DST changes (Lord Howe's are 30 minutes).

Deterministic (derandomize, no example database) so CI sees the same examples every run.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.worktime import WorkingTime

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
# Days on which one of the zones above changes its offset in 2026 (Lord Howe: April 5 and
# October 4; New York: March 8 and November 1; Berlin: March 29 and October 25), and one
# quiet day.
ANCHORS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 6, 17),
]
# Minutes of the day that sit on or inside the gaps and repeated hours above (01:30 to
# 03:00 local), drawn often so intervals start and end inside them.
DST_MINUTES = [0, 90, 120, 125, 150, 175, 180, 1440]

FAST = settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def brute_force(calendar: WorkingTime, start: datetime, end: datetime) -> int:
    """Seconds of [start, end) counted one minute at a time (start on a minute boundary):
    a minute counts when its local wall time is inside that local date's intervals."""
    total = 0
    for stamp in range(int(start.timestamp()), int(end.timestamp()), 60):
        local = datetime.fromtimestamp(stamp, calendar.zone)
        if local.date() in calendar.holidays:
            continue
        wall = local.time()
        if any(
            begin <= wall and (finish == time(0) or wall < finish)
            for begin, finish in calendar.weekly[local.weekday()]
        ):
            total += 60
    return total


@st.composite
def day_intervals(draw: st.DrawFn) -> tuple[tuple[time, time], ...]:
    minute = st.one_of(st.integers(0, 1440), st.sampled_from(DST_MINUTES))
    points = sorted(draw(st.sets(minute, max_size=6)))
    if len(points) % 2:
        points.pop()
    return tuple(
        (time(begin // 60, begin % 60), time(0) if end == 1440 else time(end // 60, end % 60))
        for begin, end in zip(points[::2], points[1::2], strict=True)
    )


@st.composite
def calendars(draw: st.DrawFn) -> WorkingTime:
    # Two day patterns spread over the week (plus days off) rather than seven drawn days:
    # as varied where it matters, and much cheaper for hypothesis to generate and shrink.
    patterns = ((), draw(day_intervals()), draw(day_intervals()))
    weekly = tuple(patterns[draw(st.integers(0, 2))] for _ in range(7))
    holidays = draw(st.frozensets(st.sampled_from(ANCHORS).flatmap(near), max_size=4))
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    return WorkingTime(zone=zone, weekly=weekly, holidays=holidays)


def near(anchor: date) -> st.SearchStrategy[date]:
    return st.integers(-3, 10).map(lambda days: anchor + timedelta(days=days))


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """A minute boundary within two days before one of the anchors."""
    anchor = draw(st.sampled_from(ANCHORS))
    midnight = datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC)
    return midnight + timedelta(minutes=draw(st.integers(-2 * 1440, 1440)))


# Mostly hours to a few days; sometimes up to three weeks.
spans = st.one_of(
    st.integers(0, 3 * 1440), st.integers(0, 3 * 1440), st.integers(0, 21 * 1440)
).map(lambda minutes: timedelta(minutes=minutes))


@settings(FAST, max_examples=1500)
@given(calendar=calendars(), start=instants(), span=spans)
def test_business_seconds_equal_the_minute_by_minute_count(
    calendar: WorkingTime, start: datetime, span: timedelta
) -> None:
    assert calendar.seconds_between(start, start + span) == brute_force(
        calendar, start, start + span
    )


@settings(FAST, max_examples=1000)
@given(calendar=calendars(), start=instants(), first=spans, second=spans)
def test_business_seconds_add_up_and_are_never_negative(
    calendar: WorkingTime, start: datetime, first: timedelta, second: timedelta
) -> None:
    middle, end = start + first, start + first + second
    whole = calendar.seconds_between(start, end)
    assert whole == calendar.seconds_between(start, middle) + calendar.seconds_between(middle, end)
    assert whole >= 0
    assert calendar.seconds_between(end, start) == 0 if end > start else True


@settings(FAST, max_examples=1000)
@given(calendar=calendars(), start=instants(), share=st.floats(0, 3))
def test_add_is_the_earliest_instant_with_that_much_business_time(
    calendar: WorkingTime, start: datetime, share: float
) -> None:
    week = sum(
        minutes(end, midnight=True) - minutes(begin)
        for day in calendar.weekly
        for begin, end in day
    )
    if not week:
        return  # no working time at all: add() refuses (test_worktime_cases.py)
    # Up to three weeks' worth of this calendar's working time, whatever its size.
    seconds = int(share * week * 60)
    due = calendar.add(start, seconds)
    assert due >= start
    assert due.utcoffset() == timedelta(0)
    assert calendar.seconds_between(start, due) == seconds
    if seconds:
        # One microsecond earlier is one second short (whole seconds, rounded down).
        assert calendar.seconds_between(start, due - timedelta(microseconds=1)) == seconds - 1


def minutes(clock: time, *, midnight: bool = False) -> int:
    return 1440 if midnight and clock == time(0) else clock.hour * 60 + clock.minute


@settings(FAST, max_examples=300)
@given(calendar=calendars(), start=instants(), span=spans)
def test_a_24x7_calendar_counts_every_second_whatever_its_holidays(
    calendar: WorkingTime, start: datetime, span: timedelta
) -> None:
    always = WorkingTime(
        zone=calendar.zone, weekly=calendar.weekly, holidays=calendar.holidays, always=True
    )
    assert always.seconds_between(start, start + span) == span // timedelta(seconds=1)
    assert always.add(start, span // timedelta(seconds=1)) == start + span
