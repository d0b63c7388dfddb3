"""The embedded default: no broker, tasks run in-process. A failing receiver must not
break the request that caused the notification; the row records the failure and the
relay retries it when due."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from notifications.delivery import relay_due
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Endpoint, Notification
from servicedesk.celery import app
from tests.notifications.harness import read_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings, tmp_path: Path) -> Iterator[Path]:
    # Celery's conf reads through to Django's settings: remember it before changing them.
    was = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    settings.NOTIFICATIONS_WEBHOOK_TIMEOUT = 2
    # The dead receivers below are on loopback, which webhooks call only when allowed.
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    yield tmp_path
    app.conf.task_always_eager = was


def test_api_create_survives_a_dead_webhook(
    eager, agent_api, service, caller, django_capture_on_commit_callbacks
):
    Endpoint.objects.create(name="dead", url="http://127.0.0.1:9/nothing-listens")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(
            "/api/v1/incidents/",
            {"title": "Wi-Fi down", "service": service.pk, "caller": caller.pk},
            format="json",
        )
    assert response.status_code == 201
    hook = Notification.objects.get(channel=Channel.WEBHOOK)
    assert hook.status == DeliveryStatus.PENDING and hook.attempts == 1
    assert "URLError" in hook.last_error or "Connection" in hook.last_error
    assert hook.next_attempt_at > timezone.now()
    emails = Notification.objects.filter(channel=Channel.EMAIL)
    assert {n.status for n in emails} == {DeliveryStatus.DELIVERED}
    assert len(read_mail(eager)) == emails.count() == 3

    # The retry waits in the database: the relay (run by beat, or `manage.py run_periodic`
    # here) tries again once it is due, not before.
    assert relay_due(now=hook.next_attempt_at - timedelta(seconds=1)) == 0
    Notification.objects.filter(pk=hook.pk).update(next_attempt_at=timezone.now())  # time passes
    assert relay_due() == 1
    hook.refresh_from_db()
    assert hook.attempts == 2
