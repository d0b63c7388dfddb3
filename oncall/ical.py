"""An iCalendar (RFC 5545) feed of a schedule's shifts, written by the ``icalendar``
library (escaping, line folding at 75 octets).

The feed shows a window (``?from=&to=``, dates or date-times; a date or a date-time
without an offset is read in the schedule's zone). Each shift appears whole, as often as
the window overlaps it, under a UID made of its identity (``Shift.key``: the rotation,
its natural start and the member, or the override), never of the window: calendar apps
that fetch the feed again update the same event instead of adding a copy."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from oncall.models import Schedule
from oncall.schedules import YEARS, shifts

# Without ``from``, the week behind (a shift just handed off); without ``to``, 60 days on.
DEFAULT_PAST = timedelta(days=7)
DEFAULT_AHEAD = timedelta(days=60)
# A year and a bit: a yearly planning view, not a decade of rows computed per request.
MAX_WINDOW = timedelta(days=400)
UID_DOMAIN = "oncall.servicedesk"


class WindowInvalid(ValueError):
    """A ``from`` or ``to`` the feed cannot use; ``errors`` maps the parameter to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    def as_lists(self) -> dict[str, list[str]]:
        """As the API's ``errors``: each parameter's messages in a list."""
        return {name: [message] for name, message in self.errors.items()}


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def _moment(raw: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 date (midnight in ``tz``) or date-time (in ``tz`` when it has no
    offset), or None when it is neither."""
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is None:
                return None
            value = datetime.combine(day, time.min)
    except ValueError:
        return None  # well formed but impossible: 2026-02-30
    if timezone.is_naive(value):
        value = value.replace(tzinfo=tz)
    return value


def parse_window(
    raw_from: str | None, raw_to: str | None, tz: ZoneInfo, *, now: datetime
) -> Window:
    errors: dict[str, str] = {}
    start = end = None
    if raw_from:
        start = _moment(raw_from, tz)
        if start is None:
            errors["from"] = "Use an ISO 8601 date or date-time, e.g. 2026-03-23."
    if raw_to:
        end = _moment(raw_to, tz)
        if end is None:
            errors["to"] = "Use an ISO 8601 date or date-time, e.g. 2026-05-01T09:00+02:00."
    if errors:
        raise WindowInvalid(errors)
    try:
        # One side given: the default window's length from it; none: around now.
        if start is None:
            start = end - DEFAULT_PAST - DEFAULT_AHEAD if end else now - DEFAULT_PAST
        if end is None:
            end = start + DEFAULT_PAST + DEFAULT_AHEAD if raw_from else now + DEFAULT_AHEAD
        if start.year not in YEARS or end.year not in YEARS:
            raise WindowInvalid({"from": f"Stay between {YEARS[0]} and {YEARS[-1]}."})
        if end <= start:
            raise WindowInvalid({"to": "The window must end after it starts."})
        if end - start > MAX_WINDOW:
            raise WindowInvalid({"to": f"The window may span at most {MAX_WINDOW.days} days."})
    except OverflowError:
        raise WindowInvalid({"to": "The window is out of range."}) from None
    return Window(start, end)


def schedule_calendar(schedule: Schedule, window: Window, *, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    found = shifts(schedule, window.start, window.end)
    names = {
        user.pk: str(user)
        for user in get_user_model().objects.filter(pk__in={s.user_id for s in found})
    }
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//servicedesk//on-call//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", str(schedule))
    calendar.add("x-wr-timezone", schedule.time_zone)
    for shift in found:
        who = names.get(shift.user_id, "?")
        event = icalendar.Event()
        event.add("uid", f"{schedule.pk}-{shift.key}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"On call: {who}" + (" (override)" if shift.override else ""))
        calendar.add_component(event)
    return calendar.to_ical()
