"""When a person's quiet hours end: pure wall-clock arithmetic, no ORM.

A person's quiet hours are a daily window of local wall-clock time (22:00-07:00 wraps over
midnight) in their own time zone, and optionally whole Saturdays and Sundays. A mail held
for them is due at the first instant after ``now`` that is not quiet, so a message written
on Saturday at 23:00 with weekends quiet waits for Monday at the end of the window, not for
Sunday morning.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

SATURDAY = 5

# A window, a weekend and the window again are at most three hops; the cap only guards
# against a bug looping for ever.
_MAX_HOPS = 8


@dataclass(frozen=True)
class QuietWindow:
    start: time
    end: time
    zone: ZoneInfo
    weekends: bool = False
    """Saturdays and Sundays are quiet all day, besides the daily window."""

    def _in_window(self, local: time) -> bool:
        if self.start == self.end:
            return False  # no daily window: only the weekend (if any) is quiet
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def until(self, now: datetime) -> datetime | None:
        """The instant (UTC) the quiet period holding ``now`` ends, or None when ``now``
        is not quiet. ``now`` is aware."""
        moment = now.astimezone(self.zone)
        for _ in range(_MAX_HOPS):
            if self.weekends and moment.weekday() >= SATURDAY:
                monday = moment.date() + timedelta(days=7 - moment.weekday())
                moment = datetime.combine(monday, time(0), self.zone)
            elif self._in_window(moment.timetz().replace(tzinfo=None)):
                day = moment.date()
                if self.start > self.end and moment.time() >= self.start:
                    day += timedelta(days=1)  # the window wraps: it ends tomorrow morning
                # Local wall time: across a DST change the window still ends at 07:00 there.
                moment = datetime.combine(day, self.end, self.zone)
            else:
                break
        if moment == now.astimezone(self.zone):
            return None
        # Normalise through UTC: a wall time in a DST gap becomes the real instant.
        return moment.astimezone(UTC)
