"""Scribe entries (an explicit time, never in the future; the scribe, the commander or an
agent) and stars on any item of the merged timeline, which postmortems read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kernel.errors import MoveForbidden, MoveInvalid
from response.models import TimelineStar
from response.timeline import scribe_entry_add, starred_items, timeline_star
from tests.alerts import rows

pytestmark = pytest.mark.django_db


def test_a_scribe_entry_is_an_event_at_its_stated_time(major, agent):
    at = timezone.now() - timedelta(minutes=20)
    entry = scribe_entry_add(major, by=agent, at=at, body="  14:02 rolled back deploy 4711 ")
    assert entry.verb == "scribe" and entry.author == agent
    assert entry.body == "14:02 rolled back deploy 4711"
    assert entry.data == {"at": at.isoformat()}


def test_a_scribe_entry_in_the_future_or_empty_is_refused(major, agent):
    with pytest.raises(MoveInvalid) as refused:
        scribe_entry_add(major, by=agent, at=timezone.now() + timedelta(minutes=5), body="")
    assert set(refused.value.errors) == {"at", "body"}
    assert not major.timeline.filter(verb="scribe").exists()


def test_only_agents_and_role_holders_write(major, stranger):
    with pytest.raises(MoveForbidden):
        scribe_entry_add(major, by=stranger, at=timezone.now(), body="Hello")
    with pytest.raises(MoveForbidden):
        timeline_star(major, by=stranger, key="entry:1")
    assert not major.timeline.filter(verb="scribe").exists()


def test_stars_mark_key_items_and_come_off_again(major, agent, other_agent):
    alert = rows.alert(rows.integration(), major, first_seen=timezone.now() - timedelta(hours=1))
    entry = scribe_entry_add(major, by=agent, at=timezone.now(), body="Rolled back")

    timeline_star(major, by=agent, key=f"entry:{entry.pk}")
    timeline_star(major, by=other_agent, key=f"alert:{alert.pk}")
    timeline_star(major, by=other_agent, key=f"alert:{alert.pk}")  # twice: one star

    assert [item.key for item in starred_items(major)] == [f"alert:{alert.pk}", f"entry:{entry.pk}"]
    star = TimelineStar.objects.get(key=f"entry:{entry.pk}")
    assert star.history.get().history_user == agent

    timeline_star(major, by=agent, key=f"entry:{entry.pk}", starred=False)

    assert [item.key for item in starred_items(major)] == [f"alert:{alert.pk}"]
    assert star.history.filter(history_type="-").get().history_user == agent


def test_a_star_on_no_item_is_refused(major, agent):
    with pytest.raises(MoveInvalid) as refused:
        timeline_star(major, by=agent, key="entry:999999")
    assert "no item" in refused.value.errors["key"][0]
    assert not TimelineStar.objects.exists()
