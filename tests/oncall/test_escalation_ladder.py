"""Escalation, with the clock in the test's hands: level by level, each once, until an
acknowledgement stops it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from incidents.models import Status
from incidents.workflow import incident_move
from notifications.enums import Channel, EventKind
from notifications.models import Notification
from oncall.escalation import ack_url, escalations_due
from oncall.models import Escalation, Page

pytestmark = pytest.mark.django_db


def paged(incident) -> list[tuple[int, str]]:
    pages = Page.objects.filter(escalation__incident=incident).select_related("user")
    return [(p.level + 1, p.user.username) for p in pages]


@pytest.fixture
def p1(policy, make_incident, caller):
    return make_incident(impact=1, urgency=1, by=caller)


def test_p1_pages_each_level_once_then_gives_up(p1):
    escalation = Escalation.objects.get(incident=p1)
    assert paged(p1) == [(1, "alice")]
    assert p1.timeline.filter(verb="paged").count() == 1
    page_mail = Notification.objects.get(kind=EventKind.PAGE, channel=Channel.EMAIL)
    assert page_mail.recipient.username == "alice"
    assert page_mail.payload["escalation"] == escalation.pk  # the link is built when sent

    start = escalation.next_at
    assert escalations_due(now=start - timedelta(seconds=1)) == 0  # not yet
    assert escalations_due(now=start) == 1
    assert escalations_due(now=start) == 0  # the same step twice: nothing
    assert paged(p1) == [(1, "alice"), (2, "bob")]
    assert escalations_due(now=start + timedelta(seconds=2)) == 1
    assert paged(p1) == [(1, "alice"), (2, "bob"), (3, "maria")]  # the team's manager
    assert escalations_due(now=start + timedelta(seconds=4)) == 0
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.EXHAUSTED
    assert p1.timeline.filter(verb="paging_exhausted").exists()
    assert Notification.objects.filter(kind=EventKind.PAGE, channel=Channel.EMAIL).count() == 3


def test_acknowledging_after_level_two_stops_it(p1, other_agent):
    escalation = Escalation.objects.get(incident=p1)
    escalations_due(now=escalation.next_at)
    assert paged(p1) == [(1, "alice"), (2, "bob")]

    incident = incident_move(p1, "acknowledge", by=other_agent)
    assert incident.acknowledged_at is not None
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.ACKNOWLEDGED
    assert escalation.acknowledged_by == other_agent
    assert escalations_due(now=escalation.acknowledged_at + timedelta(hours=1)) == 0
    assert paged(p1) == [(1, "alice"), (2, "bob")]


def test_repeat_runs_the_ladder_again(p1, policy):
    policy.repeat = 1
    policy.save()
    escalation = Escalation.objects.get(incident=p1)
    now = escalation.next_at
    for step in range(5):
        escalations_due(now=now + timedelta(seconds=2 * step))
    levels = [level for level, _ in paged(p1)]
    assert levels == [1, 2, 3, 1, 2, 3]


@pytest.mark.parametrize(
    ("fields", "pages"),
    [
        ({"impact": 1, "urgency": 1}, True),  # P1
        ({"impact": 1, "urgency": 2}, True),  # P2
        ({"impact": 2, "urgency": 2}, False),  # P3
        ({"impact": 3, "urgency": 3, "severity": 1}, True),  # P5 but SEV1
        ({"impact": 3, "urgency": 3, "severity": 3}, False),
    ],
)
def test_what_pages(policy, make_incident, fields, pages):
    incident = make_incident(**fields)
    assert Escalation.objects.filter(incident=incident).exists() == pages


def test_a_service_can_have_its_own_policy(policy, make_incident, service, manager):
    from oncall.models import EscalationLevel, EscalationPolicy

    strict = EscalationPolicy.objects.create(name="Email is critical", page_priorities=[1, 2, 3])
    strict.services.add(service)
    EscalationLevel.objects.create(policy=strict, user=manager)
    incident = make_incident(impact=2, urgency=2)  # P3: pages under the service's policy
    assert paged(incident) == [(1, "maria")]


def test_raising_the_priority_starts_paging(policy, make_incident, agent):
    from incidents.workflow import incident_update

    incident = make_incident(impact=3, urgency=3)
    assert not Escalation.objects.exists()
    incident_update(incident, by=agent, changes={"impact": 1, "urgency": 1})
    assert paged(incident) == [(1, "alice")]


def test_ack_link_shows_a_button_then_acknowledges(p1, agent, client):
    escalation = Escalation.objects.get(incident=p1)
    url = ack_url(escalation.pk, agent.pk).removeprefix("http://localhost:8000")
    page = client.get(url)
    assert page.status_code == 200 and b"Acknowledge as" in page.content
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.ACTIVE  # a GET changes nothing

    done = client.post(url)
    assert done.status_code == 200 and b"Acknowledged" in done.content
    p1.refresh_from_db()
    assert p1.status == Status.IN_PROGRESS and p1.acknowledged_at is not None
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.ACKNOWLEDGED
    assert escalation.acknowledged_by == agent
    assert client.get(reverse("oncall:acknowledge", args=["forged"])).status_code == 404


def test_closing_unacknowledged_stops_paging(p1, manager):
    incident_move(p1, "cancel", by=manager, reason="False alarm")
    assert Escalation.objects.get(incident=p1).state == Escalation.State.STOPPED
