"""Change events that concern someone: approvers hear that their approval is requested;
the assignee (else the group) and the requester hear that the change is scheduled."""

import pytest
from django.contrib.auth.models import Group, Permission

from catalog.models import Service
from changes.approvals import change_approve
from changes.models import Status
from changes.workflow import change_move
from notifications.enums import Channel, EventKind
from notifications.models import Notification
from tests.conftest import _user
from tests.factories import second_team

pytestmark = pytest.mark.django_db


def recipients(kind: str) -> set[str]:
    found = Notification.objects.filter(kind=kind, channel=Channel.EMAIL)
    return set(found.values_list("recipient__username", flat=True))


def test_a_normal_changes_approvers_are_the_service_teams_members(change_in):
    # alice (the requester) is in the service's team but never approves her own change.
    change = change_in(Status.AUTHORIZE)
    assert recipients(EventKind.APPROVAL_REQUESTED) == {"bob", "maria"}
    entry = change.timeline.get(verb="approval_requested")
    assert entry.body == "Service Desk"
    row = Notification.objects.get(
        kind=EventKind.APPROVAL_REQUESTED, recipient__username="bob", channel=Channel.INBOX
    )
    assert row.subject.endswith(": your approval is requested")


def test_the_assignee_is_not_asked_either(change_in, other_agent):
    change_in(Status.AUTHORIZE, assigned_to=other_agent)
    assert recipients(EventKind.APPROVAL_REQUESTED) == {"maria"}


def test_each_group_asked_hears_once(make_change, service, agent):
    dns = Service.objects.create(name="DNS", owner_team=second_team(), criticality=2)
    change = make_change(services=[service, dns])
    change_move(change, "assess", by=agent)
    change_move(change, "authorize", by=agent)
    assert recipients(EventKind.APPROVAL_REQUESTED) == {"bob", "maria", "nils", "noor", "nina"}
    assert (
        Notification.objects.filter(
            kind=EventKind.APPROVAL_REQUESTED, recipient__username="maria", channel=Channel.EMAIL
        ).count()
        == 1
    )


def test_an_emergency_change_asks_the_emergency_approvers(change_in):
    approver = _user("erin", staff=True)
    approver.user_permissions.add(Permission.objects.get(codename="approve_emergency"))
    holders = {user.username for user in Group.objects.get(name="Managers").user_set.all()}
    change_in(Status.AUTHORIZE, type="emergency")
    assert recipients(EventKind.APPROVAL_REQUESTED) == {"erin"} | holders


def test_scheduling_tells_the_assignee_and_the_requester(change_in, other_agent, manager):
    change = change_in(Status.AUTHORIZE, assigned_to=other_agent)
    change_approve(change, by=manager, comment="Go")

    change_move(change, "schedule", by=manager)

    assert recipients(EventKind.CHANGE_SCHEDULED) == {"alice", "bob"}


def test_a_scheduled_change_without_assignee_tells_its_group(change_in, manager):
    change = change_in(Status.SCHEDULED)  # scheduled by alice, the requester
    assert recipients(EventKind.CHANGE_SCHEDULED) == {"bob", "maria"}
    row = Notification.objects.get(
        kind=EventKind.CHANGE_SCHEDULED, recipient=manager, channel=Channel.EMAIL
    )
    assert row.payload["planned_start"] == change.planned_start.isoformat()
    assert row.subject.endswith(": scheduled")
