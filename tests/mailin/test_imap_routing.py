"""Must-show 1: 200 mails in a real dovecot mailbox, polled through ``mailin.imap`` — new
reports, replies by plus-address, by References only, by an ``[INC…]`` subject tag, an
agent's replies and a stranger's — become exactly the expected incidents, comments and
work notes. Polling again, even with every mail put back in the inbox, changes nothing."""

import pytest

from accounts.models import User
from incidents.models import Incident, IncidentTimelineEntry, Source
from kernel.enums import TimelineKind
from mailin.imap import Mailbox, mailbox_poll
from mailin.models import InboundMail, MailStatus
from tests.mailin.dovecot import Dovecot, make_mail

pytestmark = pytest.mark.django_db(transaction=True)

REPORTS = 80
CALLERS = 10  # eight new reports each: under the default rate limit per sender
DESK = "desk@example.com"


def report_id(n: int) -> str:
    return f"<report-{n}@client.example>"


def caller_of(n: int) -> str:
    return f"reporter{n % CALLERS}@example.com"


def plus(number: str) -> str:
    return f"desk+{number}@example.com"


def entries(kind: str) -> list[tuple[str, str, str]]:
    """(incident title, author's email or "", body) of every entry of ``kind``."""
    rows = IncidentTimelineEntry.objects.filter(kind=kind).select_related("ticket", "author")
    return sorted(
        (row.ticket.title, row.author.email if row.author else "", row.body) for row in rows
    )


def snapshot() -> tuple[int, list, list]:
    return (
        Incident.objects.count(),
        entries(TimelineKind.COMMENT),
        entries(TimelineKind.WORK_NOTE),
    )


def test_two_hundred_mails_become_exactly_the_expected_records(
    dovecot: Dovecot, settings, agent: User, stranger: User
) -> None:
    settings.NOTIFICATIONS_REPLY_TO = DESK
    settings.MAIL_IMAP_URL = dovecot.url()
    mailbox = Mailbox.from_settings()
    for n in range(CALLERS):
        User.objects.create_user(f"reporter{n}", email=f"reporter{n}@example.com")

    # Round one: the new reports, then replies that say only which mail they answer
    # (References, no In-Reply-To, no tag, no plus-address), by the callers.
    first = [
        make_mail(
            subject=f"Report {n}",
            body=f"Report {n}: the printer on floor {n} is jammed.\n",
            sender=caller_of(n),
            message_id=report_id(n),
        )
        for n in range(REPORTS)
    ] + [
        make_mail(
            subject=f"Re: Report {n}",
            body=f"By references {n}: it still is.\n",
            sender=caller_of(n),
            References=report_id(n),
        )
        for n in range(40)
    ]
    dovecot.append(*first)
    assert mailbox_poll(mailbox).received == len(first)
    numbers = dict(
        InboundMail.objects.filter(message_id__in=[report_id(n) for n in range(REPORTS)])
        .values_list("message_id", "incident__number")
        .order_by()
    )
    assert len(numbers) == REPORTS and None not in numbers.values()

    # Round two: replies that need the incident's number, the agent's and a stranger's.
    second = (
        [
            make_mail(
                subject=f"Re: Report {n}",
                body=f"By plus-address {n}.\n",
                sender=caller_of(n),
                to=plus(numbers[report_id(n)]),
            )
            for n in range(40, 80)
        ]
        + [
            make_mail(
                subject=f"Re: [{numbers[report_id(n)]}] Report {n}",
                body=f"By subject tag {n}.\n",
                sender=caller_of(n),
            )
            for n in range(30)
        ]
        + [
            make_mail(
                subject=f"Re: Report {n}",
                body=f"Agent here, on {n}.\n",
                sender=agent.email,
                to=plus(numbers[report_id(n)]),
            )
            for n in range(30, 35)
        ]
        + [
            make_mail(
                subject=f"Re: Report {n}",
                body=f"Stranger on {n}.\n",
                sender=stranger.email,
                In_Reply_To=report_id(n),
                References=report_id(n),
            )
            for n in range(35, 40)
        ]
    )
    assert len(first) + len(second) == 200
    dovecot.append(*second)
    assert mailbox_poll(mailbox).received == len(second)

    assert dovecot.count("INBOX") == 0
    assert InboundMail.objects.count() == 200
    assert not InboundMail.objects.exclude(status=MailStatus.PROCESSED).exists()

    # 80 incidents, one per report, each with its caller.
    incidents = Incident.objects.filter(source=Source.EMAIL).select_related("caller")
    assert sorted((i.title, i.caller.email) for i in incidents) == sorted(
        (f"Report {n}", caller_of(n)) for n in range(REPORTS)
    )
    assert Incident.objects.count() == REPORTS

    # Comments: the callers' (references, plus-address, tag) and the agent's; the
    # stranger's mails are work notes by no one, marked with the address.
    comments = [(title, author, body.strip()) for title, author, body in snapshot()[1]]
    assert comments == sorted(
        [(f"Report {n}", caller_of(n), f"By references {n}: it still is.") for n in range(40)]
        + [(f"Report {n}", caller_of(n), f"By plus-address {n}.") for n in range(40, 80)]
        + [(f"Report {n}", caller_of(n), f"By subject tag {n}.") for n in range(30)]
        + [(f"Report {n}", agent.email, f"Agent here, on {n}.") for n in range(30, 35)]
    )
    notes = snapshot()[2]
    assert [(title, author) for title, author, _ in notes] == [
        (f"Report {n}", "") for n in range(35, 40)
    ]
    for (_, _, body), n in zip(notes, range(35, 40), strict=True):
        assert body.startswith(f"From {stranger.email}:")
        assert f"Stranger on {n}." in body

    # A second poll changes nothing; nor does every mail put back in the inbox (a
    # restored mailbox, a client that re-uploaded the folder).
    before = snapshot()
    assert mailbox_poll(mailbox).received == 0
    with dovecot.client("Processed") as box:
        box.move(box.uids("ALL"), "INBOX")
    assert mailbox_poll(mailbox).received == 200
    assert snapshot() == before
    assert InboundMail.objects.count() == 200
