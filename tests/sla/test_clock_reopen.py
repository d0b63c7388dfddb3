"""Reopening runs the resolution clock again without losing the time it used: the
resolved interval counts as a pause, and made_sla is open again."""

from datetime import UTC, datetime, timedelta

from sla.models import Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_reopen_resumes_with_the_resolved_interval_as_a_pause(
    make_incident, agent, caller, always, define
):
    define("P3", always, resolution_target=8)
    with at(T0):
        incident = make_incident()
    incident = move(
        incident,
        "resolve",
        T0 + timedelta(hours=3),
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    incident.refresh_from_db()
    assert incident.made_sla is True
    incident = move(incident, "reopen", T0 + timedelta(hours=20), caller, reason="Still broken.")
    clock = clock_of(incident, Target.RESOLUTION)
    assert clock.is_running and clock.made_sla is None and clock.stopped_at is None
    assert clock.closed_pauses() == [(T0 + timedelta(hours=3), T0 + timedelta(hours=20))]
    assert clock.elapsed_seconds == 3 * 3600
    # 5 h left from the reopening.
    assert clock.breach_at == T0 + timedelta(hours=25)
    assert clock.history.first().history_change_reason == "Running again: reopened"
    incident.refresh_from_db()
    assert incident.made_sla is None
    assert incident.history.first().history_change_reason == "SLA clock running again"
