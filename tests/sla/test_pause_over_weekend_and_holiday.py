"""A pause over a weekend and a holiday: the business time inside the pause is what the
deadline moves by; the weekend and the holiday were never business time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sla.models import Target
from tests.sla.support import at, clock_of, move, office_calendar

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_pause_over_a_weekend_and_a_holiday(make_incident, agent, define):
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are holidays.
    calendar = office_calendar(holidays=(date(2026, 4, 3), date(2026, 4, 6)))
    define("P3 office", calendar, priorities=[3], resolution_target=16)
    with at(local(2026, 4, 2, 13, 0)):  # Thursday 13:00
        incident = make_incident(impact=2, urgency=2)
    # 4 h Thursday, then Tuesday 9-17, then 4 h Wednesday.
    assert clock_of(incident, Target.RESOLUTION).breach_at == local(2026, 4, 8, 13, 0)

    incident = move(
        incident, "hold", local(2026, 4, 2, 15, 0), agent, hold_reason="awaiting_vendor"
    )
    incident = move(incident, "resume", local(2026, 4, 7, 11, 0), agent)
    clock = clock_of(incident, Target.RESOLUTION)
    # Waiting: Thursday 15-17 and Tuesday 9-11, 4 business hours; Friday, the weekend and
    # Monday count nothing. 2 h used before, 14 h left from Tuesday 11:00.
    assert clock.elapsed_seconds == 2 * 3600
    assert clock.breach_at == local(2026, 4, 8, 17, 0)
