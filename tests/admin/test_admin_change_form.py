"""Editing an incident in the admin goes through incident_update; a refusal shows on the
form and saves nothing; workflow fields are read-only."""

import pytest

from catalog.models import Team
from incidents.models import Status
from tests.admin.conftest import audit_counts, change_url

pytestmark = pytest.mark.django_db


def edit_data(incident, **changes):
    data = {
        "title": incident.title,
        "description": incident.description,
        "caller": incident.caller_id or "",
        "contact": incident.contact,
        "source": incident.source,
        "service": incident.service_id or "",
        "category": "",
        "subcategory": "",
        "impact": incident.impact,
        "urgency": incident.urgency,
        "severity": "",
        "assignment_group": incident.assignment_group_id or "",
        "assigned_to": incident.assigned_to_id or "",
        "detected_at_0": incident.detected_at.strftime("%Y-%m-%d"),
        "detected_at_1": incident.detected_at.strftime("%H:%M:%S"),
        "_continue": "1",
    }
    return {**data, **changes}


def test_an_edit_goes_through_the_workflow(agent_client, agent, incident):
    response = agent_client.post(change_url(incident), edit_data(incident, impact=1, urgency=1))

    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.impact, incident.urgency, incident.priority) == (1, 1, 1)
    declared, edit = list(incident.history.order_by("-history_id")[:2])
    assert edit.history_user == agent
    assert edit.history_change_reason == "Updated impact, urgency"
    # Raised to P1: the system declared it a major incident, and the agent commands it.
    assert declared.history_user is None and declared.major_since is not None
    assert incident.roles.get().user == agent
    verbs = set(incident.timeline.values_list("verb", flat=True))
    assert {"priority", "updated", "declare", "role_assigned"} <= verbs


def test_status_and_milestones_are_read_only(agent_client, incident):
    form = agent_client.get(change_url(incident)).context["adminform"].form

    for name in ("status", "priority", "acknowledged_at", "resolution_code", "number"):
        assert name not in form.fields

    response = agent_client.post(change_url(incident), edit_data(incident, status=7))
    incident.refresh_from_db()
    assert response.status_code == 302 and incident.status == Status.NEW


def test_a_refused_edit_shows_on_the_form_and_saves_nothing(agent_client, other_agent, incident):
    network = Team.objects.create(name="Network")
    before = audit_counts(incident)

    response = agent_client.post(
        change_url(incident),
        edit_data(
            incident, title="Renamed", assignment_group=network.pk, assigned_to=other_agent.pk
        ),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["assigned_to"] == ["Bob is not a member of Network."]
    assert form["title"].value() == "Renamed"  # the agent keeps what they typed
    assert audit_counts(incident) == before
    incident.refresh_from_db()
    assert incident.title == "Cannot send email"


def test_a_closed_incident_is_read_only(agent_client, incident_in):
    closed = incident_in(Status.CLOSED)

    response = agent_client.get(change_url(closed))

    assert {"title", "assigned_to"} <= set(response.context["adminform"].readonly_fields)
    assert response.context["move_buttons"] == []


def test_raising_the_severity_to_sev1_on_the_form_declares_it(agent_client, incident):
    data = edit_data(incident, severity=1)
    response = agent_client.post(change_url(incident), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.severity == 1 and incident.is_major
    assert incident.timeline.get(verb="declare").body == "SEV1: declared automatically"


def test_an_incident_logged_before_the_milestone_order_is_still_editable(
    agent_client, agent, incident
):
    """Rows from before the order was enforced may have it broken (detected after
    reported); the form, where "detected" is read-only, says so on top instead of failing
    with a server error."""
    from datetime import timedelta

    from incidents.models import Incident
    from incidents.workflow import incident_move

    incident = incident_move(incident, "acknowledge", by=agent)
    later = incident.acknowledged_at + timedelta(minutes=5)
    Incident.objects.filter(pk=incident.pk).update(detected_at=later)  # a legacy row
    incident.refresh_from_db()

    response = agent_client.post(change_url(incident), edit_data(incident, title="Renamed"))

    assert response.status_code == 200
    assert "is before detected" in response.content.decode()
