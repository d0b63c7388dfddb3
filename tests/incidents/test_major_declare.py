"""Declaring a major incident: by itself for P1/SEV1 (per service), or by a manager with
a reason; undeclaring likewise. Each is a move with its history row and timeline event."""

import pytest

from catalog.models import Service
from incidents.models import Role, Severity
from incidents.workflow import (
    incident_move,
    incident_override_priority,
    incident_recalculate_priority,
    incident_update,
)
from kernel.errors import MoveForbidden, MoveNotAllowed
from kernel.models import PriorityCell
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_p1_is_declared_by_itself_and_whoever_logged_it_commands(make_incident, agent):
    incident = make_incident(impact=1, urgency=1)
    assert incident.is_major and incident.major_since is not None
    declared = incident.history.latest("history_id")
    assert declared.history_user is None
    assert declared.history_change_reason == "P1: declared automatically"
    event = incident.timeline.get(verb="declare")
    assert event.author is None and event.body == "P1: declared automatically"
    role = incident.roles.get()
    assert (role.role, role.user) == (Role.COMMANDER, agent)
    assert incident.timeline.filter(verb="role_assigned").count() == 1


def test_raising_to_sev1_declares_it_and_tells_the_group_and_manager(incident, agent, manager):
    assert not incident.is_major
    raised = incident_update(incident, by=agent, changes={"severity": Severity.SEV1})
    assert raised.is_major
    told = Notification.objects.filter(
        event_key__endswith=f"/{raised.timeline.get(verb='declare').pk}"
    )
    assert manager.pk in set(told.values_list("recipient", flat=True))


@pytest.mark.parametrize(
    ("rule", "fields", "major"),
    [
        (Service.AutoDeclare.P1_OR_SEV1, {"severity": Severity.SEV2}, False),
        (Service.AutoDeclare.P1_OR_SEV2, {"severity": Severity.SEV2}, True),
        (Service.AutoDeclare.SEV1, {"impact": 1, "urgency": 1}, False),
        (Service.AutoDeclare.SEV1, {"severity": Severity.SEV1}, True),
        (Service.AutoDeclare.NEVER, {"impact": 1, "urgency": 1, "severity": 1}, False),
    ],
)
def test_each_service_says_which_incidents_declare_themselves(
    make_incident, service, rule, fields, major
):
    service.auto_declare_major = rule
    service.save()
    assert make_incident(**fields).is_major is major


def test_a_manager_declares_with_a_reason_and_is_commander(incident, manager, agent):
    with pytest.raises(MoveForbidden):
        incident_move(incident, "declare", by=agent, reason="Looks big")
    declared = incident_move(incident, "declare", by=manager, reason="Checkout down everywhere")
    assert declared.is_major
    row = declared.history.latest("history_id")
    assert (row.history_user, row.history_change_reason) == (manager, "Checkout down everywhere")
    assert declared.roles.get(role=Role.COMMANDER).user == manager
    with pytest.raises(MoveNotAllowed) as again:
        incident_move(declared, "declare", by=manager, reason="Twice")
    assert again.value.message == "Cannot declare major incident: it is already a major incident."


def test_undeclare_keeps_the_roles_on_record(incident, manager):
    with pytest.raises(MoveNotAllowed) as refused:
        incident_move(incident, "undeclare", by=manager, reason="Not major")
    assert "it is not a major incident" in refused.value.message
    declared = incident_move(incident, "declare", by=manager, reason="Outage")
    undeclared = incident_move(declared, "undeclare", by=manager, reason="One customer only")
    assert not undeclared.is_major and undeclared.major_since is None
    assert undeclared.timeline.filter(verb="undeclare", body="One customer only").exists()
    assert undeclared.roles.count() == 1


def test_a_priority_overridden_to_p1_declares_it(incident, manager):
    raised = incident_override_priority(incident, by=manager, priority=1, reason="CEO affected")
    assert raised.priority == 1 and raised.is_major
    event = raised.timeline.get(verb="declare")
    assert event.author is None and event.body == "P1: declared automatically"
    assert raised.roles.get(role=Role.COMMANDER).user == manager


def test_the_matrix_raising_an_open_incident_to_p1_declares_it(make_incident, agent, manager):
    incident = make_incident(assigned_to=agent)
    PriorityCell.objects.filter(impact=2, urgency=2).update(priority=1)
    assert incident_recalculate_priority(incident, by=manager) is True
    incident.refresh_from_db()
    assert incident.priority == 1 and incident.is_major
    assert incident.timeline.get(verb="declare").body == "P1: declared automatically"
    # Whoever applied the matrix is not made commander of every incident it raised: the
    # assignee is.
    assert incident.roles.get(role=Role.COMMANDER).user == agent


def test_an_undeclared_p1_stays_undeclared_when_edits_do_not_raise_it(
    make_incident, agent, manager, team
):
    """A manager undeclared it: only raising it again (to P1 or SEV1 from below) declares
    it by itself, not an edit or an override that leaves it where it was."""
    incident = make_incident(impact=1, urgency=1, severity=Severity.SEV1)
    undeclared = incident_move(incident, "undeclare", by=manager, reason="One customer only")
    assert not undeclared.is_major
    other = Service.objects.create(name="VPN", owner_team=team)
    for changes in ({"severity": Severity.SEV1}, {"impact": 1}, {"service": other}):
        undeclared = incident_update(undeclared, by=agent, changes=changes)
        assert not undeclared.is_major, changes
    pinned = incident_override_priority(undeclared, by=manager, priority=1, reason="Pinned")
    assert not pinned.is_major
    assert pinned.timeline.filter(verb="declare").count() == 1
