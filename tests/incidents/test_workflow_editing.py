"""Editing fields: assignment, reassignment counts, validation, read-only closed records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Team
from incidents.models import CloseCode, Status
from incidents.workflow import (
    incident_add_note,
    incident_auto_close_due,
    incident_create,
    incident_hold,
    incident_update,
)
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from tests.factories import bring_to

pytestmark = pytest.mark.django_db


def test_numbers_are_sequential_and_imports_keep_theirs(make_incident, agent):
    first, second = make_incident(), make_incident()
    assert int(second.number[3:]) == int(first.number[3:]) + 1
    imported = incident_create(by=agent, title="Imported", number="INC0050000")
    assert imported.number == "INC0050000"
    assert make_incident().number == "INC0050001"  # never collides with an import


def test_reassignment_counts_moves_to_another_group(incident, agent, other_agent):
    assert incident.reassignment_count == 0
    incident = incident_update(incident, by=agent, changes={"assigned_to": agent})
    incident = incident_update(incident, by=agent, changes={"assigned_to": other_agent})
    assert incident.reassignment_count == 0  # new assignees within the group
    event = incident.timeline.filter(verb="assigned").last()
    assert event.data["to"]["assigned_to"] == str(other_agent)
    assert event.author == agent
    network = Team.objects.create(name="Network")
    network.members.add(other_agent)
    incident = incident_update(incident, by=agent, changes={"assignment_group": network})
    assert incident.reassignment_count == 1  # another group: a reassignment


def test_assignee_must_belong_to_the_group(incident, agent, caller):
    network = Team.objects.create(name="Network")
    with pytest.raises(MoveInvalid) as refused:
        incident_update(
            incident, by=agent, changes={"assignment_group": network, "assigned_to": agent}
        )
    assert "assigned_to" in refused.value.errors
    incident.refresh_from_db()
    assert incident.assignment_group.name == "Service Desk"


def test_fields_outside_the_editable_set_are_refused(incident, agent):
    with pytest.raises(MoveInvalid):
        incident_update(incident, by=agent, changes={"status": Status.CLOSED})
    with pytest.raises(MoveInvalid):
        incident_update(incident, by=agent, changes={"priority": 1})


def test_an_unchanged_edit_writes_nothing(incident, agent):
    rows = incident.history.count()
    incident_update(incident, by=agent, changes={"title": incident.title})
    assert incident.history.count() == rows


def test_closed_incidents_are_read_only(incident, agent, manager):
    incident = bring_to(incident, Status.CLOSED, agent=agent, manager=manager)
    with pytest.raises(MoveNotAllowed):
        incident_update(incident, by=agent, changes={"title": "New title"})


def test_end_users_cannot_edit(incident, caller):
    with pytest.raises(MoveForbidden):
        incident_update(incident, by=caller, changes={"title": "Mine now"})


def test_notes_work_notes_are_for_agents_and_comments_for_the_caller(
    incident, agent, caller, stranger
):
    incident_add_note(incident, by=agent, body="Checked the logs", internal=True)
    incident_add_note(incident, by=caller, body="Any news?", internal=False)
    with pytest.raises(MoveForbidden):
        incident_add_note(incident, by=caller, body="sneaky", internal=True)
    with pytest.raises(MoveForbidden):
        incident_add_note(incident, by=stranger, body="hello", internal=False)
    with pytest.raises(MoveInvalid):
        incident_add_note(incident, by=agent, body="   ", internal=False)
    kinds = list(incident.timeline.exclude(kind="event").values_list("kind", "author__username"))
    assert kinds == [("work_note", "alice"), ("comment", "carl")]


def test_callers_reply_resumes_an_incident_awaiting_the_caller(incident, agent, caller):
    incident = incident_hold(incident, by=agent, hold_reason="awaiting_caller")
    incident = incident_add_note(incident, by=caller, body="It is PC-42", internal=False)
    assert incident.status == Status.IN_PROGRESS
    assert incident.history.latest().history_user == caller


def test_callers_reply_does_not_resume_other_holds(incident, agent, caller):
    incident = incident_hold(incident, by=agent, hold_reason="awaiting_vendor")
    incident_add_note(incident, by=caller, body="Any news?", internal=False)
    incident.refresh_from_db()
    assert incident.status == Status.ON_HOLD


def test_unconfirmed_resolutions_close_by_themselves(make_incident, agent, manager, settings):
    settings.INCIDENT_AUTO_CLOSE_DAYS = 7
    old, fresh = make_incident(), make_incident()
    old = bring_to(old, Status.RESOLVED, agent=agent, manager=manager)
    bring_to(fresh, Status.RESOLVED, agent=agent, manager=manager)
    assert incident_auto_close_due(now=timezone.now() + timedelta(days=3)) == 0
    later = old.resolved_at + timedelta(days=7, minutes=1)
    assert incident_auto_close_due(now=later) == 2
    old.refresh_from_db()
    assert old.status == Status.CLOSED and old.close_code == CloseCode.AUTO_CLOSED
    assert old.history.latest().history_user is None
    assert old.timeline.last().verb == "close"


def test_new_incident_on_a_service_is_routed_to_its_owner_team(agent, service, team):
    incident = incident_create(by=agent, title="VPN drops", service=service)
    assert incident.assignment_group == team == service.owner_team
    network = Team.objects.create(name="Network")
    chosen = incident_create(by=agent, title="VPN drops", service=service, assignment_group=network)
    assert chosen.assignment_group == network
