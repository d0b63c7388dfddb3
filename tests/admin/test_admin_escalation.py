"""The escalation buttons on the incident's page, and their pages: a team picker and a
reason for functional escalation, a reason for hierarchical escalation."""

import pytest
from django.urls import reverse

from incidents.models import Status
from incidents.workflow import incident_update
from tests.admin.conftest import audit_counts, change_url, messages_of, move_url
from tests.factories import second_team

pytestmark = pytest.mark.django_db


def test_the_change_form_offers_both_escalations(agent_client, incident):
    page = agent_client.get(change_url(incident)).content.decode()
    assert move_url(incident, "escalate_group") in page
    assert move_url(incident, "escalate_manager") in page


def test_a_resolved_incident_offers_no_escalation(agent_client, incident_in):
    incident = incident_in(Status.RESOLVED)
    page = agent_client.get(change_url(incident)).content.decode()
    assert move_url(incident, "escalate_group") not in page


def test_escalate_group_page_picks_an_active_team(agent_client, incident):
    network = second_team()
    response = agent_client.get(move_url(incident, "escalate_group"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {"assignment_group", "reason"}
    assert network in form.fields["assignment_group"].queryset


def test_escalate_group_from_the_admin(agent_client, agent, incident):
    network = second_team()
    response = agent_client.post(
        move_url(incident, "escalate_group"),
        {"assignment_group": network.pk, "reason": "Their router"},
    )
    assert response.status_code == 302 and response["Location"] == change_url(incident)
    assert any("Escalate to another group done" in m for m in messages_of(response))
    incident.refresh_from_db()
    assert incident.assignment_group == network and incident.assigned_to is None
    assert incident.history.latest().history_user == agent


def test_escalate_manager_without_a_reason_is_a_form_error(agent_client, incident):
    before = audit_counts(incident)
    response = agent_client.post(move_url(incident, "escalate_manager"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert audit_counts(incident) == before


def test_escalate_manager_to_a_group_without_manager_shows_why(agent_client, incident, team):
    team.manager = None
    team.save()
    response = agent_client.post(move_url(incident, "escalate_manager"), {"reason": "Help"})
    assert response.status_code == 200
    assert "has no manager" in str(response.context["form"].errors)


def test_the_history_shows_a_cleared_assignee_as_empty(agent_client, agent, incident):
    incident_update(incident, by=agent, changes={"assigned_to": agent})
    network = second_team()
    agent_client.post(
        move_url(incident, "escalate_group"),
        {"assignment_group": network.pk, "reason": "Their router"},
    )

    response = agent_client.get(reverse("admin:incidents_incident_history", args=[incident.pk]))

    (newest, *_rest) = response.context["page_obj"].object_list
    changes = {c["field"]: (c["old"], c["new"]) for c in newest.history_delta_changes}
    assert changes["Assigned to"] == (str(agent), "None")
    assert changes["Assignment group"] == ("Service Desk", str(network))
    assert "Deleted user" not in response.content.decode()
