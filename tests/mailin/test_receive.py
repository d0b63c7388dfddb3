"""One mail, one record: the same mail fetched twice, re-sent with other bytes, or
delivered by both routes at the same moment is stored and processed once; a mail that
cannot be processed is kept as failed, with the error, and can be retried."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.models import User
from incidents.models import Incident
from kernel.enums import TimelineKind
from mailin.models import InboundMail, MailStatus, Outcome, Via
from mailin.process import NotRetryable, mail_retry
from mailin.receive import mail_receive
from tests.mailin.mails import build, sent_to


@pytest.mark.django_db
def test_the_same_mail_twice_is_one_record(receive, caller):
    raw = build(message_id="<once@client.example.net>")
    first, second = receive(raw), receive(raw, via=Via.LMTP)
    assert first.pk == second.pk and second.via == Via.IMAP
    assert Incident.objects.count() == 1
    assert len(sent_to("carl@example.com")) == 1


@pytest.mark.django_db
def test_the_same_message_id_with_other_bytes_is_one_record(receive, caller):
    receive(build(message_id="<once@client.example.net>", body="first copy"))
    again = receive(build(message_id="<once@client.example.net>", body="relayed copy, rewrapped"))
    assert InboundMail.objects.count() == 1 and Incident.objects.count() == 1
    assert Incident.objects.get().description == "first copy"
    assert again.status == MailStatus.PROCESSED


@pytest.mark.django_db
def test_without_a_message_id_the_bytes_decide(receive, caller):
    raw = build(message_id=None, subject="No id")
    receive(raw)
    receive(raw)
    assert InboundMail.objects.count() == 1
    receive(build(message_id=None, subject="No id, other mail"))
    assert InboundMail.objects.count() == 2 and Incident.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_both_routes_at_once_make_one_record(caller):
    """Committed transactions in two threads (two connections), as the poller and the
    gateway run: the unique key takes one row, the row lock one processing."""
    for round_ in range(3):
        raw = build(message_id=f"<race-{round_}@client.example.net>", subject=f"Race {round_}")
        barrier = threading.Barrier(4)
        results: list[InboundMail] = []

        def deliver(
            via: str,
            raw: bytes = raw,
            barrier: threading.Barrier = barrier,
            results: list[InboundMail] = results,
        ) -> None:
            try:
                barrier.wait()
                results.append(mail_receive(raw, via=via))
            finally:
                connection.close()

        threads = [
            threading.Thread(target=deliver, args=(via,))
            for via in (Via.IMAP, Via.LMTP, Via.IMAP, Via.LMTP)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len({row.pk for row in results}) == 1
        assert {row.status for row in results} == {MailStatus.PROCESSED}
    assert InboundMail.objects.count() == 3
    assert Incident.objects.count() == 3


@pytest.fixture
def half_agent(db: None) -> User:
    """Staff who may see incidents but not work them: the workflow refuses their comment."""
    user = User.objects.create_user("hal", email="hal@example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_incident"))
    return User.objects.get(pk=user.pk)  # no cached permissions


@pytest.mark.django_db
def test_a_mail_the_workflow_refuses_is_kept_as_failed_and_retried(receive, incident, half_agent):
    raw = build(frm="hal@example.com", subject=f"[{incident.number}] on it", body="Looking")
    failed = receive(raw)
    assert failed.status == MailStatus.FAILED
    assert failed.reason.startswith("MoveForbidden:")
    assert not incident.timeline.filter(kind=TimelineKind.COMMENT).exists()
    assert incident.attachments.count() == 0  # rolled back with the rest

    half_agent.user_permissions.add(Permission.objects.get(codename="change_incident"))
    retried = mail_retry(failed, by=half_agent)
    assert (retried.status, retried.outcome, retried.via) == (
        MailStatus.PROCESSED,
        Outcome.COMMENT,
        Via.RETRY,
    )
    assert retried.attempts == 2
    assert incident.timeline.get(kind=TimelineKind.COMMENT).body == "Looking"
    with pytest.raises(NotRetryable):
        mail_retry(retried, by=half_agent)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        b"To: desk@example.com\r\nSubject: who am I\r\nMessage-ID: <a@x>\r\n\r\nNo sender\r\n",
        b"From: <<<@>>>\r\nTo: desk@example.com\r\nSubject: bad\r\nMessage-ID: <b@x>\r\n\r\nx\r\n",
        b"From: nobody\r\nTo: desk@example.com\r\nSubject: local\r\nMessage-ID: <c@x>\r\n\r\nx\r\n",
    ],
    ids=["no-from", "garbage-from", "no-domain"],
)
def test_a_mail_without_a_readable_sender_is_kept_as_rejected(receive, raw):
    inbound = receive(raw)
    assert inbound.status == MailStatus.REJECTED
    assert "no sender address" in inbound.reason
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_subject_in_an_unknown_charset_is_still_read(receive, caller):
    raw = (
        b"From: Carl <carl@example.com>\r\nTo: desk@example.com\r\n"
        b"Subject: =?x-klingon?q?Qapla=27?= printer\r\nMessage-ID: <k@x>\r\n\r\nJammed\r\n"
    )
    inbound = receive(raw)
    assert inbound.status == MailStatus.PROCESSED
    assert "printer" in Incident.objects.get().title


def test_a_message_id_refolded_or_recased_on_the_way_is_one_record(receive, caller):
    first = receive(build(message_id="<Ab12.Cd@Client.Example.NET>"))
    again = [
        receive(build(message_id=mid, body="Relayed."))
        for mid in ("<ab12.cd@client.example.net>", "< Ab12.Cd@Client.Example.NET >")
    ]

    assert [mail.pk for mail in again] == [first.pk, first.pk]
    assert InboundMail.objects.count() == 1
    assert Incident.objects.count() == 1


def test_a_reply_quoting_an_earlier_mails_message_id_in_another_case_threads(receive, caller):
    """References copied by a client or a gateway that re-cased them still name the mail
    that opened the incident."""
    first = receive(build(message_id="<Orig.77@Client.Example.NET>"))
    reply = receive(
        build(subject="Re: what I sent", body="More.", References="<orig.77@client.example.net>")
    )

    assert (reply.outcome, reply.incident) == (Outcome.COMMENT, first.incident)
    assert Incident.objects.count() == 1
