"""Action items: added with their owner told, moved through their states with a history
row and a timeline event on the postmortem, won't do only with a reason."""

from datetime import date, timedelta

import pytest

from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from notifications.models import Notification
from postmortems.action_items import action_item_create, action_item_move, action_item_update
from postmortems.models import ItemState, Kind
from tests.postmortems.conftest import history_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(postmortem, agent, other_agent):
    return action_item_create(
        postmortem,
        by=agent,
        title="Alert on queue depth",
        owner=other_agent,
        kind=Kind.DETECT,
        due_date=date.today() + timedelta(days=14),
    )


def test_adding_an_item_tells_its_owner(item, postmortem, other_agent):
    assert item.state == ItemState.OPEN
    event = postmortem.timeline.get(verb="action_item_added")
    assert event.body == "Alert on queue depth"
    assert event.data["owner"] == str(other_agent)
    assert Notification.objects.filter(recipient=other_agent, kind="assigned").exists()
    assert history_of(item)[0].history_change_reason == "Added"


@pytest.mark.parametrize(
    ("path", "final"),
    [
        ([ItemState.IN_PROGRESS, ItemState.DONE], ItemState.DONE),
        ([ItemState.DONE, ItemState.OPEN], ItemState.OPEN),
        ([ItemState.IN_PROGRESS, ItemState.OPEN, ItemState.DONE], ItemState.DONE),
    ],
)
def test_moves_record_each_step(item, agent, postmortem, path, final):
    for state in path:
        item = action_item_move(item, by=agent, state=state)
    assert item.state == final
    moved = postmortem.timeline.filter(verb="action_item_moved").order_by("id")
    assert [event.data["to"] for event in moved] == list(path)
    assert [h.state for h in history_of(item)] == [ItemState.OPEN, *path]


def test_wont_do_needs_a_reason(item, agent):
    with pytest.raises(MoveInvalid, match="reason"):
        action_item_move(item, by=agent, state=ItemState.WONT_DO)

    item = action_item_move(item, by=agent, state=ItemState.WONT_DO, reason="Queue is retired")
    assert item.wont_do_reason == "Queue is retired"
    assert history_of(item)[-1].history_change_reason == "Queue is retired"


def test_a_finished_item_only_reopens(item, agent):
    item = action_item_move(item, by=agent, state=ItemState.DONE)
    with pytest.raises(MoveNotAllowed, match="it is Done"):
        action_item_move(item, by=agent, state=ItemState.IN_PROGRESS)


def test_the_owner_may_move_their_item_without_the_permission(item, other_agent, stranger):
    assert action_item_move(item, by=other_agent, state=ItemState.DONE).state == ItemState.DONE
    with pytest.raises(MoveForbidden):
        action_item_move(item, by=stranger, state=ItemState.OPEN)


def test_a_new_owner_is_told_and_the_reminder_starts_over(item, agent, manager):
    item = action_item_update(item, by=agent, changes={"owner": manager, "due_date": date.today()})
    assert item.owner == manager
    assert item.reminded_at is None
    assert Notification.objects.filter(recipient=manager, kind="assigned").exists()
    event = item.postmortem.timeline.get(verb="action_item_updated")
    assert sorted(event.data["fields"]) == ["due_date", "owner"]


def test_only_its_own_fields_are_edited(item, agent):
    with pytest.raises(MoveInvalid):
        action_item_update(item, by=agent, changes={"state": ItemState.DONE})
