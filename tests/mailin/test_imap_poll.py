"""The IMAP route against a real dovecot: every message is stored once and moved to the
processed folder only after its row committed; a database error leaves it in the inbox; a
mail too big is set aside unread; one poller at a time; a bounded number per poll."""

from io import StringIO

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from mailin.imap import Mailbox, _file_lock, mailbox_poll
from mailin.models import InboundMail, MailStatus, Via
from servicedesk.celery import app, schedule_from_settings
from tests.mailin.dovecot import Dovecot, make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(dovecot: Dovecot, settings) -> Mailbox:
    settings.MAIL_IMAP_URL = dovecot.url()
    settings.NOTIFICATIONS_REPLY_TO = "desk@example.com"
    return Mailbox.from_settings()


def refuse_the_second_of_three(dovecot: Dovecot, errcode: str) -> None:
    """Three mails in the inbox; PostgreSQL refuses to store the second (a trigger raising
    ``errcode``, e.g. "USING ERRCODE = 'disk_full'")."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE FUNCTION refuse_mail() RETURNS trigger AS $$
            BEGIN
                IF NEW.message_id LIKE '%%refused%%' THEN
                    RAISE EXCEPTION 'the database refused the mail' {errcode};
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_mail BEFORE INSERT ON mailin_inboundmail
                FOR EACH ROW EXECUTE FUNCTION refuse_mail();
            """
        )
    dovecot.append(
        make_mail(subject="First", message_id="<first@client.example>"),
        make_mail(subject="Refused", message_id="<refused@client.example>"),
        make_mail(subject="Third", message_id="<third@client.example>"),
    )


def stored_bytes() -> list[bytes]:
    rows = InboundMail.objects.order_by("pk")
    return [row.raw.open("rb").read() for row in rows]


def test_each_mail_is_stored_once_then_moved_and_a_second_poll_changes_nothing(
    dovecot: Dovecot, mailbox: Mailbox
) -> None:
    mails = [make_mail(subject=f"Printer {n} is jammed") for n in range(7)]
    dovecot.append(*mails)

    poll = mailbox_poll(mailbox, batch=3)

    assert (poll.received, poll.set_aside, poll.left) == (7, 0, 0)
    assert dovecot.count("INBOX") == 0
    assert dovecot.count("Processed") == 7
    # The bytes as sent, in the order they arrived, each through the IMAP route.
    assert stored_bytes() == mails
    assert set(InboundMail.objects.values_list("via", flat=True)) == {Via.IMAP}

    again = mailbox_poll(mailbox)
    assert (again.received, again.left) == (0, 0)
    assert InboundMail.objects.count() == 7

    # The same mail in the inbox again (a client re-uploaded it, a move that did not
    # happen): moved again, still one record.
    dovecot.append(mails[3])
    assert mailbox_poll(mailbox).received == 1
    assert InboundMail.objects.count() == 7
    assert dovecot.count("INBOX") == 0


def test_a_database_error_leaves_the_mail_in_the_inbox_for_the_next_poll(
    dovecot: Dovecot, mailbox: Mailbox
) -> None:
    # A real PostgreSQL error on storing one mail: the server's disk is full.
    refuse_the_second_of_three(dovecot, "USING ERRCODE = 'disk_full'")

    poll = mailbox_poll(mailbox)

    # The first is stored and moved; the poll stops at the refused one: it and the rest
    # wait in the inbox.
    assert poll.received == 1
    assert "the database refused the mail" in poll.error
    assert dovecot.count("INBOX") == 2
    assert dovecot.count("Processed") == 1
    assert list(InboundMail.objects.values_list("message_id", flat=True)) == [
        "<first@client.example>"
    ]
    with pytest.raises(CommandError, match=r"could not be stored.*the database refused"):
        call_command("fetch_mail", stdout=StringIO())
    assert dovecot.count("INBOX") == 2

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_mail ON mailin_inboundmail")

    assert mailbox_poll(mailbox).received == 2
    assert dovecot.count("INBOX") == 0
    assert sorted(InboundMail.objects.values_list("message_id", flat=True)) == [
        "<first@client.example>",
        "<refused@client.example>",
        "<third@client.example>",
    ]


def test_a_mail_the_disk_cannot_take_stays_in_the_inbox(
    dovecot: Dovecot, mailbox: Mailbox, settings, tmp_path
) -> None:
    media = settings.MEDIA_ROOT
    (tmp_path / "full").write_text("")
    settings.MEDIA_ROOT = str(tmp_path / "full" / "media")  # not a directory: OSError
    dovecot.append(make_mail(subject="Kept", message_id="<kept@client.example>"))

    poll = mailbox_poll(mailbox)

    assert (poll.received, poll.left) == (0, 1)
    assert poll.error
    assert not InboundMail.objects.exists()

    settings.MEDIA_ROOT = media
    assert mailbox_poll(mailbox).received == 1
    assert InboundMail.objects.get().message_id == "<kept@client.example>"


def test_a_mail_over_the_size_limit_is_set_aside_unread_and_logged(
    dovecot: Dovecot, mailbox: Mailbox, settings
) -> None:
    settings.MAIL_MAX_BYTES = 4000
    dovecot.append(
        make_mail(subject="Small", message_id="<small@client.example>"),
        make_mail(subject="Big", body="x" * 5000 + "\n", message_id="<big@client.example>"),
    )

    poll = mailbox_poll(mailbox)

    assert (poll.received, poll.set_aside, poll.left) == (1, 1, 0)
    assert dovecot.count("Failed") == 1
    big = InboundMail.objects.get(message_id="<big@client.example>")
    # In the log, with who sent what and where the whole mail waits; not retried (only
    # its headers are here), and a second poll after it is moved back records it once.
    assert (big.status, big.subject, big.complete, big.may_retry) == (
        MailStatus.REJECTED,
        "Big",
        False,
        False,
    )
    assert "MAIL_MAX_BYTES" in big.reason
    assert "'Failed' folder" in big.reason
    assert b"x" * 100 not in big.raw.read()
    assert big.incident is None
    assert InboundMail.objects.get(message_id="<small@client.example>").incident is not None


def test_one_poller_at_a_time(dovecot: Dovecot, mailbox: Mailbox) -> None:
    dovecot.append(make_mail(subject="Waiting"))
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    try:
        # Another poller (another process, another host) is reading this mailbox.
        other.execute("SELECT pg_advisory_lock(%s)", [mailbox.lock_key])
        poll = mailbox_poll(mailbox)
        assert not poll.locked
        assert dovecot.count("INBOX") == 1
        out = StringIO()
        call_command("fetch_mail", stdout=out)
        assert "Another poller" in out.getvalue()
        assert InboundMail.objects.count() == 0
        # The other poller is done. Unlocked before closing: a closed session's backend
        # can hold its locks a moment longer while it exits, and the next poll would
        # find the mailbox still taken (seen once under load).
        other.execute("SELECT pg_advisory_unlock(%s)", [mailbox.lock_key])
    finally:
        other.close()

    assert mailbox_poll(mailbox).received == 1


def test_a_poll_takes_at_most_its_limit(dovecot: Dovecot, mailbox: Mailbox) -> None:
    dovecot.append(*(make_mail(subject=f"Report {n}") for n in range(5)))

    out = StringIO()
    call_command("fetch_mail", limit=3, batch=2, stdout=out)

    assert out.getvalue().strip() == "3 received, 0 set aside, 2 left in the inbox"
    assert InboundMail.objects.count() == 3
    assert mailbox_poll(mailbox).received == 2


def test_beat_polls_the_configured_mailbox(dovecot: Dovecot, mailbox: Mailbox, settings) -> None:
    dovecot.append(make_mail(subject="Through beat"))
    schedule_from_settings(app)
    # The schedule is the process's: the other tests' run_periodic must not poll.
    entry = app.conf.beat_schedule.pop("fetch-mail")
    assert entry["task"] == "mailin.tasks.fetch_mail"
    assert entry["schedule"] == settings.MAIL_IMAP_POLL_INTERVAL
    app.loader.import_default_modules()  # as run_periodic does: autodiscovery is lazy

    assert app.tasks[entry["task"]].apply().get() == 1
    assert InboundMail.objects.get().via == Via.IMAP


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("imap://desk:pw@mail.example.com/INBOX", True),
        ("imap://desk:pw@127.0.0.1:1143/INBOX", False),
        ("imaps://desk:pw@mail.example.com/INBOX", False),
        ("imap+starttls://desk:pw@mail.example.com/INBOX", False),
        ("pop3://desk:pw@mail.example.com/", True),
    ],
)
def test_mail_and_passwords_cross_a_network_only_encrypted(url: str, refused: bool) -> None:
    if refused:
        with pytest.raises(ImproperlyConfigured):
            Mailbox.from_url(url)
    else:
        assert Mailbox.from_url(url).host in url


def test_without_postgresql_one_poller_at_a_time_by_a_lock_file(settings, tmp_path) -> None:
    """``make run`` on SQLite: the mailbox's lock is a file under var/."""
    settings.VAR_DIR = tmp_path
    mailbox = Mailbox.from_url("imap://desk:pw@127.0.0.1/INBOX")
    with _file_lock(mailbox) as first, _file_lock(mailbox) as second:
        assert (first, second) == (True, False)
    with _file_lock(mailbox) as again:
        assert again


def test_fetch_mail_says_what_is_wrong_with_the_mailbox(dovecot: Dovecot, settings) -> None:
    settings.MAIL_IMAP_URL = ""
    with pytest.raises(CommandError, match="Set MAIL_IMAP_URL"):
        call_command("fetch_mail", stdout=StringIO())
    settings.MAIL_IMAP_URL = dovecot.url().replace("desk-secret", "wrong")
    with pytest.raises(CommandError, match="The mailbox cannot be read"):
        call_command("fetch_mail", stdout=StringIO())
    dovecot.stop()
    settings.MAIL_IMAP_URL = dovecot.url()
    with pytest.raises(CommandError, match="The mailbox cannot be read"):
        call_command("fetch_mail", stdout=StringIO())


def test_an_error_of_one_mails_own_sets_it_aside_and_the_poll_goes_on(
    dovecot: Dovecot, mailbox: Mailbox
) -> None:
    # The database refuses this one row (a bug, a value it cannot hold), not every row:
    # stopping at it would block the inbox at this message for good.
    refuse_the_second_of_three(dovecot, "")

    poll = mailbox_poll(mailbox)

    assert (poll.received, poll.set_aside, poll.left) == (2, 1, 0)
    assert (dovecot.count("Processed"), dovecot.count("Failed")) == (2, 1)
    assert sorted(InboundMail.objects.values_list("message_id", flat=True)) == [
        "<first@client.example>",
        "<third@client.example>",
    ]
