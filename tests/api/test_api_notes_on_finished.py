"""A closed or canceled ticket is read-only for good: the API refuses a comment or a work
note on it with 409, as the portal does, and writes nothing."""

import pytest

from changes.models import Status as ChangeStatus
from incidents.models import Status
from problems.models import Status as ProblemStatus
from tests.api.conftest import url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELED])
@pytest.mark.parametrize("path", ["comments", "work-notes"])
def test_no_note_on_a_finished_incident(agent_api, incident_in, status, path):
    incident = incident_in(status)
    before = incident.timeline.count()

    response = agent_api.post(url(incident, path), {"body": "One more thing"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "move_not_allowed"
    assert "takes no more notes" in response.json()["message"]
    assert incident.timeline.count() == before


def test_the_caller_cannot_comment_on_a_closed_incident(caller, incident_in):
    from tests.conftest import api_for

    incident = incident_in(Status.CLOSED)
    response = api_for(caller).post(url(incident, "comments"), {"body": "Hi"}, format="json")
    assert response.status_code == 409 and incident.timeline.filter(verb="note").count() == 0


def test_no_note_on_a_closed_problem_or_canceled_change(agent_api, problem_in, change_in):
    problem = problem_in(ProblemStatus.CLOSED)
    change = change_in(ChangeStatus.CANCELED)
    for path in (f"/api/v1/problems/{problem.number}/", f"/api/v1/changes/{change.number}/"):
        response = agent_api.post(path + "comments/", {"body": "Late"}, format="json")
        assert response.status_code == 409, path


def test_notes_still_go_on_a_resolved_incident(agent_api, incident_in):
    incident = incident_in(Status.RESOLVED)
    response = agent_api.post(url(incident, "work-notes"), {"body": "Checked"}, format="json")
    assert response.status_code == 201
