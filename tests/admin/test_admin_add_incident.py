"""The admin's add form logs an incident through the workflow: number, priority from the
matrix, a 'created' event and a history row by the agent."""

import pytest
from django.urls import reverse

from incidents.models import Incident, Status

pytestmark = pytest.mark.django_db

ADD = "admin:incidents_incident_add"


def form_data(**fields):
    return {
        "title": "VPN drops every hour",
        "description": "Since the update",
        "source": "phone",
        "impact": "1",
        "urgency": "2",
        "contact": "",
        "severity": "",
        "detected_at_0": "",
        "detected_at_1": "",
        **fields,
    }


def test_add_creates_through_the_workflow(agent_client, agent, caller, service, team):
    response = agent_client.post(
        reverse(ADD),
        form_data(caller=caller.pk, service=service.pk, assignment_group=team.pk),
    )

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == reverse("admin:incidents_incident_changelist")
    assert incident.number.startswith("INC") and len(incident.number) == 10
    assert incident.status == Status.NEW and incident.priority == 2  # matrix: I1 x U2
    assert incident.detected_at == incident.reported_at
    assert list(incident.timeline.values_list("verb", "author")) == [("created", agent.pk)]
    (row,) = incident.history.all()
    assert (row.history_user, row.history_change_reason) == (agent, "Logged")


def test_the_add_form_asks_for_no_workflow_fields(agent_client):
    form = agent_client.get(reverse(ADD)).context["adminform"].form

    assert "status" not in form.fields and "priority" not in form.fields
    assert {"caller", "service", "assignment_group", "assigned_to"} <= set(form.fields)


def test_a_refused_add_saves_nothing_and_keeps_the_input(agent_client, other_agent):
    from catalog.models import Team

    network = Team.objects.create(name="Network")  # other_agent is not a member

    response = agent_client.post(
        reverse(ADD), form_data(assignment_group=network.pk, assigned_to=other_agent.pk)
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["assigned_to"] == ["Bob is not a member of Network."]
    assert form["title"].value() == "VPN drops every hour"
    assert not Incident.objects.exists()
    assert not Incident.history.exists()
