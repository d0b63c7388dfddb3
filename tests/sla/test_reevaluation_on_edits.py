"""Editing what definitions match on re-evaluates: moving an incident to another service
(or severity) switches to the definition that now applies first, counted from the
original start; when none applies any more, the clock is cancelled and the timeline says
so. An acknowledged response keeps its outcome."""

from datetime import UTC, datetime, timedelta

from catalog.models import Service
from incidents.workflow import incident_update
from sla.models import Clock, Target
from tests.sla.support import at, clock_of, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_service_change_switches_definition_and_keeps_the_start(
    make_incident, agent, team, service, always, define
):
    erp = Service.objects.create(name="ERP", owner_team=team, criticality=1)
    define("Email", always, order=1, services=[service], response_target=1, resolution_target=8)
    define("ERP", always, order=2, services=[erp], response_target=0.5, resolution_target=4)
    with at(T0):
        incident = make_incident()
    incident = move(incident, "acknowledge", T0 + timedelta(minutes=20), agent)
    with at(T0 + timedelta(hours=1)):
        incident = incident_update(incident, by=agent, changes={"service": erp})
    resolution = clock_of(incident, Target.RESOLUTION)
    assert resolution.definition.name == "ERP" and resolution.started_at == T0
    assert resolution.breach_at == T0 + timedelta(hours=4)
    # The response was given under the old definition: it keeps its outcome.
    response = clock_of(incident, Target.RESPONSE)
    assert response.definition.name == "Email" and response.made_sla is True
    assert incident.timeline.get(verb="sla_changed").body == (
        "Resolution SLA now 'ERP' (4 h), counted from the original start."
    )


def test_when_nothing_matches_any_more_the_clock_is_cancelled(make_incident, agent, always, define):
    define("SEV2", always, severities=[2], resolution_target=8)
    with at(T0):
        incident = make_incident(severity=2)
    with at(T0 + timedelta(hours=1)):
        incident = incident_update(incident, by=agent, changes={"severity": 3})
    clock = Clock.objects.get(incident=incident)
    assert clock.cancelled_at == T0 + timedelta(hours=1)
    assert clock.cancel_reason == "Re-evaluated: no definition matches any more"
    assert incident.timeline.get(verb="sla_changed").body == (
        "Resolution SLA 'SEV2' no longer applies: no definition matches."
    )
    incident.refresh_from_db()
    assert incident.made_sla is None
