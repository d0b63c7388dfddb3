"""Who hears about an escalation: the new group's members (functional), the assignment
group's manager (hierarchical); never the agent who escalated."""

import pytest

from incidents.models import Status
from incidents.workflow import incident_escalate_group, incident_escalate_manager
from notifications.enums import Channel, EventKind
from notifications.models import Notification
from tests.factories import second_team

pytestmark = pytest.mark.django_db


def recipients(kind: str, verb: str) -> set[tuple[str, str]]:
    found = Notification.objects.filter(kind=kind, payload__verb=verb).select_related("recipient")
    return {(n.recipient.username, n.channel) for n in found}


def test_functional_escalation_tells_the_new_groups_members(incident_in, agent):
    incident = incident_in(Status.IN_PROGRESS)
    network = second_team()

    incident_escalate_group(incident, by=agent, assignment_group=network, reason="Routing")

    assert recipients(EventKind.ASSIGNED, "escalate_group") == {
        (username, channel)
        for username in ("nils", "noor", "nina")
        for channel in (Channel.EMAIL, Channel.INBOX)
    }
    row = Notification.objects.get(
        kind=EventKind.ASSIGNED, recipient__username="nils", channel=Channel.EMAIL
    )
    assert row.subject.endswith(": escalated to Network") and row.body == "Routing"


def test_hierarchical_escalation_tells_the_manager_only(incident_in, agent):
    incident = incident_in(Status.IN_PROGRESS)

    incident_escalate_manager(incident, by=agent, reason="Customer threatens to leave")

    assert recipients(EventKind.ESCALATED, "escalate_manager") == {
        ("maria", Channel.EMAIL),
        ("maria", Channel.INBOX),
    }
    row = Notification.objects.get(kind=EventKind.ESCALATED, channel=Channel.EMAIL)
    assert "escalated to the team's manager" in row.subject
    assert row.body == "Customer threatens to leave"


def test_the_manager_who_escalates_is_not_told(incident_in, manager):
    incident = incident_in(Status.IN_PROGRESS)
    incident_escalate_manager(incident, by=manager, reason="Noting it myself")
    assert recipients(EventKind.ESCALATED, "escalate_manager") == set()
