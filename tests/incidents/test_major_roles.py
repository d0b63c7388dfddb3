"""Incident command: one commander, communications lead and scribe each, experts many;
each naming is a timeline event that tells the person, and shows in every notice."""

import pytest

from incidents.major import incident_assign_role, incident_remove_role, role_holders
from incidents.models import Role
from incidents.workflow import incident_move
from kernel.errors import MoveInvalid, MoveNotAllowed
from kernel.notices import Notice, NoticeKind
from notifications.events import event_for
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def major(incident, manager):
    return incident_move(incident, "declare", by=manager, reason="Mail down for everyone")


def told(incident, verb):
    entry = incident.timeline.filter(verb=verb).latest("id")
    keys = Notification.objects.filter(event_key__endswith=f"/{entry.pk}")
    return entry, set(keys.values_list("recipient", flat=True))


def test_naming_a_commander_replaces_the_declarer_and_tells_both(major, manager, agent):
    incident_assign_role(major, by=manager, role=Role.COMMANDER, user=agent, reason="On shift")
    assert role_holders(major)[Role.COMMANDER] == [agent]
    entry, recipients = told(major, "role_assigned")
    assert entry.data == {
        "role": "commander",
        "user": agent.pk,
        "user_name": str(agent),
        "previous": str(manager),
    }
    assert agent.pk in recipients  # the manager named them: they need not hear it
    assert major.roles.get(role=Role.COMMANDER).history.latest().history_user == manager


def test_experts_add_up_and_a_role_is_taken_back(major, manager, agent, other_agent):
    for person in (agent, other_agent, agent):
        incident_assign_role(major, by=manager, role=Role.EXPERT, user=person)
    assert role_holders(major)[Role.EXPERT] == [agent, other_agent]
    assert major.timeline.filter(verb="role_assigned", data__role="expert").count() == 2
    incident_remove_role(major, by=manager, role=Role.EXPERT, user=agent)
    assert role_holders(major)[Role.EXPERT] == [other_agent]
    entry, recipients = told(major, "role_removed")
    assert entry.data["user"] == agent.pk and agent.pk in recipients


def test_roles_only_on_open_major_incidents_and_only_for_agents(incident, manager, caller):
    with pytest.raises(MoveNotAllowed) as refused:
        incident_assign_role(incident, by=manager, role=Role.SCRIBE, user=manager)
    assert refused.value.message.endswith("is not a major incident. Declare it first.")
    major = incident_move(incident, "declare", by=manager, reason="Outage")
    with pytest.raises(MoveInvalid) as caller_refused:
        incident_assign_role(major, by=manager, role=Role.SCRIBE, user=caller)
    assert "is not an active agent" in caller_refused.value.errors["user"][0]


def test_every_notice_about_a_major_incident_carries_its_roles_and_war_room(major, manager, agent):
    major.war_room_url = "https://chat.example.com/inc-war-room"
    major.save()
    incident_assign_role(major, by=manager, role=Role.COMMUNICATIONS, user=agent)
    entry = major.timeline.filter(verb="role_assigned").latest("id")
    entry.notice = Notice(NoticeKind.COMMENT, "comment", named=frozenset({agent.pk}))
    facts = dict(event_for(major, entry).data["facts"])
    assert facts["Incident commander"] == str(manager)
    assert facts["Communications lead"] == str(agent)
    assert facts["War room"] == "https://chat.example.com/inc-war-room"
