"""An overdue action item reminds its owner once a week, however often the beat task runs,
and two runs at once remind once."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Notification
from postmortems.action_items import action_item_create, action_item_move, remind_overdue
from postmortems.models import ActionItem, ItemState
from tests.postmortems.conftest import history_of


@pytest.fixture
def late(postmortem, agent, other_agent):
    return action_item_create(
        postmortem,
        by=agent,
        title="Rotate the certificate",
        owner=other_agent,
        due_date=date.today() - timedelta(days=3),
    )


def reminders(user):
    """The owner's in-app reminders (mail goes out beside each)."""
    return Notification.objects.filter(recipient=user, kind="action_item_due", channel="inbox")


@pytest.mark.django_db
def test_an_overdue_item_reminds_its_owner_once_a_week(late, other_agent):
    now = timezone.now()
    assert remind_overdue(now) == 1
    assert remind_overdue(now + timedelta(hours=1)) == 0
    assert remind_overdue(now + timedelta(days=6, hours=23)) == 0
    assert remind_overdue(now + timedelta(days=7)) == 1

    assert reminders(other_agent).count() == 2
    event = late.postmortem.timeline.filter(verb="action_item_due").first()
    assert event.data["days_overdue"] == 3
    assert event.data["title"] == "Rotate the certificate"
    late.refresh_from_db()
    assert late.reminded_at == now + timedelta(days=7)
    assert history_of(late)[-1].history_change_reason == "Overdue: owner reminded"


@pytest.mark.django_db
def test_items_not_due_or_finished_remind_nobody(late, agent, postmortem, other_agent):
    action_item_create(
        postmortem, by=agent, title="Later", owner=other_agent, due_date=date.today()
    )
    action_item_move(late, by=agent, state=ItemState.DONE)
    assert remind_overdue() == 0
    assert not reminders(other_agent).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_once(late, other_agent):
    """One run holds the item's row (as if mid-reminder); the other skips it rather than
    waiting and reminding twice. Once the first commits, a later run finds it reminded."""
    locked, release = threading.Event(), threading.Event()

    def first_run() -> None:
        with transaction.atomic():
            ActionItem.objects.select_for_update().get(pk=late.pk)
            locked.set()
            release.wait(10)
            remind_overdue()
        connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    assert locked.wait(10)
    try:
        assert remind_overdue() == 0  # the row is taken: skipped, not waited for
    finally:
        release.set()
        thread.join(10)
    assert remind_overdue() == 0  # the first run reminded and committed
    assert reminders(other_agent).count() == 1
