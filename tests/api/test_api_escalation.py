"""POST /incidents/{number}/escalate_group/ and .../escalate_manager/: 200 with the new
assignment, 409 from a closed state, 400 for a missing or unknown team."""

import pytest

from incidents.models import Incident, Status
from tests.api.conftest import url
from tests.factories import second_team

pytestmark = pytest.mark.django_db


def test_escalate_group_moves_the_incident_to_the_team(agent_api, incident_in):
    incident = incident_in(Status.IN_PROGRESS)
    network = second_team()

    response = agent_api.post(
        url(incident, "escalate_group"),
        {"assignment_group": network.pk, "reason": "Network fault"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == Status.IN_PROGRESS
    assert body["assignment_group"]["id"] == network.pk and body["assigned_to"] is None
    assert body["reassignment_count"] == 1


def test_escalate_manager_is_200_and_keeps_the_state(agent_api, incident):
    response = agent_api.post(
        url(incident, "escalate_manager"), {"reason": "SLA at risk"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.NEW
    assert Incident.objects.get(pk=incident.pk).timeline.filter(verb="escalate_manager").exists()


@pytest.mark.parametrize("move", ["escalate_group", "escalate_manager"])
def test_escalating_a_resolved_incident_is_409(agent_api, incident_in, move):
    incident = incident_in(Status.RESOLVED)
    response = agent_api.post(url(incident, move), {"reason": "Too late"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "move_not_allowed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "No team named"}, "assignment_group"),
        ({"assignment_group": 999999, "reason": "Unknown team"}, "assignment_group"),
        ({"assignment_group": "x", "reason": "Unknown team"}, "assignment_group"),
    ],
)
def test_escalate_group_without_a_valid_team_is_400(agent_api, incident, body, field):
    response = agent_api.post(url(incident, "escalate_group"), body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not Incident.objects.get(pk=incident.pk).timeline.filter(verb="escalate_group").exists()


def test_escalating_to_the_current_group_is_400(agent_api, incident, team):
    response = agent_api.post(
        url(incident, "escalate_group"),
        {"assignment_group": team.pk, "reason": "Same team"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_allowed_moves_offer_both_escalations(agent_api, incident):
    moves = agent_api.get(url(incident)).json()["allowed_moves"]
    assert {"escalate_group", "escalate_manager"} <= set(moves)
