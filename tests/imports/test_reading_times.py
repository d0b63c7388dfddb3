"""imports.formats.reading.parse_time: times with an offset keep it; times without one are
local time in the run's zone; a time the zone skips is unmappable, one it repeats takes the
first occurrence."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from imports.formats.reading import ISO, Unmappable, parse_time

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_an_offset_in_the_text_wins_over_the_zone():
    parsed = parse_time("2010-03-31T15:59:42+01:00", ISO, AMSTERDAM)
    assert parsed == datetime(2010, 3, 31, 14, 59, 42, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(hours=1)


def test_a_time_without_offset_is_local_time_in_the_zone():
    parsed = parse_time("2013-07-01 09:30:00", "%Y-%m-%d %H:%M:%S", AMSTERDAM)
    assert parsed.tzinfo is AMSTERDAM
    assert parsed.astimezone(UTC) == datetime(2013, 7, 1, 7, 30, tzinfo=UTC)  # summer, +02:00
    winter = parse_time("29/2/2016 01:16", "%d/%m/%Y %H:%M", ZoneInfo("UTC"))
    assert winter == datetime(2016, 2, 29, 1, 16, tzinfo=UTC)  # day first, no zero padding


def test_iso_without_offset_is_local_too():
    parsed = parse_time("2013-01-07 08:17:17", ISO, AMSTERDAM)
    assert parsed.astimezone(UTC) == datetime(2013, 1, 7, 7, 17, 17, tzinfo=UTC)


def test_a_time_the_clock_skips_is_unmappable():
    # 2013-03-31 02:30 never happened in Amsterdam: clocks went from 02:00 to 03:00.
    with pytest.raises(Unmappable) as refused:
        parse_time("2013-03-31 02:30:00", "%Y-%m-%d %H:%M:%S", AMSTERDAM)
    assert refused.value.reason == "nonexistent local time in Europe/Amsterdam"
    rejected = refused.value.rejected("log.csv", 7, "IM0000001")
    assert (rejected.path, rejected.line, rejected.number) == ("log.csv", 7, "IM0000001")
    assert rejected.reason == "nonexistent local time in Europe/Amsterdam"


def test_a_time_the_clock_repeats_takes_the_first_occurrence():
    # 2013-10-27 02:30 happened twice in Amsterdam: first in summer time (+02:00).
    parsed = parse_time("2013-10-27 02:30:00", "%Y-%m-%d %H:%M:%S", AMSTERDAM)
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.astimezone(UTC) == datetime(2013, 10, 27, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fmt", "reason"),
    [
        ("", ISO, "missing time"),
        ("   ", "%Y", "missing time"),
        (
            "31/02/2016 10:00",
            "%d/%m/%Y %H:%M",
            "unparsable time '31/02/2016 10:00' (expected %d/%m/%Y %H:%M)",
        ),
        ("yesterday", ISO, "unparsable time 'yesterday' (expected ISO 8601)"),
    ],
)
def test_missing_or_unparsable_times_are_unmappable(text, fmt, reason):
    with pytest.raises(Unmappable) as refused:
        parse_time(text, fmt, AMSTERDAM)
    assert refused.value.reason == reason


def test_fixed_offset_text_in_a_strptime_format():
    parsed = parse_time("2016-02-29 01:16 +0530", "%Y-%m-%d %H:%M %z", AMSTERDAM)
    assert parsed.utcoffset() == timezone(timedelta(hours=5, minutes=30)).utcoffset(None)
