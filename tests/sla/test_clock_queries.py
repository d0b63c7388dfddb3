"""The queries the alarms, the changelist and the API build on: clocks breaching within a
window (running ones only: a paused clock is never due), and breached ones (stamped, or
running past the deadline and not stamped yet)."""

from datetime import UTC, datetime, timedelta

from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_breaching_within_and_breached(make_incident, agent, always, define):
    define("P3 24x7", always, resolution_target=4)
    with at(T0):
        soon = make_incident(title="Due at noon")
    with at(T0 + timedelta(hours=1)):
        later = make_incident(title="Due at 13:00")
        held = make_incident(title="On hold")
    move(held, "hold", T0 + timedelta(hours=1, minutes=30), agent, hold_reason="awaiting_caller")

    now = T0 + timedelta(hours=3, minutes=15)
    window = Clock.objects.breaching_within(now, timedelta(minutes=60))
    assert list(window) == [clock_of(soon, Target.RESOLUTION)]
    wider = Clock.objects.breaching_within(now, timedelta(minutes=120))
    assert {c.incident_id for c in wider} == {soon.pk, later.pk}
    assert not Clock.objects.breached(now).exists()

    # Past noon, the first is breached though no alarm stamped it; the held one never is.
    assert [c.incident_id for c in Clock.objects.breached(T0 + timedelta(hours=4, seconds=1))] == [
        soon.pk
    ]
    assert list(Clock.objects.paused()) == [clock_of(held, Target.RESOLUTION)]
    assert clock_of(held, Target.RESOLUTION).time_left() == timedelta(hours=3, minutes=30)
