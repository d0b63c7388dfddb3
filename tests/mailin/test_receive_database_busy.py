"""When the database, not the mail, fails while a mail is processed (a lock that does not
come, a lost connection), ``mail_receive`` raises and the mail stays *received*: the
poller leaves it in the mailbox, the gateway answers 451, and the next delivery
processes it. It used to be recorded as *failed*, for an agent to find and retry."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections

from incidents.models import Incident
from kernel.enums import TimelineKind
from mailin.models import InboundMail, MailStatus, Outcome, Via
from mailin.process import mail_retry
from mailin.receive import mail_receive
from tests.mailin.mails import build


@contextmanager
def incident_locked(incident: Incident) -> Iterator[None]:
    """Another connection (an agent saving the incident) holds its row, and this one
    waits at most 300 ms for a lock."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM incidents_incident WHERE id = %s FOR UPDATE", [incident.pk]
                )
                locked.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        yield
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


@pytest.mark.django_db(transaction=True)
def test_a_mail_the_database_could_not_process_is_processed_on_the_next_delivery(caller, incident):
    raw = build(subject=f"Re: [{incident.number}] Printer", body="Still jammed.")
    with incident_locked(incident), pytest.raises(OperationalError):
        mail_receive(raw, via=Via.LMTP)
    assert InboundMail.objects.get().status == MailStatus.RECEIVED

    again = mail_receive(raw, via=Via.IMAP)

    assert (again.status, again.outcome) == (MailStatus.PROCESSED, Outcome.COMMENT)
    assert InboundMail.objects.count() == 1
    assert incident.timeline.filter(kind=TimelineKind.COMMENT).count() == 1
    assert Incident.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_the_database_could_not_process_is_failed_again_not_left_received(
    caller, incident, agent
):
    raw = build(subject=f"Re: [{incident.number}] Printer", body="Still jammed.")
    first = mail_receive(raw, via=Via.IMAP)
    InboundMail.objects.filter(pk=first.pk).update(status=MailStatus.FAILED)
    with incident_locked(incident):
        after = mail_retry(first, by=agent)

    assert after.status == MailStatus.FAILED
    assert after.reason.startswith("OperationalError")
    assert mail_retry(after, by=agent).status == MailStatus.PROCESSED
