"""Posting stakeholder updates: who may, what an internal one records and tells, what a
public one posts on the status page, and when the next one is due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Team
from incidents.models import Incident
from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from notifications.models import Notification, Watch
from response.models import Cadence, StakeholderUpdate
from response.updates import stakeholder_add, stakeholder_update_post
from statuspage.models import PublicIncident

pytestmark = pytest.mark.django_db


def notified(incident: Incident, verb: str) -> set[int]:
    entry = incident.timeline.filter(verb=verb).latest("id")
    key = f"incidents.incident:{incident.pk}/{entry.pk}"
    return set(
        Notification.objects.filter(event_key=key, recipient__isnull=False).values_list(
            "recipient_id", flat=True
        )
    )


def test_an_internal_update_tells_the_stakeholders_and_watchers(
    major, agent, manager, stranger, caller, django_user_model
):
    execs = Team.objects.create(name="Executives")
    boss = django_user_model.objects.create_user("cfo", email="cfo@example.com")
    execs.members.add(boss)
    stakeholder_add(major, by=agent, user=stranger)
    stakeholder_add(major, by=agent, team=execs)
    Watch.objects.create(user=caller, ticket=major)
    before = timezone.now()

    update = stakeholder_update_post(major, by=agent, body="Mail server restarted; monitoring.")

    assert update.audience == "internal" and update.author == agent
    assert update.status_update is None
    assert update.history.get().history_user == agent
    # SEV2: the next update is due an hour later by default.
    assert before + timedelta(minutes=60) <= update.next_update_due
    assert update.next_update_due <= timezone.now() + timedelta(minutes=60)
    entry = major.timeline.get(verb="stakeholder_update")
    assert entry.body == "Mail server restarted; monitoring." and entry.author == agent
    assert entry.data["update"] == update.pk
    # The named users, the team's members and the watchers; not the author.
    assert notified(major, "stakeholder_update") >= {stranger.pk, boss.pk, caller.pk}
    assert agent.pk not in notified(major, "stakeholder_update")
    assert Cadence.objects.get(incident=major).next_update_due == update.next_update_due


def test_an_update_may_say_when_the_next_is_due(major, agent):
    due = timezone.now() + timedelta(minutes=15)
    update = stakeholder_update_post(major, by=agent, body="Rolling back.", next_update_due=due)
    assert update.next_update_due == due
    assert Cadence.objects.get(incident=major).next_update_due == due


def test_a_next_update_in_the_past_is_refused(major, agent):
    with pytest.raises(MoveInvalid) as refused:
        stakeholder_update_post(
            major, by=agent, body="x", next_update_due=timezone.now() - timedelta(minutes=1)
        )
    assert "next_update_due" in refused.value.errors
    assert not StakeholderUpdate.objects.exists()


def test_a_public_update_posts_on_the_status_page(major, agent, service):
    service.is_public = True
    service.save()

    update = stakeholder_update_post(
        major, by=agent, body="We are investigating mail delays.", public=True, title="Mail delays"
    )

    assert update.audience == "public"
    public = PublicIncident.objects.get(incident=major)
    assert public.title == "Mail delays" and public.phase == "investigating"
    assert update.status_update == public.updates.get()
    assert major.timeline.filter(verb="status_update").count() == 1
    assert not major.timeline.filter(verb="stakeholder_update").exists()

    second = stakeholder_update_post(
        major, by=agent, body="Fix found.", public=True, phase="identified"
    )
    public.refresh_from_db()
    assert public.phase == "identified" and second.status_update.phase == "identified"


def test_the_commander_and_managers_may_post_others_may_not(major, manager, other_agent):
    stakeholder_update_post(major, by=manager, body="Commander speaking.")
    with pytest.raises(MoveForbidden):
        stakeholder_update_post(major, by=other_agent, body="Not my incident.")
    assert StakeholderUpdate.objects.count() == 1


def test_updates_need_a_major_incident(make_incident, manager):
    with pytest.raises(MoveNotAllowed) as refused:
        stakeholder_update_post(make_incident(), by=manager, body="Hello")
    assert "not a major incident" in refused.value.message
