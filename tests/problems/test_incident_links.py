"""Incidents linked to a problem: created from them, linked one by one (once), and
resolved together through the incident workflow: one history row and one timeline event
per incident."""

import pytest

from incidents.models import ResolutionCode as IncidentResolution
from incidents.models import Status as IncidentStatus
from kernel.errors import MoveNotAllowed
from problems.models import Status
from problems.workflow import (
    problem_create_from_incidents,
    problem_link_incident,
    problem_move,
    problem_resolve_incidents,
)

pytestmark = pytest.mark.django_db


def test_a_problem_pre_filled_from_its_incidents(make_incident, agent, category):
    incidents = [
        make_incident(title="VPN drops", impact=3, urgency=2, category=category),
        make_incident(title="VPN drops again", impact=1, urgency=3, category=category),
    ]
    problem = problem_create_from_incidents(incidents, by=agent)
    assert problem.title == "Recurring: VPN drops"
    assert (problem.impact, problem.urgency) == (1, 2)
    assert problem.service == incidents[0].service and problem.category == category
    assert all(incident.number in problem.description for incident in incidents)
    assert set(problem.incidents.all()) == set(incidents)
    for incident in incidents:
        assert incident.timeline.filter(verb="problem_linked").count() == 1
    assert problem.timeline.filter(verb="incident_linked").count() == 2


def test_an_incident_has_one_problem(make_problem, incident, agent):
    first, second = make_problem(), make_problem()
    problem_link_incident(first, incident, by=agent)
    problem_link_incident(first, incident, by=agent)  # again: nothing new
    with pytest.raises(MoveNotAllowed, match="linked to"):
        problem_link_incident(second, incident, by=agent)
    assert incident.timeline.filter(verb="problem_linked").count() == 1


def test_a_closed_problem_takes_no_incidents(problem_in, incident, agent):
    with pytest.raises(MoveNotAllowed):
        problem_link_incident(problem_in(Status.CLOSED), incident, by=agent)


def test_resolving_the_incidents_with_the_workaround(problem_in, incident_in, agent):
    problem = problem_in(Status.ROOT_CAUSE_ANALYSIS)
    problem = problem_move(problem, "mark_known_error", by=agent, workaround="Use webmail")
    open_ones = [incident_in(IncidentStatus.NEW), incident_in(IncidentStatus.ON_HOLD)]
    closed = incident_in(IncidentStatus.CLOSED)
    for incident in [*open_ones, closed]:
        problem_link_incident(problem, incident, by=agent)
    before = {i.pk: (i.history.count(), i.timeline.count()) for i in [*open_ones, closed]}

    resolved = problem_resolve_incidents(problem, by=agent)

    assert {i.pk for i in resolved} == {i.pk for i in open_ones}
    for incident in open_ones:
        incident.refresh_from_db()
        history, timeline = before[incident.pk]
        assert incident.status == IncidentStatus.RESOLVED
        assert incident.resolution_code == IncidentResolution.KNOWN_ERROR
        assert incident.resolution_notes == f"{problem.number}: Use webmail"
        assert incident.history.count() == history + 1
        assert incident.timeline.count() == timeline + 1
        assert incident.timeline.order_by("-id").first().verb == "resolve"
    closed.refresh_from_db()
    assert (closed.history.count(), closed.timeline.count()) == before[closed.pk]
    event = problem.timeline.get(verb="incidents_resolved")
    assert sorted(event.data["incidents"]) == sorted(i.number for i in open_ones)


def test_resolving_with_the_fix_once_resolved(problem_in, incident, agent):
    problem = problem_in(Status.RESOLVED)
    problem_link_incident(problem, incident, by=agent)
    problem_resolve_incidents(problem, by=agent)
    incident.refresh_from_db()
    assert incident.resolution_code == IncidentResolution.RESOLVED_BY_PROBLEM
    assert problem.fix_notes in incident.resolution_notes


def test_nothing_to_resolve_with(problem, incident, agent):
    problem_link_incident(problem, incident, by=agent)
    with pytest.raises(MoveNotAllowed, match="neither a fix nor a workaround"):
        problem_resolve_incidents(problem, by=agent)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW
