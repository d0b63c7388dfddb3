"""Business time checked by hand: office hours across a weekend, the DST nights, holidays,
24x7 (Zammad #390), and the refusals."""

import time as stopwatch
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.worktime import ALWAYS, WorkingTime

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = ((time(9), time(17)),)
OFFICE = WorkingTime(zone=BERLIN, weekly=(NINE_TO_FIVE,) * 5 + ((), ()))
HOUR = 3600


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_friday_afternoon_to_monday_morning_counts_only_office_hours():
    # Friday 2026-06-12 15:00 to Monday 10:00: Friday 15-17 and Monday 9-10.
    assert OFFICE.seconds_between(berlin(2026, 6, 12, 15), berlin(2026, 6, 15, 10)) == 3 * HOUR


def test_four_business_hours_from_friday_afternoon_fall_due_on_monday():
    due = OFFICE.add(berlin(2026, 6, 12, 15), 4 * HOUR)
    assert due == berlin(2026, 6, 15, 11)
    assert due.tzinfo == UTC


def test_a_target_ending_at_five_falls_due_at_five_not_at_nine_next_morning():
    assert OFFICE.add(berlin(2026, 6, 12, 9), 8 * HOUR) == berlin(2026, 6, 12, 17)


def test_a_request_logged_on_saturday_starts_counting_on_monday_at_nine():
    assert OFFICE.add(berlin(2026, 6, 13, 12), 1) == berlin(2026, 6, 15, 9, 0, 1)


def test_a_holiday_has_no_working_time():
    # Whit Monday 2026-05-25: Friday 16:00 + 2 h is Tuesday 10:00.
    whit_monday = frozenset({date(2026, 5, 25)})
    calendar = WorkingTime(zone=BERLIN, weekly=OFFICE.weekly, holidays=whit_monday)
    assert calendar.add(berlin(2026, 5, 22, 16), 2 * HOUR) == berlin(2026, 5, 26, 10)
    assert calendar.seconds_between(berlin(2026, 5, 22, 16), berlin(2026, 5, 26, 10)) == 2 * HOUR


def test_several_intervals_a_day_skip_the_lunch_break():
    split = WorkingTime(zone=BERLIN, weekly=(((time(8), time(12)), (time(13), time(17))),) * 7)
    assert split.add(berlin(2026, 6, 10, 11), 2 * HOUR) == berlin(2026, 6, 10, 14)


def test_an_interval_to_midnight_runs_to_the_end_of_the_day():
    evenings = WorkingTime(zone=BERLIN, weekly=(((time(22), time(0)),),) * 7)
    assert evenings.seconds_between(berlin(2026, 6, 10, 23), berlin(2026, 6, 11, 23)) == 2 * HOUR


def test_the_spring_night_has_no_hour_between_two_and_three():
    nights = WorkingTime(zone=BERLIN, weekly=(((time(0), time(6)),),) * 7)
    # 2026-03-29: 00:00 to 06:00 on the wall clock is five real hours.
    assert nights.seconds_between(berlin(2026, 3, 29, 0), berlin(2026, 3, 29, 6)) == 5 * HOUR


def test_the_autumn_night_counts_the_repeated_hour_twice():
    nights = WorkingTime(zone=BERLIN, weekly=(((time(0), time(6)),),) * 7)
    # 2026-10-25: 00:00 to 06:00 on the wall clock is seven real hours, all of them worked.
    assert nights.seconds_between(berlin(2026, 10, 25, 0), berlin(2026, 10, 25, 6)) == 7 * HOUR
    assert nights.add(berlin(2026, 10, 25, 0), 7 * HOUR) == berlin(2026, 10, 25, 6)


def test_zammad_390_a_48_hour_target_on_24x7_stays_48_hours_whatever_the_holidays():
    # Zammad's holiday feed stretched a 48 h SLA to six days; a 24x7 calendar ignores them.
    always = WorkingTime(
        zone=BERLIN,
        weekly=OFFICE.weekly,
        holidays=frozenset(date(2026, 12, day) for day in range(20, 32)),
        always=True,
    )
    start = berlin(2026, 12, 24, 18)
    assert always.add(start, 48 * HOUR) == start + timedelta(hours=48)
    assert ALWAYS.add(start, 48 * HOUR) == start + timedelta(hours=48)
    assert always.seconds_between(start, start + timedelta(days=6)) == 6 * 24 * HOUR


def test_a_target_of_weeks_is_found_without_walking_minutes():
    started = stopwatch.perf_counter()
    due = OFFICE.add(berlin(2026, 1, 5, 9), 52 * 5 * 8 * HOUR)  # a working year
    assert stopwatch.perf_counter() - started < 0.5
    assert OFFICE.seconds_between(berlin(2026, 1, 5, 9), due) == 52 * 5 * 8 * HOUR


def test_end_before_start_is_no_time_at_all():
    assert OFFICE.seconds_between(berlin(2026, 6, 15, 12), berlin(2026, 6, 15, 10)) == 0


def test_a_calendar_without_working_time_never_falls_due():
    never = WorkingTime(zone=BERLIN, weekly=((),) * 7)
    with pytest.raises(ValueError, match="no working time"):
        never.add(berlin(2026, 6, 15, 12), 1)
    assert never.add(berlin(2026, 6, 15, 12), 0) == berlin(2026, 6, 15, 12)


def test_naive_datetimes_and_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="aware"):
        OFFICE.seconds_between(datetime(2026, 6, 15, 12), datetime(2026, 6, 15, 13))
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(berlin(2026, 6, 15, 12), -1)
