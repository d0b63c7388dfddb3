"""`manage.py run_periodic` (the periodic jobs of `make run`) works silently: a round that
delivers mail logs no "Task ... succeeded" line (with the relay every 2 s those buried
the dev server's own log), while the work itself is done; run as `make run` runs it (no
broker), its first round prints nothing at all, not even kombu's "No hostname was
supplied" of Celery's eager producer."""

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Status
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


def test_make_runs_first_round_prints_nothing(incident_in, tmp_path):
    # Resolved ten days ago, unconfirmed: the round's auto-close closes it and mails.
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        resolved = incident_in(Status.RESOLVED)
    db = django_settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(
        DEBUG="1",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        EMAIL_URL=f"filemail://{tmp_path}",
    )

    done = subprocess.run(
        [sys.executable, "manage.py", "run_periodic", "--once"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert (done.stdout, done.stderr) == ("", "")
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    assert list(tmp_path.iterdir())  # the caller's mail about it
