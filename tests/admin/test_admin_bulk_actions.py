"""Bulk actions loop over the workflow: each incident changes (with its history row and
timeline event) or is refused by number; the rest go ahead."""

import pytest

from catalog.models import Team
from incidents.models import Status
from tests.admin.conftest import audit_counts, changelist_url, messages_of

pytestmark = pytest.mark.django_db


def run(client, action, incidents, **data):
    # From the list of all incidents: the default list shows only open ones, and an action
    # applies to the selected rows the list shows.
    return client.post(
        changelist_url() + "?open=all",
        {"action": action, "_selected_action": [i.pk for i in incidents], **data},
    )


def test_assign_to_me(agent_client, agent, make_incident):
    incidents = [make_incident(), make_incident()]

    response = run(agent_client, "assign_to_me", incidents)

    assert "Assigned 2 incident(s) to you." in messages_of(response)
    for incident in incidents:
        _, history, timeline = audit_counts(incident)
        assert incident.assigned_to == agent
        assert (history, timeline) == (2, 2)
        event = incident.timeline.latest("id")
        assert event.verb == "assigned" and event.author == agent
        assert incident.history.latest("history_id").history_user == agent


def test_assign_to_me_is_refused_outside_my_groups(agent_client, make_incident):
    elsewhere = Team.objects.create(name="Network")
    incident = make_incident(assignment_group=elsewhere)
    before = audit_counts(incident)

    response = run(agent_client, "assign_to_me", [incident])

    assert any(
        m.startswith(f"{incident.number}: ") and "not a member of Network" in m
        for m in messages_of(response)
    )
    assert audit_counts(incident) == before


def test_assign_to_group_asks_for_the_team_then_assigns(
    agent_client, agent, other_agent, make_incident
):
    network = Team.objects.create(name="Network")
    network.members.add(other_agent)
    kept = make_incident(assigned_to=other_agent)
    dropped = make_incident(assigned_to=agent)

    page = run(agent_client, "assign_to_group", [kept, dropped])
    assert page.status_code == 200 and "team" in page.context["form"].fields
    response = run(agent_client, "assign_to_group", [kept, dropped], apply="1", team=network.pk)

    assert "Assigned 2 incident(s) to Network." in messages_of(response)
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.assignment_group, kept.assigned_to) == (network, other_agent)
    assert (dropped.assignment_group, dropped.assigned_to) == (network, None)
    for incident in (kept, dropped):
        assert incident.reassignment_count == 1
        assert incident.timeline.latest("id").verb == "assigned"
        assert incident.history.count() == 2


def test_resolve_reports_each_refusal_and_resolves_the_rest(agent_client, agent, incident_in):
    open_ones = [incident_in(Status.NEW), incident_in(Status.ON_HOLD)]
    closed = incident_in(Status.CLOSED)
    closed_before = audit_counts(closed)
    open_before = [audit_counts(i) for i in open_ones]
    selected = [*open_ones, closed]

    page = run(agent_client, "resolve_selected", selected)
    assert set(page.context["form"].fields) == {"resolution_code", "resolution_notes"}
    response = run(
        agent_client,
        "resolve_selected",
        selected,
        apply="1",
        resolution_code="solution_provided",
        resolution_notes="Rebooted the mail relay",
    )

    messages = messages_of(response)
    assert any(
        m.startswith(f"{closed.number}: Cannot resolve: the record is Closed.") for m in messages
    )
    assert "Resolved 2 incident(s)." in messages
    assert audit_counts(closed) == closed_before
    for incident, (_, history, timeline) in zip(open_ones, open_before, strict=True):
        assert audit_counts(incident) == (Status.RESOLVED, history + 1, timeline + 1)
        assert incident.resolution_notes == "Rebooted the mail relay"
        assert incident.timeline.latest("id").verb == "resolve"
        assert incident.history.latest("history_id").history_user == agent


def test_resolve_without_notes_asks_again_and_changes_nothing(agent_client, incident):
    before = audit_counts(incident)

    response = run(
        agent_client, "resolve_selected", [incident], apply="1", resolution_code="duplicate"
    )

    assert response.status_code == 200
    assert "resolution_notes" in response.context["form"].errors
    assert audit_counts(incident) == before


def test_a_manager_cancels_in_bulk(manager_client, incident_in):
    new, resolved = incident_in(Status.NEW), incident_in(Status.RESOLVED)

    response = run(
        manager_client, "cancel_selected", [new, resolved], apply="1", reason="Test alerts"
    )

    messages = messages_of(response)
    assert "Canceled 1 incident(s)." in messages
    assert any(m.startswith(f"{resolved.number}: Cannot cancel") for m in messages)
    assert audit_counts(new)[0] == Status.CANCELED
    assert audit_counts(resolved)[0] == Status.RESOLVED
