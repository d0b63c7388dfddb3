"""`manage.py run_periodic` (the periodic jobs of `make run`) works silently: a round that
delivers mail logs no "Task ... succeeded" line (with the relay every 2 s those buried
the dev server's own log), while the work itself is done."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from servicedesk.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded(settings, tmp_path: Path) -> Iterator[Path]:
    """`make run`'s setup: no broker (tasks in-process), mail written to files."""
    was = app.conf.task_always_eager
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    yield tmp_path
    app.conf.task_always_eager = was
    trace.setLevel(level)


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record)


def test_a_round_of_periodic_jobs_logs_nothing_when_all_goes_well(embedded, incident):
    waiting = Notification.objects.filter(channel=Channel.EMAIL)
    assert waiting.exists()  # the new incident's mails, not yet handed over (no commit hook)
    # Where Celery reports each task it ran: what reaches it at INFO would be printed.
    trace, heard = logging.getLogger("celery.app.trace"), Lines()
    trace.addHandler(heard)
    try:
        call_command("run_periodic", once=True)
    finally:
        trace.removeHandler(heard)

    assert {n.status for n in waiting.all()} == {DeliveryStatus.DELIVERED}
    assert list(embedded.iterdir())  # the relay ran: the mail is in the folder
    assert not [r.getMessage() for r in heard.lines if r.levelno < logging.WARNING]
