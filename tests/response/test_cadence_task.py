"""The overdue-update sweep is on the beat schedule every minute, and its task runs the
sweep (here eagerly, at the real time: the due time is set in the past)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from response.models import Cadence
from response.tasks import remind_overdue_updates
from servicedesk.celery import app

pytestmark = pytest.mark.django_db

TASK = "response.tasks.remind_overdue_updates"


def test_the_sweep_is_on_the_beat_schedule():
    app.loader.import_default_modules()  # as run_periodic does: autodiscovery is lazy
    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert entries[TASK]["schedule"] == 60.0
    assert TASK in app.tasks


def test_the_task_reminds_of_an_overdue_update(major):
    cadence = Cadence.objects.get(incident=major)
    cadence.next_update_due = cadence.next_reminder_at = timezone.now() - timedelta(minutes=2)
    cadence.save()

    assert remind_overdue_updates.apply().get() == 1
    assert remind_overdue_updates.apply().get() == 0
    assert major.timeline.filter(verb="update_overdue").count() == 1
