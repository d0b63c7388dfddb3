"""A calendar's rows become its arithmetic; the rows a calendar cannot have are refused."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from sla.models import Calendar, Holiday, WorkingPeriod
from sla.models.calendars import overlaps

BERLIN = ZoneInfo("Europe/Berlin")


def test_monday_to_friday_nine_to_five_across_a_weekend(office):
    # Friday 16:00 to Monday 10:00 is two business hours; four are due Monday 12:00.
    working = office.working_time()
    friday = datetime(2026, 6, 12, 16, tzinfo=BERLIN)
    assert working.seconds_between(friday, datetime(2026, 6, 15, 10, tzinfo=BERLIN)) == 7200
    assert working.add(friday, 4 * 3600) == datetime(2026, 6, 15, 12, tzinfo=BERLIN)


def test_working_time_reads_periods_and_holidays_from_a_prefetch(office, django_assert_num_queries):
    WorkingPeriod.objects.create(calendar=office, weekday=0, start=time(18), end=time(0))
    Holiday.objects.create(calendar=office, date=date(2026, 6, 15), name="Closed")
    calendar = Calendar.objects.prefetch_related("periods", "holidays").get(pk=office.pk)

    with django_assert_num_queries(0):
        working = calendar.working_time()

    assert working.zone == BERLIN
    assert working.weekly[0] == ((time(9), time(17)), (time(18), time(0)))
    assert working.weekly[5] == ()
    assert working.holidays == frozenset({date(2026, 6, 15)})


def test_a_24x7_calendar_ignores_its_periods_and_holidays(office):
    office.always_on = True
    office.save()
    Holiday.objects.create(calendar=office, date=date(2026, 6, 15))
    working = office.working_time()
    assert working.always
    saturday = datetime(2026, 6, 13, tzinfo=BERLIN)
    assert working.seconds_between(saturday, datetime(2026, 6, 16, tzinfo=BERLIN)) == 3 * 86400


def test_a_time_zone_must_be_an_iana_name(db):
    calendar = Calendar(name="Somewhere", time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError) as refusal:
        calendar.full_clean()
    assert "time_zone" in refusal.value.message_dict


def test_a_period_ends_after_it_starts_or_at_midnight(office):
    WorkingPeriod(calendar=office, weekday=5, start=time(22), end=time(0)).full_clean()
    backwards = WorkingPeriod(calendar=office, weekday=5, start=time(17), end=time(9))
    with pytest.raises(ValidationError) as refusal:
        backwards.full_clean()
    assert refusal.value.message_dict["end"] == [
        "The period must end after it starts (00:00 for midnight)."
    ]
    with pytest.raises(IntegrityError):
        backwards.save()


def test_overlapping_periods_of_one_weekday_are_named():
    periods = [
        (0, time(9), time(12)),
        (0, time(11), time(17)),
        (1, time(9), time(12)),
        (1, time(12), time(17)),  # touching is fine
        (2, time(20), time(0)),
        (2, time(22), time(23)),
    ]
    assert overlaps(periods) == [
        "Monday: 09:00-12:00 overlaps 11:00-17:00.",
        "Wednesday: 20:00-00:00 overlaps 22:00-23:00.",
    ]


def test_a_calendar_has_a_date_as_holiday_once(office):
    Holiday.objects.create(calendar=office, date=date(2026, 12, 25))
    with pytest.raises(IntegrityError):
        Holiday.objects.create(calendar=office, date=date(2026, 12, 25), name="Again")
