"""A re-evaluation's new clock is paused exactly when the incident is on hold for one of
the NEW definition's pause reasons, from the re-evaluation on; pauses already taken carry
over, also when no active clock was left to copy them from."""

from datetime import UTC, datetime, timedelta

from incidents.workflow import incident_update
from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_matching_again_while_on_hold_keeps_the_pause(make_incident, agent, always, define):
    define("SEV3", always, severities=[3], resolution_target=24)
    with at(T0):
        incident = make_incident(severity=3)
    incident = move(incident, "hold", T0 + timedelta(hours=2), agent, hold_reason="awaiting_caller")
    with at(T0 + timedelta(hours=4)):
        incident = incident_update(incident, by=agent, changes={"severity": 4})
    assert not Clock.objects.active().filter(incident=incident, target=Target.RESOLUTION).exists()
    with at(T0 + timedelta(hours=5)):
        incident = incident_update(incident, by=agent, changes={"severity": 3})

    clock = clock_of(incident, Target.RESOLUTION)
    assert (clock.started_at, clock.paused_since) == (T0, T0 + timedelta(hours=2))
    assert clock.breach_at is None
    incident = move(incident, "resume", T0 + timedelta(hours=6), agent)
    # 2 h used before the hold: 22 h left from the resume.
    assert clock_of(incident, Target.RESOLUTION).breach_at == T0 + timedelta(hours=28)


def test_matching_again_while_held_without_earlier_clock_pauses_from_now(
    make_incident, agent, always, define
):
    with at(T0):
        incident = make_incident(severity=4)  # no definition matches: no clock
    incident = move(incident, "hold", T0 + timedelta(hours=2), agent, hold_reason="awaiting_caller")
    define("SEV3", always, severities=[3], resolution_target=24)
    with at(T0 + timedelta(hours=5)):
        incident = incident_update(incident, by=agent, changes={"severity": 3})

    clock = clock_of(incident, Target.RESOLUTION)
    assert (clock.started_at, clock.paused_since) == (T0, T0 + timedelta(hours=5))


def test_a_definition_that_does_not_pause_runs_while_on_hold(make_incident, agent, always, define):
    define("SEV3", always, order=20, severities=[3], resolution_target=24)
    define("SEV2", always, order=10, severities=[2], resolution_target=8, pause_hold_reasons=[])
    with at(T0):
        incident = make_incident(severity=3)
    incident = move(incident, "hold", T0 + timedelta(hours=1), agent, hold_reason="awaiting_caller")
    with at(T0 + timedelta(hours=2)):
        incident = incident_update(incident, by=agent, changes={"severity": 2})

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.definition.name == "SEV2" and clock.paused_since is None
    # The hour paused under SEV3 stays a pause: 1 h used, 7 h left from the re-evaluation.
    assert clock.breach_at == T0 + timedelta(hours=9)
