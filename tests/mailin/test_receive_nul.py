"""A NUL character in a header (raw, or hidden in an encoded word) reaches no query:
PostgreSQL refuses NUL in text, so such a mail raised in ``mail_receive`` and was never
stored (the poller left it in the mailbox for ever, the gateway answered 451 for ever)."""

import pytest

from accounts.models import User
from incidents.models import Incident
from mailin.models import InboundMail, MailStatus, Outcome

pytestmark = pytest.mark.django_db


def _mail(*headers: bytes, body: bytes = b"It says PC LOAD LETTER.") -> bytes:
    return b"\r\n".join([b"To: desk@example.com", *headers, b"", body, b""])


@pytest.mark.parametrize(
    "headers",
    [
        (b"From: carl@example.com", b"Subject: Printer\x00 jammed", b"Message-ID: <n1@x.example>"),
        (b"From: carl@example.com", b"Subject: =?utf-8?b?UHJpbnRlcgAgamFtbWVk?="),
        (b"From: carl@example.com", b"Subject: Printer jammed", b"Message-ID: <n\x003@x.example>"),
    ],
    ids=["subject", "encoded-subject", "message-id"],
)
def test_a_nul_in_a_header_is_dropped_and_the_mail_becomes_an_incident(receive, caller, headers):
    got = receive(_mail(*headers))

    assert (got.status, got.outcome) == (MailStatus.PROCESSED, Outcome.CREATED)
    assert got.incident is not None
    assert got.incident.title == "Printer jammed"
    assert got.incident.caller == caller


def test_a_reply_whose_references_hold_a_nul_still_threads(receive, caller, incident):
    got = receive(
        _mail(
            b"From: carl@example.com",
            f"Subject: Re: [{incident.number}] Printer".encode(),
            b"References: <a\x00b@x.example>",
            body=b"Still jammed.",
        )
    )

    assert (got.status, got.outcome, got.incident) == (
        MailStatus.PROCESSED,
        Outcome.COMMENT,
        incident,
    )


def test_a_newcomer_whose_name_holds_a_nul_gets_an_account(receive):
    got = receive(_mail(b"From: =?utf-8?b?Qm9iAEJ5IEJ1aWxkZXI=?= <bob@example.org>"))

    assert (got.status, got.outcome) == (MailStatus.PROCESSED, Outcome.CREATED)
    bob = User.objects.get(email="bob@example.org")
    assert (bob.first_name, bob.last_name) == ("BobBy", "Builder")
    assert Incident.objects.get().caller == bob
    assert InboundMail.objects.count() == 1


def test_a_sender_address_longer_than_any_mailbox_is_rejected_not_failed(receive):
    """It failed on User.email's 254 characters, and every retry failed again."""
    got = receive(_mail(b"From: " + b"a" * 300 + b"@example.org", b"Subject: Hello"))

    assert got.status == MailStatus.REJECTED
    assert got.reason.startswith("The mail has no sender address (From) we can read")
    assert Incident.objects.count() == 0
