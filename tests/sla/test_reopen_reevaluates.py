"""A reopen re-evaluates: a severity or priority changed while the incident was resolved
decides the definition of the clock that runs again."""

from datetime import UTC, datetime, timedelta

from incidents.workflow import incident_update
from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_reopening_after_a_severity_change_runs_the_new_definition(
    make_incident, agent, always, define
):
    define("SEV3", always, order=20, severities=[3], resolution_target=24)
    define("SEV2", always, order=10, severities=[2], resolution_target=4)
    with at(T0):
        incident = make_incident(severity=3)
    incident = move(
        incident, "resolve", T0 + timedelta(hours=1), agent,
        resolution_code="solution_provided", resolution_notes="done",
    )  # fmt: skip
    with at(T0 + timedelta(hours=2)):
        incident = incident_update(incident, by=agent, changes={"severity": 2})
    assert clock_of(incident, Target.RESOLUTION).definition.name == "SEV3"  # outcome kept

    incident = move(incident, "reopen", T0 + timedelta(hours=3), agent, reason="still broken")

    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.definition.name == "SEV2" and clock.started_at == T0
    # 1 h used before the resolve; the resolved 2 h are a pause: 3 h left from the reopen.
    assert clock.breach_at == T0 + timedelta(hours=6)
    old = Clock.objects.get(incident=incident, target=Target.RESOLUTION, definition__name="SEV3")
    assert old.cancelled_at == T0 + timedelta(hours=3)
    assert incident.timeline.filter(verb="sla_changed").exists()
