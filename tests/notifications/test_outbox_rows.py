"""The outbox: who gets a row for which event, written in the change's own transaction."""

import pytest
from django.db import transaction

from incidents.workflow import (
    incident_add_note,
    incident_create,
    incident_move,
    incident_update,
)
from notifications.enums import Channel, DeliveryStatus, EventKind
from notifications.models import Notification, Preference, ServiceSubscription, Watch
from tests.conftest import _user

pytestmark = pytest.mark.django_db


def rows(kind: str) -> set[tuple[str, str]]:
    return {
        (n.recipient.username if n.recipient else n.endpoint.name, n.channel)
        for n in Notification.objects.filter(kind=kind).select_related("recipient", "endpoint")
    }


def test_created_tells_caller_and_team_but_not_the_author(make_incident):
    make_incident()
    assert rows(EventKind.CREATED) == {
        ("carl", Channel.EMAIL),  # the caller has no console, so no inbox
        ("bob", Channel.EMAIL),
        ("bob", Channel.INBOX),
        ("maria", Channel.EMAIL),
        ("maria", Channel.INBOX),
    }
    inbox = Notification.objects.filter(channel=Channel.INBOX)
    assert all(n.status == DeliveryStatus.DELIVERED for n in inbox)
    email = Notification.objects.filter(channel=Channel.EMAIL).first()
    assert email.status == DeliveryStatus.PENDING and email.subject.startswith("[INC")


def test_rows_roll_back_with_the_change(agent, caller, service):
    def fail_after_create() -> None:
        with transaction.atomic():
            incident_create(by=agent, title="Lost", caller=caller, service=service)
            assert Notification.objects.exists()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_after_create()
    assert not Notification.objects.exists()


def test_one_row_per_event_channel_and_recipient(make_incident):
    from notifications.outbox import notify

    incident = make_incident()
    entry = incident.timeline.get(verb="created")
    before = Notification.objects.count()
    from kernel.editing import CREATED_AUDIENCE
    from kernel.notices import Notice
    from notifications.events import event_for

    # The notice is not stored with the entry: give it the one the create declared.
    entry.notice = Notice(EventKind.CREATED, "logged", CREATED_AUDIENCE)
    event = event_for(incident, entry)
    assert event is not None
    notify(event)  # the same event again
    assert Notification.objects.count() == before


def test_preferences_choose_channels(make_incident, other_agent):
    Preference.objects.create(user=other_agent, kind=EventKind.CREATED, email=False, inbox=True)
    make_incident()
    assert ("bob", Channel.EMAIL) not in rows(EventKind.CREATED)
    assert ("bob", Channel.INBOX) in rows(EventKind.CREATED)


def test_comment_to_caller_work_note_to_team(incident, agent):
    incident_add_note(incident, by=agent, body="Try again", internal=False)
    assert {r for r, _ in rows(EventKind.COMMENT)} == {"carl"}
    incident_add_note(incident, by=agent, body="Looks like DNS", internal=True)
    assert {r for r, _ in rows(EventKind.WORK_NOTE)} == {"bob", "maria"}


def test_assignment_priority_and_state_changes(incident, agent, other_agent):
    incident_update(incident, by=agent, changes={"assigned_to": other_agent})
    assert rows(EventKind.ASSIGNED) == {("bob", Channel.EMAIL), ("bob", Channel.INBOX)}
    incident_update(incident, by=agent, changes={"impact": 3})  # priority lowered: silence
    assert not rows(EventKind.PRIORITY_RAISED)
    incident_update(incident, by=agent, changes={"impact": 1, "urgency": 1})
    assert {r for r, _ in rows(EventKind.PRIORITY_RAISED)} == {"bob"}
    incident_move(incident, "acknowledge", by=other_agent)
    assert {r for r, _ in rows(EventKind.STATE_CHANGED)} == {"carl"}


def test_watchers_and_subscribers(make_incident, service, agent):
    stakeholder = _user("stella")
    ServiceSubscription.objects.create(user=stakeholder, service=service)
    incident = make_incident()
    assert ("stella", Channel.EMAIL) in rows(EventKind.CREATED)
    watcher = _user("wanda")
    from django.contrib.contenttypes.models import ContentType

    Watch.objects.create(
        user=watcher,
        content_type=ContentType.objects.get_for_model(incident),
        object_id=incident.pk,
    )
    incident_add_note(incident, by=agent, body="Update", internal=False)
    assert ("wanda", Channel.EMAIL) in rows(EventKind.COMMENT)


def test_webhook_rows_follow_team_and_kinds(make_incident, team):
    from catalog.models import Team
    from notifications.models import Endpoint

    mine = Endpoint.objects.create(name="mine", url="http://127.0.0.1:9/", team=team)
    other = Team.objects.create(name="Network")
    Endpoint.objects.create(name="theirs", url="http://127.0.0.1:9/", team=other)
    Endpoint.objects.create(name="notes only", url="http://127.0.0.1:9/", kinds=["comment"])
    make_incident()
    hooks = Notification.objects.filter(channel=Channel.WEBHOOK)
    assert [n.endpoint for n in hooks] == [mine]
    payload = hooks.get().payload
    assert payload["type"] == "incident.created"
    assert payload["data"]["number"].startswith("INC")


def test_a_callers_mail_about_a_major_incident_carries_no_roles_or_war_room(
    make_incident, agent, manager, caller
):
    """The response (who commands it, the war room's link) is the desk's business: the
    agents' rows carry it, the caller's does not."""
    incident = make_incident(impact=1, urgency=1, assigned_to=agent)
    incident = incident_update(
        incident, by=manager, changes={"war_room_url": "https://chat.example.com/inc-1"}
    )
    incident_move(incident, "resolve", by=manager, resolution_code="solution_provided",
                  resolution_notes="Rolled back.")  # fmt: skip
    told = Notification.objects.filter(kind=EventKind.STATE_CHANGED, channel=Channel.EMAIL)
    by_whom = {row.recipient_id: row.payload for row in told}
    assert dict(by_whom[agent.pk]["facts"])["War room"] == "https://chat.example.com/inc-1"
    assert "facts" not in by_whom[caller.pk]
