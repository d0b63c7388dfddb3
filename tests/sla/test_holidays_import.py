"""Holidays from an iCalendar file: all-day events only, every day of a multi-day event,
yearly recurrences over the years asked (EXDATE respected), and a second import adds
nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sla.holidays import MAX_ICAL_BYTES, holidays_import_ical
from sla.models import Holiday

EXPECTED = {
    date(2026, 1, 1): "New Year's Day",
    date(2026, 6, 15): "Founders' Day",
    date(2026, 11, 26): "Thanksgiving",
    date(2026, 12, 24): "Christmas break",
    date(2026, 12, 25): "Christmas break",
    date(2026, 12, 26): "Christmas break",
    date(2027, 11, 25): "Thanksgiving",
    date(2028, 6, 15): "Founders' Day",
    date(2028, 11, 23): "Thanksgiving",
}


def test_an_ics_file_gives_its_all_day_dates_as_holidays(office, office_ics, manager):
    result = holidays_import_ical(office, office_ics, years=range(2026, 2029), by=manager)

    assert (result.added, result.already, result.skipped) == (9, 0, 2)
    holidays = {h.date: h for h in office.holidays.all()}
    assert {day: h.name for day, h in holidays.items()} == EXPECTED
    assert {h.source for h in holidays.values()} == {Holiday.Source.ICAL}
    # Founders' Day 2027 is an EXDATE, and the timed all-hands is no holiday.
    assert date(2027, 6, 15) not in holidays
    assert date(2026, 3, 12) not in holidays
    audit = office.history.first()
    assert audit.history_user == manager
    assert audit.history_change_reason == "Holidays imported: 9 holidays added"


def test_importing_the_same_file_again_adds_nothing(office, office_ics, manager):
    holidays_import_ical(office, office_ics, years=range(2026, 2029), by=manager)
    history_rows = office.history.count()

    again = holidays_import_ical(office, office_ics, years=range(2026, 2029), by=manager)

    assert (again.added, again.already) == (0, 9)
    assert office.holidays.count() == 9
    assert office.history.count() == history_rows  # nothing changed, nothing to audit


def test_a_date_entered_by_hand_keeps_its_name(office, office_ics, manager):
    Holiday.objects.create(calendar=office, date=date(2026, 1, 1), name="Neujahr")

    result = holidays_import_ical(office, office_ics, years=range(2026, 2027), by=manager)

    assert (result.added, result.already) == (5, 1)
    kept = office.holidays.get(date=date(2026, 1, 1))
    assert (kept.name, kept.source) == ("Neujahr", Holiday.Source.MANUAL)


def test_imported_holidays_stop_the_clock(office, office_ics, manager):
    holidays_import_ical(office, office_ics, years=range(2026, 2027), by=manager)
    berlin = ZoneInfo("Europe/Berlin")
    # Wednesday 23 December 16:00 + 2 business hours: the 24th (Thursday) and 25th are
    # holidays, so it is due Monday 28 December 10:00.
    due = office.working_time().add(datetime(2026, 12, 23, 16, tzinfo=berlin), 2 * 3600)
    assert due == datetime(2026, 12, 28, 10, tzinfo=berlin)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"this is not a calendar", "not an iCalendar file"),
        (b"", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * MAX_ICAL_BYTES + b"\r\nEND:VCALENDAR\r\n", "1 MB"),
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_and_changes_nothing(office, manager, data, words):
    with pytest.raises(ValueError, match=words):
        holidays_import_ical(office, data, years=range(2026, 2027), by=manager)
    assert not office.holidays.exists()
