"""GLPI #10594: waiting time was miscounted for SLAs in days on a calendar. Ours: "N
business days" is N x the calendar's business day of business time, and waiting time is
the business time inside the pauses, nothing more."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sla.models import Target
from tests.sla.support import at, clock_of, move

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_sla_in_business_days_with_waiting_time(make_incident, agent, office, define):
    define("P3 office, 3 days", office, priorities=[3], unit="business_days", resolution_target=3)
    with at(local(2026, 3, 4, 15, 0)):  # Wednesday 15:00
        incident = make_incident(impact=2, urgency=2)
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.target_seconds == 3 * 8 * 3600
    # 2 h Wednesday, 8 h Thursday, 8 h Friday, 6 h Monday.
    assert clock.breach_at == local(2026, 3, 9, 15, 0)

    # Waiting for the caller from Thursday 16:00 to Monday 10:00: 1 h Thursday + 8 h
    # Friday + 1 h Monday = 10 business hours of waiting (the weekend was never counted).
    incident = move(
        incident, "hold", local(2026, 3, 5, 16, 0), agent, hold_reason="awaiting_caller"
    )
    assert clock_of(incident, Target.RESOLUTION).elapsed_seconds == 9 * 3600
    incident = move(incident, "resume", local(2026, 3, 9, 10, 0), agent)
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.elapsed_seconds == 9 * 3600
    # 15 business hours left from Monday 10:00: 7 h Monday, 8 h Tuesday.
    assert clock.breach_at == local(2026, 3, 10, 17, 0)

    incident = move(
        incident,
        "resolve",
        local(2026, 3, 10, 16, 0),
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.elapsed_seconds == 23 * 3600 and clock.made_sla is True
    incident.refresh_from_db()
    assert incident.made_sla is True


def test_a_longer_business_day_makes_a_longer_target(make_incident, office, define):
    office.business_day = timedelta(hours=10)
    office.save()
    define("P3 office, 1 day", office, priorities=[3], unit="business_days", resolution_target=1)
    with at(local(2026, 3, 2, 9, 0)):
        incident = make_incident(impact=2, urgency=2)
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.target_seconds == 10 * 3600
    assert clock.breach_at == local(2026, 3, 3, 11, 0)  # 8 h Monday, 2 h Tuesday
