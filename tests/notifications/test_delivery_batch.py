"""Delivering a batch of rows (one commit's, or a share of the relay's): each row once,
one failing row alone retried, and the same number of queries whatever the batch size."""

import contextlib
import socket
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.workflow import incident_create
from notifications.delivery import deliver_batch
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from servicedesk.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_eager(settings) -> Iterator[None]:
    # Eager: nothing reaches the broker (a retry waits in the database for the relay).
    was = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    yield
    app.conf.task_always_eager = was


def outbox() -> list[Notification]:
    return list(Notification.objects.exclude(channel=Channel.INBOX).order_by("created_at"))


def test_a_batch_sends_each_row_once(agent, caller, service, make_endpoint, receiver):
    make_endpoint("/hook")
    incident_create(by=agent, title="Printer jammed", caller=caller, service=service)
    ids = [n.pk for n in outbox()]
    assert len(ids) == 4

    outcome = deliver_batch(ids)
    assert outcome == dict.fromkeys(ids, "delivered")
    # A duplicate message (or the relay) finds the rows delivered and sends nothing.
    assert deliver_batch(ids) == {}
    assert len(mail.outbox) == 3
    assert receiver.ids("/hook") == [f"msg_{n.pk.hex}" for n in outbox() if n.endpoint_id]
    assert all(n.status == DeliveryStatus.DELIVERED and n.attempts == 1 for n in outbox())


def test_a_failing_row_is_retried_alone(agent, caller, service, make_endpoint, receiver):
    make_endpoint("/broken")
    make_endpoint("/gone")
    make_endpoint("/fine")
    receiver.script = {"/broken": [500], "/gone": [410]}
    incident_create(by=agent, title="API down", caller=caller, service=service)

    outcome = deliver_batch([n.pk for n in outbox()])
    rows = {n.endpoint.name if n.endpoint else n.recipient.username: n for n in outbox()}
    assert outcome[rows["broken"].pk] == "retry"
    assert outcome[rows["gone"].pk] == "failed"
    assert rows["broken"].status == DeliveryStatus.PENDING and rows["broken"].attempts == 1
    assert rows["broken"].last_error == "HTTP 500" and rows["broken"].claimed_until is None
    assert rows["gone"].status == DeliveryStatus.FAILED
    delivered = {name for name, n in rows.items() if n.status == DeliveryStatus.DELIVERED}
    assert delivered == {"fine", "carl", "bob", "maria"}


def test_queries_do_not_grow_with_the_batch(agent, caller, service, make_endpoint, receiver):
    make_endpoint("/hook")
    for i in range(4):
        incident_create(by=agent, title=f"Disk {i} full", caller=caller, service=service)
    rows = outbox()
    small, large = [n.pk for n in rows[:4]], [n.pk for n in rows[4:]]

    with CaptureQueriesContext(connection) as one:
        deliver_batch(small)
    with CaptureQueriesContext(connection) as three:
        deliver_batch(large)
    assert len(large) == 3 * len(small)
    assert len(three.captured_queries) == len(one.captured_queries)
    assert all(n.status == DeliveryStatus.DELIVERED for n in outbox())


def test_a_mail_server_that_does_not_answer_is_tried_once_per_batch(
    settings, agent, caller, service, make_endpoint, receiver
):
    make_endpoint("/hook")
    # A port that accepts connections and never greets: each SMTP connection attempt
    # waits for its timeout, so the batch must not make one per mail.
    listener = socket.create_server(("127.0.0.1", 0), backlog=10)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": listener.getsockname()[1], "timeout": 0.5},
        }
    }
    incident_create(by=agent, title="Mail down", caller=caller, service=service)

    outcome = deliver_batch([n.pk for n in outbox()])
    listener.settimeout(0.2)
    attempts = 0
    with contextlib.suppress(TimeoutError):
        while True:
            listener.accept()[0].close()
            attempts += 1
    listener.close()
    assert attempts == 1
    mails = [n for n in outbox() if n.channel == Channel.EMAIL]
    assert [outcome[n.pk] for n in mails] == ["retry"] * 3
    assert all(n.status == DeliveryStatus.PENDING and n.attempts == 1 for n in mails)
    assert all(n.last_error and n.next_attempt_at > n.created_at for n in mails)
    # The webhook in the same batch went out regardless.
    [hook] = [n for n in outbox() if n.channel == Channel.WEBHOOK]
    assert hook.status == DeliveryStatus.DELIVERED
