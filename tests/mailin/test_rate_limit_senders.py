"""The rate limit holds whatever form of the address a sender writes from, and an unknown
sender refused by MAIL_UNKNOWN_SENDERS = "refuse" is answered at most once an hour."""

import pytest
from django.core import mail

from incidents.models import Incident
from mailin.models import InboundMail, MailStatus
from tests.mailin.mails import build, sent_to

pytestmark = pytest.mark.django_db


def test_plus_addresses_case_and_display_names_are_one_sender(receive, settings):
    settings.MAIL_RATE_LIMIT_PER_HOUR = 2
    forms = [
        "Mallory <mallory@evil.example>",
        "mallory+1@evil.example",
        "Someone Else <MALLORY+2@Evil.Example>",
        "mallory+three@evil.example",
    ]
    got = [receive(build(frm=frm, subject=f"Report {n}")) for n, frm in enumerate(forms)]

    assert [mail.status for mail in got] == [
        MailStatus.PROCESSED,
        MailStatus.PROCESSED,
        MailStatus.REJECTED,
        MailStatus.REJECTED,
    ]
    assert got[2].reason.startswith("Rate limit: mallory+2@evil.example opened 2 incidents")
    assert Incident.objects.count() == 2
    # Another mailbox at the same domain is its own sender.
    assert receive(build(frm="mal@evil.example")).status == MailStatus.PROCESSED


def test_a_refused_sender_is_answered_once_an_hour(receive, settings):
    """A forged From would have us mail a victim once per mail; an auto-responder that
    ignores our Auto-Submitted would answer each answer, for ever."""
    settings.MAIL_UNKNOWN_SENDERS = "refuse"
    got = [
        receive(build(frm=frm, subject=f"Report {n}"))
        for n, frm in enumerate(
            ["victim@example.org", "Victim@Example.org", "victim+x@example.org"]
        )
    ]

    assert [mail.status for mail in got] == [MailStatus.REJECTED] * 3
    assert [mail.replied for mail in got] == [True, False, False]
    assert got[1].reason == (
        "Unknown sender: MAIL_UNKNOWN_SENDERS is refuse; "
        "not answered: this address was answered within the hour"
    )
    assert len(sent_to("victim@example.org")) == 1
    assert len(mail.outbox) == 1
    assert InboundMail.objects.count() == 3


def test_the_refusal_carries_nothing_of_the_senders(receive, settings):
    """The From may be forged: a stranger's subject must not reach its owner from our
    server (backscatter spam)."""
    settings.MAIL_UNKNOWN_SENDERS = "refuse"
    receive(build(frm="victim@example.org", subject="CHEAP PILLS at pills.example"))

    (refusal,) = sent_to("victim@example.org")
    assert refusal.subject == "Your mail to the service desk was not recorded"
    assert "pills" not in refusal.body.lower()
