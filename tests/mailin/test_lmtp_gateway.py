"""Must-show 2: the LMTP route, ``manage.py mail_gateway`` run as its own process against
the test database, spoken to by Python's ``smtplib.LMTP`` as a mail server would. A mail is
accepted (250) only once stored; the same mail by both routes is one record; recipients
that are not the desk's are refused; LMTP answers once per recipient; a mail too big is
refused (552) and one the database cannot take is deferred (451), not lost."""

import smtplib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from incidents.models import Incident
from mailin.imap import Mailbox, mailbox_poll
from mailin.models import DeskAddress, InboundMail, Via
from tests.mailin.dovecot import Dovecot, make_mail
from tests.notifications.harness import Process, spawn, wait_until, worker_env
from tests.services import free_port

pytestmark = pytest.mark.django_db(transaction=True)

DESK = "desk@example.com"


def start_gateway(database_url: str, tmp_path: Path, *args: str) -> tuple[Process, int]:
    port = free_port()
    env = worker_env(
        database_url,
        # No broker: the acknowledgements are sent in the process, into files under
        # tmp_path, not left queued for another test's worker.
        "",
        tmp_path / "mail",
        NOTIFICATIONS_REPLY_TO=DESK,
        MAIL_MAX_BYTES="20000",
    )
    process = spawn(
        [sys.executable, "manage.py", "mail_gateway", "--port", str(port), *args],
        env=env,
        log=tmp_path / "gateway.log",
    )

    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    if not wait_until(listening, timeout=30):
        process.kill()
        pytest.fail(f"the gateway did not start:\n{process.output()}")
    return process, port


@pytest.fixture
def gateway(database_url: str, tmp_path: Path) -> Iterator[int]:
    process, port = start_gateway(database_url, tmp_path)
    yield port
    process.kill()


def lmtp(port: int) -> smtplib.LMTP:
    client = smtplib.LMTP("127.0.0.1", port, timeout=30)
    client.ehlo()  # smtplib.LMTP sends LHLO
    return client


def test_a_mail_is_accepted_once_stored_and_the_imap_copy_is_the_same_record(
    gateway: int, dovecot: Dovecot, settings
) -> None:
    raw = make_mail(subject="VPN down", message_id="<vpn@client.example>")
    with lmtp(gateway) as client:
        refused = client.sendmail("carl@example.com", [DESK], raw)
    assert refused == {}

    # 250 came after the commit: the row is there the moment the client has its answer.
    inbound = InboundMail.objects.get()
    assert inbound.via == Via.LMTP
    assert inbound.message_id == "<vpn@client.example>"
    # What a final delivery adds (the envelope), then the mail as sent.
    stored = inbound.raw.open("rb").read()
    envelope = b"Return-Path: <carl@example.com>\r\nDelivered-To: desk@example.com\r\n"
    assert stored == envelope + raw

    # The same mail also lands in the IMAP mailbox (a copy kept by the mail server).
    settings.MAIL_IMAP_URL = dovecot.url()
    dovecot.append(raw)
    assert mailbox_poll(Mailbox.from_settings()).received == 1
    assert InboundMail.objects.count() == 1
    assert dovecot.count("Processed") == 1

    # And again by LMTP (a mail server retrying after a lost answer): still accepted, one.
    with lmtp(gateway) as client:
        assert client.sendmail("carl@example.com", [DESK], raw) == {}
    assert InboundMail.objects.count() == 1
    assert list(Incident.objects.values_list("title", flat=True)) == ["VPN down"]


def test_only_desk_addresses_are_taken_and_each_recipient_gets_its_answer(gateway: int) -> None:
    raw = make_mail(subject="Two ways", message_id="<two@client.example>")
    with lmtp(gateway) as client:
        assert client.mail("carl@example.com")[0] == 250
        assert client.rcpt("someone@example.com")[0] == 550
        assert client.rcpt("desk@other.example")[0] == 550
        assert client.rcpt(DESK)[0] == 250
        assert client.rcpt("Desk+INC0000042@example.com")[0] == 250
        # RFC 2033: one answer per accepted recipient, after the data. smtplib reads the
        # first; the second is read by hand.
        first = client.data(raw)
        second = client.getreply()
    assert (first[0], second[0]) == (250, 250)
    inbound = InboundMail.objects.get()
    stored = inbound.raw.open("rb").read()
    assert b"Delivered-To: Desk+INC0000042@example.com\r\n" in stored
    assert b"someone@example.com" not in stored


def test_the_configured_desk_addresses_are_taken_while_active(gateway: int) -> None:
    DeskAddress.objects.create(address="payroll@example.com")
    DeskAddress.objects.create(address="old-desk@example.com", is_active=False)
    with lmtp(gateway) as client:
        client.mail("carl@example.com")
        assert client.rcpt("Payroll@example.com")[0] == 250
        assert client.rcpt("payroll+INC0000007@example.com")[0] == 250
        assert client.rcpt("old-desk@example.com")[0] == 550


def test_a_mail_to_nobody_of_ours_is_refused_whole(gateway: int) -> None:
    with lmtp(gateway) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("carl@example.com", ["postmaster@example.com"], make_mail(subject="x"))
    assert not InboundMail.objects.exists()


def test_a_mail_too_big_is_refused_to_every_recipient(gateway: int) -> None:
    big = make_mail(subject="Huge", body="x" * 30_000 + "\n")
    with lmtp(gateway) as client:
        # A server declaring the size is refused at once.
        with pytest.raises(smtplib.SMTPSenderRefused) as declared:
            client.sendmail("carl@example.com", [DESK], big)
        assert declared.value.smtp_code == 552
        client.rset()
        # One that does not finds out after the data, once per recipient.
        client.mail("carl@example.com")
        client.rcpt(DESK)
        client.rcpt("desk+INC0000001@example.com")
        first = client.data(big)
        second = client.getreply()
        assert (first[0], second[0]) == (552, 552)
        # The session goes on: the next mail is taken.
        assert client.sendmail("carl@example.com", [DESK], make_mail(subject="Small")) == {}
    assert InboundMail.objects.count() == 1


@pytest.fixture
def database_refuses_mail(transactional_db: None) -> Iterator[None]:
    """A real PostgreSQL error on storing a mail (as a failover or a full disk would be).
    Dropped at the end: a transactional test's flush keeps triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_mail() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'the database refused the mail'; END $$
            LANGUAGE plpgsql;
            CREATE TRIGGER refuse_mail BEFORE INSERT ON mailin_inboundmail
                FOR EACH ROW EXECUTE FUNCTION refuse_mail();
            """
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER IF EXISTS refuse_mail ON mailin_inboundmail;"
                "DROP FUNCTION IF EXISTS refuse_mail();"
            )


def test_a_database_error_defers_the_mail_and_the_retry_is_taken(
    gateway: int, database_refuses_mail: None
) -> None:
    raw = make_mail(subject="Later", message_id="<later@client.example>")
    with lmtp(gateway) as client, pytest.raises(smtplib.SMTPDataError) as deferred:
        client.sendmail("carl@example.com", [DESK], raw)
    assert deferred.value.smtp_code == 451  # the mail server keeps it and tries again
    assert not InboundMail.objects.exists()

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_mail ON mailin_inboundmail")
    with lmtp(gateway) as client:
        assert client.sendmail("carl@example.com", [DESK], raw) == {}
    assert InboundMail.objects.get().message_id == "<later@client.example>"


def test_the_gateway_speaks_smtp_when_asked(database_url: str, tmp_path: Path) -> None:
    process, port = start_gateway(database_url, tmp_path, "--protocol", "smtp")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            refused = client.sendmail("carl@example.com", [DESK], make_mail(subject="By SMTP"))
        assert refused == {}
        assert InboundMail.objects.get().via == Via.LMTP
    finally:
        process.kill()
