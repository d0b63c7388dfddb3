"""GLPI #17186: the time to resolve moved after a ticket left *pending*. Ours: pending
then resumed, the deadline moves by exactly the pause (in business time), no more."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sla.models import Target
from tests.sla.support import at, clock_of, move

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int):
    from datetime import datetime

    return datetime(*args, tzinfo=BERLIN)


def test_pending_then_resumed_deadline_moves_by_exactly_the_pause(
    make_incident, agent, office, define
):
    define("P3 office", office, priorities=[3], resolution_target=8)
    with at(local(2026, 3, 2, 10, 0)):  # a Monday
        incident = make_incident(impact=2, urgency=2)
    before = clock_of(incident, Target.RESOLUTION)
    assert before.breach_at == local(2026, 3, 3, 10, 0)  # 8 business hours: Tuesday 10:00
    assert before.warn_at == local(2026, 3, 2, 16, 0)  # 6 h used: Monday 16:00

    incident = move(
        incident, "hold", local(2026, 3, 2, 12, 0), agent, hold_reason="awaiting_caller"
    )
    paused = clock_of(incident, Target.RESOLUTION)
    assert paused.is_paused and paused.breach_at is None and paused.warn_at is None
    assert paused.elapsed_seconds == 2 * 3600
    assert paused.history.first().history_change_reason == "Paused: Awaiting Caller"

    move(incident, "resume", local(2026, 3, 2, 14, 30), agent)
    after = clock_of(incident, Target.RESOLUTION)
    # Exactly the 2 h 30 min pause, all of it business time, and nothing else.
    assert after.breach_at - before.breach_at == timedelta(hours=2, minutes=30)
    assert after.breach_at == local(2026, 3, 3, 12, 30)
    assert after.closed_pauses() == [(local(2026, 3, 2, 12, 0), local(2026, 3, 2, 14, 30))]


def test_a_pause_outside_working_hours_moves_nothing(make_incident, agent, office, define):
    define("P3 office", office, priorities=[3], resolution_target=8)
    with at(local(2026, 3, 2, 10, 0)):
        incident = make_incident(impact=2, urgency=2)
    before = clock_of(incident, Target.RESOLUTION).breach_at
    incident = move(
        incident, "hold", local(2026, 3, 2, 18, 0), agent, hold_reason="awaiting_vendor"
    )
    move(incident, "resume", local(2026, 3, 3, 8, 0), agent)
    assert clock_of(incident, Target.RESOLUTION).breach_at == before


def test_a_hold_for_a_reason_that_does_not_pause_keeps_the_deadline(
    make_incident, agent, always, define
):
    define("P3 24x7", always, priorities=[3], resolution_target=4)
    with at(local(2026, 3, 2, 10, 0)):
        incident = make_incident(impact=2, urgency=2)
    before = clock_of(incident, Target.RESOLUTION).breach_at
    incident = move(
        incident, "hold", local(2026, 3, 2, 11, 0), agent, hold_reason="awaiting_change"
    )
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.is_running and clock.breach_at == before
