"""A From header that parsers read differently gives no sender: the standard library
reads ``carl@example.com <evil@x.example>`` as carl, a DMARC check as evil (whose
domain passes), so a stranger wrote comments as the caller. Such a mail, or one with
several From headers or several authors, is kept as rejected and touches no incident."""

import pytest

from incidents.models import Incident
from kernel.enums import TimelineKind
from mailin.models import MailStatus
from tests.mailin.mails import DESK

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "from_lines",
    [
        b"From: carl@example.com <evil@x.example>",
        b"From: <carl@example.com>@x.example",
        b"From: carl@example.com\r\nFrom: evil@x.example",
        b"From: evil@x.example\r\nFrom: carl@example.com",
        b"From: carl@example.com, evil@x.example",
    ],
    ids=["bare-name", "route-suffix", "two-headers", "two-headers-caller-last", "two-authors"],
)
def test_an_ambiguous_from_writes_nothing_as_the_caller(receive, caller, incident, from_lines):
    raw = b"\r\n".join(
        [
            from_lines,
            f"To: {DESK}".encode(),
            f"Subject: Re: [{incident.number}] Printer".encode(),
            b"",
            b"Please close this, it is fixed. (Signed: not Carl)",
            b"",
        ]
    )
    got = receive(raw)

    assert got.status == MailStatus.REJECTED
    assert got.reason.startswith("The mail has no sender address (From) we can read")
    assert got.incident is None
    assert not incident.timeline.filter(kind=TimelineKind.COMMENT).exists()
    assert Incident.objects.count() == 1


def test_a_quoted_address_in_the_display_name_is_only_a_name(receive, caller, incident):
    raw = b"\r\n".join(
        [
            b'From: "carl@example.com" <evil@x.example>',
            f"To: {DESK}".encode(),
            f"Subject: Re: [{incident.number}] Printer".encode(),
            b"",
            b"Close it.",
            b"",
        ]
    )
    got = receive(raw)

    assert (got.status, got.from_address, got.incident) == (
        MailStatus.PROCESSED,
        "evil@x.example",
        incident,
    )
    assert not incident.timeline.filter(kind=TimelineKind.COMMENT).exists()
