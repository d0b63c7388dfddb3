"""Functional escalation (another group takes over) and hierarchical escalation (the
group's manager is told): both keep the state and leave a history row and an event."""

import pytest

from incidents.models import Status
from incidents.workflow import incident_escalate_group, incident_escalate_manager, incident_move
from kernel.errors import MoveInvalid, MoveNotAllowed
from tests.factories import second_team

pytestmark = pytest.mark.django_db


def test_escalate_group_hands_the_incident_to_the_new_groups_queue(incident_in, agent, team):
    incident = incident_in(Status.IN_PROGRESS)
    assert incident.assigned_to == agent  # the acknowledging agent took it
    network = second_team()
    history = incident.history.count()

    moved = incident_escalate_group(
        incident, by=agent, assignment_group=network, reason="Router firmware, not ours"
    )

    assert moved.status == Status.IN_PROGRESS
    assert moved.assignment_group == network and moved.assigned_to is None
    assert moved.reassignment_count == incident.reassignment_count + 1
    row = moved.history.latest()
    assert moved.history.count() == history + 1
    assert (row.history_user, row.history_change_reason) == (agent, "Router firmware, not ours")
    assert row.assignment_group_id == network.pk and row.assigned_to_id is None
    event = moved.timeline.latest("id")
    assert (event.verb, event.author, event.body) == (
        "escalate_group",
        agent,
        "Router firmware, not ours",
    )
    assert event.data["from"] == event.data["to"] == Status.IN_PROGRESS
    assert event.data["group"] == network.pk
    assert event.data["assignment"]["from"]["group"] == team.name


def test_escalate_group_from_new_stays_new_for_the_new_group_to_take(incident, agent):
    moved = incident_move(
        incident, "escalate_group", by=agent, assignment_group=str(second_team().pk), reason="X"
    )
    assert moved.status == Status.NEW and moved.acknowledged_at is None


@pytest.mark.parametrize("value", ["999999", "not-a-number", ""])
def test_escalate_group_needs_an_active_team(incident, agent, value):
    with pytest.raises(MoveInvalid) as refused:
        incident_move(incident, "escalate_group", by=agent, assignment_group=value, reason="X")
    assert "assignment_group" in refused.value.errors
    assert incident.timeline.filter(verb="escalate_group").count() == 0


def test_escalate_group_to_the_group_that_has_it_is_refused(incident, agent, team):
    with pytest.raises(MoveInvalid) as refused:
        incident_escalate_group(incident, by=agent, assignment_group=team, reason="X")
    assert "already has" in refused.value.errors["assignment_group"][0]


def test_escalate_manager_keeps_the_state_and_records_the_reason(incident_in, agent):
    incident = incident_in(Status.ON_HOLD)
    history = incident.history.count()

    moved = incident_escalate_manager(incident, by=agent, reason="Vendor silent for 3 days")

    assert moved.status == Status.ON_HOLD
    assert moved.history.count() == history + 1
    row = moved.history.latest()
    assert (row.history_user, row.history_change_reason) == (agent, "Vendor silent for 3 days")
    event = moved.timeline.latest("id")
    assert (event.verb, event.body) == ("escalate_manager", "Vendor silent for 3 days")
    assert event.data["manager"] == moved.assignment_group.manager_id


def test_escalate_manager_is_refused_when_the_group_has_no_manager(incident, agent, team):
    team.manager = None
    team.save()
    with pytest.raises(MoveInvalid) as refused:
        incident_escalate_manager(incident, by=agent, reason="Help")
    assert "has no manager" in refused.value.errors["reason"][0]
    assert incident.history.count() == 1


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED, Status.CANCELED])
@pytest.mark.parametrize("move", ["escalate_group", "escalate_manager"])
def test_escalation_is_refused_once_the_incident_is_no_longer_open(
    incident_in, manager, status, move
):
    incident = incident_in(status)
    inputs = {"reason": "Too late"}
    if move == "escalate_group":
        inputs["assignment_group"] = str(second_team().pk)
    with pytest.raises(MoveNotAllowed):
        incident_move(incident, move, by=manager, **inputs)
    assert incident.timeline.filter(verb=move).count() == 0
