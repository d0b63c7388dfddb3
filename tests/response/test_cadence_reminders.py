"""The update cadence: declared incidents keep one, an overdue update reminds the
communications lead (else the commander) once per overdue period, whatever the number
of sweeps, and undeclared or resolved incidents remind nobody."""

from datetime import timedelta

import pytest

from incidents.major import incident_remove_role
from incidents.workflow import incident_move
from notifications.models import Notification
from response.cadence import remind_overdue
from response.models import Cadence
from response.updates import stakeholder_update_post

pytestmark = pytest.mark.django_db


def reminders(incident):
    return list(incident.timeline.filter(verb="update_overdue").order_by("id"))


def reminded_users(entry):
    key = f"incidents.incident:{entry.ticket_id}/{entry.pk}"
    rows = Notification.objects.filter(event_key=key, recipient__isnull=False)
    return set(rows.values_list("recipient_id", flat=True))


def test_declaring_starts_the_cadence_by_severity(major):
    cadence = Cadence.objects.get(incident=major)
    # SEV2: an hour after the declaration.
    assert cadence.next_update_due - major.major_since == timedelta(minutes=60)
    assert cadence.next_reminder_at == cadence.next_update_due


def test_an_automatically_declared_sev1_keeps_a_30_minute_cadence(make_incident):
    sev1 = make_incident(title="Everything is down", severity=1)
    assert sev1.is_major
    cadence = Cadence.objects.get(incident=sev1)
    assert cadence.next_update_due - sev1.major_since == timedelta(minutes=30)


def test_an_overdue_update_reminds_the_lead_once_per_period(major, agent):
    due = Cadence.objects.get(incident=major).next_update_due

    assert remind_overdue(now=due - timedelta(seconds=1)) == 0
    assert remind_overdue(now=due + timedelta(minutes=1)) == 1
    # The same period again (another beat, or the next minute): nothing.
    assert remind_overdue(now=due + timedelta(minutes=1)) == 0
    assert remind_overdue(now=due + timedelta(minutes=59)) == 0
    # The next period: once more.
    assert remind_overdue(now=due + timedelta(minutes=61)) == 1
    assert remind_overdue(now=due + timedelta(minutes=90)) == 0

    first, second = reminders(major)
    assert first.author is None and first.data["due"] == due.isoformat()
    assert first.data["recipient"] == agent.pk
    assert reminded_users(first) == {agent.pk}
    assert Notification.objects.filter(kind="update_due", recipient=agent).exists()
    assert second.data["overdue_minutes"] == 61
    assert Cadence.objects.get(incident=major).reminders == 2


def test_without_a_lead_the_commander_is_reminded(major, manager, agent):
    incident_remove_role(major, by=manager, role="communications", user=agent)
    due = Cadence.objects.get(incident=major).next_update_due

    assert remind_overdue(now=due + timedelta(minutes=5)) == 1

    assert reminded_users(reminders(major)[0]) == {manager.pk}


def test_with_nobody_in_command_the_queue_is_reminded(make_incident, team, caller):
    # A caller's SEV1 report, declared by the system: no commander, no lead.
    sev1 = make_incident(title="Everything is down", severity=1, by=caller)
    assert sev1.is_major and not sev1.roles.exists()
    due = Cadence.objects.get(incident=sev1).next_update_due

    assert remind_overdue(now=due + timedelta(minutes=1)) == 1

    members = set(team.members.values_list("pk", flat=True))
    assert reminded_users(reminders(sev1)[0]) == members - {None}


def test_an_update_puts_the_reminder_off(major, agent):
    stakeholder_update_post(major, by=agent, body="Still on it.")
    cadence = Cadence.objects.get(incident=major)

    assert remind_overdue(now=cadence.next_update_due - timedelta(minutes=1)) == 0
    assert remind_overdue(now=cadence.next_update_due + timedelta(minutes=1)) == 1


def test_resolved_and_undeclared_incidents_remind_nobody(
    major, declare, make_incident, manager, agent
):
    other = declare(make_incident(severity=2), lead=agent)
    due = Cadence.objects.get(incident=major).next_update_due
    incident_move(
        major, "resolve", by=agent, resolution_code="solution_provided", resolution_notes="Fixed"
    )
    incident_move(other, "undeclare", by=manager, reason="Only one user affected")

    assert not Cadence.objects.filter(incident=other).exists()
    assert remind_overdue(now=due + timedelta(hours=5)) == 0
    assert not reminders(major) and not reminders(other)
