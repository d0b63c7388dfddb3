"""The desk's addresses, delivery into Django's outbox, and ``receive(raw)``: a mail handed
to the one way in (``mail_receive``) with what its commit sends. For the routes mail comes
in by: a real IMAP server (dovecot), and the test database's URL for the pollers and
gateways started as processes of their own."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from mailin.models import InboundMail, Via
from mailin.receive import mail_receive
from servicedesk.celery import app
from tests.mailin.dovecot import Dovecot, running_dovecot
from tests.mailin.mails import DESK


@pytest.fixture(autouse=True)
def desk(settings: Any) -> Iterator[None]:
    """Our addresses, and delivery at once into ``mail.outbox`` (no broker)."""
    settings.NOTIFICATIONS_REPLY_TO = DESK
    settings.DEFAULT_FROM_EMAIL = "servicedesk@example.com"
    settings.SERVER_EMAIL = "servicedesk@example.com"
    settings.MAIL_UNKNOWN_SENDERS = "create"
    settings.MAIL_RATE_LIMIT_PER_HOUR = 20
    was = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def receive(
    db: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., InboundMail]:
    """``receive(raw)``: the mail through ``mail_receive``, with what its commit sends."""

    def run(raw: bytes, via: str = Via.IMAP) -> InboundMail:
        with django_capture_on_commit_callbacks(execute=True):
            return mail_receive(raw, via=via)

    return run


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """The test database, for a process of its own (only transactional tests commit what
    another process can see)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
