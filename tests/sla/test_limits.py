"""What a manager cannot enter, because every incident it matched would then fail to log or
breach at once: a target beyond ten years, a business day of zero, negative or over a day;
and an iCalendar event past the year 9999 is skipped, not a server error."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sla.holidays import parse_ical
from sla.models import Calendar


def test_a_target_beyond_ten_years_is_refused_before_any_incident_meets_it(always, define):
    definition = define("Huge", always, resolution_target=Decimal("999999.99"))

    with pytest.raises(ValidationError) as refused:
        definition.full_clean()

    assert refused.value.message_dict["resolution_target"] == [
        "A target is at most ten years of business time."
    ]


@pytest.mark.parametrize("day", [timedelta(0), timedelta(hours=-8), timedelta(hours=25)])
def test_a_business_day_is_more_than_zero_and_at_most_a_day(db, day):
    calendar = Calendar(name="Odd", time_zone="UTC", business_day=day)

    with pytest.raises(ValidationError) as refused:
        calendar.full_clean()

    assert "business_day" in refused.value.message_dict


def test_an_event_past_the_year_9999_is_skipped():
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        b"DTSTART;VALUE=DATE:99991231\r\nDURATION:P2D\r\nSUMMARY:End of time\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    found, skipped = parse_ical(ics, range(2026, 2027))

    assert list(found.values()) == ["Christmas"]
    assert skipped == 1
