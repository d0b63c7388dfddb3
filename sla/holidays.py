"""A calendar's holidays from outside: an iCalendar file (a public holiday feed exported
from any calendar app) or the ``holidays`` package by country and subdivision.

Both are idempotent: a date the calendar already has is left as it is (its name and
source too, so a holiday entered by hand is never overwritten), and the result says how
many dates were added and how many were already there."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import holidays as holiday_data
import icalendar
from dateutil.rrule import rrulestr
from django.db import transaction

from kernel.workflow import save_audited
from sla.models import Calendar, Holiday
from sla.recalculation import clocks_recalculate

if TYPE_CHECKING:
    from accounts.models import User

MAX_ICAL_BYTES = 1024 * 1024
# One calendar's holidays for the span asked; more dates than this is not a holiday feed
# (a daily RRULE, say) and would only fill the table.
MAX_DATES = 2000
MAX_YEARS = 10
# A single event spanning more days than this is a mistake or a vacation, not holidays.
MAX_EVENT_DAYS = 31


@dataclass(frozen=True)
class HolidayResult:
    added: int
    already: int
    skipped: int = 0  # events with a time of day, or that could not be read

    def __str__(self) -> str:
        words = f"{self.added} holidays added, {self.already} already there"
        if self.skipped:
            words += f", {self.skipped} events skipped (not all-day, or unreadable)"
        return words


def _store(
    calendar: Calendar,
    found: dict[date, str],
    *,
    source: Holiday.Source,
    by: "User | None",
    reason: str,
) -> tuple[int, int]:
    """Add the dates the calendar lacks; return (added, already there)."""
    with transaction.atomic():
        # The calendar row is the lock: two imports into one calendar at once would both
        # count the same dates as new. The locked copy is the one saved below, so an edit
        # made meanwhile is not written back over.
        locked = Calendar.objects.select_for_update().get(pk=calendar.pk)
        existing = set(
            calendar.holidays.filter(date__in=list(found)).values_list("date", flat=True)
        )
        new = [
            Holiday(calendar=calendar, date=day, name=name[:200], source=source)
            for day, name in sorted(found.items())
            if day not in existing
        ]
        Holiday.objects.bulk_create(new)
        if new:
            save_audited(locked, by=by, reason=f"{reason}: {len(new)} holidays added")
            clocks_recalculate(locked, by=by)
    return len(new), len(existing)


# -- iCalendar ------------------------------------------------------------------------------


def _all_day(component: Any, name: str) -> date | None:
    """The property's date when it is an all-day date; None for a date-time or junk."""
    value = getattr(component.get(name), "dt", None)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return None


def _yearly(rule: Any, start: date, years: range) -> list[date] | None:
    """The first days of a yearly recurrence that fall within ``years``; None for any
    other frequency (a holiday feed repeats yearly) or a rule too long to expand."""
    if [str(freq).upper() for freq in rule.get("FREQ", [])] != ["YEARLY"]:
        return None
    counts = rule.get("COUNT") or [0]
    if int(counts[0]) > MAX_DATES:
        return None
    first = start
    if not counts[0] and start.year < years.start - 1:
        # Without COUNT, a yearly rule only depends on the start's year modulo INTERVAL:
        # begin in a year before the span rather than iterate since a DTSTART of 1900
        # (a year before, so that a rule such as BYDAY=4TH finds the span's first year
        # whole even where it falls before the start's month and day).
        interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
        year = years.start - 1 - (years.start - 1 - start.year) % interval
        try:
            first = start.replace(year=year)
        except ValueError:  # 29 February
            first = start
    if first.year < years.start - 100:
        return None  # a leap-day rule since antiquity: not worth expanding
    recurrence = rrulestr(
        "RRULE:" + rule.to_ical().decode(), dtstart=datetime.combine(first, time())
    )
    days: list[date] = []
    for moment in recurrence:
        if moment.year >= years.stop or len(days) > MAX_DATES:
            break
        if moment.year in years:
            days.append(moment.date())
    return days


def _event_days(event: Any, years: range) -> Iterator[date] | None:
    """Every date an all-day event covers within ``years`` (its recurrences expanded),
    or None when the event is not all-day."""
    start = _all_day(event, "DTSTART")
    if start is None:
        return None
    end = _all_day(event, "DTEND")
    duration = getattr(event.get("DURATION"), "dt", None)
    if end is None and isinstance(duration, timedelta):
        end = start + duration
    # DTEND is exclusive (RFC 5545); an event with neither is one day long.
    length = max(1, min((end - start).days if end else 1, MAX_EVENT_DAYS))
    firsts: list[date] | None = [start]
    rule = event.get("RRULE")
    if rule is not None:
        firsts = _yearly(rule, start, years)
    if firsts is None:
        return None
    excluded = set()
    exdates = event.get("EXDATE")
    for entry in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        excluded |= {
            value.dt if not isinstance(value.dt, datetime) else value.dt.date()
            for value in entry.dts
        }
    return (
        first + timedelta(days=offset)
        for first in firsts
        if first not in excluded
        for offset in range(length)
    )


def parse_ical(data: bytes, years: range) -> tuple[dict[date, str], int]:
    """The all-day dates of an iCalendar file within ``years`` with their summaries, and
    how many events were skipped. Raises ValueError when the file cannot be read."""
    if len(data) > MAX_ICAL_BYTES:
        raise ValueError("The file is larger than 1 MB.")
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, UnicodeError) as error:
        raise ValueError(f"This is not an iCalendar file ({error}).") from error
    found: dict[date, str] = {}
    skipped = 0
    for event in parsed.walk("VEVENT"):
        try:
            # Built here, inside the try: a date past year 9999 overflows while the
            # generator runs, not when it is made.
            found_days = _event_days(event, years)
            days = None if found_days is None else list(found_days)
        except (ValueError, TypeError, AttributeError, OverflowError):
            days = None  # an RRULE or EXDATE dateutil cannot read, or dates past 9999
        if days is None:
            skipped += 1
            continue
        summary = str(event.get("SUMMARY", ""))
        for day in days:
            if day.year in years:
                found.setdefault(day, summary)
            if len(found) > MAX_DATES:
                raise ValueError(f"The file has more than {MAX_DATES} holidays in those years.")
    return found, skipped


def holidays_import_ical(
    calendar: Calendar, data: bytes, *, years: range, by: "User | None"
) -> HolidayResult:
    """Add the all-day events of an iCalendar file as holidays. Multi-day events give
    each of their dates; recurring ones (RRULE, yearly or any other) are expanded over
    ``years`` and EXDATEs respected. Events with a time of day are skipped: a holiday is
    a whole local date."""
    found, skipped = parse_ical(data, years)
    added, already = _store(
        calendar, found, source=Holiday.Source.ICAL, by=by, reason="Holidays imported"
    )
    return HolidayResult(added=added, already=already, skipped=skipped)


# -- by country -----------------------------------------------------------------------------


class UnknownRegion(ValueError):
    """A country or subdivision code the ``holidays`` package does not know; ``field``
    names which of the two."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def country_holidays(country: str, subdivision: str, years: range) -> dict[date, str]:
    """The public holidays of a country (ISO 3166 code) and optional subdivision, names in
    English where the package has them. Raises UnknownRegion for a code it does not know."""
    country, subdivision = country.strip().upper(), subdivision.strip().upper()
    known = holiday_data.list_supported_countries()
    if country not in known:
        raise UnknownRegion(f"No holidays are known for country code {country!r}.", field="country")
    # Subdivision codes are upper case, but a few are names ("Augsburg").
    subdivisions = {code.upper(): code for code in known[country]}
    if subdivision and subdivision not in subdivisions:
        raise UnknownRegion(
            f"{country} has no subdivision {subdivision!r} (known: "
            f"{', '.join(known[country]) or 'none'}).",
            field="subdivision",
        )
    found = holiday_data.country_holidays(
        country,
        subdiv=subdivisions.get(subdivision),
        years=list(years),
        language="en_US",
    )
    return {day: str(name) for day, name in found.items() if day.year in years}


def holidays_generate(
    calendar: Calendar, *, country: str, subdivision: str, years: range, by: "User | None"
) -> HolidayResult:
    found = country_holidays(country, subdivision, years)
    where = "-".join(part.upper() for part in (country, subdivision) if part)
    added, already = _store(
        calendar,
        found,
        source=Holiday.Source.GENERATED,
        by=by,
        reason=f"Holidays generated for {where}",
    )
    return HolidayResult(added=added, already=already)
