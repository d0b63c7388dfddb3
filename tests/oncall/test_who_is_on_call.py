"""Who is on call at T: hand-offs, overrides, time zones and DST, table-driven.

Rotation A-B-C starts Monday 2026-03-23 at 09:00 local. Europe/Paris leaves CET (+01) for
CEST (+02) on Sunday 2026-03-29 at 02:00; America/New_York left EST for EDT on 2026-03-08
and returns on 2026-11-01."""

import itertools
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from oncall.models import Override
from oncall.schedules import on_call, shifts
from tests.conftest import _user

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def people() -> dict[str, object]:
    return {name: _user(name.lower()) for name in ("A", "B", "C")}


DAILY_PARIS = [
    # (instant, expected) - 09:00 Paris is 08:00 UTC before the change, 07:00 after it.
    (utc(2026, 3, 23, 7, 59), None),  # before the first hand-off
    (utc(2026, 3, 23, 8, 0), "A"),  # the first hand-off, 09:00 CET
    (utc(2026, 3, 24, 7, 59), "A"),  # a minute before the next one
    (utc(2026, 3, 24, 8, 0), "B"),
    (utc(2026, 3, 25, 8, 0), "C"),
    (utc(2026, 3, 26, 8, 0), "A"),  # wraps around
    (utc(2026, 3, 28, 8, 0), "C"),  # Saturday 09:00 CET
    (utc(2026, 3, 29, 1, 30), "C"),  # 03:30 CEST: the clocks just jumped, same shift
    (utc(2026, 3, 29, 6, 59), "C"),  # 08:59 CEST
    (utc(2026, 3, 29, 7, 0), "A"),  # 09:00 CEST: the hand-off stays at 09:00 local
    (utc(2026, 3, 30, 7, 0), "B"),
]


@pytest.mark.parametrize(("at", "expected"), DAILY_PARIS)
def test_daily_rotation_across_spring_forward(make_rotation, people, at, expected):
    rotation = make_rotation([people["A"], people["B"], people["C"]], tz="Europe/Paris")
    shift = on_call(rotation.schedule, at)
    assert (shift and shift.user_id) == (people[expected].pk if expected else None)


def test_the_shift_across_the_change_is_23_hours(make_rotation, people):
    rotation = make_rotation([people["A"], people["B"], people["C"]], tz="Europe/Paris")
    shift = on_call(rotation.schedule, utc(2026, 3, 28, 12))
    assert (shift.ends_at - shift.starts_at).total_seconds() == 23 * 3600
    assert shift.ends_at.astimezone(PARIS).time() == time(9)


WEEKLY_NEW_YORK = [
    # Weekly from Monday 2026-10-19, 10:00 New York; EDT (-04) until Sunday 2026-11-01.
    (utc(2026, 10, 19, 14, 0), "A"),  # 10:00 EDT
    (utc(2026, 10, 26, 13, 59), "A"),
    (utc(2026, 10, 26, 14, 0), "B"),
    (utc(2026, 11, 2, 14, 59), "B"),  # 09:59 EST: after fall back, hand-off is 15:00 UTC
    (utc(2026, 11, 2, 15, 0), "C"),
    (utc(2026, 11, 9, 15, 0), "A"),
]


@pytest.mark.parametrize(("at", "expected"), WEEKLY_NEW_YORK)
def test_weekly_rotation_across_fall_back(make_rotation, people, at, expected):
    rotation = make_rotation(
        [people["A"], people["B"], people["C"]],
        tz="America/New_York",
        period="weekly",
        handoff=time(10),
        starts_on=date(2026, 10, 19),
    )
    assert on_call(rotation.schedule, at).user_id == people[expected].pk


OVERRIDES = [
    # B's Tuesday shift; C covers 12:00-18:00 UTC, then A covers 14:00-15:00 on top.
    (utc(2026, 3, 24, 11, 59), "B", False),
    (utc(2026, 3, 24, 12, 0), "C", True),
    (utc(2026, 3, 24, 14, 30), "A", True),  # the later override wins where they overlap
    (utc(2026, 3, 24, 15, 0), "C", True),
    (utc(2026, 3, 24, 18, 0), "B", False),  # the override ends, back to the rotation
]


@pytest.mark.parametrize(("at", "expected", "is_override"), OVERRIDES)
def test_overrides(make_rotation, people, at, expected, is_override):
    rotation = make_rotation([people["A"], people["B"], people["C"]])
    schedule = rotation.schedule
    Override.objects.create(
        schedule=schedule,
        user=people["C"],
        starts_at=utc(2026, 3, 24, 12),
        ends_at=utc(2026, 3, 24, 18),
    )
    Override.objects.create(
        schedule=schedule,
        user=people["A"],
        starts_at=utc(2026, 3, 24, 14),
        ends_at=utc(2026, 3, 24, 15),
    )
    shift = on_call(schedule, at)
    assert (shift.user_id, shift.override) == (people[expected].pk, is_override)


def test_a_new_rotation_takes_over_from_its_start(make_rotation, people):
    old = make_rotation([people["A"], people["B"]])
    make_rotation([people["C"]], starts_on=date(2026, 3, 25), schedule=old.schedule)
    assert on_call(old.schedule, utc(2026, 3, 24, 12)).user_id == people["B"].pk
    assert on_call(old.schedule, utc(2026, 3, 25, 9)).user_id == people["C"].pk


def test_shifts_lay_overrides_over_the_rotation(make_rotation, people):
    rotation = make_rotation([people["A"], people["B"]])
    Override.objects.create(
        schedule=rotation.schedule,
        user=people["C"],
        starts_at=utc(2026, 3, 24, 12),
        ends_at=utc(2026, 3, 24, 18),
    )
    found = shifts(rotation.schedule, utc(2026, 3, 24, 0), utc(2026, 3, 25, 12))
    summary = [(s.starts_at.astimezone(UTC).hour, s.user_id, s.override) for s in found]
    a, b, c = (people[n].pk for n in "ABC")
    # The first shift whole, from its own hand-off (the 23rd at 09:00), not from the window.
    assert found[0].starts_at == utc(2026, 3, 23, 9)
    assert summary == [(9, a, False), (9, b, False), (12, c, True), (18, b, False), (9, a, False)]
    for earlier, later in itertools.pairwise(found):
        assert earlier.ends_at == later.starts_at  # no gaps, no overlaps
