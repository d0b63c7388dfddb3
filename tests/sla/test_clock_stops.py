"""Acknowledging stops the response clock; resolving stops the resolution clock;
canceling stops a response nobody gave and cancels the rest; Incident.made_sla follows."""

from datetime import UTC, datetime, timedelta

from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_acknowledge_stops_the_response_clock(make_incident, agent, always, define):
    define("P3", always, response_target=1, resolution_target=8)
    with at(T0):
        incident = make_incident()
    incident = move(incident, "acknowledge", T0 + timedelta(minutes=50), agent)
    response = clock_of(incident, Target.RESPONSE)
    assert response.stopped_at == incident.acknowledged_at == T0 + timedelta(minutes=50)
    assert response.made_sla is True and response.breach_at is None
    assert response.warned_at == T0 + timedelta(minutes=45)  # 75 % passed before the stop
    assert response.history.first().history_change_reason == "Stopped: acknowledged"
    assert clock_of(incident, Target.RESOLUTION).is_running
    incident.refresh_from_db()
    assert incident.made_sla is None  # the resolution clock still runs


def test_resolve_sets_made_sla_on_clock_and_incident(make_incident, agent, always, define):
    define("P3", always, response_target=1, resolution_target=8)
    with at(T0):
        incident = make_incident()
    incident = move(incident, "acknowledge", T0 + timedelta(minutes=10), agent)
    incident = move(
        incident,
        "resolve",
        T0 + timedelta(hours=7),
        agent,
        resolution_code="solution_provided",
        resolution_notes="Fixed.",
    )
    resolution = clock_of(incident, Target.RESOLUTION)
    assert resolution.stopped_at == incident.resolved_at and resolution.made_sla is True
    assert resolution.elapsed_seconds == 7 * 3600
    incident.refresh_from_db()
    assert incident.made_sla is True
    assert incident.history.first().history_change_reason == "SLA met"


def test_cancel_stops_the_unanswered_response_and_cancels_the_resolution(
    make_incident, agent, manager, always, define
):
    define("P3", always, response_target=1, resolution_target=8)
    with at(T0):
        incident = make_incident()
    incident = move(incident, "cancel", T0 + timedelta(minutes=20), manager, reason="Twice.")
    response = clock_of(incident, Target.RESPONSE)
    assert response.stopped_at == T0 + timedelta(minutes=20) and response.made_sla is True
    resolution = Clock.objects.get(incident=incident, target=Target.RESOLUTION)
    assert resolution.cancelled_at == T0 + timedelta(minutes=20)
    assert resolution.cancel_reason == "Incident canceled"
    assert resolution.breach_at is None
    assert list(Clock.objects.running()) == []
