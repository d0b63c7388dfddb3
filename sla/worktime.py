"""Business-time arithmetic on a calendar: pure Python, no ORM, exact to the second.

The rule the property tests check against a minute-by-minute count: an instant counts
iff its *local wall time* (in the calendar's zone) falls inside one of that local date's
working intervals and that local date is not a holiday. The arithmetic splits a span
into segments of constant UTC offset. Inside one segment local wall time is UTC plus a
constant, so business time there is plain interval overlap on the wall clock, counted
day by day. A DST gap then simply has no wall times in it (nothing counts), and a
repeated hour is walked twice (it counts twice when it lies inside working hours), which
is exactly what a clock on the wall does.

Everything inside is integer microseconds (UTC since the epoch, or "naive" local wall
time since the epoch), so no float ever rounds; callers get whole seconds, rounded down.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

SECOND = 1_000_000
DAY = 86_400 * SECOND
WEEK = 7 * DAY
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# 1970-01-01 was a Thursday: day number d falls on weekday (d + 3) % 7, Monday = 0.
EPOCH_WEEKDAY = 3
# Offset changes are found by probing at this step and bisecting between two probes that
# disagree. No zone changes its offset twice within six hours, so none is missed.
PROBE = 6 * 3600 * SECOND
# Segments are handed out at least this often even when the offset stays put, so add()
# never probes ten years ahead of an answer it finds next week.
CHUNK = 28 * DAY
# How far add() looks for working time before it gives up: about ten years.
HORIZON = 3653 * DAY

Interval = tuple[time, time]


def _us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")
    return (moment - EPOCH) // timedelta(microseconds=1)


def _moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def _of_day(clock: time, *, end: bool) -> int:
    """Microseconds since local midnight; an interval's end at 00:00 is the next midnight."""
    us = ((clock.hour * 60 + clock.minute) * 60 + clock.second) * SECOND + clock.microsecond
    return DAY if end and us == 0 else us


@dataclass(frozen=True)
class WorkingTime:
    """A calendar's working time: ``weekly`` has 7 entries (Monday = 0), each a sorted
    tuple of non-overlapping local wall-clock intervals [start, end); an end of 00:00 is
    the midnight that ends the day. ``holidays`` are local dates with no working time.
    ``always`` (24x7) counts every second and ignores zone, weekly and holidays."""

    zone: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = frozenset()
    always: bool = False

    def __post_init__(self) -> None:
        if not self.always and len(self.weekly) != 7:
            raise ValueError("weekly needs 7 entries, Monday first")

    # -- prepared once per instance (the dataclass is frozen; cached_property writes to
    # the instance dict directly, so it is allowed) --------------------------------------

    @cached_property
    def _days(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Each weekday's intervals as microseconds since local midnight."""
        return tuple(
            tuple((_of_day(start, end=False), _of_day(end, end=True)) for start, end in intervals)
            for intervals in self.weekly
        )

    @cached_property
    def _holiday_days(self) -> frozenset[int]:
        return frozenset(day.toordinal() - EPOCH_ORDINAL for day in self.holidays)

    @cached_property
    def _has_work(self) -> bool:
        return any(end > start for day in self._days for start, end in day)

    def _intervals(self, day: int) -> tuple[tuple[int, int], ...]:
        """Working intervals of local day number ``day`` (days since 1970-01-01)."""
        if day in self._holiday_days:
            return ()
        return self._days[(day + EPOCH_WEEKDAY) % 7]

    # -- offsets ----------------------------------------------------------------------------

    def _offset(self, us: int) -> int:
        """The zone's UTC offset (microseconds) at UTC instant ``us``."""
        offset = _moment(us).astimezone(self.zone).utcoffset()
        return 0 if offset is None else offset // timedelta(microseconds=1)

    def _transition(self, before: int, after: int, offset: int) -> int:
        """The first whole UTC second in (before, after] whose offset is not ``offset``,
        given that ``before`` has it and ``after`` does not. Zones change on whole
        seconds, so bisecting to one second is exact."""
        low, high = before // SECOND, -(-after // SECOND)
        while high - low > 1:
            mid = (low + high) // 2
            if self._offset(mid * SECOND) == offset:
                low = mid
            else:
                high = mid
        return high * SECOND

    def _segments(self, start: int, stop: int) -> Iterator[tuple[int, int, int]]:
        """(segment start, segment end, offset) covering [start, stop), in order, each of
        constant UTC offset. Lazy: add() stops reading as soon as it has its answer."""
        offset = self._offset(start)
        begin = probe = start
        while probe < stop:
            ahead = min(probe + PROBE, stop)
            if self._offset(ahead) == offset:
                probe = ahead
                if probe - begin >= CHUNK:
                    yield begin, probe, offset
                    begin = probe
                continue
            change = min(self._transition(probe, ahead, offset), stop)
            yield begin, change, offset
            begin = probe = change
            offset = self._offset(change)
        if begin < stop:
            yield begin, stop, offset

    # -- wall-clock counting inside one segment ------------------------------------------------

    def _wall_work(self, low: int, high: int) -> int:
        """Working microseconds of local wall time in [low, high) (microseconds since the
        local epoch), day by day."""
        total = 0
        day = low // DAY
        while day * DAY < high:
            base = day * DAY
            for start, end in self._intervals(day):
                overlap = min(base + end, high) - max(base + start, low)
                if overlap > 0:
                    total += overlap
            day += 1
        return total

    def _wall_reach(self, low: int, high: int, needed: int) -> tuple[int | None, int]:
        """Walk local wall time from ``low`` towards ``high`` until ``needed`` working
        microseconds have passed: (the wall instant reached or None, what is still needed)."""
        day = low // DAY
        while day * DAY < high:
            base = day * DAY
            for start, end in self._intervals(day):
                begin, finish = max(base + start, low), min(base + end, high)
                if finish <= begin:
                    continue
                if needed <= finish - begin:
                    return begin + needed, 0
                needed -= finish - begin
            day += 1
        return None, needed

    # -- the contract ----------------------------------------------------------------------

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Business seconds in [start, end) (0 if end <= start), rounded down."""
        low, high = _us(start), _us(end)
        if high <= low:
            return 0
        if self.always:
            return (high - low) // SECOND
        total = 0
        for begin, finish, offset in self._segments(low, high):
            total += self._wall_work(begin + offset, finish + offset)
        return total // SECOND

    def add(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant t >= start with seconds_between(start, t) == seconds, in UTC.

        Raises ValueError for a negative amount, or when the calendar has no working time
        at all within about ten years (it would never be reached)."""
        if seconds < 0:
            raise ValueError("cannot add a negative business time")
        low = _us(start)
        if seconds == 0:
            return _moment(low)
        if self.always:
            return _moment(low + seconds * SECOND)
        if not self._has_work:
            raise ValueError("the calendar has no working time")
        needed = seconds * SECOND
        for begin, finish, offset in self._segments(low, low + HORIZON):
            reached, needed = self._wall_reach(begin + offset, finish + offset, needed)
            if reached is not None:
                return _moment(reached - offset)
        raise ValueError("the calendar has too little working time within ten years")


ALWAYS = WorkingTime(zone=ZoneInfo("UTC"), weekly=(), always=True)
