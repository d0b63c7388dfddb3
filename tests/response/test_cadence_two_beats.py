"""Two beats sweeping at the same moment remind of an overdue update once: each cadence is
taken under a row lock the other sweep skips, and re-checked once taken."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from response.cadence import remind_overdue
from response.models import Cadence

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sweeps_at_once_remind_once(major):
    due = Cadence.objects.get(incident=major).next_update_due
    now = due + timedelta(minutes=3)
    start = threading.Barrier(4)
    answers: list[int] = []

    def sweep() -> None:
        try:
            start.wait()
            answers.append(remind_overdue(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [0, 0, 0, 1]
    assert major.timeline.filter(verb="update_overdue").count() == 1
